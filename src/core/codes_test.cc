#include "core/codes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace csu {
namespace {

OdsCode Ods(std::string_view text) {
  auto c = OdsCode::Parse(text);
  EXPECT_TRUE(c.ok()) << text << ": " << (c.ok() ? "" : c.error().ToString());
  return c.ok() ? c.value() : OdsCode();
}

// ---- OdsCode ----

TEST(OdsCodeTest, ParsesOrganisationCodes) {
  for (const char* code : {"RBT", "RBT01", "27D", "A84002", "0AP", "ABCDEFGH", "12345678", "999"}) {
    EXPECT_EQ(Ods(code).view(), code);
    EXPECT_EQ(Ods(code).ToString(), code);
    EXPECT_FALSE(Ods(code).empty());
  }
}

TEST(OdsCodeTest, UpperCasesAndTrims) {
  EXPECT_EQ(Ods("rbt01").view(), "RBT01");
  EXPECT_EQ(Ods("Rbt").view(), "RBT");
  EXPECT_EQ(Ods(" 27d ").view(), "27D");
  EXPECT_EQ(Ods("\ta84002\t").view(), "A84002");
  EXPECT_EQ(Ods("rbt"), Ods("RBT"));
}

TEST(OdsCodeTest, Rejects) {
  for (const char* bad : {"", "   ", "AB", "A", "ABCDEFGHI", "RB-T", "RB T", "RBT.", "RBT\n", "\xC2\xA3" "AB",
                          "R\xC3\xA9T", "RB_01", "RBT\t01"}) {
    EXPECT_FALSE(OdsCode::Parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(OdsCode::Parse(std::string("RB\0T", 4)).ok());  // an embedded NUL would truncate view()
  auto r = OdsCode::Parse("RB-T");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("'RB-T'"), std::string::npos) << r.error().why;
  EXPECT_NE(r.error().why.find("ODS code"), std::string::npos) << r.error().why;
}

TEST(OdsCodeTest, DefaultIsEmpty) {
  OdsCode c;
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.view(), "");
  EXPECT_EQ(c.key(), 0u);
  EXPECT_LT(c, Ods("000"));
}

TEST(OdsCodeTest, OrdersAsStrings) {
  // Shorter codes sort before longer ones with the same prefix, digits before
  // letters: exactly std::string ordering.
  std::vector<std::string> texts = {"RBT01", "RBT", "A84002", "27D", "0AP", "RBT1", "RB1", "ZZZZZZZZ",
                                    "000", "RBT010", "AAA", "AAAA", "AA0"};
  std::vector<OdsCode> codes;
  for (const auto& t : texts) codes.push_back(Ods(t));
  std::sort(texts.begin(), texts.end());
  std::sort(codes.begin(), codes.end());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(codes[i].view(), texts[i]) << i;
  // And by key, which must agree with operator<.
  for (size_t i = 0; i + 1 < codes.size(); ++i) {
    EXPECT_LT(codes[i].key(), codes[i + 1].key()) << codes[i].view();
    EXPECT_LT(codes[i], codes[i + 1]);
    EXPECT_NE(codes[i], codes[i + 1]);
  }
  EXPECT_LT(Ods("RBT"), Ods("RBT01"));
  EXPECT_LT(Ods("27D"), Ods("A84002"));
  EXPECT_GT(Ods("RBT"), Ods("RB1"));
}

TEST(OdsCodeTest, KeysAreDistinct) {
  // Every code of 3 characters from a small alphabet, plus their 4-character
  // extensions: prefixes must not collide with the codes they prefix.
  const std::string alphabet = "0A9Z";
  std::set<uint64_t> keys;
  size_t n = 0;
  for (char a : alphabet) {
    for (char b : alphabet) {
      for (char c : alphabet) {
        std::string s = {a, b, c};
        keys.insert(Ods(s).key());
        ++n;
        for (char d : alphabet) {
          keys.insert(Ods(s + d).key());
          ++n;
        }
      }
    }
  }
  EXPECT_EQ(keys.size(), n);
  EXPECT_NE(Ods("RBT").key(), Ods("RBT0").key());
  EXPECT_EQ(Ods("rbt").key(), Ods("RBT").key());
  // Big-endian packing: 'R' 'B' 'T' then five zero bytes.
  EXPECT_EQ(Ods("RBT").key(), (uint64_t{'R'} << 56) | (uint64_t{'B'} << 48) | (uint64_t{'T'} << 40));
}

TEST(OdsCodeTest, WorksAsAnUnorderedMapKey) {
  std::unordered_map<OdsCode, int, ShortCodeHash> m;
  m[Ods("RBT")] = 1;
  m[Ods("RBT01")] = 2;
  m[Ods("rbt")] += 10;
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at(Ods("RBT")), 11);
  EXPECT_EQ(m.at(Ods("RBT01")), 2);
  EXPECT_EQ(m.count(Ods("RBT0")), 0u);
  EXPECT_EQ(ShortCodeHash()(Ods("RBT")), ShortCodeHash()(Ods(" rbt ")));
}

