// The fixed-layout CSV frame: the header exactly, rows of exactly the
// columns, every other record a problem naming its line, reading going on.
#include "core/fixed_csv.h"

#include <gtest/gtest.h>

namespace csu {
namespace {

struct Seen {
  std::vector<std::pair<int64_t, std::string>> rows, problems;
};

std::optional<int64_t> Read(std::string_view text, Seen& s) {
  return ReadFixedCsv(
      text, "a,b", 2, "docs/formats/x-v1.md",
      [&](int64_t line, const std::vector<std::string_view>& f) {
        s.rows.push_back({line, std::string(f[0]) + "|" + std::string(f[1])});
      },
      [&](int64_t line, std::string why) { s.problems.push_back({line, std::move(why)}); });
}

TEST(FixedCsv, RowsOfExactlyTheColumnsAfterTheExactHeader) {
  Seen s;
  auto last = Read(" a , b\n1,2\n3\n\"4,5\n6,7\n", s);
  ASSERT_TRUE(last.has_value());
  ASSERT_EQ(s.rows.size(), 2u);
  EXPECT_EQ(s.rows[0], (std::pair<int64_t, std::string>{2, "1|2"}));
  EXPECT_EQ(s.rows[1], (std::pair<int64_t, std::string>{5, "6|7"}));
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_EQ(s.problems[0], (std::pair<int64_t, std::string>{3, "has 1 fields, not 2"}));
  EXPECT_EQ(s.problems[1].first, 4);
  EXPECT_NE(s.problems[1].second.find("not a well-formed CSV record"), std::string::npos);
}

TEST(FixedCsv, AWrongOrMissingHeaderStopsAtOnceNamingTheFormat) {
  Seen wrong;
  EXPECT_FALSE(Read("b,a\n1,2\n", wrong).has_value());
  ASSERT_EQ(wrong.problems.size(), 1u);
  EXPECT_EQ(wrong.problems[0].second, "the header is not the 2 columns of docs/formats/x-v1.md in order");
  EXPECT_TRUE(wrong.rows.empty());
  Seen empty;
  EXPECT_FALSE(Read("", empty).has_value());
  ASSERT_EQ(empty.problems.size(), 1u);
  EXPECT_EQ(empty.problems[0], (std::pair<int64_t, std::string>{1, "no header row (docs/formats/x-v1.md)"}));
}

}  // namespace
}  // namespace csu
