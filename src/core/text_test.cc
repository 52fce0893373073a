#include "core/text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace csu {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

using Fields = std::vector<std::string_view>;

TEST(TrimTest, RemovesSpacesAndTabsAtBothEnds) {
  EXPECT_EQ(Trim("  a b\t"), "a b");
  EXPECT_EQ(Trim("\t\tx"), "x");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim("\nx\r"), "\nx\r");  // only spaces and tabs
}

TEST(ParseIntTest, AcceptsWholeDecimalIntegers) {
  EXPECT_EQ(ParseInt("0"), 0);
  EXPECT_EQ(ParseInt("-0"), 0);
  EXPECT_EQ(ParseInt("42"), 42);
  EXPECT_EQ(ParseInt("-42"), -42);
  EXPECT_EQ(ParseInt("007"), 7);
  EXPECT_EQ(ParseInt("9223372036854775807"), kMax);
  EXPECT_EQ(ParseInt("-9223372036854775808"), kMin);
}

TEST(ParseIntTest, RejectsAnythingElse) {
  for (const char* bad : {"", "-", "+5", " 5", "5 ", "1.0", "12a", "a12", "0x10", "1e3", "1,000", "--1",
                          "9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    EXPECT_EQ(ParseInt(bad), std::nullopt) << bad;
  }
}

TEST(ParseScaledTest, IsExact) {
  EXPECT_EQ(ParseScaled("1.212802", 6), 1212802);
  EXPECT_EQ(ParseScaled("0.3", 6), 300000);  // 0.3 has no exact double; here it is 300000
  EXPECT_EQ(ParseScaled("0.412383", 6), 412383);
  EXPECT_EQ(ParseScaled("0.000001", 6), 1);
  EXPECT_EQ(ParseScaled("12", 2), 1200);
  EXPECT_EQ(ParseScaled("12.5", 2), 1250);
  EXPECT_EQ(ParseScaled("-3.5", 1), -35);
  EXPECT_EQ(ParseScaled("-3.5", 3), -3500);
  EXPECT_EQ(ParseScaled("0", 2), 0);
  EXPECT_EQ(ParseScaled("-0.0", 2), 0);
  EXPECT_EQ(ParseScaled("5", 0), 5);
  EXPECT_EQ(ParseScaled("1", 18), 1000000000000000000);
}

TEST(ParseScaledTest, ReachesBothInt64LimitsExactly) {
  EXPECT_EQ(ParseScaled("9223372036854775807", 0), kMax);
  EXPECT_EQ(ParseScaled("922337203685477580.7", 1), kMax);
  EXPECT_EQ(ParseScaled("92233720368547758.07", 2), kMax);
  EXPECT_EQ(ParseScaled("-9223372036854775807", 0), -kMax);
  EXPECT_EQ(ParseScaled("-9223372036854775808", 0), kMin);  // ParseInt takes it, so must this
  EXPECT_EQ(ParseScaled("-92233720368547758.08", 2), kMin);
}

TEST(ParseScaledTest, RejectsOverflow) {
  EXPECT_EQ(ParseScaled("9223372036854775808", 0), std::nullopt);  // INT64_MAX + 1
  EXPECT_EQ(ParseScaled("9223372036854775809", 0), std::nullopt);
  EXPECT_EQ(ParseScaled("922337203685477580.8", 1), std::nullopt);
  EXPECT_EQ(ParseScaled("92233720368547758.08", 2), std::nullopt);
  EXPECT_EQ(ParseScaled("-9223372036854775809", 0), std::nullopt);
  EXPECT_EQ(ParseScaled("18446744073709551616", 0), std::nullopt);  // 2^64 would wrap to 0 unsigned
  EXPECT_EQ(ParseScaled("99999999999999999999", 0), std::nullopt);
  EXPECT_EQ(ParseScaled("10", 18), std::nullopt);  // 10^19
  EXPECT_EQ(ParseScaled("9.3", 18), std::nullopt);  // 9.3e18 > 9.22e18
}

TEST(ParseScaledTest, RejectsTooManyDecimals) {
  EXPECT_EQ(ParseScaled("1.2345", 3), std::nullopt);
  EXPECT_EQ(ParseScaled("1.0", 0), std::nullopt);  // even a zero is not silently dropped
  EXPECT_EQ(ParseScaled("0.1234567", 6), std::nullopt);
}

TEST(ParseScaledTest, RejectsMalformed) {
  for (const char* bad : {"", "-", "+", ".", "-.", "12.", "1.2.3", "1e5", "1,000", " 1", "1 ", "a", "1a",
                          "1.a", "--1", "-+1", "0x1"}) {
    EXPECT_EQ(ParseScaled(bad, 6), std::nullopt) << bad;
  }
}

TEST(SplitTest, KeepsEmptyFields) {
  EXPECT_EQ(Split("a,b,c", ','), (Fields{"a", "b", "c"}));
  EXPECT_EQ(Split("abc", ','), (Fields{"abc"}));
  EXPECT_EQ(Split("", ','), (Fields{""}));
  EXPECT_EQ(Split(",", ','), (Fields{"", ""}));
  EXPECT_EQ(Split("a,,b", ','), (Fields{"a", "", "b"}));
  EXPECT_EQ(Split("a,", ','), (Fields{"a", ""}));
  EXPECT_EQ(Split(",a", ','), (Fields{"", "a"}));
  EXPECT_EQ(Split("a|b,c", '|'), (Fields{"a", "b,c"}));
}

TEST(ToUpperTest, UpperCasesAsciiOnly) {
  EXPECT_EQ(ToUpper("aBc1-z"), "ABC1-Z");
  EXPECT_EQ(ToUpper(""), "");
  EXPECT_EQ(ToUpper("caf\xC3\xA9"), "CAF\xC3\xA9");  // é is left alone
}

TEST(IsValidUtf8Test, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));     // NUL is a character
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));                 // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xC2\xA3"));                 // £
  EXPECT_TRUE(IsValidUtf8("\xDF\xBF"));                 // U+07FF, largest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));             // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));             // €
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));             // U+D7FF, just below surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));             // U+E000, just above surrogates
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));             // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));         // U+10000, smallest 4-byte
  EXPECT_TRUE(IsValidUtf8("\xF0\x9D\x84\x9E"));         // U+1D11E musical G clef
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));         // U+10FFFF, the largest code point
  EXPECT_TRUE(IsValidUtf8("\xEF\xBB\xBF" "a,b"));       // a byte order mark is valid text
}

