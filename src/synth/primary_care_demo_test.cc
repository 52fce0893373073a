// The demo's primary care files: the same arguments give the same bytes,
// every practice of the CCG gets a contract, and the files are accepted by
// the readers the demo loads them through.
#include "synth/primary_care_demo.h"

#include <gtest/gtest.h>

#include "primarycare/adjustments_file.h"
#include "primarycare/lists_file.h"
#include "refdata/refdata_for_tests.h"

namespace csu::synth {
namespace {

TEST(PrimaryCareDemo, DeterministicAndReadable) {
  const refdata::RefData& ref = refdata::TestRefData();
  const FinancialYear year = FinancialYear::Parse("2024/25").value();
  const PrimaryCareDemo a = GeneratePrimaryCareDemo(ref, {"00L"}, year, 1);
  const PrimaryCareDemo b = GeneratePrimaryCareDemo(ref, {"00L"}, year, 1);
  EXPECT_EQ(a.lists_csv, b.lists_csv);
  EXPECT_EQ(a.qof_indicators_csv, b.qof_indicators_csv);
  EXPECT_EQ(a.practices, 40);
  EXPECT_EQ(a.contracts.size(), 40u);
  auto lists = primarycare::ParseListFile("lists.csv", a.lists_csv);
  ASSERT_TRUE(lists.ok()) << lists.error().ToString();
  EXPECT_EQ(lists.value().rows.size(), 200u);  // five quarters each
  auto adj = primarycare::ParseAdjustmentFile("adjustments.csv", a.adjustments_csv);
  ASSERT_TRUE(adj.ok()) << adj.error().ToString();
  int apms = 0;
  for (const auto& c : a.contracts) apms += c.type == "APMS" ? 1 : 0;
  EXPECT_EQ(adj.value().rows.size(), static_cast<size_t>(12 * apms));
}

}  // namespace
}  // namespace csu::synth
