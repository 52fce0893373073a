#include "core/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace csu {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();  //  9223372036854775807
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();  // -9223372036854775808

// "£" is two bytes in UTF-8; spelling it out keeps the expectations readable.
const std::string kPound = "\xC2\xA3";

int64_t ParsePence(std::string_view text) {
  auto m = Money::Parse(text);
  EXPECT_TRUE(m.ok()) << text << ": " << (m.ok() ? "" : m.error().ToString());
  return m.ok() ? m.value().pence() : -999999;
}

// ---- Formatting ----

TEST(MoneyTest, FormatsWithPoundSignAndThousands) {
  EXPECT_EQ(Money::FromPence(123456).ToString(), kPound + "1,234.56");
  EXPECT_EQ(Money::FromPence(-5).ToString(), "-" + kPound + "0.05");
}

TEST(MoneyTest, FormatsSmallAndRoundAmounts) {
  EXPECT_EQ(Money().ToString(), kPound + "0.00");
  EXPECT_EQ(Money::FromPence(0).ToString(), kPound + "0.00");
  EXPECT_EQ(Money::FromPence(1).ToString(), kPound + "0.01");
  EXPECT_EQ(Money::FromPence(10).ToString(), kPound + "0.10");
  EXPECT_EQ(Money::FromPence(99).ToString(), kPound + "0.99");
  EXPECT_EQ(Money::FromPence(100).ToString(), kPound + "1.00");
  EXPECT_EQ(Money::FromPence(99999).ToString(), kPound + "999.99");
  EXPECT_EQ(Money::FromPence(100000).ToString(), kPound + "1,000.00");
  EXPECT_EQ(Money::FromPence(-100000).ToString(), "-" + kPound + "1,000.00");
  EXPECT_EQ(Money::FromPence(123456789012).ToString(), kPound + "1,234,567,890.12");
  EXPECT_EQ(Money::FromPounds(12).ToString(), kPound + "12.00");
}

TEST(MoneyTest, FormatsInt64Extremes) {
  // 9223372036854775807 pence = £92,233,720,368,547,758.07.
  EXPECT_EQ(Money::FromPence(kMax).ToString(), kPound + "92,233,720,368,547,758.07");
  // The magnitude of INT64_MIN is one more than INT64_MAX: ...758.08.
  EXPECT_EQ(Money::FromPence(kMin).ToString(), "-" + kPound + "92,233,720,368,547,758.08");
  EXPECT_EQ(Money::FromPence(kMax).ToDecimal(), "92233720368547758.07");
  EXPECT_EQ(Money::FromPence(kMin).ToDecimal(), "-92233720368547758.08");
}

TEST(MoneyTest, ToDecimalIsPlain) {
  EXPECT_EQ(Money::FromPence(123456).ToDecimal(), "1234.56");
  EXPECT_EQ(Money::FromPence(-5).ToDecimal(), "-0.05");
  EXPECT_EQ(Money::FromPence(-100).ToDecimal(), "-1.00");
  EXPECT_EQ(Money::FromPence(0).ToDecimal(), "0.00");
  EXPECT_EQ(Money::FromPence(7).ToDecimal(), "0.07");
}

// ---- Parsing ----

TEST(MoneyTest, ParsesEveryDocumentedForm) {
  EXPECT_EQ(ParsePence("1234.56"), 123456);
  EXPECT_EQ(ParsePence("1,234.56"), 123456);
  EXPECT_EQ(ParsePence(kPound + "1,234.56"), 123456);
  EXPECT_EQ(ParsePence("-" + kPound + "3.50"), -350);
  EXPECT_EQ(ParsePence(kPound + "-3.50"), -350);
  EXPECT_EQ(ParsePence("12"), 1200);
  EXPECT_EQ(ParsePence("0.5"), 50);
}

TEST(MoneyTest, ParsesOtherWellFormedAmounts) {
  EXPECT_EQ(ParsePence("0"), 0);
  EXPECT_EQ(ParsePence("-0"), 0);
  EXPECT_EQ(ParsePence("0.05"), 5);
  EXPECT_EQ(ParsePence("-0.05"), -5);
  EXPECT_EQ(ParsePence("1,234"), 123400);
  EXPECT_EQ(ParsePence("1,234,567.89"), 123456789);
  EXPECT_EQ(ParsePence("123,456"), 12345600);
  EXPECT_EQ(ParsePence(kPound + "12"), 1200);
  EXPECT_EQ(ParsePence("  " + kPound + "1.00\t"), 100);  // surrounding blanks are trimmed
  EXPECT_EQ(ParsePence("-1,000.00"), -100000);
}

