#include "core/nhs_number.h"

#include <gtest/gtest.h>

#include <string>

namespace csu {
namespace {

// Valid numbers from the NHS Data Dictionary examples and the test range.
// 943476591|9: 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299;
// 299 mod 11 = 2; 11 - 2 = 9.
const char* const kValid[] = {"9434765919", "9434765870", "4010232137", "9000000009"};

TEST(NhsNumberTest, CheckDigit) {
  const int a[9] = {9, 4, 3, 4, 7, 6, 5, 9, 1};
  EXPECT_EQ(NhsCheckDigit(a), 9);
  // 943476587: sum 9*10+4*9+3*8+4*7+7*6+6*5+5*4+8*3+7*2 = 308 = 28*11, so the
  // remainder is 0 and 11 - 0 = 11 maps to check digit 0.
  const int b[9] = {9, 4, 3, 4, 7, 6, 5, 8, 7};
  EXPECT_EQ(NhsCheckDigit(b), 0);
  // 100000001: 1*10 + 1*2 = 12; 12 mod 11 = 1; 11 - 1 = 10: never issued.
  const int c[9] = {1, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(NhsCheckDigit(c), std::nullopt);
}

TEST(NhsNumberTest, ParsesValidNumbers) {
  EXPECT_EQ(ParseNhsNumber("9434765919"), 9434765919u);
  EXPECT_EQ(ParseNhsNumber("9434765870"), 9434765870u);
  EXPECT_EQ(ParseNhsNumber("4010232137"), 4010232137u);
  EXPECT_EQ(ParseNhsNumber("9000000009"), 9000000009u);
  for (const char* n : kValid) EXPECT_EQ(NhsNumberProblem(n), "") << n;
}

TEST(NhsNumberTest, ParsesSpacedForm) {
  EXPECT_EQ(ParseNhsNumber("943 476 5919"), 9434765919u);
  EXPECT_EQ(ParseNhsNumber("401 023 2137"), 4010232137u);
  EXPECT_EQ(NhsNumberProblem("943 476 5919"), "");
}

TEST(NhsNumberTest, RejectsMisplacedSpaces) {
  for (const char* bad : {"9434 765919", "94 34765919", " 9434765919", "9434765919 ", "943  476 5919",
                          "943 476  5919", "943 476 591 9", "9 434765919", "943 4765 919", " 943 476 5919",
                          "943 476 5919 "}) {
    EXPECT_EQ(ParseNhsNumber(bad), std::nullopt) << bad;
    EXPECT_EQ(NhsNumberProblem(bad), "spaces misplaced") << bad;
  }
}

TEST(NhsNumberTest, RejectsWrongShape) {
  EXPECT_EQ(NhsNumberProblem(""), "fewer than 10 digits");
  EXPECT_EQ(NhsNumberProblem("943476591"), "fewer than 10 digits");
  EXPECT_EQ(NhsNumberProblem("94347659190"), "more than 10 digits");
  EXPECT_EQ(NhsNumberProblem("943-476-5919"), "not all digits");
  EXPECT_EQ(NhsNumberProblem("943476591X"), "not all digits");
  EXPECT_EQ(NhsNumberProblem("+9434765919"), "not all digits");
  EXPECT_EQ(NhsNumberProblem("943\t476\t5919"), "not all digits");
  for (const char* bad : {"", "943476591", "94347659190", "943-476-5919", "943476591X", "0x9434765919"}) {
    EXPECT_EQ(ParseNhsNumber(bad), std::nullopt) << bad;
  }
}

TEST(NhsNumberTest, RejectsWrongCheckDigit) {
  EXPECT_EQ(NhsNumberProblem("9434765918"), "check digit invalid");
  EXPECT_EQ(ParseNhsNumber("9434765918"), std::nullopt);
  EXPECT_EQ(ParseNhsNumber("943 476 5918"), std::nullopt);
}

TEST(NhsNumberTest, CheckDigitTenIsNeverValid) {
  // 100000001 gives a check digit of 10, so no tenth digit makes it valid.
  for (char last = '0'; last <= '9'; ++last) {
    std::string n = std::string("100000001") + last;
    EXPECT_EQ(ParseNhsNumber(n), std::nullopt) << n;
    EXPECT_EQ(NhsNumberProblem(n), "check digit invalid") << n;
  }
}

TEST(NhsNumberTest, EverySingleDigitChangeIsCaught) {
  // Modulus 11 with weights 10..2 detects every single-digit error: a change
  // of k (1..9) at weight w (2..10) changes the sum by w*k, never 0 mod 11.
  for (const char* valid : kValid) {
    for (size_t pos = 0; pos < 10; ++pos) {
      for (char digit = '0'; digit <= '9'; ++digit) {
        std::string n = valid;
        if (n[pos] == digit) continue;
        n[pos] = digit;
        EXPECT_EQ(ParseNhsNumber(n), std::nullopt) << n;
      }
    }
  }
}

TEST(NhsNumberTest, Formats) {
  EXPECT_EQ(FormatNhsNumber(9434765919u), "943 476 5919");
  EXPECT_EQ(FormatNhsNumber(4010232137u), "401 023 2137");
  EXPECT_EQ(FormatNhsNumber(123u), "000 000 0123");  // leading zeros kept
  for (const char* n : kValid) {
    auto v = ParseNhsNumber(n);
    ASSERT_TRUE(v.has_value()) << n;
    EXPECT_EQ(ParseNhsNumber(FormatNhsNumber(*v)), v) << n;
  }
}

TEST(NhsNumberTest, FastPathAgreesWithTheRulesOnTenByteInputs) {
  // ParseNhsNumber reads ten plain digits in one pass; it must accept exactly
  // what NhsNumberProblem accepts. Every check digit of many prefixes, and
  // ten-byte texts with a space or a letter in each position.
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::string s = std::to_string(1000000000ull + x % 9000000000ull);
    for (char last = '0'; last <= '9'; ++last) {
      s[9] = last;
      EXPECT_EQ(ParseNhsNumber(s).has_value(), NhsNumberProblem(s).empty()) << s;
    }
    std::string odd = s;
    odd[static_cast<size_t>(i) % 10] = i % 2 == 0 ? ' ' : 'A';
    EXPECT_EQ(ParseNhsNumber(odd).has_value(), NhsNumberProblem(odd).empty()) << odd;
  }
  EXPECT_EQ(ParseNhsNumber("0000000000"), 0u);  // check digit 0 of an all-zero prefix
  EXPECT_EQ(ParseNhsNumber("9434 765919"), std::nullopt);  // a space out of the 3-3-4 places
}

}  // namespace
}  // namespace csu
