// The fixed-layout CSV frame: the header exactly, rows of exactly the
// columns, blank lines skipped, every other record a problem naming its
// line, reading going on up to the cap.
#include "core/fixed_csv.h"

#include <gtest/gtest.h>

namespace csu {
namespace {

struct Seen {
  std::vector<std::pair<int64_t, std::string>> rows, problems;
};

std::optional<int64_t> Read(std::string_view text, Seen& s) {
  std::vector<FileProblem> problems;
  auto last = ReadFixedCsv(
      text, "a,b", 2, "docs/formats/x-v1.md",
      [&](int64_t line, const std::vector<std::string_view>& f) {
        s.rows.push_back({line, std::string(f[0]) + "|" + std::string(f[1])});
      },
      problems);
  for (const FileProblem& p : problems) {
    EXPECT_EQ(p.field, "");  // the frame's problems are the row's or the file's
    s.problems.push_back({p.line, p.why});
  }
  return last;
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

TEST(FixedCsv, BlankLinesAreSkippedAndTheLastLineIsStillReported) {
  Seen s;
  auto last = Read("a,b\n\n1,2\n  \n\n3,4\n", s);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.rows.size(), 2u);
  EXPECT_EQ(s.rows[1].first, 6);
}

TEST(FixedCsv, ReadingStopsAtTheProblemCap) {
  std::string text = "a,b\n";
  for (size_t i = 0; i < kMaxFileProblems + 50; ++i) text += "x\n";
  text += "1,2\n";
  Seen s;
  Read(text, s);
  EXPECT_EQ(s.problems.size(), kMaxFileProblems);
  EXPECT_TRUE(s.rows.empty());  // never reached
}

TEST(FixedCsv, AProblemPrintsFileLineFieldAndWhy) {
  EXPECT_EQ((FileProblem{7, "ccg", "is required"}).ToString("cases.csv"), "cases.csv:7: ccg: is required");
  EXPECT_EQ((FileProblem{2, "", "has 3 fields, not 4"}).ToString("cases.csv"), "cases.csv:2: has 3 fields, not 4");
}

}  // namespace
}  // namespace csu
