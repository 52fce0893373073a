// QOF achievement, points and payment worked by hand (docs/primary-care.md,
// "Worked examples"). Every case uses practice N81001 in 2024/25 with a list
// of 8,000, the national average list of 9,964 and £220.62 a point, so
// CPI = 8,000 ÷ 9,964 = 0.802890...
#include "primarycare/qof.h"

#include <gtest/gtest.h>

namespace csu::primarycare {
namespace {

QofPractice Practice() {
  return {"N81001", "2024/25", 8000, 9964, Money::FromPence(22062), std::nullopt};
}

// DM012-like: 4 points, thresholds 50%–90%, prevalence-adjusted with a
// register of 600 (7.5% of the list) against a national prevalence of 7.5%,
// so APDF = 1 exactly.
QofIndicator Dm012(int64_t numerator, int64_t denominator, int64_t pcas) {
  QofIndicator i;
  i.practice_code = "N81001";
  i.indicator = "DM012";
  i.points_available = 4;
  i.lower_threshold = 50 * kPercentScale;
  i.upper_threshold = 90 * kPercentScale;
  i.numerator = numerator;
  i.denominator = denominator;
  i.pcas = pcas;
  i.register_size = 600;
  i.national_prevalence = 7'500'000;  // 7.5%
  i.prevalence_adjusted = true;
  return i;
}

TEST(Qof, BetweenThresholdsPointsAreLinearAndRoundedOnce) {
  // 45 ÷ (60 − 5) = 81.8181...%; points 4 × (81.8181 − 50) ÷ 40 = 3.1818 → 3.18;
  // payment 3.18 × £220.62 = £701.5716, × CPI = £563.2851 → £563.29.
  const QofResult r = CalculateQof(Practice(), Dm012(45, 60, 5));
  ASSERT_TRUE(r.achievement_hundredths);
  EXPECT_EQ(*r.achievement_hundredths, 8182);
  EXPECT_EQ(r.points_hundredths, 318);
  EXPECT_EQ(r.payment.pence(), 56329);
  EXPECT_EQ(r.explanation,
            "achievement 45 ÷ (60 − 5 PCAs) = 81.82%; between thresholds 50%–90%: 4 × (81.82% − 50%) ÷ (90% − 50%) "
            "= 3.18 points (2 places); payment 3.18 × £220.62 × CPI 8,000 ÷ 9,964 = 0.8029 × APDF (600 ÷ 8,000) ÷ "
            "7.5% = 1.0000 = £563.29 (to the penny, rounded once)");
}

TEST(Qof, AtTheLowerThresholdNoPointsAtTheUpperAll) {
  // 30 ÷ 60 = 50% exactly: "at or below the lower" earns nothing.
  QofResult r = CalculateQof(Practice(), Dm012(30, 60, 0));
  EXPECT_EQ(r.points_hundredths, 0);
  EXPECT_EQ(r.payment.pence(), 0);
  // 54 ÷ 60 = 90% exactly: all 4 points; 4 × £220.62 = £882.48 × CPI =
  // £708.5347 → £708.53.
  r = CalculateQof(Practice(), Dm012(54, 60, 0));
  EXPECT_EQ(r.points_hundredths, 400);
  EXPECT_EQ(r.payment.pence(), 70853);
  // One patient above the lower threshold earns a fraction: 31 ÷ 60 =
  // 51.666...%, 4 × 1.666... ÷ 40 = 0.1666... → 0.17 points.
  r = CalculateQof(Practice(), Dm012(31, 60, 0));
  EXPECT_EQ(r.points_hundredths, 17);
}

TEST(Qof, NoCohortAfterPcasMeansNoPoints) {
  // QOF guidance 2024/25 §1.3 v: a cohort emptied by PCAs earns nothing,
  // and achievement is blank rather than 0%.
  const QofResult r = CalculateQof(Practice(), Dm012(0, 5, 5));
  EXPECT_FALSE(r.achievement_hundredths);
  EXPECT_EQ(r.points_hundredths, 0);
  EXPECT_EQ(r.payment.pence(), 0);
  EXPECT_NE(r.explanation.find("no points can be earned"), std::string::npos);
}

TEST(Qof, IndicatorWithoutPrevalenceAdjustmentUsesTheCpiOnly) {
  // BP002-like: 15 points, 50%–90%. 700 ÷ (1,000 − 50) = 73.684...%;
  // 15 × 23.684... ÷ 40 = 8.8815... → 8.88; 8.88 × £220.62 = £1,959.1056
  // × CPI = £1,572.947 → £1,572.95. The register is not used.
  QofIndicator i = Dm012(700, 1000, 50);
  i.indicator = "BP002";
  i.points_available = 15;
  i.prevalence_adjusted = false;
  i.register_size = 0;
  i.national_prevalence = 0;
  const QofResult r = CalculateQof(Practice(), i);
  EXPECT_EQ(r.points_hundredths, 888);
  EXPECT_EQ(r.payment.pence(), 157295);
}

TEST(Qof, HalfAHundredthOfAPointRoundsUp) {
  // 1 point, thresholds 0%–100%: 1 ÷ 8 = 12.5% gives exactly 0.125 points,
  // which rounds up to 0.13; 0.13 × £220.62 = £28.6806 × CPI = £23.0274 →
  // £23.03.
  QofIndicator i = Dm012(1, 8, 0);
  i.points_available = 1;
  i.lower_threshold = 0;
  i.upper_threshold = 100 * kPercentScale;
  i.prevalence_adjusted = false;
  const QofResult r = CalculateQof(Practice(), i);
  EXPECT_EQ(r.points_hundredths, 13);
  EXPECT_EQ(r.payment.pence(), 2303);
}

TEST(Qof, PrevalenceFactorScalesThePayment) {
  // Register 480 (6% of the list) against 6.960123% nationally: APDF =
  // 0.06 ÷ 0.06960123 = 0.862054...; 3.18 × £220.62 × 0.802890 × 0.862054 =
  // £485.582 → £485.58.
  QofIndicator i = Dm012(45, 60, 5);
  i.register_size = 480;
  i.national_prevalence = 6'960'123;
  QofResult r = CalculateQof(Practice(), i);
  EXPECT_EQ(r.points_hundredths, 318);
  EXPECT_EQ(r.payment.pence(), 48558);
  // An empty register earns nothing, whatever the points: there is no floor.
  i.register_size = 0;
  r = CalculateQof(Practice(), i);
  EXPECT_EQ(r.points_hundredths, 318);
  EXPECT_EQ(r.payment.pence(), 0);
}

// Aspiration at 80% (2024/25) of the prior year's unadjusted achievement
// payment: 500.00 points × £213.43 (2023/24) × CPI 8,000 ÷ 9,639 =
// £88,569.3537 → £88,569.35; × 80% = £70,855.48 a year; ÷ 12 = £5,904.6233 →
// £5,904.62 a month, £70,855.44 in 12 months; an achievement payment of
// £95,000.00 leaves a balancing payment of £24,144.56, and one of £60,000.00
// a recovery of £10,855.44.
TEST(Qof, AspirationAndBalancingWorkedByHand) {
  const QofPractice::Prior prior{50000, Money::FromPence(21343), 8000, 9639, 8000};
  QofAspiration a = CalculateAspiration(prior, Money::FromPence(9500000));
  EXPECT_EQ(a.unadjusted_prior.pence(), 8856935);
  EXPECT_EQ(a.annual.pence(), 7085548);
  EXPECT_EQ(a.monthly.pence(), 590462);
  EXPECT_EQ(a.paid.pence(), 7085544);
  EXPECT_EQ(a.balancing.pence(), 2414456);
  a = CalculateAspiration(prior, Money::FromPence(6000000));
  EXPECT_EQ(a.balancing.pence(), -1085544);
  EXPECT_NE(a.explanation.find("80% of it = £70,855.48 a year"), std::string::npos) << a.explanation;
  EXPECT_NE(a.explanation.find("(recovered from the practice)"), std::string::npos);
}

TEST(Qof, InputsThatCannotBeUsedAreNamed) {
  QofIndicator i = Dm012(56, 60, 5);  // 56 > 60 − 5
  EXPECT_EQ(QofInputProblem(Practice(), i).value_or(""), "numerator: more than the denominator less the PCAs");
  i = Dm012(10, 60, 61);
  EXPECT_EQ(QofInputProblem(Practice(), i).value_or(""), "pcas: more than the denominator");
  i = Dm012(10, 60, 0);
  i.upper_threshold = i.lower_threshold;
  EXPECT_EQ(QofInputProblem(Practice(), i).value_or(""), "lower_threshold_pct: must be below upper_threshold_pct");
  i = Dm012(10, 60, 0);
  i.national_prevalence = 0;
  EXPECT_TRUE(QofInputProblem(Practice(), i).has_value());
  i.prevalence_adjusted = false;  // then the prevalence is not needed
  EXPECT_FALSE(QofInputProblem(Practice(), i).has_value());
  i = Dm012(10, 60, 0);
  i.register_size = 8001;
  EXPECT_EQ(QofInputProblem(Practice(), i).value_or(""), "register: larger than the practice's list_size");
}

}  // namespace
}  // namespace csu::primarycare
