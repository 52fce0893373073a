// XmR chart calculation checked against series worked by hand from the
// published method (docs/spc.md): limits, moving-range screening, rebasing,
// fixed baselines, point types, the variation and assurance icons, warnings
// and refused input.
#include "spc/xmr_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace csu::spc {
namespace {

constexpr double kTol = 1e-9;

// Periods "p1", "p2", ... for the values given.
std::vector<Observation> Series(const std::vector<double>& values) {
  std::vector<Observation> s;
  for (size_t i = 0; i < values.size(); ++i) s.push_back({"p" + std::to_string(i + 1), values[i]});
  return s;
}

XmrChart Calc(const std::vector<double>& values, const XmrOptions& options = {}) {
  auto chart = CalculateXmr(Series(values), options);
  EXPECT_TRUE(chart.ok()) << chart.error().ToString();
  return chart.ok() ? chart.value() : XmrChart{};
}

std::string ErrorOf(const std::vector<Observation>& series, const XmrOptions& options = {}) {
  auto chart = CalculateXmr(series, options);
  return chart.ok() ? "no error" : chart.error().ToString();
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// 10, 12, 11, 13, 12: mean 58/5 = 11.6; MRs 2, 1, 2, 1, AMR 1.5 (none is
// >= 3.267 x 1.5 = 4.90); limits 11.6 +/- 3.99; 2 sigma 11.6 +/- 2.66.
const std::vector<double> kSmall{10, 12, 11, 13, 12};

TEST(SpcXmrTest, MeanMovingRangesAndLimits) {
  XmrChart c = Calc(kSmall);
  ASSERT_EQ(c.groups.size(), 1u);
  const XmrLimits& l = c.groups[0].limits;
  EXPECT_NEAR(l.mean, 11.6, kTol);
  EXPECT_NEAR(l.average_moving_range, 1.5, kTol);
  EXPECT_NEAR(l.upl, 15.59, kTol);
  EXPECT_NEAR(l.lpl, 7.61, kTol);
  EXPECT_NEAR(l.upper_2sigma, 14.26, kTol);
  EXPECT_NEAR(l.lower_2sigma, 8.94, kTol);
  EXPECT_FALSE(c.points[0].moving_range.has_value());
  EXPECT_DOUBLE_EQ(*c.points[1].moving_range, 2.0);
  EXPECT_DOUBLE_EQ(*c.points[2].moving_range, 1.0);
  EXPECT_DOUBLE_EQ(*c.points[4].moving_range, 1.0);
  for (const XmrPoint& p : c.points) EXPECT_EQ(p.type, PointType::kCommonCause) << p.period;
  EXPECT_EQ(c.variation, VariationIcon::kCommonCause);
  EXPECT_EQ(c.assurance, AssuranceIcon::kNone);
}

// 10, 11 alternating for nine points, then 30: MRs eight 1s and a 20, AMR
// 28/9 = 3.11; 20 >= 3.267 x 3.11 = 10.16 is screened out, AMR = 8/8 = 1.
// Mean (5 x 10 + 4 x 11 + 30) / 10 = 12.4: limits 9.74-15.06, 2 sigma
// 10.63-14.17.
const std::vector<double> kSpike{10, 11, 10, 11, 10, 11, 10, 11, 10, 30};

TEST(SpcXmrTest, ScreeningDropsLargeMovingRangesAndRecomputes) {
  XmrChart c = Calc(kSpike);
  const XmrGroup& g = c.groups[0];
  EXPECT_NEAR(g.limits.mean, 12.4, kTol);
  EXPECT_NEAR(g.limits.average_moving_range, 1.0, kTol);
  EXPECT_NEAR(g.limits.upl, 15.06, kTol);
  EXPECT_EQ(g.moving_ranges_screened, 1u);
  EXPECT_TRUE(c.points[8].moving_range_used);
  EXPECT_FALSE(c.points[9].moving_range_used);
  EXPECT_DOUBLE_EQ(*c.points[9].moving_range, 20.0);

  XmrOptions unscreened;
  unscreened.screen_moving_ranges = false;
  XmrChart u = Calc(kSpike, unscreened);
  EXPECT_NEAR(u.groups[0].limits.average_moving_range, 28.0 / 9, kTol);
  EXPECT_NEAR(u.groups[0].limits.upl, 12.4 + 2.66 * 28 / 9, kTol);
  EXPECT_EQ(u.groups[0].moving_ranges_screened, 0u);
}

TEST(SpcXmrTest, PointTypeFollowsTheImprovementDirection) {
  // The 30 is above the UPL of 15.06.
  XmrOptions o;
  o.improvement = Improvement::kIncrease;
  XmrChart up = Calc(kSpike, o);
  EXPECT_EQ(up.points[9].rule, SpecialCauseRule::kAboveUpperLimit);
  EXPECT_EQ(up.points[9].type, PointType::kSpecialCauseImprovement);
  EXPECT_EQ(up.variation, VariationIcon::kImprovementHigh);
  o.improvement = Improvement::kDecrease;
  XmrChart down = Calc(kSpike, o);
  EXPECT_EQ(down.points[9].type, PointType::kSpecialCauseConcern);
  EXPECT_EQ(down.variation, VariationIcon::kConcernHigh);
  o.improvement = Improvement::kNeutral;
  XmrChart neutral = Calc(kSpike, o);
  EXPECT_EQ(neutral.points[9].type, PointType::kSpecialCauseNeutralHigh);
  EXPECT_EQ(neutral.variation, VariationIcon::kNeutralHigh);
  // The nine 10s and 11s are all below the mean of 12.4: a shift, which is
  // a concern when increase is better and an improvement when decrease is.
  // Each 10 is also beyond the lower 2-sigma line (10.63), two in every
  // three points from the start, so the higher rule names the 10s.
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(up.points[i].rule, i % 2 == 0 ? SpecialCauseRule::kTwoOfThreeBelow : SpecialCauseRule::kShiftBelow)
        << i;
    EXPECT_EQ(up.points[i].type, PointType::kSpecialCauseConcern) << i;
    EXPECT_EQ(down.points[i].type, PointType::kSpecialCauseImprovement) << i;
    EXPECT_EQ(neutral.points[i].type, PointType::kSpecialCauseNeutralLow) << i;
  }
}

TEST(SpcXmrTest, LowLastPointGivesLowIcons) {
  // 20, 19 alternating then 0: mean (5 x 20 + 4 x 19) / 10 = 17.6; MRs
  // eight 1s and a 20, AMR 28/9 = 3.11, cut 10.17: the 20 is screened, AMR
  // 1, LPL 17.6 - 2.66 = 14.94, and 0 is below it.
  std::vector<double> v{20, 19, 20, 19, 20, 19, 20, 19, 20, 0};
  XmrOptions o;
  XmrChart up = Calc(v, o);
  EXPECT_NEAR(up.groups[0].limits.lpl, 14.94, kTol);
  EXPECT_EQ(up.points[9].rule, SpecialCauseRule::kBelowLowerLimit);
  EXPECT_EQ(up.variation, VariationIcon::kConcernLow);
  o.improvement = Improvement::kDecrease;
  EXPECT_EQ(Calc(v, o).variation, VariationIcon::kImprovementLow);
  o.improvement = Improvement::kNeutral;
  EXPECT_EQ(Calc(v, o).variation, VariationIcon::kNeutralLow);
  EXPECT_EQ(Calc(v, o).points[9].type, PointType::kSpecialCauseNeutralLow);
}

TEST(SpcXmrTest, TrendPointsTakeTheTrendsDirectionNotTheirSideOfTheMean) {
  // Baseline: the first ten points, 10/11 alternating: mean 10.5, AMR 1,
  // UPL 13.16, upper 2 sigma 12.27. Then seven falling points, all above the
  // mean: a decreasing trend, which is a concern when increase is better
  // (issue #171), although every point is above the mean.
  std::vector<double> v{10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 12.2, 12.0, 11.8, 11.6, 11.4, 11.2, 11.0};
  XmrOptions o;
  o.fix_after_points = 10;
  XmrChart c = Calc(v, o);
  EXPECT_NEAR(c.groups[0].limits.mean, 10.5, kTol);
  EXPECT_NEAR(c.groups[0].limits.average_moving_range, 1.0, kTol);
  for (size_t i = 10; i < 17; ++i) {
    EXPECT_EQ(c.points[i].rule, SpecialCauseRule::kTrendDecreasing) << i;
    EXPECT_EQ(c.points[i].type, PointType::kSpecialCauseConcern) << i;
  }
  EXPECT_EQ(c.variation, VariationIcon::kConcernLow);
}

TEST(SpcXmrTest, FixedBaselineComputesLimitsFromTheFirstPointsOnly) {
  // Limits from the first five points (as kSmall), then applied to 50 and 60.
  XmrOptions o;
  o.fix_after_points = 5;
  XmrChart c = Calc({10, 12, 11, 13, 12, 50, 60}, o);
  EXPECT_EQ(c.groups[0].baseline_points, 5u);
  EXPECT_NEAR(c.groups[0].limits.mean, 11.6, kTol);
  EXPECT_NEAR(c.groups[0].limits.upl, 15.59, kTol);
  EXPECT_EQ(c.points[5].rule, SpecialCauseRule::kAboveUpperLimit);
  EXPECT_EQ(c.points[6].rule, SpecialCauseRule::kAboveUpperLimit);
  EXPECT_TRUE(c.points[4].moving_range_used);
  EXPECT_FALSE(c.points[5].moving_range_used);  // after the baseline
  EXPECT_DOUBLE_EQ(*c.points[5].moving_range, 38.0);
}

// Group 1: 10, 11 alternating (8 points): mean 10.5, AMR 1, limits
// 7.84-13.16. Group 2 from p9: 20, 22 alternating (8 points): mean 21,
// AMR 2, limits 15.68-26.32. Neither group has a signal on its own.
const std::vector<double> kStep{10, 11, 10, 11, 10, 11, 10, 11, 20, 22, 20, 22, 20, 22, 20, 22};

TEST(SpcXmrTest, RebasingComputesLimitsPerGroup) {
  XmrOptions o;
  o.rebase_periods = {"p9"};
  XmrChart c = Calc(kStep, o);
  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_EQ(c.groups[0].points, 8u);
  EXPECT_EQ(c.groups[1].first_point, 8u);
  EXPECT_NEAR(c.groups[0].limits.mean, 10.5, kTol);
  EXPECT_NEAR(c.groups[0].limits.upl, 13.16, kTol);
  EXPECT_NEAR(c.groups[1].limits.mean, 21.0, kTol);
  EXPECT_NEAR(c.groups[1].limits.average_moving_range, 2.0, kTol);
  EXPECT_NEAR(c.groups[1].limits.lpl, 15.68, kTol);
  EXPECT_EQ(c.points[7].group, 0u);
  EXPECT_EQ(c.points[8].group, 1u);
  EXPECT_NEAR(c.LimitsAt(8).mean, 21.0, kTol);
  // The first point of a group has no moving range: the step is not one.
  EXPECT_FALSE(c.points[8].moving_range.has_value());
  for (const XmrPoint& p : c.points) EXPECT_EQ(p.type, PointType::kCommonCause) << p.period;
  EXPECT_EQ(c.warnings.size(), 2u);  // both groups have trial limits
}

TEST(SpcXmrTest, WithoutRebasingTheStepIsSpecialCause) {
  // One group: mean 252/16 = 15.75. MRs seven 1s, a 9 and seven 2s: AMR
  // 30/15 = 2, cut 6.53, the 9 is screened, AMR 21/14 = 1.5: limits
  // 11.76-19.74. Every 10/11 is below the LPL and every 20/22 above the UPL.
  XmrChart c = Calc(kStep);
  EXPECT_NEAR(c.groups[0].limits.mean, 15.75, kTol);
  EXPECT_NEAR(c.groups[0].limits.average_moving_range, 1.5, kTol);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(c.points[i].rule, SpecialCauseRule::kBelowLowerLimit) << i;
  for (size_t i = 8; i < 16; ++i) EXPECT_EQ(c.points[i].rule, SpecialCauseRule::kAboveUpperLimit) << i;
}

TEST(SpcXmrTest, RebaseWithFixedBaselineFixesEachGroup) {
  // Issue #93. Baseline 4 points per group: group 1 (10, 11, 10, 11) mean
  // 10.5, AMR 1; group 2 (20, 22, 20, 22) mean 21, AMR 2.
  XmrOptions o;
  o.rebase_periods = {"p9"};
  o.fix_after_points = 4;
  std::vector<double> v = kStep;
  v[7] = 30;   // after group 1's baseline: beyond its UPL 13.16
  v[15] = 40;  // after group 2's baseline: beyond its UPL 26.32
  XmrChart c = Calc(v, o);
  EXPECT_NEAR(c.groups[0].limits.mean, 10.5, kTol);
  EXPECT_NEAR(c.groups[1].limits.mean, 21.0, kTol);
  EXPECT_NEAR(c.groups[1].limits.average_moving_range, 2.0, kTol);
  EXPECT_EQ(c.points[7].rule, SpecialCauseRule::kAboveUpperLimit);
  EXPECT_EQ(c.points[15].rule, SpecialCauseRule::kAboveUpperLimit);
}

TEST(SpcXmrTest, RebaseAtTheFirstPeriodChangesNothing) {
  XmrOptions o;
  o.rebase_periods = {"p1"};
  XmrChart c = Calc(kSmall, o);
  EXPECT_EQ(c.groups.size(), 1u);
  EXPECT_NEAR(c.groups[0].limits.mean, 11.6, kTol);
}

TEST(SpcXmrTest, RunLengthSixFindsShorterShifts) {
  // Mean 0 from the baseline (1, -1); six points at 0.5 afterwards.
  std::vector<double> v{1, -1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
  XmrOptions o;
  o.fix_after_points = 2;
  XmrChart seven = Calc(v, o);
  for (size_t i = 2; i < 8; ++i) EXPECT_EQ(seven.points[i].rule, SpecialCauseRule::kNone) << i;
  o.rules.run_length = 6;
  XmrChart six = Calc(v, o);
  for (size_t i = 2; i < 8; ++i) EXPECT_EQ(six.points[i].rule, SpecialCauseRule::kShiftAbove) << i;
}

TEST(SpcXmrTest, TwoOfThreeOptionReachesTheRules) {
  // Baseline 10/11 alternating (mean 10.5, AMR 1, upper 2 sigma 12.27, UPL
  // 13.16), then 12.5 (between 2 and 3 sigma) and 14 (beyond the UPL).
  std::vector<double> v{10, 11, 10, 11, 10, 11, 10, 11, 12.5, 14, 11};
  XmrOptions o;
  o.fix_after_points = 8;
  EXPECT_EQ(Calc(v, o).points[8].rule, SpecialCauseRule::kTwoOfThreeAbove);
  o.rules.two_of_three = TwoOfThreeCounting::kBetweenTwoAndThreeSigma;
  EXPECT_EQ(Calc(v, o).points[8].rule, SpecialCauseRule::kNone);
}

// ---- Assurance ----

TEST(SpcXmrTest, AssuranceComparesTheTargetWithTheProcessLimits) {
  // kSmall: limits 7.61-15.59.
  auto icon = [](Improvement improvement, std::optional<double> target) {
    XmrOptions o;
    o.improvement = improvement;
    o.target = target;
    return Calc(kSmall, o).assurance;
  };
  EXPECT_EQ(icon(Improvement::kIncrease, 16), AssuranceIcon::kConsistentFail);
  EXPECT_EQ(icon(Improvement::kIncrease, 7), AssuranceIcon::kConsistentPass);
  EXPECT_EQ(icon(Improvement::kIncrease, 12), AssuranceIcon::kInconsistent);
  EXPECT_EQ(icon(Improvement::kDecrease, 16), AssuranceIcon::kConsistentPass);
  EXPECT_EQ(icon(Improvement::kDecrease, 7), AssuranceIcon::kConsistentFail);
  EXPECT_EQ(icon(Improvement::kDecrease, 15.5), AssuranceIcon::kInconsistent);
  EXPECT_EQ(icon(Improvement::kNeutral, 16), AssuranceIcon::kNone);
  EXPECT_EQ(icon(Improvement::kIncrease, std::nullopt), AssuranceIcon::kNone);
}

TEST(SpcXmrTest, AssuranceUsesTheLastGroupsLimits) {
  // Issue #172. Target 15: above group 1's UPL (13.16), below group 2's LPL
  // (15.68). With increase better the last group passes consistently.
  XmrOptions o;
  o.rebase_periods = {"p9"};
  o.target = 15;
  EXPECT_EQ(Calc(kStep, o).assurance, AssuranceIcon::kConsistentPass);
  o.rebase_periods.clear();  // one group, limits 11.76-19.74
  EXPECT_EQ(Calc(kStep, o).assurance, AssuranceIcon::kInconsistent);
}

TEST(SpcXmrTest, AssuranceIsNoneWhenTheLastGroupHasNoLimits) {
  XmrOptions o;
  o.target = 5;
  o.rebase_periods = {"p5"};  // the last group is the single point p5
  XmrChart c = Calc(kSmall, o);
  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_FALSE(c.groups[1].limits.has_limits);
  EXPECT_EQ(c.assurance, AssuranceIcon::kNone);
  EXPECT_EQ(c.variation, VariationIcon::kCommonCause);
}

// ---- Edge cases ----

TEST(SpcXmrTest, EmptySeriesGivesAnEmptyChart) {
  XmrOptions o;
  o.target = 3;
  XmrChart c = Calc({}, o);
  EXPECT_TRUE(c.points.empty());
  EXPECT_TRUE(c.groups.empty());
  EXPECT_EQ(c.variation, VariationIcon::kNone);
  EXPECT_EQ(c.assurance, AssuranceIcon::kNone);
}

TEST(SpcXmrTest, OnePointHasAMeanButNoLimits) {
  XmrOptions o;
  o.target = 3;
  XmrChart c = Calc({7.5}, o);
  ASSERT_EQ(c.groups.size(), 1u);
  EXPECT_DOUBLE_EQ(c.groups[0].limits.mean, 7.5);
  EXPECT_FALSE(c.groups[0].limits.has_limits);
  EXPECT_EQ(c.points[0].rule, SpecialCauseRule::kNone);
  EXPECT_EQ(c.variation, VariationIcon::kCommonCause);
  EXPECT_EQ(c.assurance, AssuranceIcon::kNone);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_TRUE(Contains(c.warnings[0], "one point")) << c.warnings[0];
}

TEST(SpcXmrTest, AllEqualValuesGiveLimitsAtTheMeanAndNoSignals) {
  XmrChart c = Calc(std::vector<double>(15, 5.0));
  const XmrLimits& l = c.groups[0].limits;
  EXPECT_TRUE(l.has_limits);
  EXPECT_DOUBLE_EQ(l.average_moving_range, 0.0);
  EXPECT_DOUBLE_EQ(l.upl, 5.0);
  EXPECT_DOUBLE_EQ(l.lpl, 5.0);
  EXPECT_FALSE(std::isnan(l.upl));
  for (const XmrPoint& p : c.points) EXPECT_EQ(p.rule, SpecialCauseRule::kNone);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_TRUE(Contains(c.warnings[0], "all equal")) << c.warnings[0];
}

TEST(SpcXmrTest, TrialLimitsWarningBelowThirteenPoints) {
  std::vector<double> twelve{1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2};
  XmrChart c = Calc(twelve);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_TRUE(Contains(c.warnings[0], "periods p1 to p12")) << c.warnings[0];
  EXPECT_TRUE(Contains(c.warnings[0], "trial limits")) << c.warnings[0];
  twelve.push_back(1);
  EXPECT_TRUE(Calc(twelve).warnings.empty());
  XmrOptions o;
  o.fix_after_points = 12;  // thirteen points, but limits from twelve
  EXPECT_EQ(Calc(twelve, o).warnings.size(), 1u);
}

TEST(SpcXmrTest, RefusesNonFiniteValuesNamingThePoint) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::string e = ErrorOf({{"2024-01", 1}, {"2024-02", nan}});
  EXPECT_TRUE(Contains(e, "point 2 (2024-02)")) << e;
  EXPECT_TRUE(Contains(e, "not a finite number")) << e;
  EXPECT_TRUE(Contains(ErrorOf({{"a", -inf}}), "point 1 (a)"));
  XmrOptions o;
  o.target = inf;
  EXPECT_TRUE(Contains(ErrorOf(Series(kSmall), o), "target")) << ErrorOf(Series(kSmall), o);
}

TEST(SpcXmrTest, RefusesBadPeriodsAndOptions) {
  EXPECT_TRUE(Contains(ErrorOf({{"a", 1}, {"b", 2}, {"a", 3}}), "repeats point 1"));
  EXPECT_TRUE(Contains(ErrorOf({{"", 1}}), "empty"));
  XmrOptions o;
  o.rebase_periods = {"p99"};
  EXPECT_TRUE(Contains(ErrorOf(Series(kSmall), o), "'p99' is not in the series"));
  o = {};
  o.rules.run_length = 8;
  EXPECT_TRUE(Contains(ErrorOf(Series(kSmall), o), "6 or 7"));
  o = {};
  o.fix_after_points = 1;
  EXPECT_TRUE(Contains(ErrorOf(Series(kSmall), o), "at least 2"));
}

TEST(SpcXmrTest, NamesForOutput) {
  EXPECT_EQ(PointTypeName(PointType::kSpecialCauseNeutralLow), "special_cause_neutral_low");
  EXPECT_EQ(VariationIconName(VariationIcon::kConcernHigh), "concern_high");
  EXPECT_EQ(AssuranceIconName(AssuranceIcon::kConsistentPass), "consistent_pass");
  EXPECT_EQ(ImprovementName(Improvement::kNeutral), "neutral");
  EXPECT_TRUE(ParseImprovement("decrease").ok());
  EXPECT_EQ(ParseImprovement("decrease").value(), Improvement::kDecrease);
  EXPECT_FALSE(ParseImprovement("up").ok());
}

}  // namespace
}  // namespace csu::spc
