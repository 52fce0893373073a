// The non-contract activity view (NonContractTable) worked by hand.
// Scenario: CCG 02E, 2018/19, reported at May (month 2).
//   RBT has a 2018/19 contract: its £1,000.00 spell is contract activity,
//   never NCA.
//   RWW's contract is for 2017/18 only, so its 2018/19 activity is NCA:
//     NEL: one spell discharged in April, £2,000.00;
//     A&E: two attendances in May at £140.00.
//   RR1 has no contract: three first outpatient attendances in May at
//   £150.00, and one May appointment with no national price (POD NP, £0);
//   a June attendance is after the month reported.
// Run rate = to date × 12 ÷ 2 = × 6.
//   RWW NEL  month 0 / £0,      to date 1 / £2,000.00, run rate £12,000.00
//   RWW AE   month 2 / £280.00, to date 2 / £280.00,   run rate £1,680.00
//   RR1 OPFA month 3 / £450.00, to date 3 / £450.00,   run rate £2,700.00
//   RR1 NP appointments month 1 / £0, to date 1 / £0,  run rate £0
//   ALL      month 6 / £730.00, to date 7 / £2,730.00, run rate £16,380.00
// Providers largest first: RWW (£2,280.00) before RR1 (£450.00).
#include <gtest/gtest.h>

#include "analytics/activity_cube.h"
#include "analytics/analytics_testing.h"
#include "analytics/monitoring.h"
#include "analytics/readmissions.h"
#include "analytics/report_views.h"

