// Replays fuzz/corpus/payroll_calc through the payroll_calc fuzz target's
// checks (fuzz/payroll_checks.h), and shows the checks catch wrong figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../../fuzz/payroll_checks.h"

namespace csu::payroll {
namespace {

TEST(PayrollFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/payroll_calc"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 3u);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t n = 0; n <= data.size(); n += std::max<size_t>(1, data.size() / 16))
      ASSERT_EQ(fuzz::CheckPayrollCalc(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
    EXPECT_EQ(fuzz::CheckPayrollCalc(data), "") << path;
  }
}

TEST(PayrollFuzzCorpus, ChecksRejectWrongFigures) {
  // The nurse of payroll_test.cc: gross £2,497.50.
  const fuzz::PayrollFigures right{229021, 24820, 11596, 24005, 20729, 59191, 200, 192605};
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, right), "");
  fuzz::PayrollFigures wrong = right;
  wrong.taxable_pay = 249750;  // pension not taken off before tax
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, wrong), "taxable pay is not gross less the member's pension");
  wrong = right;
  wrong.tax = 120000;  // above half the taxable pay
  wrong.net_pay = 249750 - 120000 - 11596 - 20729;
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, wrong), "tax above the 50% regulatory limit");
  wrong = right;
  wrong.net_pay += 1;
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, wrong), "net pay does not add up");
}

}  // namespace
}  // namespace csu::payroll
