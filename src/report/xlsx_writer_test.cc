#include "report/xlsx_writer.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/file.h"
#include "report/zip_archive.h"

namespace csu::report {
namespace {

const std::string kPound = "\xC2\xA3";

// The injected texts of the test table, one per formula lead character.
const std::vector<std::string> kInjected = {"=SUM(A1:A9)", "+44 20 7946 0000", "-12", "@cmd", "\tTAB", "\rCR"};

ReportTable Monitoring() {
  ReportTable t{"Contract monitoring: RWE 2018/19 M6",
                {{"pod", ColumnType::kText, "POD"},
                 {"spells", ColumnType::kCount, "Spells"},
                 {"month", ColumnType::kInteger, "Month"},
                 {"actual", ColumnType::kMoney, "Actual"},
                 {"variance", ColumnType::kMoney, "Variance"},
                 {"achieved", ColumnType::kPercent, "Achieved", 1}}};
  t.AddRow({Cell::Text("EL"), Cell::Count(1203), Cell::Integer(6), Cell::Pence(123456), Cell::Pence(-1250),
            Cell::Real(0.8153)});
  t.AddRow({Cell::Text("NEL"), Cell::Suppressed(), Cell::Integer(6), Cell::Suppressed(), Cell{}, Cell::Real(1.02)});
  for (const std::string& s : kInjected) {
    t.AddRow({Cell::Text(s), Cell::Count(10), Cell::Integer(6), Cell::Pence(100), Cell::Pence(0), Cell{}});
  }
  t.AddTotalRow("Total");
  t.notes = {"Source: SUS PbR flex, April to September 2018.", "Prices at 2018/19 national tariff with MFF."};
  return t;
}

class XlsxWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = ::testing::TempDir();
    if (base.empty() || base.back() != '/') base += '/';
    std::string tmpl = base + "csu_xlsx_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::vector<std::string> DirEntries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    return names;
  }

  // The named part of the workbook at `path`.
  static std::string Part(const std::string& path, const std::string& name) {
    auto entries = ReadZip(path);
    EXPECT_TRUE(entries.ok()) << entries.error().ToString();
    if (!entries.ok()) return {};
    auto data = FindZipEntry(entries.value(), path, name);
    EXPECT_TRUE(data.ok()) << data.error().ToString();
    return data.ok() ? data.value() : std::string();
  }

  std::string dir_;
};

// The XML of cell `ref` ("B3") in a sheet, from "<c " to its end.
std::string CellXml(const std::string& sheet, const std::string& ref) {
  size_t at = sheet.find("<c r=\"" + ref + "\"");
  if (at == std::string::npos) return {};
  size_t self_close = sheet.find("/>", at);
  size_t close = sheet.find("</c>", at);
  size_t tag_end = sheet.find('>', at);
  if (self_close != std::string::npos && self_close + 1 == tag_end) return sheet.substr(at, self_close + 2 - at);
  return sheet.substr(at, close + 4 - at);
}

std::string Attr(const std::string& xml, const std::string& name) {
  size_t at = xml.find(" " + name + "=\"");
  if (at == std::string::npos) return {};
  at += name.size() + 3;
  return xml.substr(at, xml.find('"', at) - at);
}

// The n-th <xf> of <cellXfs> in styles.xml: the style a cell's s="n" names.
std::string CellXf(const std::string& styles, int n) {
  size_t at = styles.find("<cellXfs");
  for (int i = 0; i <= n && at != std::string::npos; ++i) at = styles.find("<xf ", at + 1);
  if (at == std::string::npos) return {};
  return styles.substr(at, styles.find('>', at) + 1 - at);
}

std::string StyleOfCell(const std::string& sheet, const std::string& styles, const std::string& ref) {
  std::string s = Attr(CellXml(sheet, ref), "s");
  return CellXf(styles, s.empty() ? 0 : std::stoi(s));
}

// numFmtId of the custom format with this code, or "".
std::string NumFmtId(const std::string& styles, const std::string& code) {
  size_t at = styles.find("formatCode=\"" + code + "\"");
  if (at == std::string::npos) return {};
  size_t open = styles.rfind("<numFmt ", at);
  return Attr(styles.substr(open, at - open), "numFmtId");
}

