// The outputs of the hand-worked golden run (tests/golden/payroll/
// pay-run-2025-26.csv, README "Pay run cases"): the period file reader, the
// payslip tables, P60/P45, the Bacs file and the FPS, each compared with a
// golden file checked by hand (tests/golden/payroll/README.md says how).
// Set CSU_UPDATE_GOLDEN=1 to rewrite the golden outputs after a deliberate
// change, then check the diff by hand.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/file.h"
#include "payroll/bank_file.h"
#include "payroll/fps_envelope.h"
#include "payroll/fps_xml.h"
#include "payroll/pay_run.h"
#include "payroll/pay_run_file.h"
#include "payroll/payslip_tables.h"

namespace csu::payroll {
namespace {

const std::string kGolden = std::string(CSU_SOURCE_DIR) + "/tests/golden/payroll/";

const PayRunRates& Rates() {
  static const PayRunRates rates = [] {
    auto r = PayRunRates::Load(std::string(CSU_SOURCE_DIR) + "/data/payroll");
    if (!r.ok()) throw std::runtime_error(r.error().ToString());
    return r.value();
  }();
  return rates;
}

struct Golden {
  PayRunFile file;
  EmployerDetails employer;
  PayRunResult run;
};

const Golden& GoldenRun() {
  static const Golden g = [] {
    Golden out;
    auto f = ReadPayRunFile(kGolden + "pay-run-2025-26.csv");
    if (!f.ok()) throw std::runtime_error(f.error().ToString());
    out.file = f.value();
    auto e = ReadEmployerFile(kGolden + "employer.csv");
    if (!e.ok()) throw std::runtime_error(e.error().ToString());
    out.employer = e.value();
    auto r = CalculatePayRun(out.file.inputs, Rates());
    if (!r.ok()) throw std::runtime_error(r.error().ToString());
    out.run = r.value();
    return out;
  }();
  return g;
}

void CompareGolden(const std::string& name, const std::string& actual) {
  const std::string path = kGolden + name;
  if (std::getenv("CSU_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  auto expected = ReadFile(path);
  ASSERT_TRUE(expected.ok()) << expected.error().ToString();
  EXPECT_EQ(actual, expected.value()) << name << " differs from the golden file";
}

TEST(PayRunFile, ReadsTheGoldenRunAndItsFiguresMatchTheHandWorking) {
  const Golden& g = GoldenRun();
  ASSERT_EQ(g.run.payslips.size(), 7u);
  // Net pay of each case as worked in the README.
  const int64_t net[] = {198471, 133058 - 1250, 291289, 184098, 180775, 269628, 283918};
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(g.run.payslips[i].net.pence(), net[i]) << g.run.payslips[i].employee_id;
  EXPECT_EQ(g.file.people[6].forenames, "Fiona Mary");
  EXPECT_EQ(g.file.people[1].sort_code, "401235");
  EXPECT_EQ(g.employer.tax_office_reference, "A635");
}

TEST(PayRunFile, BadRowsNameTheLineAndColumnButNeverThePersonalValue) {
  const std::string header =
      "employee_id,cost_centre,tax_year,frequency,period,pay_date,tax_code,ni_category,pension_member,afc_band,afc_step,"
      "forenames,surname,ni_number,birth_date,gender,address_1,address_2,postcode,sort_code,account_number,account_name\n";
  const std::string good = "E1,CS1,2025/26,monthly,1,2025-04-25,1257L,A,Y,5,1,Ann,Smith,RN000011A,1990-01-01,F,1 Road,Town,LS1 1AA,401234,12345678,A SMITH\n";
  ASSERT_TRUE(ParsePayRunFile("run.csv", header + good).ok());
  struct Case {
    std::string row, column, secret;
  };
  const Case cases[] = {
      {"E1,CS1,2025/26,monthly,1,2025-04-25,1257L,A,Y,5,1,Ann,Smith,QQ123456Z,1990-01-01,F,1 Road,Town,LS1 1AA,401234,12345678,A SMITH\n", "ni_number", "QQ123456Z"},
      {"E1,CS1,2025/26,monthly,1,2025-04-25,1257L,A,Y,5,1,Ann,Smith,RN000011A,1990-01-01,F,1 Road,Town,LS1 1AA,401234,1234567X,A SMITH\n", "account_number", "1234567X"},
      {"E1,CS1,2025/26,monthly,13,2025-04-25,1257L,A,Y,5,1,Ann,Smith,RN000011A,1990-01-01,F,1 Road,Town,LS1 1AA,401234,12345678,A SMITH\n", "period", "RN000011A"},
      {"E1,CS1,2025/26,monthly,1,2025-04-25,1257L,A,Y,5,1,,Smith,RN000011A,1990-01-01,F,1 Road,Town,LS1 1AA,401234,12345678,A SMITH\n", "forenames", "RN000011A"},
  };
  for (const Case& c : cases) {
    auto r = ParsePayRunFile("run.csv", header + c.row);
    ASSERT_FALSE(r.ok()) << c.column;
    EXPECT_EQ(r.error().where, "run.csv:2") << c.column;
    EXPECT_NE(r.error().why.find(c.column), std::string::npos) << r.error().why;
    EXPECT_EQ(r.error().ToString().find(c.secret), std::string::npos) << r.error().ToString();
  }
  // Two rows of different periods are two runs.
  auto two = ParsePayRunFile("run.csv", header + good +
                                            "E2,CS1,2025/26,monthly,2,2025-05-25,1257L,A,Y,5,1,Bo,Lee,,1990-01-01,M,1 Road,Town,LS1 1AA,401234,12345678,B LEE\n");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().where, "run.csv:3");
}

TEST(NiNumber, PublishedFormatRules) {
  for (const char* ok : {"AB123456C", "RN000003C", "ZA123456D"}) EXPECT_TRUE(ValidNiNumber(ok)) << ok;
  for (const char* bad : {"DA123456A", "AO123456A", "GB123456A", "TN123456A", "AB123456E", "AB12345C", "ab123456c"}) {
    EXPECT_FALSE(ValidNiNumber(bad)) << bad;
  }
}

TEST(PayRunOutputs, PayslipTablesCarryEveryFigureAndNoPersonalData) {
  const Golden& g = GoldenRun();
  const report::ReportTable lines = PayslipLines(g.run);
  size_t expected_rows = 0;
  for (const Payslip& s : g.run.payslips) expected_rows += s.lines.size();
  EXPECT_EQ(lines.rows.size(), expected_rows);
  const report::ReportTable summary = PayRunSummary(g.run);
  ASSERT_EQ(summary.rows.size(), 8u);  // 7 employees and the total
  for (const auto& table : {lines, summary}) {
    for (const auto& row : table.rows) {
      for (const auto& cell : row) {
        for (const EmployeePersonal& p : g.file.people) {
          if (!cell.text.empty()) {
            EXPECT_EQ(cell.text.find(p.surname), std::string::npos);
            if (!p.ni_number.empty()) EXPECT_EQ(cell.text.find(p.ni_number), std::string::npos);
          }
        }
      }
    }
  }
}

TEST(PayRunOutputs, P60AndP45) {
  const Golden& g = GoldenRun();
  auto p60 = P60Table(g.run, g.file.people, g.employer);
  ASSERT_TRUE(p60.ok()) << p60.error().ToString();
  EXPECT_EQ(p60.value().rows.size(), 7u);
  auto p45 = P45Table(g.run, g.file.people, g.employer);
  ASSERT_TRUE(p45.ok()) << p45.error().ToString();
  ASSERT_EQ(p45.value().rows.size(), 1u);  // F-SCOT leaves on 30 April
  const auto& row = p45.value().rows[0];
  EXPECT_EQ(row[3].text, "2025-04-30");
  EXPECT_EQ(row[5].text, "S1257L");
  EXPECT_EQ(row[8].number, 359372);  // taxable pay to date
  EXPECT_EQ(row[9].number, 51965);   // tax to date
}

TEST(PayRunOutputs, BankFileMatchesTheGoldenFile) {
  const Golden& g = GoldenRun();
  auto bank = WriteBankFile(g.run, g.file.people, g.employer);
  ASSERT_TRUE(bank.ok()) << bank.error().ToString();
  EXPECT_EQ(bank.value().payments, 7);
  EXPECT_EQ(bank.value().total, g.run.totals.net);
  std::istringstream lines(bank.value().text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    ASSERT_EQ(line.size(), 101u) << "record " << n;  // 100 characters and the CR
  }
  EXPECT_EQ(n, 8);
  CompareGolden("bank-2025-26-m01.txt", bank.value().text);
}

TEST(PayRunOutputs, FpsMatchesTheGoldenFile) {
  const Golden& g = GoldenRun();
  auto xml = WriteFps(g.run, g.file.people, g.employer);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  EXPECT_NE(xml.value().find("FullPaymentSubmission/25-26/1"), std::string::npos);
  EXPECT_NE(xml.value().find("<Sur>O&apos;Scot &amp; Co</Sur>"), std::string::npos);
  CompareGolden("fps-2025-26-m01.xml", xml.value());
}

const GovTalkSender kSender{"CSU-TEST-SENDER", "clear", "not-a-real-password", true};

TEST(PayRunOutputs, IrmarkIsTheSha1OfTheCanonicalBodyInBase64) {
  // FIPS 180 test vector: SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d.
  EXPECT_EQ(IrmarkOf("abc"), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
}

TEST(PayRunOutputs, FpsSubmissionMatchesTheGoldenFile) {
  const Golden& g = GoldenRun();
  auto sub = WriteFpsSubmission(g.run, g.file.people, g.employer, kSender);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  const FpsSubmission& s = sub.value();
  EXPECT_EQ(s.irmark, IrmarkOf(s.canonical_body));
  EXPECT_NE(s.xml.find("<IRmark Type=\"generic\">" + s.irmark + "</IRmark>"), std::string::npos);
  // The canonical Body: the envelope's namespace on it, no IRmark, quotes in
  // text as they are.
  EXPECT_EQ(s.canonical_body.rfind("<Body xmlns=\"http://www.govtalk.gov.uk/CM/envelope\">\n    <IRenvelope xmlns=", 0), 0u);
  EXPECT_EQ(s.canonical_body.find("IRmark"), std::string::npos);
  EXPECT_NE(s.canonical_body.find("<Sur>O'Scot &amp; Co</Sur>"), std::string::npos);
  CompareGolden("fps-envelope-2025-26-m01.xml", s.xml);
  // A penny anywhere in the body changes the mark.
  Golden changed = g;
  changed.run.payslips[3].tax += Money::FromPence(1);
  auto other = WriteFpsSubmission(changed.run, changed.file.people, changed.employer, kSender);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other.value().irmark, s.irmark);
  // A sender without an id, or an unknown method, is refused.
  GovTalkSender bad = kSender;
  bad.method = "SHA256";
  EXPECT_FALSE(WriteFpsSubmission(g.run, g.file.people, g.employer, bad).ok());
  bad = kSender;
  bad.sender_id.clear();
  EXPECT_FALSE(WriteFpsSubmission(g.run, g.file.people, g.employer, bad).ok());
}

// HMRC's step by step IRmark guide, done by another tool: take the Body out
// of the message, put the envelope's namespace on it, remove the IRmark
// element (keeping the white space around it), canonicalise with xmllint.
// That must be byte for byte the canonical Body the writer hashed.
TEST(PayRunOutputs, CanonicalBodyIsWhatXmllintCanonicalises) {
  if (std::system("command -v xmllint > /dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint is not installed";
  const Golden& g = GoldenRun();
  auto sub = WriteFpsSubmission(g.run, g.file.people, g.employer, kSender);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  const std::string& xml = sub.value().xml;
  const std::string dir = ::testing::TempDir();
  {
    std::ofstream(dir + "/fps-envelope.xml", std::ios::binary) << xml;
  }
  EXPECT_EQ(std::system(("xmllint --noout '" + dir + "/fps-envelope.xml'").c_str()), 0) << "not well-formed XML";
  const size_t from = xml.find("<Body>"), to = xml.find("</Body>") + 7;
  ASSERT_NE(from, std::string::npos);
  std::string body = xml.substr(from, to - from);
  body.replace(0, 6, "<Body xmlns=\"http://www.govtalk.gov.uk/CM/envelope\">");
  const size_t mark = body.find("<IRmark Type=\"generic\">");
  const size_t mark_end = body.find("</IRmark>") + 9;
  body.erase(mark, mark_end - mark);
  {
    std::ofstream(dir + "/fps-body.xml", std::ios::binary) << body;
  }
  ASSERT_EQ(std::system(("xmllint --c14n '" + dir + "/fps-body.xml' > '" + dir + "/fps-body.c14n'").c_str()), 0);
  auto c14n = ReadFile(dir + "/fps-body.c14n");
  ASSERT_TRUE(c14n.ok());
  EXPECT_EQ(c14n.value(), sub.value().canonical_body);
  EXPECT_EQ(IrmarkOf(c14n.value()), sub.value().irmark);
}

TEST(PayRunOutputs, NegativeNetPayRefusesTheBankFile) {
  Golden g = GoldenRun();
  g.run.payslips[0].net = Money::FromPence(-1);
  auto bank = WriteBankFile(g.run, g.file.people, g.employer);
  ASSERT_FALSE(bank.ok());
  EXPECT_EQ(bank.error().where, "employee A-FULL");
}

}  // namespace
}  // namespace csu::payroll