namespace csu::analytics {
namespace {

using pricing::Pod;
using testing::NumberAt;
using testing::RowWhere;

contracts::Contract ContractFor(const char* provider, int year) {
  contracts::Contract c;
  c.commissioner = OdsCode::Parse("02E").value();
  c.provider = OdsCode::Parse(provider).value();
  c.year = FinancialYear(year);
  c.lines.push_back({Pod::kNonElective, 12, Money::FromPence(12'000'00), contracts::kFlatProfile});
  return c;
}

TEST(NonContractTable, ActivityWithoutAContractForTheYearByHand) {
  testing::TestActivity t;
  testing::SpellSpec s;
  s.provider = "RBT";
  s.admitted = s.discharged = "2018-04-10";
  s.pence = 1'000'00;
  t.Spell(s);
  s.provider = "RWW";
  s.patient = 2;
  s.pence = 2'000'00;
  t.Spell(s);
  t.Ae({.provider = "RWW", .arrival = "2018-05-02T10:00", .pence = 140'00});
  t.Ae({.provider = "RWW", .arrival = "2018-05-03T10:00", .pence = 140'00});
  for (uint32_t p = 10; p < 13; ++p) t.Op({.provider = "RR1", .patient = p, .date = "2018-05-04", .pence = 150'00});
  t.Op({.provider = "RR1", .patient = 13, .date = "2018-05-05", .tfc = "319", .priced = false});
  t.Op({.provider = "RR1", .patient = 14, .date = "2018-06-01", .pence = 150'00});

  const pricing::PricedActivity& a = t.activity();
  const uint16_t ccg = t.Id(store::Dimension::kCommissioner, "02E");
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018), ccg);
  const Monitoring m =
      Monitor(cube, a, FindReadmissions(a.tables, a.apc), {ContractFor("RBT", 2018), ContractFor("RWW", 2017)}, 2, ccg);
  ViewScope scope;
  scope.year = FinancialYear(2018);
  scope.month = 2;
  scope.commissioner = ccg;
  scope.commissioner_label = "02E";
  const report::ReportTable n = NonContractTable(m, scope);

  ASSERT_EQ(n.rows.size(), 5u);
  EXPECT_EQ(RowWhere(n, {{"provider", "RBT"}}), n.rows.size()) << "RBT has a contract for the year";
  struct Want {
    const char* provider;
    const char* pod;
    int64_t month_activity, month_pence, ytd_activity, ytd_pence, run_rate_pence;
  };
  const Want want[] = {
      {"RWW", "NEL", 0, 0, 1, 2'000'00, 12'000'00},
      {"RWW", "AE", 2, 280'00, 2, 280'00, 1'680'00},
      {"RR1", "OPFA", 3, 450'00, 3, 450'00, 2'700'00},
      {"RR1", "NP appointments", 1, 0, 1, 0, 0},
      // The ALL row totals money only: a spell, attendances and
      // appointments are different currencies.
      {"ALL", "ALL", -1, 730'00, -1, 2'730'00, 16'380'00},
  };
  for (const Want& w : want) {
    const size_t r = RowWhere(n, {{"provider", w.provider}, {"pod", w.pod}});
    ASSERT_LT(r, n.rows.size()) << w.provider << " " << w.pod;
    if (w.month_activity < 0) {
      EXPECT_TRUE(n.Find(r, "actual_month_activity")->empty());
      EXPECT_TRUE(n.Find(r, "actual_ytd_activity")->empty());
    } else {
      EXPECT_EQ(NumberAt(n, r, "actual_month_activity"), w.month_activity) << w.provider << " " << w.pod;
      EXPECT_EQ(NumberAt(n, r, "actual_ytd_activity"), w.ytd_activity) << w.provider << " " << w.pod;
    }
    EXPECT_EQ(NumberAt(n, r, "actual_month"), w.month_pence) << w.provider << " " << w.pod;
    EXPECT_EQ(NumberAt(n, r, "actual_ytd"), w.ytd_pence) << w.provider << " " << w.pod;
    EXPECT_EQ(NumberAt(n, r, "forecast_run_rate"), w.run_rate_pence) << w.provider << " " << w.pod;
  }
  // Largest first: both RWW lines come before RR1's; the ALL row is last.
  EXPECT_LT(RowWhere(n, {{"provider", "RWW"}}), RowWhere(n, {{"provider", "RR1"}}));
  EXPECT_EQ(RowWhere(n, {{"provider", "ALL"}}), 4u);
  EXPECT_EQ(n.ColumnIndex("plan_ytd"), n.columns.size()) << "NCA has no plan to show";
}

// A commissioner with every provider under contract has no NCA: an empty
// table, with no ALL row of zeros.
// Activity with no national price is spells, appointments and attendances
// alike: never one count. Scenario: CCG 02E's contract with RWW (an NEL
// plan line), reported at May; not priced there: one spell discharged in
// April, two appointments and three A&E attendances in May, all £0; and a
// priced NEL spell (£2,000.00). By hand:
//   POD lines: NEL 1 / £2,000.00; NP spells 1; NP appointments 2;
//   NP attendances 3 (each £0); the TOTAL row totals money only.
//   Summary: spells 1 + 1 = 2, appointments 2, attendances 3.
TEST(MonitoringTable, NotPricedActivityIsOneLinePerCurrency) {
  testing::TestActivity t;
  testing::SpellSpec s;
  s.provider = "RWW";
  s.admitted = s.discharged = "2018-04-10";
  s.pence = 2'000'00;
  t.Spell(s);
  s.patient = 2;
  s.pence = 0;
  s.priced = false;
  t.Spell(s);
  for (uint32_t p = 3; p < 5; ++p) t.Op({.provider = "RWW", .patient = p, .date = "2018-05-04", .tfc = "319", .priced = false});
  for (uint32_t p = 5; p < 8; ++p)
    t.Ae({.provider = "RWW", .patient = p, .arrival = "2018-05-02T10:00", .priced = false});
  const pricing::PricedActivity& a = t.activity();
  const uint16_t ccg = t.Id(store::Dimension::kCommissioner, "02E");
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018), ccg);
  const Monitoring m = Monitor(cube, a, FindReadmissions(a.tables, a.apc), {ContractFor("RWW", 2018)}, 2, ccg);
  ViewScope scope;
  scope.year = FinancialYear(2018);
  scope.month = 2;
  scope.commissioner = ccg;
  scope.commissioner_label = "02E";
  const report::ReportTable lines = MonitoringTable(m, scope);
  const std::pair<const char*, int64_t> want[] = {
      {"NEL", 1}, {"NP spells", 1}, {"NP appointments", 2}, {"NP attendances", 3}};
  for (const auto& [pod, n] : want) {
    const size_t r = RowWhere(lines, {{"provider", "RWW"}, {"pod", pod}});
    ASSERT_LT(r, lines.rows.size()) << pod;
    EXPECT_EQ(NumberAt(lines, r, "actual_ytd_activity"), n) << pod;
  }
  EXPECT_EQ(RowWhere(lines, {{"provider", "RWW"}, {"pod", "NP"}}), lines.rows.size()) << "no line mixing kinds";
  const size_t total = RowWhere(lines, {{"provider", "RWW"}, {"pod", "TOTAL"}});
  ASSERT_LT(total, lines.rows.size());
  EXPECT_TRUE(lines.Find(total, "actual_ytd_activity")->empty()) << "money only";
  EXPECT_EQ(NumberAt(lines, total, "actual_ytd"), 2'000'00);
  const report::ReportTable summary = MonitoringSummaryTable(m, scope, RagThresholds{});
  const size_t r = RowWhere(summary, {{"provider", "RWW"}});
  ASSERT_LT(r, summary.rows.size());
  EXPECT_EQ(NumberAt(summary, r, "spells_ytd"), 2);
  EXPECT_EQ(NumberAt(summary, r, "appointments_ytd"), 2);
  EXPECT_EQ(NumberAt(summary, r, "attendances_ytd"), 3);
}

TEST(NonContractTable, NoRowsWhenEveryProviderHasAContract) {
  testing::TestActivity t;
  testing::SpellSpec s;
  s.provider = "RBT";
  s.admitted = s.discharged = "2018-04-10";
  t.Spell(s);
  const pricing::PricedActivity& a = t.activity();
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018));
  const Monitoring m = Monitor(cube, a, FindReadmissions(a.tables, a.apc), {ContractFor("RBT", 2018)}, 1);
  ViewScope scope;
  scope.month = 1;
  scope.commissioner_label = "all CCGs";
  EXPECT_TRUE(NonContractTable(m, scope).rows.empty());
}

}  // namespace
}  // namespace csu::analytics