TEST_F(XlsxWriterTest, WritesARealWorkbook) {
  const std::string path = Path("monitoring.xlsx");
  Status s = WriteXlsx(path, Monitoring());
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"monitoring.xlsx"});  // no staging file left

  const std::string sheet = Part(path, "xl/worksheets/sheet1.xml");
  const std::string styles = Part(path, "xl/styles.xml");
  const std::string strings = Part(path, "xl/sharedStrings.xml");
  const std::string workbook = Part(path, "xl/workbook.xml");

  // Title and header frozen; autofilter over header and the 8 data rows only.
  EXPECT_NE(sheet.find("<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/>"),
            std::string::npos)
      << sheet;
  EXPECT_NE(sheet.find("<autoFilter ref=\"A2:F10\"/>"), std::string::npos);
  // Nothing is ever a formula.
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  EXPECT_EQ(sheet.find("<f "), std::string::npos);

  // Numbers are numbers: no t="s", the value itself.
  EXPECT_EQ(CellXml(sheet, "B3").find(" t="), std::string::npos);
  EXPECT_NE(CellXml(sheet, "B3").find("<v>1203</v>"), std::string::npos) << CellXml(sheet, "B3");
  EXPECT_NE(CellXml(sheet, "D3").find("<v>1234.56</v>"), std::string::npos) << CellXml(sheet, "D3");
  EXPECT_NE(CellXml(sheet, "E3").find("<v>-12.5</v>"), std::string::npos) << CellXml(sheet, "E3");
  // 0.8153 is stored as the 0.815 that 81.5% shows (libxlsxwriter prints
  // doubles with 16 digits: "0.8149999999999999" reads back as 0.815).
  std::string f3 = CellXml(sheet, "F3");
  size_t v = f3.find("<v>");
  ASSERT_NE(v, std::string::npos) << f3;
  EXPECT_NEAR(std::stod(f3.substr(v + 3)), 0.815, 1e-15) << f3;
  // Totals (row 11): spells and actual are "*" because NEL's were
  // suppressed; variance sums what there is.
  EXPECT_NE(CellXml(sheet, "B11").find("t=\"s\""), std::string::npos);
  EXPECT_NE(CellXml(sheet, "D11").find("t=\"s\""), std::string::npos);
  EXPECT_NE(CellXml(sheet, "E11").find("<v>-12.5</v>"), std::string::npos) << CellXml(sheet, "E11");

  // Number formats: money as currency with red negatives, counts #,##0,
  // percent 0.0%, month plain 0.
  std::string money_fmt = NumFmtId(styles, kPound + "#,##0.00;[Red]-" + kPound + "#,##0.00");
  ASSERT_FALSE(money_fmt.empty()) << styles;
  EXPECT_EQ(Attr(StyleOfCell(sheet, styles, "D3"), "numFmtId"), money_fmt);
  EXPECT_EQ(Attr(StyleOfCell(sheet, styles, "E3"), "numFmtId"), money_fmt);
  EXPECT_EQ(Attr(StyleOfCell(sheet, styles, "B3"), "numFmtId"), NumFmtId(styles, "#,##0"));
  EXPECT_EQ(Attr(StyleOfCell(sheet, styles, "C3"), "numFmtId"), NumFmtId(styles, "0"));
  std::string pct_fmt = NumFmtId(styles, "0.0%");
  ASSERT_FALSE(pct_fmt.empty());
  EXPECT_EQ(Attr(StyleOfCell(sheet, styles, "F3"), "numFmtId"), pct_fmt);

  // Every injected text is a shared string whose style has quotePrefix;
  // plain text does not.
  for (size_t i = 0; i < kInjected.size(); ++i) {
    std::string ref = "A" + std::to_string(5 + i);
    EXPECT_EQ(Attr(CellXml(sheet, ref), "t"), "s") << ref;
    EXPECT_EQ(Attr(StyleOfCell(sheet, styles, ref), "quotePrefix"), "1") << ref << " " << StyleOfCell(sheet, styles, ref);
  }
  EXPECT_EQ(Attr(StyleOfCell(sheet, styles, "A3"), "quotePrefix"), "");
  EXPECT_NE(strings.find("<t>=SUM(A1:A9)</t>"), std::string::npos) << strings;
  EXPECT_NE(strings.find("<t>+44 20 7946 0000</t>"), std::string::npos);

  // Title, labels, notes; the sheet name follows Excel's rules.
  EXPECT_NE(strings.find("<t>Contract monitoring: RWE 2018/19 M6</t>"), std::string::npos);
  EXPECT_NE(strings.find("<t>Achieved</t>"), std::string::npos);
  EXPECT_NE(strings.find("<t>Source: SUS PbR flex, April to September 2018.</t>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"A13\""), std::string::npos);  // first note after a blank row 12
  EXPECT_NE(workbook.find("<sheet name=\"Contract monitoring- RWE 2018-1\""), std::string::npos) << workbook;
  EXPECT_NE(sheet.find("<col "), std::string::npos);  // widths set
}

TEST_F(XlsxWriterTest, AnotherZipToolAcceptsTheRewrittenFile) {
  if (std::system("command -v unzip >/dev/null 2>&1") != 0) GTEST_SKIP() << "unzip not installed";
  const std::string path = Path("check.xlsx");
  ASSERT_TRUE(WriteXlsx(path, Monitoring()).ok());
  std::string cmd = "unzip -tq '" + path + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  EXPECT_EQ(::pclose(p), 0) << out;
  EXPECT_NE(out.find("No errors detected"), std::string::npos) << out;
}

TEST_F(XlsxWriterTest, PlainTextNeedsNoQuotePrefix) {
  ReportTable t{"Plain", {{"name", ColumnType::kText}, {"n", ColumnType::kCount}}};
  t.AddRow({Cell::Text("RWE"), Cell::Count(5)});
  const std::string path = Path("plain.xlsx");
  ASSERT_TRUE(WriteXlsx(path, t).ok());
  EXPECT_EQ(Part(path, "xl/styles.xml").find("quotePrefix"), std::string::npos);
}