// ---- HrgCode ----

TEST(HrgCodeTest, Parses) {
  auto h = HrgCode::Parse("EB03E");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value().view(), "EB03E");
  EXPECT_EQ(h.value().subchapter(), "EB");
  EXPECT_EQ(h.value().chapter(), "E");
  auto lower = HrgCode::Parse(" hc72a\t");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower.value().view(), "HC72A");
  EXPECT_EQ(lower.value(), HrgCode::Parse("HC72A").value());
  EXPECT_TRUE(HrgCode::Parse("WH54Z").ok());
  EXPECT_TRUE(HrgCode().empty());
}

TEST(HrgCodeTest, Rejects) {
  for (const char* bad : {"", "EB03", "EB03EE", "E103E", "1B03E", "EB0XE", "EBX3E", "EB031", "EB 03E",
                          "EB-3E", "EB03\xC3\xA9", "UZ01ZX"}) {
    EXPECT_FALSE(HrgCode::Parse(bad).ok()) << bad;
  }
  auto r = HrgCode::Parse("EB03");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("HRG"), std::string::npos) << r.error().why;
}

TEST(HrgCodeTest, OrdersAndHashes) {
  auto a = HrgCode::Parse("EB03E").value();
  auto b = HrgCode::Parse("EB03H").value();
  auto c = HrgCode::Parse("AA22A").value();
  EXPECT_LT(c, a);
  EXPECT_LT(a, b);
  EXPECT_NE(a.key(), b.key());
  std::unordered_map<HrgCode, int, ShortCodeHash> m{{a, 1}, {b, 2}, {c, 3}};
  EXPECT_EQ(m.at(HrgCode::Parse("eb03h").value()), 2);
}

// ---- TreatmentFunctionCode ----

TEST(TreatmentFunctionCodeTest, Parses) {
  for (const char* code : {"100", "110", "300", "999", "000"}) {
    auto t = TreatmentFunctionCode::Parse(code);
    ASSERT_TRUE(t.ok()) << code;
    EXPECT_EQ(t.value().view(), code);
  }
  auto spaced = TreatmentFunctionCode::Parse(" 100 ");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(spaced.value().view(), "100");
}

TEST(TreatmentFunctionCodeTest, Rejects) {
  for (const char* bad : {"", "10", "1000", "10A", "abc", "1 0", "-10", "+10", "1.0"}) {
    EXPECT_FALSE(TreatmentFunctionCode::Parse(bad).ok()) << bad;
  }
  auto r = TreatmentFunctionCode::Parse("10A");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("treatment function"), std::string::npos) << r.error().why;
}

TEST(TreatmentFunctionCodeTest, OrdersAndHashes) {
  auto a = TreatmentFunctionCode::Parse("100").value();
  auto b = TreatmentFunctionCode::Parse("110").value();
  auto c = TreatmentFunctionCode::Parse("099").value();
  EXPECT_LT(c, a);
  EXPECT_LT(a, b);
  std::set<uint64_t> keys;
  for (int i = 0; i < 1000; ++i) {
    char buf[4] = {static_cast<char>('0' + i / 100), static_cast<char>('0' + i / 10 % 10),
                   static_cast<char>('0' + i % 10), 0};
    auto t = TreatmentFunctionCode::Parse(buf);
    ASSERT_TRUE(t.ok()) << buf;
    keys.insert(t.value().key());
  }
  EXPECT_EQ(keys.size(), 1000u);
  std::unordered_map<TreatmentFunctionCode, int, ShortCodeHash> m{{a, 1}, {b, 2}};
  EXPECT_EQ(m.at(TreatmentFunctionCode::Parse("110").value()), 2);
  EXPECT_EQ(m.count(c), 0u);
}

}  // namespace
}  // namespace csu
