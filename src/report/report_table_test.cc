#include "report/report_table.h"

#include <gtest/gtest.h>

namespace csu::report {
namespace {

ReportTable Table() {
  return ReportTable{"", {{"month", ColumnType::kInteger},
                          {"provider", ColumnType::kText},
                          {"code", ColumnType::kText},
                          {"spells", ColumnType::kCount},
                          {"cost", ColumnType::kMoney},
                          {"share", ColumnType::kPercent}}};
}

TEST(ReportTableTest, TotalSumsCountsAndMoneyAndLabelsTheFirstTextColumn) {
  ReportTable t = Table();
  t.AddRow({Cell::Integer(4), Cell::Text("RWE"), Cell::Text("x"), Cell::Count(10), Cell::Pence(150), Cell::Real(0.5)});
  t.AddRow({Cell::Integer(5), Cell::Text("RX1"), Cell::Text("y"), Cell::Count(32), Cell{}, Cell::Real(0.5)});
  t.AddTotalRow("Total");
  ASSERT_EQ(t.rows.size(), 3u);
  const auto& total = t.rows[2];
  EXPECT_TRUE(total[0].empty());  // months do not add up
  EXPECT_EQ(total[1].text, "Total");
  EXPECT_TRUE(total[2].empty());
  EXPECT_EQ(total[3].number, 42);
  EXPECT_EQ(total[4].number, 150);
  EXPECT_TRUE(total[5].empty());  // a sum of percents means nothing
  EXPECT_TRUE(t.IsTotalRow(2));
  EXPECT_FALSE(t.IsTotalRow(1));

  // A second total does not count the first.
  t.AddTotalRow("Again");
  EXPECT_EQ(t.rows[3][3].number, 42);
  EXPECT_EQ(t.total_rows, (std::vector<size_t>{2, 3}));
}

TEST(ReportTableTest, TotalOverASuppressedCellIsSuppressedAndNoRowsTotalZero) {
  ReportTable t = Table();
  EXPECT_FALSE(t.IsTotalRow(0));
  t.AddTotalRow("Total");
  EXPECT_EQ(t.rows[0][3].number, 0);
  EXPECT_EQ(t.rows[0][3].kind, Cell::Kind::kNumber);

  ReportTable u = Table();
  u.AddRow({Cell{}, Cell::Text("A"), Cell{}, Cell::Suppressed(), Cell::Pence(1), Cell{}});
  u.AddRow({Cell{}, Cell::Text("B"), Cell{}, Cell::Count(9), Cell::Pence(2), Cell{}});
  u.AddTotalRow("Total");
  EXPECT_EQ(u.rows[2][3].kind, Cell::Kind::kSuppressed);
  EXPECT_EQ(u.rows[2][4].number, 3);
}

TEST(ReportTableTest, CellsAndTotalsAreFoundByColumnName) {
  ReportTable t{"T", {{"ccg", ColumnType::kText}, {"net", ColumnType::kMoney}}};
  EXPECT_EQ(t.TotalOf("net"), 0);  // no total row yet
  t.AddRow({Cell::Text("02E"), Cell::Pence(150)});
  t.AddRow({Cell::Text("12F"), Cell::Pence(-50)});
  t.AddTotalRow("Total");
  EXPECT_EQ(t.ColumnIndex("net"), 1u);
  EXPECT_EQ(t.ColumnIndex("nope"), 2u);
  EXPECT_EQ(t.Find(1, "ccg")->text, "12F");
  EXPECT_EQ(t.Find(1, "nope"), nullptr);
  EXPECT_EQ(t.Find(9, "ccg"), nullptr);
  EXPECT_EQ(t.TotalOf("net"), 100);
  EXPECT_EQ(t.TotalOf("ccg"), 0);  // the label, not a number
}

}  // namespace
}  // namespace csu::report
