// The journal and CSV readers: what hledger-style journals may say, what is
// refused (naming the line), and that writing and reading back is exact.
#include "ledger/journal_format.h"

#include <gtest/gtest.h>

namespace csu::ledger {
namespace {

int64_t Pence(const Posting& p) { return p.amount.pence(); }

TEST(LedgerAmounts, PoundsAreParsedExactlyOrRefused) {
  EXPECT_EQ(ParsePounds("£1,234.56").value().pence(), 123456);
  EXPECT_EQ(ParsePounds("-£3.50").value().pence(), -350);
  EXPECT_EQ(ParsePounds("£-3.50").value().pence(), -350);
  EXPECT_EQ(ParsePounds("+12").value().pence(), 1200);
  EXPECT_EQ(ParsePounds("0.5").value().pence(), 50);
  EXPECT_EQ(ParsePounds("£12,345,678.90").value().pence(), 1234567890);
  for (const char* bad : {"", "£", "1,23.00", "12,3456", "1.234", "1.", "$5", "EUR5", "£1.2.3", "--1", "1,,000"})
    EXPECT_FALSE(ParsePounds(bad).ok()) << bad;
  EXPECT_NE(ParsePounds("$5").error().why.find("pounds sterling"), std::string::npos);
}

const char* kJournal = R"(; A month of a CCG's ledger
# hash comments too
* org-mode heading lines are comments
account assets:current:cash:gbs   ; type:A
commodity £1,000.00

2018-04-01 * (ALLOC-01) Programme allocation drawdown  ; a note
    assets:current:cash:gbs              £30,000,000.00
    income:allocation:programme

2018/4/15 ! Block payment | April
    ; cost-centre:CC100
    expenses:programme:acute     £12,345,678.90  ; counterparty:rww, block contract
    assets:current:cash:gbs     -£12,345,678.90

comment
2018-04-16 this is not read
end comment

2018.04.30 Mental health accrual  ; reverse:next-period
    expenses:programme:mental-health	£1,500,000.00
    liabilities:current:accruals  £-1,500,000.00
)";

TEST(LedgerJournal, ReadsTheCommonSyntax) {
  auto r = ParseJournal(kJournal, "month.journal");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const auto& t = r.value();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].date, Date::FromYmd(2018, 4, 1));
  EXPECT_EQ(t[0].status, '*');
  EXPECT_EQ(t[0].code, "ALLOC-01");
  EXPECT_EQ(t[0].description, "Programme allocation drawdown");
  EXPECT_EQ(t[0].line, 7);
  ASSERT_EQ(t[0].postings.size(), 2u);
  EXPECT_EQ(Pence(t[0].postings[1]), -3'000'000'000);  // the elided amount
  EXPECT_EQ(t[1].date, Date::FromYmd(2018, 4, 15));
  EXPECT_EQ(t[1].status, '!');
  EXPECT_EQ(t[1].description, "Block payment | April");
  EXPECT_EQ(t[1].postings[0].cost_centre, "CC100");  // inherited from the transaction's comment line
  EXPECT_EQ(t[1].postings[0].counterparty, "RWW");
  EXPECT_EQ(t[1].postings[0].comment, "block contract");
  EXPECT_EQ(Pence(t[1].postings[0]), 1'234'567'890);
  EXPECT_EQ(t[1].postings[1].cost_centre, "CC100");
  EXPECT_TRUE(t[2].reverse_next_period);
  EXPECT_EQ(t[2].date, Date::FromYmd(2018, 4, 30));
  EXPECT_EQ(Pence(t[2].postings[1]), -150'000'000);
}

struct Refusal {
  const char* text;
  int line;
  const char* why;
};

TEST(LedgerJournal, RefusesTheWholeFileNamingTheLine) {
  const std::vector<Refusal> cases = {
      {"2018-04-01 x\n    a:b  £1.00\n    c:d  £-2.00\n", 1, "does not balance"},
      {"2018-04-01 x\n    a:b  £1.00\n    c:d\n    e:f\n", 4, "second posting leaves its amount out"},
      {"2018-04-01 x\n    a:b  £1.00\n    c:d  -£1.00\n", 0, ""},  // fine
      {"2018-04-01 x\n    a:b  $1.00\n    c:d\n", 2, "pounds sterling"},
      {"2018-04-01 x\n    a:b  £1.00 = £5.00\n    c:d\n", 2, "balance assertions"},
      {"2018-04-01 x\n    a:b  £1.00 @ £2\n    c:d\n", 2, "prices"},
      {"2018-04-01 x\n    (a:b)  £1.00\n    c:d\n", 2, "virtual"},
      {"2018-04-01=2018-04-02 x\n    a:b  £1.00\n    c:d\n", 1, "secondary dates"},
      {"04-01 x\n    a:b  £1.00\n    c:d\n", 1, "year is required"},
      {"2018-02-30 x\n    a:b  £1.00\n    c:d\n", 1, "not a real date"},
      {"include other.journal\n", 1, "include"},
      {"P 2018-01-01 £ $1.3\n", 1, "not a transaction"},
      {"    a:b  £1.00\n", 1, "outside a transaction"},
      {"2018-04-01 x\n    a:b  £1.00\n", 1, "at least two postings"},
      {"2018-04-01 x\n    a:b  £1.00\n    c:d  £-1.00\n\n2018-04-02 y\n    a:b  £0.00\n    c:d\n", 6, "£0.00"},
      {"2018-04-01 x\n    a:b  £1.00\n    c:d\ncomment\n", 4, "never ended"},
      {"2018-04-01 x  ; reverse:later\n    a:b  £1.00\n    c:d\n", 1, "next-period"},
      {"2018-04-01 x\n    a:b  £1.005\n    c:d\n", 2, "decimal places"},
  };
  for (const Refusal& c : cases) {
    auto r = ParseJournal(c.text, "f.journal");
    if (c.line == 0) {
      EXPECT_TRUE(r.ok()) << c.text << r.error().ToString();
      continue;
    }
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().where, "f.journal:" + std::to_string(c.line)) << c.text << " " << r.error().ToString();
    EXPECT_NE(r.error().why.find(c.why), std::string::npos) << c.text << " " << r.error().ToString();
  }
}