TEST(MoneyTest, ParsesInt64MaxExactly) {
  EXPECT_EQ(ParsePence("92233720368547758.07"), kMax);
  EXPECT_EQ(ParsePence(kPound + "92,233,720,368,547,758.07"), kMax);
  EXPECT_EQ(ParsePence("-92233720368547758.07"), -kMax);
  // INT64_MIN pence formats, so it must parse back too.
  EXPECT_EQ(ParsePence("-92233720368547758.08"), kMin);
  EXPECT_EQ(ParsePence("-" + kPound + "92,233,720,368,547,758.08"), kMin);
  EXPECT_EQ(ParsePence(kPound + "-92,233,720,368,547,758.08"), kMin);
}

TEST(MoneyTest, ParseRejectsOverflow) {
  EXPECT_FALSE(Money::Parse("92233720368547758.08").ok());
  EXPECT_FALSE(Money::Parse("-92233720368547758.09").ok());
  EXPECT_FALSE(Money::Parse("100000000000000000").ok());
  EXPECT_FALSE(Money::Parse("99999999999999999999999").ok());
}

TEST(MoneyTest, ParseRejectsThirdDecimalPlace) {
  auto m = Money::Parse("1.234");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().why.find("more than two decimal places"), std::string::npos) << m.error().why;
  EXPECT_NE(m.error().why.find("'1.234'"), std::string::npos) << m.error().why;
  EXPECT_FALSE(Money::Parse("0.001").ok());
  EXPECT_FALSE(Money::Parse("1.000").ok());  // even when the third place is zero
}

TEST(MoneyTest, ParseRejectsMisplacedThousandsSeparators) {
  for (const char* bad : {"1,23.00", "12,34", "1234,567.00", ",123", "1,,234", "1,2345", "1,234,56",
                          "1,", ",", "1.2,3", "1,234.5,"}) {
    EXPECT_FALSE(Money::Parse(bad).ok()) << bad;
  }
  auto m = Money::Parse("1,23.00");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().why.find("misplaced thousands separator"), std::string::npos) << m.error().why;
}

TEST(MoneyTest, ParseRejectsEmptyAndSignOnly) {
  for (std::string bad : {std::string(""), std::string("   "), kPound, "-" + kPound, kPound + "-",
                          std::string("-")}) {
    EXPECT_FALSE(Money::Parse(bad).ok()) << bad;
  }
}

