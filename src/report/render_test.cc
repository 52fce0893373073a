#include "report/render.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace csu::report {
namespace {

// A small monitoring table touching every column type and cell kind: a
// formula-like provider name, a suppressed count, an empty decimal, a
// negative amount and a total row.
ReportTable Sample() {
  ReportTable t{"Contract monitoring, M6 2018/19",
                {{"provider", ColumnType::kText, "Provider"},
                 {"spells", ColumnType::kCount, "Spells"},
                 {"month", ColumnType::kInteger, "Month"},
                 {"actual", ColumnType::kMoney, "Actual"},
                 {"los", ColumnType::kDecimal, "Mean LoS", 1},
                 {"share", ColumnType::kPercent, "Share", 1}}};
  t.AddRow({Cell::Text("RWE"), Cell::Count(1203), Cell::Integer(6), Cell::Pence(123456), Cell::Real(4.26),
            Cell::Real(0.8153)});
  t.AddRow({Cell::Text("=HYPERLINK(\"http://x\")"), Cell::Suppressed(), Cell::Integer(6), Cell::Pence(-1250), Cell{},
            Cell::Real(0.02)});
  t.AddRow({Cell::Text("Barts, St Bart's"), Cell::Count(12345678), Cell::Integer(12), Cell::Pence(123456789012),
            Cell::Real(10), Cell::Real(1)});
  t.AddTotalRow("Total");
  t.notes.push_back("Source: SUS PbR, flex.");
  return t;
}

TEST(RenderTest, TextTableAlignsAndFormats) {
  // Totals: spells has a suppressed cell, so its total is "*"; money sums to
  // 123456789012 + 123456 - 1250 = 123456911218 pence.
  const std::string expected =
      "Contract monitoring, M6 2018/19\n"
      "Provider                    Spells  Month             Actual  Mean LoS   Share\n"
      "----------------------  ----------  -----  -----------------  --------  ------\n"
      "RWE                          1,203      6          \u00a31,234.56       4.3   81.5%\n"
      "=HYPERLINK(\"http://x\")           *      6            -\u00a312.50              2.0%\n"
      "Barts, St Bart's        12,345,678     12  \u00a31,234,567,890.12      10.0  100.0%\n"
      "----------------------  ----------  -----  -----------------  --------  ------\n"
      "Total                            *         \u00a31,234,569,112.18\n"
      "\n"
      "Source: SUS PbR, flex.\n";
  EXPECT_EQ(RenderText(Sample()), expected);
}

TEST(RenderTest, LaterPanelsRepeatTheShortKeyColumnsButNotNames) {
  ReportTable t("Monitoring", {{"ccg", ColumnType::kText, "CCG"},
                               {"provider", ColumnType::kText, "Provider"},
                               {"provider_name", ColumnType::kText, "Provider name"},
                               {"pod", ColumnType::kText, "POD"},
                               {"plan", ColumnType::kCount, "Plan activity"},
                               {"actual", ColumnType::kCount, "Actual activity"}});
  t.AddRow({Cell::Text("02E"), Cell::Text("RBQ"), Cell::Text("LIVERPOOL HEART AND CHEST HOSPITAL"),
            Cell::Text("EL"), Cell::Count(17), Cell::Count(19)});
  TextOptions narrow;
  narrow.max_width = 70;
  const std::string expected =
      "Monitoring\n"
      "CCG  Provider  Provider name                       POD  Plan activity\n"
      "---  --------  ----------------------------------  ---  -------------\n"
      "02E  RBQ       LIVERPOOL HEART AND CHEST HOSPITAL  EL              17\n"
      "\n"
      "CCG  Provider  POD  Actual activity\n"
      "---  --------  ---  ---------------\n"
      "02E  RBQ       EL                19\n";
  EXPECT_EQ(RenderText(t, narrow), expected);
}

TEST(RenderTest, WideTablesSplitIntoPanelsRepeatingTheFirstColumn) {
  TextOptions narrow;
  narrow.max_width = 41;
  const std::string expected =
      "Contract monitoring, M6 2018/19\n"
      "Provider                    Spells  Month\n"
      "----------------------  ----------  -----\n"
      "RWE                          1,203      6\n"
      "=HYPERLINK(\"http://x\")           *      6\n"
      "Barts, St Bart's        12,345,678     12\n"
      "----------------------  ----------  -----\n"
      "Total                            *\n"
      "\n"
      "Provider                           Actual\n"
      "----------------------  -----------------\n"
      "RWE                             \u00a31,234.56\n"
      "=HYPERLINK(\"http://x\")            -\u00a312.50\n"
      "Barts, St Bart's        \u00a31,234,567,890.12\n"
      "----------------------  -----------------\n"
      "Total                   \u00a31,234,569,112.18\n"
      "\n"
      "Provider                Mean LoS   Share\n"
      "----------------------  --------  ------\n"
      "RWE                          4.3   81.5%\n"
      "=HYPERLINK(\"http://x\")              2.0%\n"
      "Barts, St Bart's            10.0  100.0%\n"
      "----------------------  --------  ------\n"
      "Total\n"
      "\n"
      "Source: SUS PbR, flex.\n";
  EXPECT_EQ(RenderText(Sample(), narrow), expected);
  // Every line fits the width (counting characters, not bytes).
  std::string out = RenderText(Sample(), narrow);
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    std::string line = out.substr(start, end - start);
    size_t chars = 0;
    for (unsigned char b : line) chars += (b & 0xC0) != 0x80;
    EXPECT_LE(chars, 41u) << line;
    start = end + 1;
  }
}

