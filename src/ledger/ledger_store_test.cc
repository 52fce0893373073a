// The ledger database: the golden month of a CCG's ledger and a year-end
// close worked by hand in docs/ledger.md ("Worked examples"), segregation of
// duties, periods, immutability, and that refused input stores nothing;
// each on SQLite and on PostgreSQL (server mode), with what only several
// nodes can break: two writers numbering at once, a second node's reads.
#include "ledger/ledger_store.h"

#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ledger/ledger_reports.h"
#include "ledger/ledger_testing.h"
#include "ledger/journal_format.h"
#include "report/render.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::ledger {
namespace {

using testing::AnyOrg;
using testing::BackendName;
using testing::LedgerBackend;
using testing::ShippedChart;
using testing::TempDir;
using testing::Txns;

const Actor kAlice{"2018-05-01T09:00:00Z", "alice"};
const Actor kBob{"2018-05-01T10:00:00Z", "bob"};

std::map<std::string, int64_t> NonZero(LedgerStore& db, const std::string& entity, Date from, Date to) {
  std::map<std::string, int64_t> out;
  auto b = db.Balances(entity, from, to);
  EXPECT_TRUE(b.ok()) << b.error().ToString();
  if (!b.ok()) return out;
  for (const AccountBalance& a : b.value())
    if (a.balance != Money()) out[a.account.name] = a.balance.pence();
  return out;
}

// The per-day totals reports read agree with the postings, for every range
// the tests use and with and without closing journals.
void ExpectTotalsAgreeWithPostings(LedgerStore& db, const std::string& entity) {
  for (bool without : {false, true}) {
    for (auto [from, to] : {std::pair{kBeginning(), kEnd()}, std::pair{Date::FromYmd(2018, 4, 1), Date::FromYmd(2018, 4, 30)},
                            std::pair{Date::FromYmd(2018, 5, 1), Date::FromYmd(2019, 3, 31)}}) {
      auto fast = db.Balances(entity, from, to, without);
      auto slow = db.BalancesFromPostings(entity, from, to, without);
      ASSERT_TRUE(fast.ok() && slow.ok());
      ASSERT_EQ(fast.value().size(), slow.value().size());
      for (size_t i = 0; i < fast.value().size(); ++i)
        EXPECT_EQ(fast.value()[i].balance, slow.value()[i].balance) << fast.value()[i].account.name;
    }
  }
}

class LedgerGolden : public LedgerBackend {};
class LedgerStores : public LedgerBackend {};
INSTANTIATE_TEST_SUITE_P(Backends, LedgerGolden, ::testing::Values("sqlite", "postgresql"), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, LedgerStores, ::testing::Values("sqlite", "postgresql"), BackendName);

std::unique_ptr<LedgerStore> NewCcgLedger(LedgerBackend& backend) {
  auto db = backend.MustOpen();
  if (!db) return nullptr;
  auto e = db->AddEntity({"02e", EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""}, ShippedChart("ccg"), kAlice);
  EXPECT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_EQ(e.value().code, "02E");
  EXPECT_EQ(e.value().general_fund, "equity:general-fund");
  return db;
}

// The golden month (docs/ledger.md, "A month of a CCG's ledger").
const char* kApril = R"(2018-04-01 * (ALLOC-01) Allocation drawdown for April
    assets:current:cash:gbs               £30,000,000.00  ; counterparty:X24
    income:allocation:programme          -£29,400,000.00  ; counterparty:X24
    income:allocation:running-costs

2018-04-15 * (BLK-04) Block payment, Warrington and Halton
    expenses:programme:acute              £12,345,678.90  ; cost-centre:CC100, counterparty:RWW
    assets:current:cash:gbs

2018-04-20 * (PPA-04) Prescribing, April
    expenses:programme:prescribing         £3,210,987.65  ; cost-centre:CC600, counterparty:T1450
    liabilities:current:payables:nhs                      ; counterparty:T1450

2018-04-25 * (INV-000001) Commissioning support, April
    expenses:running-costs:csu-services  £84,000.00  ; cost-centre:CC900, counterparty:0DE
    liabilities:current:payables:nhs              £-84,000.00  ; counterparty:0DE

2018-04-27 * (PAY-04) April payroll
    expenses:running-costs:pay               £412,345.67  ; cost-centre:CC900
    assets:current:cash:gbs

2018-04-30 (ACC-04) Mental health activity not yet invoiced  ; reverse:next-period
    expenses:programme:mental-health       £1,500,000.00  ; cost-centre:CC200, counterparty:RWW
    liabilities:current:accruals
)";

