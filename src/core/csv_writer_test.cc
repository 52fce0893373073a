#include "core/csv_writer.h"

#include <gtest/gtest.h>

#include "core/csv_reader.h"

namespace csu {
namespace {

std::string Field(std::string_view v, bool guard = true) {
  std::string out;
  AppendCsvField(out, v, guard);
  return out;
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(Field("plain"), "plain");
  EXPECT_EQ(Field("a,b"), "\"a,b\"");
  EXPECT_EQ(Field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Field(""), "");
}

TEST(CsvWriterTest, GuardsFormulaInjection) {
  EXPECT_EQ(Field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(Field("@SUM(1+1)"), "'@SUM(1+1)");
  EXPECT_EQ(Field("+1"), "'+1");
  EXPECT_EQ(Field("-2+3"), "'-2+3");
  // A negative number is what it looks like, not a formula.
  EXPECT_EQ(Field("-29406.05"), "-29406.05");
  EXPECT_EQ(Field("-7"), "-7");
  EXPECT_EQ(Field("-1."), "'-1.");
  EXPECT_EQ(Field("-1e5"), "'-1e5");
  EXPECT_EQ(Field("-"), "'-");
  EXPECT_EQ(Field("--1"), "'--1");
  EXPECT_EQ(Field("\tx"), "'\tx");
  EXPECT_EQ(Field("=a,b"), "\"'=a,b\"");
  EXPECT_EQ(Field("-12.50", false), "-12.50");
}

TEST(CsvWriterTest, RoundTripsThroughTheReader) {
  std::vector<std::string> row = {"a,b", "q\"q", "multi\nline", "", "=x"};
  std::string text;
  AppendCsvRow(text, row);
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  ASSERT_TRUE(reader.Next(fields).value());
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0], "a,b");
  EXPECT_EQ(fields[1], "q\"q");
  EXPECT_EQ(fields[2], "multi\nline");
  EXPECT_EQ(fields[3], "");
  EXPECT_EQ(fields[4], "'=x");
}

}  // namespace
}  // namespace csu