TEST(RenderTest, LongTextIsCutWithAnEllipsis) {
  ReportTable t{"", {{"name", ColumnType::kText}, {"n", ColumnType::kCount}}};
  t.AddRow({Cell::Text("Royal Devon and Exeter NHS Foundation Trust"), Cell::Count(9)});
  TextOptions o;
  o.max_cell_width = 12;
  EXPECT_EQ(RenderText(t, o),
            "name          n\n"
            "------------  -\n"
            "Royal Devon\u2026  9\n");
}

TEST(RenderTest, EmptyTableSaysSo) {
  ReportTable t{"Nothing yet", {{"provider", ColumnType::kText}, {"spells", ColumnType::kCount}}};
  EXPECT_EQ(RenderText(t),
            "Nothing yet\n"
            "provider  spells\n"
            "--------  ------\n"
            "(no rows)\n");
}

TEST(RenderTest, SeveralTablesAreSeparatedByABlankLine) {
  ReportTable a{"A", {{"x", ColumnType::kCount}}};
  a.AddRow({Cell::Count(1)});
  ReportTable b{"B", {{"y", ColumnType::kText}}};
  b.AddRow({Cell::Text("z")});
  EXPECT_EQ(RenderText(std::vector<ReportTable>{a, b}), "A\nx\n-\n1\n\nB\ny\n-\nz\n");
}

TEST(RenderTest, CsvIsPlainAndGuarded) {
  const std::string expected =
      "provider,spells,month,actual,los,share\n"
      "RWE,1203,6,1234.56,4.3,0.815\n"
      "\"'=HYPERLINK(\"\"http://x\"\")\",*,6,-12.50,,0.020\n"
      "\"Barts, St Bart's\",12345678,12,1234567890.12,10.0,1.000\n"
      "Total,*,,1234569112.18,,\n";
  EXPECT_EQ(RenderCsv(Sample()), expected);
}

TEST(RenderTest, CsvGuardsEveryFormulaLeadButNotNumbers) {
  ReportTable t{"", {{"t", ColumnType::kText}, {"m", ColumnType::kMoney}, {"i", ColumnType::kInteger}}};
  // "-1" in a text column is a negative number, which a spreadsheet reads as
  // that number: not guarded (csv_writer.h); "-1+1" is a formula: guarded.
  for (const char* s : {"=1", "+1", "-1", "-1+1", "@A1", "\tx", "\rx"}) {
    t.AddRow({Cell::Text(s), Cell::Pence(-5), Cell::Integer(-3)});
  }
  EXPECT_EQ(RenderCsv(t),
            "t,m,i\n'=1,-0.05,-3\n'+1,-0.05,-3\n-1,-0.05,-3\n'-1+1,-0.05,-3\n'@A1,-0.05,-3\n'\tx,-0.05,-3\n\"'\rx\",-0.05,-3\n");
}

TEST(RenderTest, CsvWritesTotalsAfterDataRows) {
  ReportTable t{"", {{"k", ColumnType::kText}, {"n", ColumnType::kCount}}};
  t.AddRow({Cell::Text("a"), Cell::Count(1)});
  t.AddTotalRow("Total");
  t.AddRow({Cell::Text("late"), Cell::Count(2)});  // a row added after the total still lists first
  EXPECT_EQ(RenderCsv(t), "k,n\na,1\nlate,2\nTotal,1\n");
}