TEST(LedgerJournal, WritingAndReadingBackIsExact) {
  auto r = ParseJournal(kJournal, "month.journal");
  ASSERT_TRUE(r.ok());
  std::string text;
  for (const Transaction& t : r.value()) AppendJournalText(t, text);
  auto back = ParseJournal(text, "written.journal");
  ASSERT_TRUE(back.ok()) << back.error().ToString() << "\n" << text;
  ASSERT_EQ(back.value().size(), r.value().size());
  for (size_t i = 0; i < back.value().size(); ++i) {
    Transaction a = r.value()[i], b = back.value()[i];
    a.line = b.line = 0;
    EXPECT_EQ(a, b) << text;
  }
  EXPECT_NE(text.find("    expenses:programme:acute  £12345678.90  ; block contract, cost-centre:CC100, counterparty:RWW\n"),
            std::string::npos)
      << text;
}

TEST(LedgerCsv, GroupsRowsByReferenceAndChecksEach) {
  const char* csv =
      "date,reference,description,account,amount,cost_centre,counterparty,reverse\n"
      "2018-04-30,ACC-1,Accrual,expenses:programme:acute,\"£1,000.00\",CC100,rww,yes\n"
      "2018-04-30,ACC-1,Accrual,liabilities:current:accruals,-1000,,,yes\n"
      "2018-04-02,PAY-1,Pay,expenses:running-costs:pay,10.5,,,\n"
      "2018-04-02,PAY-1,Pay,assets:current:cash:gbs,-10.50,,,\n";
  auto r = ParseLedgerCsv(csv, "f.csv");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_TRUE(r.value()[0].reverse_next_period);
  EXPECT_EQ(r.value()[0].code, "ACC-1");
  EXPECT_EQ(r.value()[0].postings[0].counterparty, "RWW");
  EXPECT_EQ(r.value()[1].postings[0].amount.pence(), 1050);
  EXPECT_EQ(r.value()[1].line, 4);

  std::string unbalanced = csv;
  unbalanced.replace(unbalanced.find("-10.50"), 6, "-10.51");
  auto bad = ParseLedgerCsv(unbalanced, "f.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "f.csv:4");
  auto missing = ParseLedgerCsv("date,reference,account,amount\n", "f.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().why.find("description"), std::string::npos);
  auto differs = ParseLedgerCsv(
      "date,reference,description,account,amount\n2018-04-01,A,x,a:b,1\n2018-04-02,A,x,c:d,-1\n", "f.csv");
  ASSERT_FALSE(differs.ok());
  EXPECT_EQ(differs.error().where, "f.csv:3");
}

}  // namespace
}  // namespace csu::ledger
