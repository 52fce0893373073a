// Golden test worked by hand in docs/ledger.md ("A VAT invoice and its
// settlement on both sides", "A mismatch in the agreement of balances"):
// the CSU (0DE) invoices NHS Warrington CCG (02E) for June 2018; both
// ledgers are kept here; the CCG pays in full, the CSU receives in two parts.
#include "finance/invoice_posting.h"

#include <gtest/gtest.h>

#include "ledger/ledger_documents.h"
#include "ledger/ledger_testing.h"

namespace csu::finance {
namespace {

using ledger::DocumentSide;
using ledger::LedgerStore;
using ledger::testing::AnyOrg;
using ledger::testing::ShippedChart;
using ledger::testing::TempDir;

const ledger::Actor kAlice{"2018-07-02T10:00:00Z", "alice"};
const ledger::Actor kBob{"2018-07-02T11:00:00Z", "bob"};

billing::Catalogue TestCatalogue() {
  billing::ItemVersion fin;
  fin.code = "FIN-MGMT";
  fin.name = "Management accounting";
  fin.function = "finance";
  fin.unit = billing::Unit::kPerHeadYear;
  fin.price = Money::FromPence(400);
  fin.effective_from = Date::FromYmd(2018, 4, 1);
  billing::ItemVersion bi = fin;
  bi.code = "BI-CORE";
  bi.name = "Business intelligence";
  bi.function = "business_intelligence";
  bi.unit = billing::Unit::kFixedMonth;
  bi.price = Money::FromPence(234'567);
  billing::ItemVersion full = fin;
  full.kind = billing::ItemKind::kPackage;
  full.code = "FULL";
  full.function = "";
  full.includes = {"FIN-MGMT", "BI-CORE"};
  return billing::Catalogue({fin, bi, full});
}

// INV-000001: 300,000 patients × £4.00 ÷ 12 = £100,000.00 for FIN-MGMT, a 5%
// discount of −£5,000.00, BI-CORE £2,345.67 a month. Net £97,345.67; VAT
// 20% = 19,469.134 → £19,469.13; total £116,814.80. Issued 09:00 UTC on
// 2 July 2018 (10:00 BST, 2 July), due in 30 days: 1 August.
billing::Invoice June() {
  billing::Invoice inv;
  inv.number = "INV-000001";
  inv.ccg = "02E";
  inv.ccg_name = "NHS Warrington CCG";
  inv.period = billing::Period(2018, 6);
  inv.issued_at = "2018-07-02T09:00:00Z";
  inv.supplier.payment_days = 30;
  inv.population = 300'000;
  inv.lines.push_back({"FIN-MGMT", "Management accounting", "", 300'000, Money::FromPence(400), 1,
                       Money::FromPence(10'000'000), billing::Vat::kStandard, 1});
  inv.lines.push_back({"FIN-MGMT", "Discount 5%", "", 1, Money(), 1, Money::FromPence(-500'000),
                       billing::Vat::kStandard, 1});
  inv.lines.push_back({"BI-CORE", "Business intelligence", "", 1, Money::FromPence(234'567), 1,
                       Money::FromPence(234'567), billing::Vat::kStandard, 2});
  billing::SetTotals(inv);
  return inv;
}

class InvoicePostingGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = LedgerStore::Open(dir_.path());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->AddEntity({"0DE", ledger::EntityKind::kCsu, "The CSU", Money::FromPounds(10'000), ""}, ShippedChart("csu"), kAlice).ok());
    ASSERT_TRUE(db_->AddEntity({"02E", ledger::EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""}, ShippedChart("ccg"), kAlice).ok());
    for (const char* e : {"0DE", "02E"})
      for (int m = 7; m <= 10; ++m)
        ASSERT_TRUE(db_->SetPeriodState(e, {FinancialYear(2018), m - 3}, ledger::PeriodState::kOpen, kAlice).ok());
  }
  // Posts `p` to `entity` as the CLI does.
  Result<ledger::BatchOutcome> Post(const std::string& entity, const Posting& p, ledger::JournalKind kind,
                                    const ledger::Actor& who = kAlice) {
    return db_->RaiseDocument(entity, p.txn, {kind, "test", ""}, p.link, AnyOrg, who);
  }
  Money Balance(const std::string& entity, const std::string& account) {
    auto all = db_->Balances(entity, ledger::kBeginning(), ledger::kEnd());
    EXPECT_TRUE(all.ok());
    for (const auto& b : all.value())
      if (b.account.name == account) return b.balance;
    ADD_FAILURE() << "no account " << account;
    return Money();
  }
  std::vector<ledger::Account> Chart(const std::string& e) { return db_->Accounts(e).value(); }

  TempDir dir_{"invoice-posting"};
  std::unique_ptr<LedgerStore> db_;
};

TEST_F(InvoicePostingGolden, AVatInvoiceAndItsSettlementOnBothSides) {
  const billing::Invoice inv = June();
  ASSERT_EQ(inv.net, Money::FromPence(9'734'567));
  ASSERT_EQ(inv.vat, Money::FromPence(1'946'913));
  ASSERT_EQ(inv.total, Money::FromPence(11'681'480));

  auto sell = SellerPosting(inv, TestCatalogue(), Chart("0DE"), "0DE");
  ASSERT_TRUE(sell.ok()) << sell.error().ToString();
  EXPECT_EQ(sell.value().txn.date, Date::FromYmd(2018, 7, 2));
  EXPECT_EQ(sell.value().link.due, Date::FromYmd(2018, 8, 1));
  auto buy = BuyerPosting(inv, Chart("02E"), "0DE");
  ASSERT_TRUE(buy.ok()) << buy.error().ToString();
  // Documents post at once although above the £10,000 threshold.
  auto s1 = Post("0DE", sell.value(), ledger::JournalKind::kDocument);
  ASSERT_TRUE(s1.ok()) << s1.error().ToString();
  EXPECT_FALSE(s1.value().pending);
  ASSERT_TRUE(Post("02E", buy.value(), ledger::JournalKind::kDocument).ok());
  // The same invoice again is refused and changes nothing.
  auto again = Post("0DE", sell.value(), ledger::JournalKind::kDocument);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("already in the ledger (journal 1)"), std::string::npos) << again.error().why;
  auto reversed = db_->Reverse("0DE", 1, Date::FromYmd(2018, 7, 3), "typo", kBob);
  ASSERT_FALSE(reversed.ok());
  EXPECT_NE(reversed.error().why.find("credit note"), std::string::npos) << reversed.error().why;

  EXPECT_EQ(Balance("0DE", "assets:current:receivables:nhs"), Money::FromPence(11'681'480));
  EXPECT_EQ(Balance("0DE", "income:services:finance"), Money::FromPence(-9'500'000));
  EXPECT_EQ(Balance("0DE", "income:services:business-intelligence"), Money::FromPence(-234'567));
  EXPECT_EQ(Balance("0DE", "liabilities:current:vat:output"), Money::FromPence(-1'946'913));
  EXPECT_EQ(Balance("02E", "expenses:running-costs:csu-services"), Money::FromPence(11'681'480));
  EXPECT_EQ(Balance("02E", "liabilities:current:payables:nhs"), Money::FromPence(-11'681'480));

  // 31 July: the CCG pays in full; above the threshold, so bob approves it.
  auto pay = Settlement(DocumentSide::kPayable, "BACS-0731", "INV-000001", "0DE", Money::FromPence(11'681'480),
                        Date::FromYmd(2018, 7, 31), Chart("02E"));
  ASSERT_TRUE(pay.ok());
  auto paid = Post("02E", pay.value(), ledger::JournalKind::kManual);
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  EXPECT_TRUE(paid.value().pending);
  auto creditors = ledger::AgedBalances(*db_, "02E", DocumentSide::kPayable, Date::FromYmd(2018, 7, 31));
  ASSERT_TRUE(creditors.ok());
  EXPECT_EQ(creditors.value().TotalOf("outstanding"), 11'681'480);  // pending: not paid yet
  EXPECT_EQ(creditors.value().TotalOf("d0_30"), 11'681'480);        // 29 days old
  ASSERT_TRUE(db_->Approve("02E", paid.value().batch, kBob).ok());
  EXPECT_EQ(Balance("02E", "liabilities:current:payables:nhs"), Money());
  EXPECT_EQ(Balance("02E", "assets:current:cash:gbs"), Money::FromPence(-11'681'480));

  // 1 August the CSU receives £100,000.00; 5 October the rest, £16,814.80.
  auto r1 = Settlement(DocumentSide::kReceivable, "RCPT-0801", "INV-000001", "02E", Money::FromPence(10'000'000),
                       Date::FromYmd(2018, 8, 1), Chart("0DE"));
  auto received = Post("0DE", r1.value(), ledger::JournalKind::kManual, kBob);
  ASSERT_TRUE(received.ok()) << received.error().ToString();
  EXPECT_EQ(received.value().batch, 2);  // the refused retry used no number
  ASSERT_TRUE(db_->Approve("0DE", 2, kAlice).ok());

  // 30 September: 90 days from 2 July (29 + 31 + 30), so 61-90 days.
  auto debt = ledger::AgedBalances(*db_, "0DE", DocumentSide::kReceivable, Date::FromYmd(2018, 9, 30));
  ASSERT_TRUE(debt.ok());
  EXPECT_EQ(debt.value().TotalOf("outstanding"), 1'681'480);
  EXPECT_EQ(debt.value().TotalOf("d61_90"), 1'681'480);
  // 1 October: 91 days, over 90.
  debt = ledger::AgedBalances(*db_, "0DE", DocumentSide::kReceivable, Date::FromYmd(2018, 10, 1));
  EXPECT_EQ(debt.value().TotalOf("d91"), 1'681'480);

  auto r2 = Settlement(DocumentSide::kReceivable, "RCPT-1005", "INV-000001", "02E", Money::FromPence(1'681'480),
                       Date::FromYmd(2018, 10, 5), Chart("0DE"));
  auto rest = Post("0DE", r2.value(), ledger::JournalKind::kManual);  // £16,814.80: above the threshold too
  ASSERT_TRUE(rest.ok());
  ASSERT_TRUE(db_->Approve("0DE", rest.value().batch, kBob).ok());
  EXPECT_EQ(Balance("0DE", "assets:current:receivables:nhs"), Money());
  EXPECT_EQ(Balance("0DE", "assets:current:cash:gbs"), Money::FromPence(11'681'480));
  debt = ledger::AgedBalances(*db_, "0DE", DocumentSide::kReceivable, Date::FromYmd(2018, 10, 31));
  EXPECT_EQ(debt.value().rows.size(), 1u);  // the total row only
  auto agreed = ledger::AgreementOfBalances(*db_, Date::FromYmd(2018, 10, 31));
  ASSERT_TRUE(agreed.ok());
  EXPECT_EQ(agreed.value().notes.back(), "Every balance agrees");
}

TEST_F(InvoicePostingGolden, AMismatchInTheAgreementOfBalancesIsListedLineByLine) {
  const billing::Invoice inv = June();
  ASSERT_TRUE(Post("0DE", SellerPosting(inv, TestCatalogue(), Chart("0DE"), "0DE").value(),
                   ledger::JournalKind::kDocument).ok());
  ASSERT_TRUE(Post("02E", BuyerPosting(inv, Chart("02E"), "0DE").value(), ledger::JournalKind::kDocument).ok());
  auto pay = Settlement(DocumentSide::kPayable, "BACS-0731", "INV-000001", "0DE", Money::FromPence(11'681'480),
                        Date::FromYmd(2018, 7, 31), Chart("02E"));
  auto paid = Post("02E", pay.value(), ledger::JournalKind::kManual);
  ASSERT_TRUE(db_->Approve("02E", paid.value().batch, kBob).ok());
  auto r1 = Settlement(DocumentSide::kReceivable, "RCPT-0801", "INV-000001", "02E", Money::FromPence(10'000'000),
                       Date::FromYmd(2018, 8, 1), Chart("0DE"));
  auto got = Post("0DE", r1.value(), ledger::JournalKind::kManual);
  ASSERT_TRUE(db_->Approve("0DE", got.value().batch, kBob).ok());
  // A disputed £250.00 the CCG's finance team posted by hand to payables.
  ASSERT_TRUE(db_->Raise("02E", ledger::testing::Txns(R"(2018-09-20 Disputed CSU charge
    expenses:running-costs:csu-services   £250.00
    liabilities:current:payables:nhs     -£250.00  ; counterparty:0DE
)"), {ledger::JournalKind::kManual, "dispute", ""}, AnyOrg, kAlice).ok());

  auto t = ledger::AgreementOfBalances(*db_, Date::FromYmd(2018, 9, 30));
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  const report::ReportTable& a = t.value();
  ASSERT_EQ(a.rows.size(), 3u);  // the invoice, journals without a document, total
  // INV-000001: the CSU is still owed £16,814.80; the CCG owes nothing.
  EXPECT_EQ(a.rows[0][2].text, "INV-000001");
  EXPECT_EQ(a.rows[0][3].number, 1'681'480);
  EXPECT_EQ(a.rows[0][4].number, 0);
  EXPECT_EQ(a.rows[0][5].number, 1'681'480);
  EXPECT_EQ(a.rows[0][6].text,
            "02E has paid £116,814.80 (last on 2018-07-31); 0DE has received £100,000.00");
  // The hand journal: the CCG owes £250.00 the CSU has no record of.
  EXPECT_EQ(a.rows[1][2].text, "journals without a document");
  EXPECT_EQ(a.rows[1][3].number, 0);
  EXPECT_EQ(a.rows[1][4].number, 25'000);
  EXPECT_EQ(a.rows[1][5].number, -25'000);
  // Total difference £16,814.80 − £250.00 = £16,564.80.
  EXPECT_EQ(a.TotalOf("difference"), 1'656'480);
  EXPECT_EQ(a.notes.back(), "2 items do not agree");
}

// BPPC for 02E over July and August 2018: INV-000001 (£116,814.80, dated 2
// July, due 1 August) paid 31 July: on time. INV-000002 (BI-CORE only:
// £2,345.67 + VAT 469.134 → £469.13 = £2,814.80, dated 5 July, due 4 August)
// paid 20 August, 46 days: late. By number 1 of 2 = 50.0%; by value
// 116,814.80 ÷ 119,629.60 = 97.6%.
TEST_F(InvoicePostingGolden, BetterPaymentPracticeCodeByNumberAndByValue) {
  billing::Invoice late = June();
  late.number = "INV-000002";
  late.issued_at = "2018-07-05T09:00:00Z";
  late.lines.erase(late.lines.begin(), late.lines.begin() + 2);
  billing::SetTotals(late);
  ASSERT_EQ(late.total, Money::FromPence(281'480));
  for (const billing::Invoice& inv : {June(), late})
    ASSERT_TRUE(Post("02E", BuyerPosting(inv, Chart("02E"), "0DE").value(), ledger::JournalKind::kDocument).ok());
  auto on_time = Settlement(DocumentSide::kPayable, "BACS-0731", "INV-000001", "0DE", Money::FromPence(11'681'480),
                            Date::FromYmd(2018, 7, 31), Chart("02E"));
  auto paid = Post("02E", on_time.value(), ledger::JournalKind::kManual);
  ASSERT_TRUE(db_->Approve("02E", paid.value().batch, kBob).ok());
  auto slow = Settlement(DocumentSide::kPayable, "BACS-0820", "INV-000002", "0DE", Money::FromPence(281'480),
                         Date::FromYmd(2018, 8, 20), Chart("02E"));
  ASSERT_TRUE(Post("02E", slow.value(), ledger::JournalKind::kManual).ok());

  auto t = ledger::Bppc(*db_, "02E", Date::FromYmd(2018, 7, 1), Date::FromYmd(2018, 8, 31));
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  const report::ReportTable& sum = t.value()[0];
  EXPECT_EQ(sum.rows[0][1].text, "2");
  EXPECT_EQ(sum.rows[0][2].text, "1");
  EXPECT_DOUBLE_EQ(sum.rows[0][3].real, 0.5);
  EXPECT_EQ(sum.rows[1][1].text, "£119,629.60");
  EXPECT_EQ(sum.rows[1][2].text, "£116,814.80");
  EXPECT_NEAR(sum.rows[1][3].real, 0.976, 0.0005);
  const report::ReportTable& lines = t.value()[1];
  EXPECT_EQ(lines.rows[1][3].text, "2018-08-04");  // 5 July + 30 days, also its due date
  EXPECT_EQ(lines.rows[1][5].number, 46);
  EXPECT_EQ(lines.rows[1][6].text, "no");
  // July alone: INV-000002 is not paid yet, so only the one on time.
  t = ledger::Bppc(*db_, "02E", Date::FromYmd(2018, 7, 1), Date::FromYmd(2018, 7, 31));
  EXPECT_EQ(t.value()[0].rows[0][1].text, "1");
  EXPECT_DOUBLE_EQ(t.value()[0].rows[0][3].real, 1.0);
}

TEST_F(InvoicePostingGolden, ACreditNoteReversesItsInvoiceAndAPackageHasItsOwnIncome) {
  billing::Invoice inv = June();
  inv.lines = {{"FULL", "Full service", "", 300'000, Money::FromPence(2676), 1, Money::FromPence(66'900'000),
                billing::Vat::kStandard, 3}};
  billing::SetTotals(inv);  // £669,000.00 + VAT £133,800.00 = £802,800.00
  billing::Invoice cn = billing::CreditNoteFor(inv, "wrong population");
  cn.number = "CN-000001";
  cn.issued_at = "2018-08-10T09:00:00Z";
  for (const billing::Invoice* d : {&inv, &cn}) {
    auto s = Post("0DE", SellerPosting(*d, TestCatalogue(), Chart("0DE"), "0DE").value(), ledger::JournalKind::kDocument);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    ASSERT_TRUE(Post("02E", BuyerPosting(*d, Chart("02E"), "0DE").value(), ledger::JournalKind::kDocument).ok());
  }
  auto debt = ledger::AgedBalances(*db_, "0DE", DocumentSide::kReceivable, Date::FromYmd(2018, 8, 5));
  EXPECT_EQ(debt.value().TotalOf("outstanding"), 80'280'000);
  EXPECT_EQ(Balance("0DE", "income:services:packages"), Money());
  debt = ledger::AgedBalances(*db_, "0DE", DocumentSide::kReceivable, Date::FromYmd(2018, 8, 10));
  EXPECT_EQ(debt.value().TotalOf("outstanding"), 0);
  EXPECT_EQ(Balance("0DE", "assets:current:receivables:nhs"), Money());
  EXPECT_EQ(Balance("02E", "liabilities:current:payables:nhs"), Money());
  // A chart without the account is named.
  std::vector<ledger::Account> chart = Chart("0DE");
  std::erase_if(chart, [](const ledger::Account& a) { return a.name == kPackageIncome; });
  auto refused = SellerPosting(inv, TestCatalogue(), chart, "0DE");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().why.find("income:services:packages"), std::string::npos);
}

}  // namespace
}  // namespace csu::finance
