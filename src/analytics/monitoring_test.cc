// Contract monitoring worked by hand (docs/monitoring.md). The scenario:
// CCG 02E's contract with RBT for 2018/19, monitored at month 3 (June).
//   NEL plan 120 spells / £120,000 flat: £10,000 and 10 spells a month.
//   EL plan 12 spells / £24,000 flat.
//   MRET baseline £90,000 a year at 70%: £22,500 to June.
//   Actual NEL: April 10 × £1,000, May 12 × £1,000, June 15 × £1,100.
//   Actual EL: one £2,000 spell discharged 10 April (patient 7), whose
//   patient is readmitted as an emergency on 20 April: one of April's NEL
//   spells, withheld under the 30-day rule.
//   Non-contract: 5 first outpatient attendances at RR1 in May, £150 each.
#include <gtest/gtest.h>

#include "analytics/activity_cube.h"
#include "analytics/analytics_testing.h"
#include "analytics/monitoring.h"
#include "analytics/readmissions.h"
#include "analytics/report_views.h"
#include "refdata/refdata_for_tests.h"

namespace csu::analytics {
namespace {

using pricing::Pod;
using testing::SpellSpec;

contracts::Contract RbtContract() {
  contracts::Contract c;
  c.commissioner = OdsCode::Parse("02E").value();
  c.provider = OdsCode::Parse("RBT").value();
  c.year = FinancialYear(2018);
  c.lines.push_back({Pod::kElective, 12, Money::FromPence(24'000'00), contracts::kFlatProfile});
  c.lines.push_back({Pod::kNonElective, 120, Money::FromPence(120'000'00), contracts::kFlatProfile});
  c.mret_baseline = Money::FromPence(90'000'00);
  c.mret_rate_percent = 70;
  return c;
}

testing::TestActivity Scenario() {
  testing::TestActivity t;
  uint32_t patient = 100;
  auto nel = [&](const char* date, int64_t pence) {
    SpellSpec s;
    s.patient = patient++;
    s.admitted = date;
    s.discharged = date;
    s.pence = pence;
    t.Spell(s);
  };
  SpellSpec el;
  el.patient = 7;
  el.admitted = "2018-04-08";
  el.discharged = "2018-04-10";
  el.method = "11";
  el.pod = Pod::kElective;
  el.pence = 2'000'00;
  el.hrg = "HN12F";
  t.Spell(el);
  SpellSpec readmit;
  readmit.patient = 7;
  readmit.admitted = "2018-04-20";
  readmit.discharged = "2018-04-22";
  readmit.pence = 1'000'00;
  t.Spell(readmit);
  for (int i = 0; i < 9; ++i) nel("2018-04-15", 1'000'00);
  for (int i = 0; i < 12; ++i) nel("2018-05-15", 1'000'00);
  for (int i = 0; i < 15; ++i) nel("2018-06-15", 1'100'00);
  nel("2018-07-02", 5'000'00);  // after the month monitored: not counted
  nel("2018-03-30", 5'000'00);  // 2017/18: not counted
  for (int i = 0; i < 5; ++i) t.Op({.provider = "RR1", .patient = 500u + i, .date = "2018-05-03", .pence = 150'00});
  SpellSpec other;
  other.commissioner = "27D";
  other.patient = 900;
  other.admitted = other.discharged = "2018-05-05";
  t.Spell(other);
  return t;
}

TEST(Monitoring, PlanActualVarianceForecastAndContractRulesByHand) {
  testing::TestActivity t = Scenario();
  const pricing::PricedActivity& a = t.activity();
  const uint16_t ccg = t.Id(store::Dimension::kCommissioner, "02E");
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018), ccg);
  Readmissions readm = FindReadmissions(a.tables, a.apc);
  Monitoring m = Monitor(cube, a, readm, {RbtContract()}, 3, ccg);

  ASSERT_EQ(m.contracts.size(), 1u);
  const ContractMonitoring& c = m.contracts[0];
  ASSERT_EQ(c.lines.size(), 2u);
  const MonitoringLine& el = c.lines[0];
  const MonitoringLine& nel = c.lines[1];
  EXPECT_EQ(el.pod, Pod::kElective);
  EXPECT_EQ(nel.pod, Pod::kNonElective);

  EXPECT_EQ(nel.plan_month.activity, 10);
  EXPECT_EQ(nel.plan_month.pence, 10'000'00);
  EXPECT_EQ(nel.actual_month.activity, 15);
  EXPECT_EQ(nel.actual_month.pence, 16'500'00);
  EXPECT_EQ(nel.plan_ytd.activity, 30);
  EXPECT_EQ(nel.plan_ytd.pence, 30'000'00);
  EXPECT_EQ(nel.actual_ytd.activity, 37);
  EXPECT_EQ(nel.actual_ytd.pence, 38'500'00);
  EXPECT_EQ(nel.volume_variance_pence, 7'000'00);  // 7 spells × £1,000 plan price
  EXPECT_EQ(nel.price_variance_pence, 1'500'00);   // 15 June spells × £100 over
  EXPECT_EQ(nel.forecast_run_rate.activity, 148);  // 37 × 12 / 3
  EXPECT_EQ(nel.forecast_run_rate.pence, 154'000'00);
  EXPECT_EQ(nel.forecast_profiled.pence, 154'000'00);  // flat profile: the same

  EXPECT_EQ(el.plan_ytd.activity, 3);
  EXPECT_EQ(el.actual_ytd.pence, 2'000'00);
  EXPECT_EQ(el.volume_variance_pence, -4'000'00);  // 2 spells short × £2,000
  EXPECT_EQ(el.price_variance_pence, 0);

  EXPECT_EQ(c.readmissions_withheld_spells, 1);
  EXPECT_EQ(c.readmissions_withheld_pence, 1'000'00);
  EXPECT_EQ(c.mret_baseline_ytd_pence, 22'500'00);
  EXPECT_EQ(c.mret_emergency_ytd_pence, 37'500'00);  // 38,500 less the withheld readmission
  EXPECT_EQ(c.mret_reduction_pence, 4'500'00);        // 30% of the £15,000 above baseline
  EXPECT_EQ(c.total.actual_ytd.pence, 40'500'00);
  EXPECT_EQ(c.payable_ytd_pence(), 40'500'00 - 1'000'00 - 4'500'00);
  // The rules over the year at the run rate: −(£1,000 + £4,500) × 12 / 3.
  EXPECT_EQ(c.rules_forecast_pence, -22'000'00);
  // The TOTAL row's forecast is net, like its actual: lines NEL £154,000 +
  // EL £2,000 × 12 / 3 = £8,000, less £22,000 = £140,000.
  ViewScope scope{FinancialYear(2018), 3, ccg, &refdata::TestRefData(), "02E"};
  const report::ReportTable table = MonitoringTable(m, scope);
  bool found = false;
  for (size_t row = 0; row < table.rows.size(); ++row) {
    if (table.Find(row, "pod")->text != "TOTAL") continue;
    found = true;
    EXPECT_EQ(table.Find(row, "actual_ytd")->number, 35'000'00);
    EXPECT_EQ(table.Find(row, "forecast_run_rate")->number, 140'000'00);
    EXPECT_EQ(table.Find(row, "forecast_profiled")->number, 140'000'00);
  }
  EXPECT_TRUE(found);

  ASSERT_EQ(m.non_contract.size(), 1u);
  EXPECT_EQ(m.non_contract[0].provider.view(), "RR1");
  EXPECT_EQ(m.non_contract[0].total.actual_ytd.activity, 5);
  EXPECT_EQ(m.non_contract[0].total.actual_ytd.pence, 750'00);
  EXPECT_EQ(m.non_contract[0].total.actual_month.activity, 0);
}

// The summary of the same scenario: RBT planned £6,000 EL + £30,000 NEL to
// June; payable £35,000 (£40,500 less £1,000 withheld and £4,500 MRET), so
// −£1,000 or −2.8% of plan: amber (2% to 5%). Forecast £140,000 against the
// annual £144,000. Spells: 1 EL + 37 NEL; no appointments or attendances
// (RR1's are NCA). The TOTAL row of the lines adds no activity.
TEST(Monitoring, SummaryHasOneRowPerContractWithItsStatusByHand) {
  testing::TestActivity t = Scenario();
  const pricing::PricedActivity& a = t.activity();
  const uint16_t ccg = t.Id(store::Dimension::kCommissioner, "02E");
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018), ccg);
  Monitoring m = Monitor(cube, a, FindReadmissions(a.tables, a.apc), {RbtContract()}, 3, ccg);
  ViewScope scope{FinancialYear(2018), 3, ccg, &refdata::TestRefData(), "02E"};
  const report::ReportTable s = MonitoringSummaryTable(m, scope, RagThresholds{});
  ASSERT_EQ(s.rows.size(), 2u);  // RBT, ALL
  EXPECT_EQ(s.ColumnIndex("commissioner"), s.columns.size()) << "one CCG: no CCG column";
  EXPECT_EQ(s.Find(0, "provider")->text, "RBT");
  EXPECT_EQ(s.Find(0, "plan_ytd")->number, 36'000'00);
  EXPECT_EQ(s.Find(0, "actual_ytd")->number, 35'000'00);
  EXPECT_EQ(s.Find(0, "variance_ytd")->number, -1'000'00);
  EXPECT_NEAR(s.Find(0, "variance_pct")->real, -1.0 / 36.0, 1e-12);
  EXPECT_EQ(s.Find(0, "forecast")->number, 140'000'00);
  EXPECT_EQ(s.Find(0, "plan_year")->number, 144'000'00);
  EXPECT_EQ(s.Find(0, "forecast_variance")->number, -4'000'00);
  EXPECT_EQ(s.Find(0, "status")->text, "Amber");
  EXPECT_EQ(s.Find(0, "spells_ytd")->number, 38);
  EXPECT_EQ(s.Find(0, "appointments_ytd")->number, 0);
  EXPECT_EQ(s.Find(0, "attendances_ytd")->number, 0);
  ASSERT_TRUE(s.IsTotalRow(1));
  EXPECT_EQ(s.Find(1, "provider")->text, "ALL");
  EXPECT_EQ(s.Find(1, "actual_ytd")->number, 35'000'00);
  EXPECT_EQ(s.Find(1, "status")->text, "Amber");
  // Thresholds are the installation's: 3% makes the same contract green.
  const report::ReportTable lenient = MonitoringSummaryTable(m, scope, RagThresholds{300, 600});
  EXPECT_EQ(lenient.Find(0, "status")->text, "Green");