TEST(RenderTest, JsonHasTypedColumnsPenceAndSeparateTotals) {
  nlohmann::json expected = nlohmann::json::parse(R"json({
    "title": "Contract monitoring, M6 2018/19",
    "columns": [
      {"name": "provider", "key": "provider", "label": "Provider", "type": "text"},
      {"name": "spells", "key": "spells", "label": "Spells", "type": "count"},
      {"name": "month", "key": "month", "label": "Month", "type": "integer"},
      {"name": "actual", "key": "actual_pence", "label": "Actual", "type": "money"},
      {"name": "los", "key": "los", "label": "Mean LoS", "type": "decimal", "decimals": 1},
      {"name": "share", "key": "share", "label": "Share", "type": "percent", "decimals": 1}
    ],
    "rows": [
      {"provider": "RWE", "spells": 1203, "month": 6, "actual_pence": 123456, "los": 4.3, "share": 0.815},
      {"provider": "=HYPERLINK(\"http://x\")", "spells": "*", "month": 6, "actual_pence": -1250, "los": null,
       "share": 0.02},
      {"provider": "Barts, St Bart's", "spells": 12345678, "month": 12, "actual_pence": 123456789012, "los": 10.0,
       "share": 1.0}
    ],
    "totals": [
      {"provider": "Total", "spells": "*", "month": null, "actual_pence": 123456911218, "los": null, "share": null}
    ],
    "notes": ["Source: SUS PbR, flex."]
  })json");
  nlohmann::json got = RenderJson(Sample());
  EXPECT_EQ(got, expected) << got.dump(2);
  // Money is an exact integer, never a float.
  EXPECT_TRUE(got["rows"][2]["actual_pence"].is_number_integer());
  // The printed form of a percent is the rounded fraction, not the double's full expansion.
  EXPECT_EQ(got["rows"][0]["share"].dump(), "0.815");
}

TEST(RenderTest, JsonKeepsAPenceSuffixOnce) {
  ReportTable t{"", {{"price_pence", ColumnType::kMoney}}};
  t.AddRow({Cell::Pence(150)});
  EXPECT_EQ(RenderJson(t)["rows"][0].dump(), R"({"price_pence":150})");
}

TEST(RenderTest, JsonOfSeveralTablesIsAnArray) {
  ReportTable a{"A", {{"x", ColumnType::kCount}}};
  nlohmann::json j = RenderJson(std::vector<ReportTable>{a, a});
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["title"], "A");
}

TEST(RenderTest, FormatCellEdgeCases) {
  Column pct{"p", ColumnType::kPercent, "", 1};
  Column dec{"d", ColumnType::kDecimal, "", 2};
  Column cnt{"c", ColumnType::kCount};
  Column money{"m", ColumnType::kMoney};
  EXPECT_EQ(FormatCell(pct, Cell::Real(-0.0001)), "0.0%");  // no "-0.0%"
  EXPECT_EQ(FormatCell(pct, Cell::Real(0.9996)), "100.0%");
  EXPECT_EQ(FormatCell(dec, Cell::Real(-1234567.891)), "-1,234,567.89");
  EXPECT_EQ(FormatCell(dec, Cell::Real(std::nan(""))), "");
  EXPECT_EQ(FormatCell(dec, Cell::Real(std::numeric_limits<double>::infinity())), "");
  EXPECT_EQ(FormatCell(cnt, Cell::Count(-1234)), "-1,234");
  EXPECT_EQ(FormatCell(money, Cell::Pence(0)), "\u00a30.00");
  EXPECT_EQ(FormatCell(money, Cell::Suppressed()), "*");
  EXPECT_EQ(FormatCell(money, Cell{}), "");
}

TEST(RenderTest, ShortRowsReadAsEmptyCells) {
  ReportTable t{"", {{"a", ColumnType::kText}, {"b", ColumnType::kCount}}};
  t.rows.push_back({Cell::Text("x")});
  EXPECT_EQ(RenderCsv(t), "a,b\nx,\n");
  EXPECT_EQ(RenderJson(t)["rows"][0]["b"], nullptr);
  EXPECT_EQ(RenderText(t), "a  b\n-  -\nx\n");
}

}  // namespace
}  // namespace csu::report
