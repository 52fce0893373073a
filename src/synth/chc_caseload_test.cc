// The demo's CHC caseload: deterministic, read back by the import reader
// without a problem, and shaped as docs/chc.md ("Demo caseload") says.
#include <gtest/gtest.h>

#include "chc/caseload_file.h"
#include "refdata/refdata_for_tests.h"
#include "synth/chc_caseload.h"

namespace csu::synth {
namespace {

TEST(ChcDemoCaseload, ReadsBackAndHasTheStatedShape) {
  const refdata::RefData& ref = refdata::TestRefData();
  const Date as_of = Date::FromYmd(2018, 10, 15);
  ChcCaseloadStats st;
  const std::string text = GenerateChcCaseload(ref, {"02E", "27D"}, FinancialYear(2018), as_of, 1, &st);
  EXPECT_EQ(text, GenerateChcCaseload(ref, {"02E", "27D"}, FinancialYear(2018), as_of, 1));
  EXPECT_NE(text, GenerateChcCaseload(ref, {"02E", "27D"}, FinancialYear(2018), as_of, 2));
  ASSERT_GT(st.rows, 100);
  chc::CaseloadFile f = chc::ReadCaseload(text, [](const std::string& c) { return c == "02E" || c == "27D"; });
  ASSERT_TRUE(f.problems.empty()) << f.problems[0].ToString("demo");
  ASSERT_EQ(static_cast<int64_t>(f.rows.size()), st.rows);
  int64_t fast = 0, new_standard = 0, eligible = 0;
  for (const auto& r : f.rows) {
    EXPECT_EQ(r.identity.nhs_number.substr(0, 3), "999");  // never issued to a person
    if (r.decided_on) EXPECT_LE(*r.decided_on, as_of);
    if (r.fast_track) ++fast;
    else if (r.referred_on >= Date::FromYmd(2018, 4, 1)) ++new_standard;
    if (r.decided_on && r.eligible) {
      ++eligible;
      ASSERT_TRUE(r.package);
      const int64_t p = r.package->unit_cost.pence();
      switch (r.package->setting) {
        case chc::Setting::kCareHomeNursing: EXPECT_TRUE(p >= 90000 && p <= 120000) << p; break;
        case chc::Setting::kCareHome: EXPECT_TRUE(p >= 65000 && p <= 85000) << p; break;
        case chc::Setting::kDomiciliary: EXPECT_TRUE(p >= 1800 && p <= 2400) << p; break;
        case chc::Setting::kPersonalHealthBudget: EXPECT_TRUE(p >= 50000 && p <= 150000) << p; break;
      }
    }
  }
  EXPECT_EQ(fast, st.fast_track);
  EXPECT_EQ(eligible, st.eligible);
  // Fast Track is about a third of the year's new cases.
  const double share = static_cast<double>(fast) / static_cast<double>(fast + new_standard);
  EXPECT_GT(share, 0.25);
  EXPECT_LT(share, 0.42);
}

}  // namespace
}  // namespace csu::synth