TEST(MoneyTest, ParseRejectsLettersAndOtherJunk) {
  for (std::string bad : {"abc", "12a", "1.2a", "a12", "1.2.3", "1.", ".", "1e3", "$5", "5p", "1 234",
                          "0x10", "\xC2", "\xC2\xA3\xC2\xA3" "5", "GBP5"}) {
    EXPECT_FALSE(Money::Parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(Money::Parse(kPound + " 5").ok());
  EXPECT_FALSE(Money::Parse("- 5").ok());
}

TEST(MoneyTest, ParseRejectsDoubledOrUnlistedSigns) {
  // One minus sign, before or after the pound sign. A second sign must not
  // cancel the first ("--5" is not £5.00) and '+' is not an accepted form.
  for (std::string bad : {std::string("--5"), "-" + kPound + "-5", std::string("-+5"), std::string("+5"),
                          kPound + "+5", "-" + kPound + "+5", std::string("+-5")}) {
    EXPECT_FALSE(Money::Parse(bad).ok()) << bad;
  }
}

TEST(MoneyTest, ToStringAndToDecimalParseBack) {
  for (int64_t p : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{50}, int64_t{123456}, int64_t{-123456},
                    int64_t{100000000}, kMax, -kMax, kMin}) {
    Money m = Money::FromPence(p);
    EXPECT_EQ(ParsePence(m.ToString()), p) << m.ToString();
    EXPECT_EQ(ParsePence(m.ToDecimal()), p) << m.ToDecimal();
  }
}

// ---- Arithmetic ----

TEST(MoneyTest, Operators) {
  Money a = Money::FromPence(250);
  Money b = Money::FromPence(100);
  EXPECT_EQ((a + b).pence(), 350);
  EXPECT_EQ((a - b).pence(), 150);
  EXPECT_EQ((b - a).pence(), -150);
  EXPECT_EQ((-a).pence(), -250);
  EXPECT_EQ((a * 3).pence(), 750);
  EXPECT_EQ((a * -2).pence(), -500);
  Money c = a;
  c += b;
  EXPECT_EQ(c.pence(), 350);
  c -= a;
  EXPECT_EQ(c, b);
  EXPECT_LT(b, a);
  EXPECT_GT(a, -a);
  EXPECT_EQ(Money::FromPounds(3), Money::FromPence(300));
}

// ---- Rounding ----

TEST(DivRoundHalfAwayTest, ExactQuotients) {
  EXPECT_EQ(DivRoundHalfAway(0, 7), 0);
  EXPECT_EQ(DivRoundHalfAway(4, 2), 2);
  EXPECT_EQ(DivRoundHalfAway(-4, 2), -2);
  EXPECT_EQ(DivRoundHalfAway(4, -2), -2);
  EXPECT_EQ(DivRoundHalfAway(-4, -2), 2);
}

TEST(DivRoundHalfAwayTest, HalvesRoundAwayFromZeroInBothSigns) {
  EXPECT_EQ(DivRoundHalfAway(5, 2), 3);     //  2.5 ->  3
  EXPECT_EQ(DivRoundHalfAway(-5, 2), -3);   // -2.5 -> -3
  EXPECT_EQ(DivRoundHalfAway(5, -2), -3);   // -2.5 -> -3
  EXPECT_EQ(DivRoundHalfAway(-5, -2), 3);   //  2.5 ->  3
  EXPECT_EQ(DivRoundHalfAway(1, 2), 1);     //  0.5 ->  1
  EXPECT_EQ(DivRoundHalfAway(-1, 2), -1);   // -0.5 -> -1
  EXPECT_EQ(DivRoundHalfAway(3, 2), 2);     //  1.5 ->  2 (not to even)
  EXPECT_EQ(DivRoundHalfAway(7, 2), 4);     //  3.5 ->  4
  EXPECT_EQ(DivRoundHalfAway(15000, 10000), 2);
  EXPECT_EQ(DivRoundHalfAway(-15000, 10000), -2);
}

TEST(DivRoundHalfAwayTest, JustBelowAndAboveHalf) {
  EXPECT_EQ(DivRoundHalfAway(14999, 10000), 1);    //  1.4999 ->  1
  EXPECT_EQ(DivRoundHalfAway(-14999, 10000), -1);  // -1.4999 -> -1
  EXPECT_EQ(DivRoundHalfAway(15001, 10000), 2);    //  1.5001 ->  2
  EXPECT_EQ(DivRoundHalfAway(14999, -10000), -1);
  EXPECT_EQ(DivRoundHalfAway(1, 3), 0);    // 0.333
  EXPECT_EQ(DivRoundHalfAway(2, 3), 1);    // 0.667
  EXPECT_EQ(DivRoundHalfAway(-2, 3), -1);  // -0.667
  EXPECT_EQ(DivRoundHalfAway(-1, 3), 0);   // -0.333
}

TEST(DivRoundHalfAwayTest, ExactForLargeValues) {
  const Int128 million = 1000000;
  // (INT64_MAX * 10^6 + 499999) / 10^6 = INT64_MAX + 0.499999 -> INT64_MAX.
  EXPECT_EQ(DivRoundHalfAway(Int128{kMax} * million + 499999, million), kMax);
  // (INT64_MIN * 10^6 - 499999) / 10^6 -> INT64_MIN; a double would lose this.
  EXPECT_EQ(DivRoundHalfAway(Int128{kMin} * million - 499999, million), kMin);
  EXPECT_EQ(DivRoundHalfAway(Int128{kMax} * kMax, kMax), kMax);
  EXPECT_EQ(DivRoundHalfAway(Int128{kMin} * kMin, kMin), kMin);
  // 2^62 + 1 is odd: (2^62 + 1) / 2 = 2^61 + 0.5 -> 2^61 + 1.
  EXPECT_EQ(DivRoundHalfAway((Int128{1} << 62) + 1, 2), (int64_t{1} << 61) + 1);
  EXPECT_EQ(DivRoundHalfAway(-((Int128{1} << 62) + 1), 2), -((int64_t{1} << 61) + 1));
}

TEST(DivRoundHalfAwayTest, ExactAtTheEdgesOfInt128) {
  const Int128 max128 = ~(Int128{1} << 127);  // 2^127 - 1
  const Int128 min128 = Int128{1} << 127;     // -2^127 (wraps to the sign bit)
  ASSERT_LT(min128, 0);
  // 2^126 / (2^127 - 1) is just over one half -> 1. Doubling the remainder
  // would overflow 128 bits here.
  EXPECT_EQ(DivRoundHalfAway(Int128{1} << 126, max128), 1);
  EXPECT_EQ(DivRoundHalfAway(-(Int128{1} << 126), max128), -1);
  EXPECT_EQ(DivRoundHalfAway((Int128{1} << 126) - 1, max128), 0);  // just under one half
  EXPECT_EQ(DivRoundHalfAway(max128, max128), 1);
  EXPECT_EQ(DivRoundHalfAway(max128 - 1, max128), 1);
  // A denominator of -2^127 cannot be negated.
  EXPECT_EQ(DivRoundHalfAway(min128, min128), 1);
  EXPECT_EQ(DivRoundHalfAway(min128 / 2, min128), 1);      // -2^126 / -2^127 = 0.5 -> 1
  EXPECT_EQ(DivRoundHalfAway(min128 / 2 + 1, min128), 0);  // just under one half
  EXPECT_EQ(DivRoundHalfAway(max128, min128), -1);         // -0.99999...
  EXPECT_EQ(DivRoundHalfAway(-(min128 / 2), min128), -1);  // 2^126 / -2^127 = -0.5 -> -1
  // A numerator of -2^127 with a negative denominator: -2^127 / -2^65 = 2^62,
  // and (-2^127 + 2^64) / -2^65 = 2^62 - 0.5 -> 2^62.
  EXPECT_EQ(DivRoundHalfAway(min128, -(Int128{1} << 65)), int64_t{1} << 62);
  EXPECT_EQ(DivRoundHalfAway(min128 + (Int128{1} << 64), -(Int128{1} << 65)), int64_t{1} << 62);
}

TEST(MoneyTest, MulRatioRoundsOnceHalfAway) {
  EXPECT_EQ(Money::FromPence(250).MulRatio(1, 100).pence(), 3);     //  2.5 ->  3
  EXPECT_EQ(Money::FromPence(-250).MulRatio(1, 100).pence(), -3);   // -2.5 -> -3
  EXPECT_EQ(Money::FromPence(250).MulRatio(1, -100).pence(), -3);   // negative denominator
  EXPECT_EQ(Money::FromPence(-250).MulRatio(1, -100).pence(), 3);   // both negative
  EXPECT_EQ(Money::FromPence(250).MulRatio(-1, 100).pence(), -3);   // negative numerator
  EXPECT_EQ(Money::FromPence(14999).MulRatio(1, 10000).pence(), 1);
  EXPECT_EQ(Money::FromPence(-14999).MulRatio(1, 10000).pence(), -1);
  EXPECT_EQ(Money::FromPence(100).MulRatio(1, 3).pence(), 33);      // 33.33
  EXPECT_EQ(Money::FromPence(200).MulRatio(1, 3).pence(), 67);      // 66.67
  EXPECT_EQ(Money::FromPence(100).MulRatio(-1, 3).pence(), -33);
  EXPECT_EQ(Money::FromPence(0).MulRatio(7, 3).pence(), 0);
}

TEST(MoneyTest, MulRatioByAnMffIsExact) {
  // £1,234.56 x MFF 1.212802: 123456 x 1212802 = 149727683712, / 10^6 =
  // 149727.683712 -> 149728 pence.
  EXPECT_EQ(Money::FromPence(123456).MulRatio(1212802, 1000000).pence(), 149728);
}

TEST(MoneyTest, MulRatioKeepsTheFullProduct) {
  // INT64_MAX x INT64_MAX overflows 64 bits but not the 128-bit intermediate.
  EXPECT_EQ(Money::FromPence(kMax).MulRatio(kMax, kMax).pence(), kMax);
  EXPECT_EQ(Money::FromPence(kMin).MulRatio(kMax, kMax).pence(), kMin);
  EXPECT_EQ(Money::FromPence(kMax).MulRatio(2, 2).pence(), kMax);
  EXPECT_EQ(Money::FromPence(kMin).MulRatio(-1, -1).pence(), kMin);
  EXPECT_EQ(Money::FromPence(kMax).MulRatio(1, kMax).pence(), 1);
  EXPECT_EQ(Money::FromPence(kMax).MulRatio(1, 2).pence(), kMax / 2 + 1);  // ...03.5 -> ...04
}

}  // namespace
}  // namespace csu
