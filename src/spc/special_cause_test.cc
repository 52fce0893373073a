// The special-cause rules, worked by hand from the published rules
// (docs/spc.md), on limits given directly so every expectation can be
// checked with pencil and paper: mean 0 and AMR 1 give process limits
// +/-2.66 and 2-sigma lines +/-1.7733; mean 0 and AMR 10 give limits so wide
// that only trends and shifts can fire.
#include "spc/special_cause.h"

#include <gtest/gtest.h>

#include <vector>

namespace csu::spc {
namespace {

using R = SpecialCauseRule;
constexpr R kNone = R::kNone;

const XmrLimits kUnit = XmrLimits::FromMeanAndAmr(0.0, 1.0);
const XmrLimits kWide = XmrLimits::FromMeanAndAmr(0.0, 10.0);

std::vector<R> Find(const std::vector<double>& values, const XmrLimits& limits, int run_length = 7,
                    TwoOfThreeCounting counting = TwoOfThreeCounting::kBeyondTwoSigma) {
  RuleOptions options;
  options.run_length = run_length;
  options.two_of_three = counting;
  return FindSpecialCauses(values, limits, options);
}

TEST(SpcLimitsTest, FactorsAreTheXmrConstants) {
  XmrLimits l = XmrLimits::FromMeanAndAmr(10.0, 1.5);
  EXPECT_DOUBLE_EQ(l.upl, 10.0 + 3.99);
  EXPECT_DOUBLE_EQ(l.lpl, 10.0 - 3.99);
  EXPECT_NEAR(l.upper_2sigma, 10.0 + 2.66, 1e-12);  // 2/3 of 2.66 x 1.5
  EXPECT_NEAR(l.lower_2sigma, 10.0 - 2.66, 1e-12);
  EXPECT_TRUE(l.has_limits);
  EXPECT_FALSE(XmrLimits::MeanOnly(4.0).has_limits);
}

// ---- Rule 1: beyond the process limits ----

TEST(SpcRulesTest, PointsBeyondTheLimitsAndNotOnThem) {
  // 2.66 is exactly the UPL: on the limit is not beyond it.
  EXPECT_EQ(Find({0.5, 2.7, -0.5, -2.7, 2.66}, kUnit),
            (std::vector<R>{kNone, R::kAboveUpperLimit, kNone, R::kBelowLowerLimit, kNone}));
}

TEST(SpcRulesTest, WithoutLimitsOnlyRunsCanFire) {
  EXPECT_EQ(Find({100, -100, 100}, XmrLimits::MeanOnly(0)), (std::vector<R>{kNone, kNone, kNone}));
  EXPECT_EQ(Find({1, 1, 1, 1, 1, 1, 1}, XmrLimits::MeanOnly(0)), std::vector<R>(7, R::kShiftAbove));
}

// ---- Rule 2: trends ----

TEST(SpcRulesTest, SevenIncreasingPointsAreATrendAndAllSevenAreFlagged) {
  // Crosses the mean, so no shift; within 2 sigma, so no other rule.
  std::vector<double> v{-1.0, -0.8, -0.6, -0.4, -0.2, 0.1, 0.3};
  EXPECT_EQ(Find(v, kUnit), std::vector<R>(7, R::kTrendIncreasing));
  // One point fewer is not a trend of 7...
  std::vector<double> six(v.begin() + 1, v.end());
  EXPECT_EQ(Find(six, kUnit), std::vector<R>(6, kNone));
  // ...but is a trend of 6 when the run length is 6 (issue #202).
  EXPECT_EQ(Find(six, kUnit, 6), std::vector<R>(6, R::kTrendIncreasing));
}

TEST(SpcRulesTest, DecreasingTrendAndPointsAroundIt) {
  std::vector<double> v{0.0, 0.9, 0.6, 0.3, 0.1, -0.1, -0.3, -0.5, 0.2};
  std::vector<R> want{kNone, R::kTrendDecreasing, R::kTrendDecreasing, R::kTrendDecreasing, R::kTrendDecreasing,
                      R::kTrendDecreasing, R::kTrendDecreasing, R::kTrendDecreasing, kNone};
  EXPECT_EQ(Find(v, kUnit), want);
}

TEST(SpcRulesTest, ARepeatedValueBreaksATrend) {
  // Eight strictly increasing points: a trend.
  std::vector<double> rising{-0.3, -0.2, -0.1, -0.05, 0.1, 0.2, 0.3, 0.4};
  EXPECT_EQ(Find(rising, kWide), std::vector<R>(8, R::kTrendIncreasing));
  // The same with the fourth value equal to the third: runs of 3 and 5.
  std::vector<double> tied{-0.3, -0.2, -0.1, -0.1, 0.1, 0.2, 0.3, 0.4};
  EXPECT_EQ(Find(tied, kWide), std::vector<R>(8, kNone));
}

TEST(SpcRulesTest, TurningPointBetweenTwoTrendsTakesTheLaterTrend) {
  // Points 0-6 rise, points 6-12 fall; point 6 is in both.
  std::vector<double> v{-3, -2, -1, 1, 2, 3, 4, 3, 2, 1, -1, -2, -3};
  std::vector<R> got = Find(v, kWide);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(got[i], R::kTrendIncreasing) << i;
  for (size_t i = 6; i < 13; ++i) EXPECT_EQ(got[i], R::kTrendDecreasing) << i;
}

// ---- Rule 3: two of three beyond 2 sigma ----

TEST(SpcRulesTest, TwoOfThreeFlagsOnlyThePointsBeyondTwoSigma) {
  // Window (2.0, 0.3, 2.1) is all above the mean with two beyond 1.7733.
  EXPECT_EQ(Find({0.5, 2.0, 0.3, 2.1, 0.5}, kUnit),
            (std::vector<R>{kNone, R::kTwoOfThreeAbove, kNone, R::kTwoOfThreeAbove, kNone}));
  EXPECT_EQ(Find({-2.0, -2.0, -0.5}, kUnit), (std::vector<R>{R::kTwoOfThreeBelow, R::kTwoOfThreeBelow, kNone}));
  // Adjacent pair with the third point on the same side before them.
  EXPECT_EQ(Find({0.1, 1.8, 1.8}, kUnit), (std::vector<R>{kNone, R::kTwoOfThreeAbove, R::kTwoOfThreeAbove}));
}

TEST(SpcRulesTest, TwoOfThreeNeedsAllThreePointsOnOneSide) {
  // Issue #143: beyond 2 sigma on opposite sides is not a signal.
  EXPECT_EQ(Find({2.0, -2.0, 2.0}, kUnit), std::vector<R>(3, kNone));
  // The middle point below the mean: MDC requires all three on one side.
  EXPECT_EQ(Find({2.0, -0.1, 2.0}, kUnit), std::vector<R>(3, kNone));
  // A point exactly on the mean is on neither side.
  EXPECT_EQ(Find({2.0, 0.0, 2.0}, kUnit), std::vector<R>(3, kNone));
  // Only one of three beyond 2 sigma.
  EXPECT_EQ(Find({2.0, 0.5, 0.5}, kUnit), std::vector<R>(3, kNone));
  // Two beyond 2 sigma but four apart: no window holds both.
  EXPECT_EQ(Find({2.0, 0.5, 0.5, 2.0}, kUnit), std::vector<R>(4, kNone));
}

TEST(SpcRulesTest, TwoOfThreeCountsPointsBeyondTheLimitsByDefault) {
  // 2.0 is between 2 and 3 sigma, 2.7 beyond the UPL. Current MDC guidance
  // counts both, so 2.0 is flagged; 2.7 is labelled by the higher rule.
  std::vector<double> v{2.0, 2.7, 0.5};
  EXPECT_EQ(Find(v, kUnit, 7, TwoOfThreeCounting::kBeyondTwoSigma),
            (std::vector<R>{R::kTwoOfThreeAbove, R::kAboveUpperLimit, kNone}));
  // NHSRplotthedots v0.2.2 counts only points between 2 and 3 sigma: one.
  EXPECT_EQ(Find(v, kUnit, 7, TwoOfThreeCounting::kBetweenTwoAndThreeSigma),
            (std::vector<R>{kNone, R::kAboveUpperLimit, kNone}));
  // Both counting ways agree when both points are between 2 and 3 sigma.
  EXPECT_EQ(Find({2.0, 2.5, 0.5}, kUnit, 7, TwoOfThreeCounting::kBetweenTwoAndThreeSigma),
            (std::vector<R>{R::kTwoOfThreeAbove, R::kTwoOfThreeAbove, kNone}));
}

TEST(SpcRulesTest, TwoPointsBeyondTheLowerLimitAndOneNearItBelow) {
  // Issue #153's pattern mirrored: s<-3, s<-3, -3<s<-2. Default counting
  // flags the third point by rule 3; v0.2.2 counting does not.
  std::vector<double> v{-3.0, -2.9, -2.0};
  EXPECT_EQ(Find(v, kUnit), (std::vector<R>{R::kBelowLowerLimit, R::kBelowLowerLimit, R::kTwoOfThreeBelow}));
  EXPECT_EQ(Find(v, kUnit, 7, TwoOfThreeCounting::kBetweenTwoAndThreeSigma),
            (std::vector<R>{R::kBelowLowerLimit, R::kBelowLowerLimit, kNone}));
}

// ---- Rule 4: shifts ----

TEST(SpcRulesTest, SevenPointsOnOneSideOfTheMeanAreAShift) {
  EXPECT_EQ(Find({1, 1, 1, 1, 1, 1, 1}, kWide), std::vector<R>(7, R::kShiftAbove));
  EXPECT_EQ(Find({1, 1, 1, 1, 1, 1}, kWide), std::vector<R>(6, kNone));
  EXPECT_EQ(Find({1, 1, 1, 1, 1, 1}, kWide, 6), std::vector<R>(6, R::kShiftAbove));
  // A run of nine below: all nine, and the point after it is not.
  std::vector<double> v(9, -2.0);
  v.push_back(1.0);
  std::vector<R> want(9, R::kShiftBelow);
  want.push_back(kNone);
  EXPECT_EQ(Find(v, kWide), want);
}

TEST(SpcRulesTest, APointOnTheMeanResetsAShift) {
  // Eight points above the mean: a shift.
  EXPECT_EQ(Find({1, 1, 1, 0.5, 1, 1, 1, 1}, kWide), std::vector<R>(8, R::kShiftAbove));
  // The fourth exactly on the mean: runs of 3 and 4, no shift.
  EXPECT_EQ(Find({1, 1, 1, 0, 1, 1, 1, 1}, kWide), std::vector<R>(8, kNone));
  // A point below the mean breaks it too.
  EXPECT_EQ(Find({1, 1, 1, -1, 1, 1, 1, 1}, kWide), std::vector<R>(8, kNone));
}

// ---- Precedence ----

TEST(SpcRulesTest, FirstMatchingRuleLabelsThePoint) {
  // Mean 0, UPL 2.66, 2-sigma 1.7733. All ten points are above the mean (a
  // shift); points 0-6 rise (a trend); windows (6,7,8) and (7,8,9) each have
  // two points beyond 2 sigma; point 9 is beyond the UPL.
  std::vector<double> v{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 2.0, 0.1, 1.9, 2.8};
  std::vector<R> want(7, R::kTrendIncreasing);  // 6 is also in 2-of-3: trend wins
  want.push_back(R::kShiftAbove);               // 7: only in the shift
  want.push_back(R::kTwoOfThreeAbove);          // 8: 2-of-3 beats the shift
  want.push_back(R::kAboveUpperLimit);          // 9: beyond the limit beats all
  EXPECT_EQ(Find(v, kUnit), want);
}

TEST(SpcRulesTest, EmptyAndShortInputs) {
  EXPECT_TRUE(Find({}, kUnit).empty());
  EXPECT_EQ(Find({5.0}, kUnit), std::vector<R>{R::kAboveUpperLimit});
  EXPECT_EQ(Find({0.0}, kUnit), std::vector<R>{kNone});
}

TEST(SpcRulesTest, NamesAndDirections) {
  EXPECT_EQ(RuleName(R::kShiftAbove), "shift_above");
  EXPECT_EQ(RuleName(R::kTwoOfThreeBelow), "two_of_three_below");
  EXPECT_EQ(RuleName(kNone), "none");
  EXPECT_EQ(RuleDirection(R::kTrendIncreasing), 1);
  EXPECT_EQ(RuleDirection(R::kBelowLowerLimit), -1);
  EXPECT_EQ(RuleDirection(kNone), 0);
}

}  // namespace
}  // namespace csu::spc