TEST_P(LedgerGolden, AMonthOfACcgLedgerFromAllocationToAnAccrualAndItsReversal) {
  auto db = NewCcgLedger(*this);
  ASSERT_TRUE(db);
  const LedgerPeriod april = LedgerPeriod::Parse("2018-04").value();
  ASSERT_TRUE(db->SetPeriodState("02E", april, PeriodState::kOpen, kAlice).ok());

  // Six journals over the £10,000 default threshold: one batch, pending.
  auto raised = db->Raise("02E", Txns(kApril), {JournalKind::kManual, "April ledger", "april.journal"}, AnyOrg, kAlice);
  ASSERT_TRUE(raised.ok()) << raised.error().ToString();
  EXPECT_TRUE(raised.value().pending);
  EXPECT_EQ(raised.value().numbers, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(NonZero(*db, "02E", kBeginning(), kEnd()).empty()) << "a pending journal counts in no balance";
  auto self = db->Approve("02E", raised.value().batch, kAlice);
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.error().why.find("segregation of duties"), std::string::npos);
  auto approved = db->Approve("02E", raised.value().batch, kBob);
  ASSERT_TRUE(approved.ok()) << approved.error().ToString();
  EXPECT_TRUE(approved.value().reversals.empty()) << "May is not open yet";

  // Balances at 30 April, worked by hand in docs/ledger.md.
  const std::map<std::string, int64_t> april_end = {
      {"assets:current:cash:gbs", 1'724'197'543},
      {"liabilities:current:payables:nhs", -329'498'765},
      {"liabilities:current:accruals", -150'000'000},
      {"income:allocation:programme", -2'940'000'000},
      {"income:allocation:running-costs", -60'000'000},
      {"expenses:programme:acute", 1'234'567'890},
      {"expenses:programme:prescribing", 321'098'765},
      {"expenses:running-costs:csu-services", 8'400'000},
      {"expenses:running-costs:pay", 41'234'567},
      {"expenses:programme:mental-health", 150'000'000},
  };
  EXPECT_EQ(NonZero(*db, "02E", kBeginning(), april.last_day()), april_end);

  auto tb = TrialBalance(*db, "02E", kBeginning(), april.last_day());
  ASSERT_TRUE(tb.ok());
  EXPECT_EQ(tb.value().TotalOf("debit"), 3'479'498'765);
  EXPECT_EQ(tb.value().TotalOf("credit"), 3'479'498'765);
  auto ie = IncomeExpenditure(*db, "02E", {{"month", "Apr 2018", april.first_day(), april.last_day()}});
  ASSERT_TRUE(ie.ok());
  const report::ReportTable& t = ie.value();
  ASSERT_GE(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[t.rows.size() - 3][3].number, 3'000'000'000);  // total income
  EXPECT_EQ(t.rows[t.rows.size() - 2][3].number, 1'755'301'222);  // total expenditure
  EXPECT_EQ(t.rows[t.rows.size() - 1][3].number, 1'244'698'778);  // surplus
  auto fp = FinancialPosition(*db, "02E", april.last_day());
  ASSERT_TRUE(fp.ok());
  std::map<std::string, int64_t> lines;
  for (const auto& row : fp.value().rows) lines[row[1].text] = row[3].number;
  EXPECT_EQ(lines["Total assets"], 1'724'197'543);
  EXPECT_EQ(lines["Total liabilities"], 479'498'765);
  EXPECT_EQ(lines["Net assets"], 1'244'698'778);
  EXPECT_EQ(lines["Total taxpayers' equity"], 1'244'698'778);

  // Opening May reverses the accrual on 1 May; the invoice then arrives.
  const LedgerPeriod may = april.Next();
  auto opened = db->SetPeriodState("02E", may, PeriodState::kOpen, kAlice);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  ASSERT_EQ(opened.value(), (std::vector<int64_t>{7}));
  auto rev = db->GetJournal("02E", 7).value();
  ASSERT_TRUE(rev.has_value());
  EXPECT_EQ(rev->kind, JournalKind::kAccrualReversal);
  EXPECT_EQ(rev->reverses, 6);
  EXPECT_EQ(rev->txn.date, Date::FromYmd(2018, 5, 1));
  EXPECT_EQ(db->SetPeriodState("02E", may, PeriodState::kClosed, kAlice).ok(), true);
  EXPECT_TRUE(db->SetPeriodState("02E", may, PeriodState::kOpen, kAlice).ok()) << "a closed period may reopen";
  EXPECT_EQ(db->Journals("02E", may.first_day(), may.last_day()).value().size(), 1u) << "reversed once only";
  auto invoice = db->Raise("02E", Txns(R"(2018-05-10 (RWW-0518) Mental health, April invoice
    expenses:programme:mental-health  £1,480,000.00  ; cost-centre:CC200, counterparty:RWW
    liabilities:current:payables:nhs
)"),
                           {JournalKind::kManual, "April invoice", ""}, AnyOrg, kAlice);
  ASSERT_TRUE(invoice.ok());
  ASSERT_TRUE(db->Approve("02E", invoice.value().batch, kBob).ok());
  const auto may_moves = NonZero(*db, "02E", may.first_day(), may.last_day());
  EXPECT_EQ(may_moves.at("expenses:programme:mental-health"), -2'000'000);  // over-accrued by £20,000
  EXPECT_EQ(may_moves.at("liabilities:current:accruals"), 150'000'000);
  EXPECT_EQ(NonZero(*db, "02E", kBeginning(), may.last_day()).count("liabilities:current:accruals"), 0u);
  ExpectTotalsAgreeWithPostings(*db, "02E");
}

TEST_P(LedgerStores, RefusedInputStoresNothing) {
  auto db = NewCcgLedger(*this);
  ASSERT_TRUE(db);
  const LedgerPeriod april = LedgerPeriod::Parse("2018-04").value();
  const char* ok = "2018-04-02 Pay\n    expenses:running-costs:pay  £100.00\n    assets:current:cash:gbs\n\n";
  auto not_open = db->Raise("02E", Txns(ok), {JournalKind::kManual, "pay", "f.journal"}, AnyOrg, kAlice);
  ASSERT_FALSE(not_open.ok());
  EXPECT_EQ(not_open.error().where, "f.journal:1");
  EXPECT_NE(not_open.error().why.find("2018-04 is not open"), std::string::npos) << not_open.error().why;
  ASSERT_TRUE(db->SetPeriodState("02E", april, PeriodState::kOpen, kAlice).ok());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"2018-04-03 x\n    expenses:nowhere  £1.00\n    assets:current:cash:gbs\n", "not in 02E's chart"},
      {"2018-04-03 x\n    expenses:running-costs:pay  £1.00  ; cost-centre:CC999\n    assets:current:cash:gbs\n",
       "cost centre CC999"},
      {"2018-04-03 x\n    expenses:running-costs:pay  £1.00  ; counterparty:ZZZ99\n    assets:current:cash:gbs\n",
       "not a known NHS body"},
      {"2018-05-03 x\n    expenses:running-costs:pay  £1.00\n    assets:current:cash:gbs\n", "not open"},
  };
  for (const auto& [text, why] : bad) {
    auto r = db->Raise("02E", Txns(std::string(ok) + text), {JournalKind::kImport, "import", "f.journal"},
                       [](const std::string&) { return std::nullopt; }, kAlice);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().where, "f.journal:5") << r.error().ToString();
    EXPECT_NE(r.error().why.find(why), std::string::npos) << r.error().ToString();
  }
  EXPECT_TRUE(db->Journals("02E", kBeginning(), kEnd()).value().empty());
  EXPECT_FALSE(db->Raise("02E", Txns(ok), {JournalKind::kManual, " ", ""}, AnyOrg, kAlice).ok()) << "no reason";
  // Below the threshold a journal posts at once, approved by its raiser.
  auto posted = db->Raise("02E", Txns(ok), {JournalKind::kManual, "pay", ""}, AnyOrg, kAlice);
  ASSERT_TRUE(posted.ok());
  EXPECT_FALSE(posted.value().pending);
  EXPECT_EQ(db->GetJournal("02E", 1).value()->approved_by, "alice");
}

TEST_P(LedgerStores, PostedJournalsAreImmutableAndCorrectedByReversal) {
  auto db = NewCcgLedger(*this);
  ASSERT_TRUE(db);
  const LedgerPeriod april = LedgerPeriod::Parse("2018-04").value();
  ASSERT_TRUE(db->SetPeriodState("02E", april, PeriodState::kOpen, kAlice).ok());
  auto posted = db->Raise("02E", Txns("2018-04-02 Pay\n    expenses:running-costs:pay  £100.00\n    "
                                      "assets:current:cash:gbs\n"),
                          {JournalKind::kManual, "pay", ""}, AnyOrg, kAlice);
  ASSERT_TRUE(posted.ok());
  {
    // Someone with the file or a database login is refused by the triggers.
    auto raw = Raw();
    ASSERT_TRUE(raw);
    for (const std::string& sql : {"UPDATE " + Table("postings") + " SET amount_pence=1",
                                   "DELETE FROM " + Table("postings"),
                                   "UPDATE " + Table("journals") + " SET description='x'",
                                   "UPDATE " + Table("journals") + " SET state='pending'",
                                   "DELETE FROM " + Table("journals")}) {
      EXPECT_FALSE(raw->Exec(sql).ok()) << sql;
    }
    if (postgres()) {
      for (const char* t : {"journals", "postings"})
        EXPECT_FALSE(raw->Exec("TRUNCATE " + Table(t) + " CASCADE").ok()) << t;
    }
    auto count = raw->Prepare("SELECT count(*), sum(amount_pence) FROM " + Table("postings"));
    ASSERT_TRUE(count.ok());
    ASSERT_TRUE(count.value().Step().value());
    EXPECT_EQ(count.value().Int(0), 2);
    EXPECT_EQ(count.value().Int(1), 0);
  }
  auto rev = db->Reverse("02E", 1, Date::FromYmd(2018, 4, 3), "wrong month", kBob);
  ASSERT_TRUE(rev.ok()) << rev.error().ToString();
  EXPECT_TRUE(NonZero(*db, "02E", kBeginning(), kEnd()).empty());
  EXPECT_FALSE(db->Reverse("02E", 1, Date::FromYmd(2018, 4, 3), "again", kBob).ok()) << "reversed once";
  EXPECT_EQ(db->GetJournal("02E", 2).value()->reverses, 1);
}

TEST_P(LedgerStores, PeriodsMoveOneWayAndLockForGood) {
  auto db = NewCcgLedger(*this);
  ASSERT_TRUE(db);
  const LedgerPeriod p = LedgerPeriod::Parse("2018-09").value();
  EXPECT_EQ(p.month, 6);
  EXPECT_EQ(p.year.start_year(), 2018);
  EXPECT_EQ(LedgerPeriod::Parse("2019-03").value().month, 12);
  EXPECT_FALSE(db->SetPeriodState("02E", p, PeriodState::kClosed, kAlice).ok());
  ASSERT_TRUE(db->SetPeriodState("02E", p, PeriodState::kOpen, kAlice).ok());
  EXPECT_FALSE(db->SetPeriodState("02E", p, PeriodState::kLocked, kAlice).ok()) << "close before locking";
  // A pending journal holds the close.
  auto pending = db->Raise("02E", Txns("2018-09-02 Big\n    expenses:programme:acute  £20,000.00\n    "
                                       "assets:current:cash:gbs\n"),
                           {JournalKind::kManual, "big", ""}, AnyOrg, kAlice);
  ASSERT_TRUE(pending.ok() && pending.value().pending);
  EXPECT_FALSE(db->SetPeriodState("02E", p, PeriodState::kClosed, kAlice).ok());
  ASSERT_TRUE(db->Approve("02E", pending.value().batch, kBob).ok());
  ASSERT_TRUE(db->SetPeriodState("02E", p, PeriodState::kClosed, kAlice).ok());
  auto refused = db->Raise("02E", Txns("2018-09-03 Late\n    expenses:programme:acute  £1.00\n    "
                                       "assets:current:cash:gbs\n"),
                           {JournalKind::kManual, "late", ""}, AnyOrg, kAlice);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().why.find("2018-09 is closed"), std::string::npos);
  ASSERT_TRUE(db->SetPeriodState("02E", p, PeriodState::kLocked, kAlice).ok());
  EXPECT_FALSE(db->SetPeriodState("02E", p, PeriodState::kOpen, kAlice).ok());
  EXPECT_EQ(db->StateOf("02E", p).value(), PeriodState::kLocked);
}

// docs/ledger.md, "A year-end close".
TEST_P(LedgerGolden, YearEndCloseCarriesIncomeAndExpenditureToTheGeneralFund) {
  auto db = MustOpen();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->AddEntity({"0DE", EntityKind::kCsu, "NHS Arden and GEM CSU", Money::FromPounds(1'000'000), ""},
                            ShippedChart("csu"), kAlice)
                  .ok());
  const FinancialYear fy(2018);
  for (int m : {1, 12}) ASSERT_TRUE(db->SetPeriodState("0DE", {fy, m}, PeriodState::kOpen, kAlice).ok());
  auto r = db->Raise("0DE", Txns(R"(2018-04-30 * (INV-000001) Management accounting for 02E
    assets:current:receivables:nhs     £144,000.00  ; counterparty:02E
    income:services:finance           £-120,000.00  ; cost-centre:CS300
    liabilities:current:vat:output     £-24,000.00

2018-04-30 * Salaries
    expenses:staff:salaries             £80,000.00  ; cost-centre:CS300
    assets:current:cash:gbs

2019-03-31 * Rent for the year
    expenses:premises:rent              £15,000.50  ; cost-centre:CS900
    liabilities:current:payables:other
)"),
                     {JournalKind::kManual, "the year", ""}, AnyOrg, kAlice);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto closed = db->CloseYear("0DE", fy, kAlice);
  ASSERT_TRUE(closed.ok()) << closed.error().ToString();
  auto ye = db->GetJournal("0DE", closed.value().numbers.at(0)).value();
  ASSERT_TRUE(ye.has_value());
  EXPECT_EQ(ye->kind, JournalKind::kYearEnd);
  EXPECT_EQ(ye->txn.date, Date::FromYmd(2019, 3, 31));
  std::map<std::string, int64_t> moved;
  for (const Posting& p : ye->txn.postings) moved[p.account] = p.amount.pence();
  const std::map<std::string, int64_t> expected = {{"income:services:finance", 12'000'000},
                                                   {"expenses:staff:salaries", -8'000'000},
                                                   {"expenses:premises:rent", -1'500'050},
                                                   {"equity:general-fund", -2'499'950}};
  EXPECT_EQ(moved, expected);
  const auto after = NonZero(*db, "0DE", kBeginning(), fy.last_day());
  const std::map<std::string, int64_t> balance_sheet = {{"assets:current:receivables:nhs", 14'400'000},
                                                        {"assets:current:cash:gbs", -8'000'000},
                                                        {"liabilities:current:vat:output", -2'400'000},
                                                        {"liabilities:current:payables:other", -1'500'050},
                                                        {"equity:general-fund", -2'499'950}};
  EXPECT_EQ(after, balance_sheet);
  auto ie = IncomeExpenditure(*db, "0DE", {{"year", "2018/19", fy.first_day(), fy.last_day()}});
  ASSERT_TRUE(ie.ok());
  EXPECT_EQ(ie.value().rows.back()[3].number, 2'499'950) << "I&E leaves the closing journal out";
  auto fp = FinancialPosition(*db, "0DE", fy.last_day());
  ASSERT_TRUE(fp.ok());
  for (const auto& row : fp.value().rows) {
    if (row[1].text == "Surplus (deficit) not yet closed to the general fund") {
      EXPECT_EQ(row[3].number, 0);
    }
    if (row[1].text == "equity:general-fund") {
      EXPECT_EQ(row[3].number, 2'499'950);
    }
  }
  auto again = db->CloseYear("0DE", fy, kAlice);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("closed already"), std::string::npos);
  // Reversing the close reopens the year's I&E; closing again gives the same journal.
  ASSERT_TRUE(db->Reverse("0DE", ye->number, fy.last_day(), "rent was wrong", kBob).ok());
  auto reclosed = db->CloseYear("0DE", fy, kAlice);
  ASSERT_TRUE(reclosed.ok()) << reclosed.error().ToString();
  EXPECT_EQ(NonZero(*db, "0DE", kBeginning(), fy.last_day()), balance_sheet);
  ExpectTotalsAgreeWithPostings(*db, "0DE");
}

// Two nodes (two connections to one database): what one writes, the other
// reads next, and a batch raised on one is approved on the other, by a
// second person only (segregation of duties holds across nodes).
TEST_P(LedgerStores, TwoNodesSeeEachOthersWritesAndSegregationHoldsAcrossThem) {
  auto a = NewCcgLedger(*this);
  ASSERT_TRUE(a);
  auto b = MustOpen();
  ASSERT_TRUE(b);
  const LedgerPeriod april = LedgerPeriod::Parse("2018-04").value();
  ASSERT_TRUE(a->SetPeriodState("02E", april, PeriodState::kOpen, kAlice).ok());
  EXPECT_EQ(b->StateOf("02E", april).value(), PeriodState::kOpen);
  auto raised = a->Raise("02E", Txns(kApril), {JournalKind::kManual, "April ledger", ""}, AnyOrg, kAlice);
  ASSERT_TRUE(raised.ok()) << raised.error().ToString();
  ASSERT_TRUE(raised.value().pending);
  auto self = b->Approve("02E", raised.value().batch, kAlice);
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.error().why.find("segregation of duties"), std::string::npos);
  ASSERT_TRUE(b->Approve("02E", raised.value().batch, kBob).ok());
  EXPECT_FALSE(a->Approve("02E", raised.value().batch, kBob).ok()) << "posted already, seen from the other node";
  EXPECT_EQ(NonZero(*a, "02E", kBeginning(), kEnd()), NonZero(*b, "02E", kBeginning(), kEnd()));
  EXPECT_EQ(NonZero(*a, "02E", kBeginning(), kEnd()).at("assets:current:cash:gbs"), 1'724'197'543);
  ASSERT_TRUE(b->SetPeriodState("02E", april, PeriodState::kClosed, kBob).ok());
  auto late = a->Raise("02E", Txns("2018-04-29 Late\n    expenses:running-costs:pay  £1.00\n    assets:current:cash:gbs\n"),
                       {JournalKind::kManual, "late", ""}, AnyOrg, kAlice);
  ASSERT_FALSE(late.ok()) << "the period another node closed takes no postings";
  EXPECT_NE(late.error().why.find("is closed"), std::string::npos);
}

// Two writers on two connections raise batches at once: journal numbers are
// 1..N without a gap or a repeat, batch numbers likewise, and each batch's
// journals are consecutive (on PostgreSQL because every write takes
// kLedgerWriteLock; without it both would read the same max(number)).
TEST_P(LedgerStores, TwoWritersAtOnceNumberJournalsAndBatchesWithoutGapsOrRepeats) {
  auto setup = NewCcgLedger(*this);
  ASSERT_TRUE(setup);
  ASSERT_TRUE(setup->SetPeriodState("02E", LedgerPeriod::Parse("2018-04").value(), PeriodState::kOpen, kAlice).ok());
  auto a = MustOpen();
  auto b = MustOpen();
  ASSERT_TRUE(a && b);
  constexpr int kBatches = 15;
  std::vector<std::string> errors;
  std::mutex mu;
  std::latch start(2);
  auto writer = [&](LedgerStore& db, const std::string& who) {
    start.arrive_and_wait();
    for (int i = 0; i < kBatches; ++i) {
      const std::string text = "2018-04-0" + std::to_string(1 + i % 9) + " " + who + " " + std::to_string(i) +
                               "\n    expenses:running-costs:pay  £1.00\n    assets:current:cash:gbs\n\n" +
                               "2018-04-10 " + who + " " + std::to_string(i) +
                               " b\n    expenses:running-costs:pay  £2.00\n    assets:current:cash:gbs\n";
      auto r = db.Raise("02E", Txns(text), {JournalKind::kManual, "writer " + who, ""}, AnyOrg, {kAlice.at, who});
      if (!r.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        errors.push_back(r.error().ToString());
      }
    }
  };
  std::thread ta(writer, std::ref(*a), "a");
  std::thread tb(writer, std::ref(*b), "b");
  ta.join();
  tb.join();
  ASSERT_TRUE(errors.empty()) << errors.front();
  auto all = setup->Journals("02E", kBeginning(), kEnd());
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all.value().size(), 4u * kBatches);
  std::map<int64_t, std::vector<int64_t>> by_batch;
  for (size_t i = 0; i < all.value().size(); ++i) {
    EXPECT_EQ(all.value()[i].number, static_cast<int64_t>(i + 1)) << "gapless and unique";
    by_batch[all.value()[i].batch].push_back(all.value()[i].number);
  }
  ASSERT_EQ(by_batch.size(), 2u * kBatches);
  int64_t expected_batch = 1;
  for (const auto& [batch, numbers] : by_batch) {
    EXPECT_EQ(batch, expected_batch++);
    ASSERT_EQ(numbers.size(), 2u);
    EXPECT_EQ(numbers[1], numbers[0] + 1) << "a batch's journals are consecutive";
  }
  auto balances = NonZero(*setup, "02E", kBeginning(), kEnd());
  EXPECT_EQ(balances.at("expenses:running-costs:pay"), 2 * kBatches * 300);
  ExpectTotalsAgreeWithPostings(*setup, "02E");
}

TEST(LedgerServer, OpenServerRefusesAStateFolderConnection) {
  TempDir dir("refuse-sqlite");
  auto file = store::SqliteDb::Open(dir.file("ledger.sqlite"), "");
  ASSERT_TRUE(file.ok());
  auto db = LedgerStore::OpenServer(std::make_unique<store::SqliteConnection>(std::move(file).value()));
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().why.find("PostgreSQL"), std::string::npos);
}

// The posted journals as `csu ledger export` writes them (hledger syntax,
// cli/ledger_command.cc): an accrual the platform reversed loses its
// reverse tag, a journal without a code is coded J<number>.
std::string ExportOf(LedgerStore& db, const std::string& entity) {
  std::set<int64_t> reversed;
  Status pre = db.ForEachPosted(entity, [&](const Journal& j) -> Status {
    if (j.kind == JournalKind::kAccrualReversal) reversed.insert(j.reverses);
    return Status::Ok();
  });
  EXPECT_TRUE(pre.ok());
  std::string out;
  Status s = db.ForEachPosted(entity, [&](const Journal& j) -> Status {
    Transaction t = j.txn;
    t.reverse_next_period = t.reverse_next_period && !reversed.count(j.number);
    if (t.code.empty()) t.code = "J" + std::to_string(j.number);
    AppendJournalText(t, out);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return out;
}

// The same journals imported on SQLite and on PostgreSQL export byte for
// byte the same text, and that text imported again (on the other engine)
// exports the same again: the hledger round trip does not depend on the
// engine.
TEST(LedgerServer, HledgerExportAndImportAreByteIdenticalOnBothEngines) {
  std::optional<pg::TestSchema> pg;
  CSU_PG_TEST_SCHEMA(pg);
  TempDir dir("export-both");
  auto lite = LedgerStore::Open(dir.path());
  ASSERT_TRUE(lite.ok()) << lite.error().ToString();
  auto conn = pg::Connect(pg->url());
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  auto server = LedgerStore::OpenServer(std::move(conn).value());
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  const std::string april_text = std::string(kApril) + R"(
2018-04-28 ! (PPA-04b) Prescribing adjustment, naïve café
    expenses:programme:prescribing    £-0.01  ; cost-centre:CC600, counterparty:T1450
    liabilities:current:payables:nhs
)";
  std::map<std::string, std::string> exported;
  for (auto* db : {lite.value().get(), server.value().get()}) {
    ASSERT_TRUE(db->AddEntity({"02E", EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""},
                              ShippedChart("ccg"), kAlice).ok());
    for (const char* m : {"2018-04", "2018-05"})
      ASSERT_TRUE(db->SetPeriodState("02E", LedgerPeriod::Parse(m).value(), PeriodState::kOpen, kAlice).ok());
    auto r = db->Raise("02E", Txns(april_text), {JournalKind::kImport, "import", "april.journal"}, AnyOrg, kAlice);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_TRUE(db->Approve("02E", r.value().batch, kBob).ok());
  }
  const std::string from_lite = ExportOf(*lite.value(), "02E");
  const std::string from_server = ExportOf(*server.value(), "02E");
  EXPECT_GT(from_lite.size(), 500u);
  EXPECT_EQ(from_lite, from_server);
  EXPECT_EQ(NonZero(*lite.value(), "02E", kBeginning(), kEnd()), NonZero(*server.value(), "02E", kBeginning(), kEnd()));
  auto tb_lite = TrialBalance(*lite.value(), "02E", kBeginning(), kEnd());
  auto tb_server = TrialBalance(*server.value(), "02E", kBeginning(), kEnd());
  ASSERT_TRUE(tb_lite.ok() && tb_server.ok());
  EXPECT_EQ(report::RenderText(tb_lite.value()), report::RenderText(tb_server.value()));
  // Each engine imports the other's export into a second entity.
  const std::map<LedgerStore*, std::string> other = {{lite.value().get(), from_server},
                                                     {server.value().get(), from_lite}};
  for (const auto& [db, text] : other) {
    ASSERT_TRUE(db->AddEntity({"12F", EntityKind::kCcg, "NHS Knowsley CCG", Money::FromPounds(1'000'000'000), ""},
                              ShippedChart("ccg"), kAlice).ok());
    for (const char* m : {"2018-04", "2018-05"})
      ASSERT_TRUE(db->SetPeriodState("12F", LedgerPeriod::Parse(m).value(), PeriodState::kOpen, kAlice).ok());
    auto txns = ParseJournal(text, "export.journal");
    ASSERT_TRUE(txns.ok()) << txns.error().ToString();
    auto r = db->Raise("12F", txns.value(), {JournalKind::kImport, "round trip", "export.journal"}, AnyOrg, kAlice);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_FALSE(r.value().pending);
  }
  EXPECT_EQ(ExportOf(*lite.value(), "12F"), ExportOf(*server.value(), "12F"));
  EXPECT_EQ(ExportOf(*lite.value(), "12F"), from_lite);
}

}  // namespace
}  // namespace csu::ledger