TEST_F(XlsxWriterTest, GuardsTitlesLabelsAndNotesToo) {
  ReportTable t{"=title", {{"n", ColumnType::kCount, "-label"}}};
  t.notes.push_back("@note");
  const std::string path = Path("meta.xlsx");
  ASSERT_TRUE(WriteXlsx(path, t).ok());
  std::string sheet = Part(path, "xl/worksheets/sheet1.xml");
  std::string styles = Part(path, "xl/styles.xml");
  for (const char* ref : {"A1", "A2", "A4"}) {
    EXPECT_EQ(Attr(StyleOfCell(sheet, styles, ref), "quotePrefix"), "1") << ref;
  }
  EXPECT_NE(sheet.find("<autoFilter ref=\"A2\"/>"), std::string::npos);
}

TEST_F(XlsxWriterTest, OneSheetPerTableWithUniqueNames) {
  ReportTable a{"Flows", {{"n", ColumnType::kCount}}};
  ReportTable b{"flows", {{"n", ColumnType::kCount}}};
  ReportTable c{"", {{"n", ColumnType::kCount}}};
  const std::string path = Path("three.xlsx");
  ASSERT_TRUE(WriteXlsx(path, std::vector<ReportTable>{a, b, c}).ok());
  std::string workbook = Part(path, "xl/workbook.xml");
  EXPECT_NE(workbook.find("<sheet name=\"Flows\""), std::string::npos) << workbook;
  EXPECT_NE(workbook.find("<sheet name=\"flows (2)\""), std::string::npos);
  EXPECT_NE(workbook.find("<sheet name=\"Sheet3\""), std::string::npos);
  EXPECT_FALSE(Part(path, "xl/worksheets/sheet3.xml").empty());
}

TEST(XlsxSheetNamesTest, FollowExcelsRules) {
  std::vector<std::string> names = XlsxSheetNames({
      "A&E: type 1 [all] / 4h * ? \\ x",
      "A name that is much longer than thirty-one characters",
      "A name that is much longer than thirty-one characters",
      "'quoted'",
      "",
      "History",
      "HISTORY",
      "tab\there",
      std::string(30, 'x') + "\xF0\x9F\x98\x80",  // 30 + one character outside the BMP (2 UTF-16 units)
  });
  ASSERT_EQ(names.size(), 9u);
  EXPECT_EQ(names[0], "A&E- type 1 -all- - 4h - - - x");
  EXPECT_EQ(names[1], "A name that is much longer than");
  EXPECT_EQ(names[2], "A name that is much longer (2)");
  EXPECT_EQ(names[3], "quoted");
  EXPECT_EQ(names[4], "Sheet5");
  EXPECT_EQ(names[5], "History (2)");
  EXPECT_EQ(names[6], "HISTORY (3)");
  EXPECT_EQ(names[7], "tab here");
  EXPECT_EQ(names[8], std::string(30, 'x'));
  for (const std::string& n : names) EXPECT_LE(n.size(), 31u) << n;
}

TEST_F(XlsxWriterTest, ReplacesAnExistingFileWhole) {
  const std::string path = Path("report.xlsx");
  {
    AtomicFileWriter w(path);
    ASSERT_TRUE(w.Open().ok());
    w.Append("old contents");
    ASSERT_TRUE(w.Commit().ok());
  }
  ASSERT_TRUE(WriteXlsx(path, Monitoring()).ok());
  EXPECT_TRUE(ReadZip(path).ok());
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"report.xlsx"});
}

TEST_F(XlsxWriterTest, ErrorsNameTheFile) {
  const std::string missing_dir = Path("no/such/dir/report.xlsx");
  Status s = WriteXlsx(missing_dir, Monitoring());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, missing_dir);

  const std::string empty = Path("empty.xlsx");
  s = WriteXlsx(empty, std::vector<ReportTable>{});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, empty);
  EXPECT_EQ(s.error().why, "no tables to write");
}

TEST_F(XlsxWriterTest, TextTooLongForExcelFailsAndLeavesNothing) {
  ReportTable t{"Long", {{"name", ColumnType::kText}}};
  t.AddRow({Cell::Text(std::string(40000, 'x'))});
  const std::string path = Path("long.xlsx");
  Status s = WriteXlsx(path, t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, path);
  EXPECT_NE(s.error().why.find("sheet 'Long' cell A3: "), std::string::npos) << s.error().why;
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(XlsxWriterTest, InvalidUtf8IsReplacedSoExcelCanOpenIt) {
  ReportTable t{"Bad bytes", {{"name", ColumnType::kText}}};
  t.AddRow({Cell::Text("Caf\xE9")});  // Latin-1, not UTF-8
  const std::string path = Path("bad.xlsx");
  ASSERT_TRUE(WriteXlsx(path, t).ok());
  EXPECT_NE(Part(path, "xl/sharedStrings.xml").find("<t>Caf?</t>"), std::string::npos);
}

}  // namespace
}  // namespace csu::report