  const report::ReportTable lines = MonitoringTable(m, scope);
  for (size_t row = 0; row < lines.rows.size(); ++row) {
    const std::string& pod = lines.Find(row, "pod")->text;
    if (pod != "TOTAL" && pod != "ALL") continue;
    // % variance beside £ variance: −£1,000 of £36,000.
    EXPECT_NEAR(lines.Find(row, "variance_pct")->real, -1.0 / 36.0, 1e-12) << pod;
    for (const char* activity : {"plan_month_activity", "actual_month_activity", "plan_ytd_activity",
                                 "actual_ytd_activity", "variance_ytd_activity"})
      EXPECT_TRUE(lines.Find(row, activity)->empty()) << pod << " adds currencies in " << activity;
  }
}

TEST(Monitoring, RagStatusIsBySizeOfVarianceOverOrUnder) {
  const RagThresholds t;  // 2%, 5%
  EXPECT_EQ(RagStatus(0, 100'00, t), "Green");
  EXPECT_EQ(RagStatus(1'99, 100'00, t), "Green");
  EXPECT_EQ(RagStatus(2'00, 100'00, t), "Amber");  // from the threshold on
  EXPECT_EQ(RagStatus(-2'00, 100'00, t), "Amber");  // under plan as well as over
  EXPECT_EQ(RagStatus(4'99, 100'00, t), "Amber");
  EXPECT_EQ(RagStatus(-5'00, 100'00, t), "Red");
  EXPECT_EQ(RagStatus(0, 0, t), "Green");
  EXPECT_EQ(RagStatus(1, 0, t), "Red") << "spend with no plan";
  // Large sums do not overflow: £90 billion plan, 5% over.
  EXPECT_EQ(RagStatus(450'000'000'000, 9'000'000'000'000, t), "Red");
}

TEST(Monitoring, RagThresholdsAreParsedFromPerCents) {
  auto t = ParseRagThresholds("2.5, 7.25");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t.value().amber_basis_points, 250);
  EXPECT_EQ(t.value().red_basis_points, 725);
  for (const char* bad : {"", "5", "5,2", "2,2", "-1,5", "2,x", "1.234,5", "1,2,3"})
    EXPECT_FALSE(ParseRagThresholds(bad).ok()) << bad;
}

TEST(Monitoring, SeasonalProfileShapesPlanAndForecast) {
  testing::TestActivity t = Scenario();
  const pricing::PricedActivity& a = t.activity();
  contracts::Contract c = RbtContract();
  // Winter-weighted: 1 part a month Apr-Nov, 2 parts Dec-Mar (16 parts).
  c.lines[1].profile = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2};
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018));
  Monitoring m = Monitor(cube, a, FindReadmissions(a.tables, a.apc), {c}, 3);
  const MonitoringLine& nel = m.contracts[0].lines[1];
  EXPECT_EQ(nel.plan_ytd.activity, 23);  // 120 × 3/16 = 22.5 -> 23 (half away from zero)
  EXPECT_EQ(nel.plan_ytd.pence, 22'500'00);
  // Forecast: £38,500 ÷ (3/16) = £205,333.33
  EXPECT_EQ(nel.forecast_profiled.pence, 205'333'33);
  // Whole-CSU cube: 27D's spell is NCA for 27D.
  bool found_27d = false;
  for (const auto& n : m.non_contract) found_27d |= n.commissioner.view() == "27D";
  EXPECT_TRUE(found_27d);
}

TEST(ActivityCube, MergingPartialsEqualsBuildingWhole) {
  testing::TestActivity t = Scenario();
  const pricing::PricedActivity& a = t.activity();
  ActivityCube whole, part_a, part_b;
  whole.Build(a, FinancialYear(2018));
  part_a.Build(a, FinancialYear(2018), t.Id(store::Dimension::kCommissioner, "02E"));
  part_b.Build(a, FinancialYear(2018), t.Id(store::Dimension::kCommissioner, "27D"));
  part_a.Add(part_b);
  ASSERT_EQ(part_a.pairs().size(), whole.pairs().size());
  for (size_t p = 0; p < whole.pairs().size(); ++p) {
    auto q = part_a.Find(whole.pairs()[p].commissioner, whole.pairs()[p].provider);
    ASSERT_TRUE(q);
    CubeCell x = whole.SumPods(p, 1, 12), y = part_a.SumPods(*q, 1, 12);
    EXPECT_EQ(x.activity, y.activity);
    EXPECT_EQ(x.pence, y.pence);
  }
  EXPECT_EQ(whole.LastMonthWithActivity(), 4);
}

}  // namespace
}  // namespace csu::analytics