TEST(IsValidUtf8Test, RejectsOverlongs) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));          // NUL in two bytes
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));          // U+007F in two bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(IsValidUtf8Test, RejectsSurrogatesAndBeyondUnicode) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));           // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));           // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB2\xA9"));  // a CESU-8 surrogate pair
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));       // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));   // old 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xFC\x84\x80\x80\x80\x80"));  // old 6-byte form
  EXPECT_FALSE(IsValidUtf8("\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(IsValidUtf8Test, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(IsValidUtf8("\xC2"));
  EXPECT_FALSE(IsValidUtf8("abc\xC2"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9D\x84"));
  EXPECT_FALSE(IsValidUtf8("\x80"));          // a lone continuation byte
  EXPECT_FALSE(IsValidUtf8("a\xBF" "b"));
  EXPECT_FALSE(IsValidUtf8("\xC2" "A"));      // lead byte then ASCII
  EXPECT_FALSE(IsValidUtf8("\xE2\x82" "A"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9D\x84" "A"));
  EXPECT_FALSE(IsValidUtf8("\xE2\xC2\xA3"));  // a new lead where a continuation belongs
  EXPECT_FALSE(IsValidUtf8("\xA3"));          // Latin-1 £ (a common wrong encoding)
}

TEST(WithThousandsTest, GroupsByThree) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(7), "7");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(1000), "1,000");
  EXPECT_EQ(WithThousands(100000), "100,000");
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
  EXPECT_EQ(WithThousands(-7), "-7");
  EXPECT_EQ(WithThousands(-999), "-999");
  EXPECT_EQ(WithThousands(-1234), "-1,234");
  EXPECT_EQ(WithThousands(-100000), "-100,000");
}

TEST(WithThousandsTest, Int64Extremes) {
  EXPECT_EQ(WithThousands(kMax), "9,223,372,036,854,775,807");
  EXPECT_EQ(WithThousands(kMin), "-9,223,372,036,854,775,808");
}

}  // namespace
}  // namespace csu

namespace csu {
namespace {

TEST(ReplaceInvalidUtf8Test, KeepsGoodTextReplacesBadBytes) {
  EXPECT_EQ(ReplaceInvalidUtf8("plain", '?'), "plain");
  EXPECT_EQ(ReplaceInvalidUtf8("Caf\xC3\xA9", '?'), "Caf\xC3\xA9");
  EXPECT_EQ(ReplaceInvalidUtf8("Caf\xE9", '?'), "Caf?");
  EXPECT_EQ(ReplaceInvalidUtf8("\xC0\xAE", '?'), "??");  // overlong
  EXPECT_EQ(ReplaceInvalidUtf8("\xE2\x82", '?'), "??");  // truncated
}

TEST(TextTest, JsonEscapeQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonEscape("plain caf\xC3\xA9"), "plain caf\xC3\xA9");
  EXPECT_EQ(JsonEscape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(JsonEscape("\n\r\t"), "\\n\\r\\t");
  EXPECT_EQ(JsonEscape(std::string("\x01\x1F\x7F", 3)), "\\u0001\\u001f\\u007f");
}

}  // namespace
}  // namespace csu
