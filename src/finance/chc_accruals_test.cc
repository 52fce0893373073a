// Continuing healthcare in a CCG's ledger, worked by hand in
// tests/golden/finance/chc/README.md (docs/chc.md, "In the ledger"): NHS
// Warrington CCG (02E), October 2018 (month 7 of 2018/19).
#include "finance/chc_accruals.h"

#include <gtest/gtest.h>

#include "finance/accruals.h"  // kAccruals
#include "ledger/ledger_testing.h"

namespace csu::finance {
namespace {

using ledger::testing::AnyOrg;
using ledger::testing::ShippedChart;
using ledger::testing::TempDir;
using ledger::testing::Txns;

const ledger::Actor kAlice{"2018-11-05T10:00:00Z", "alice"};
const ledger::Actor kBob{"2018-11-05T11:00:00Z", "bob"};

chc::PackageVersion V(int64_t version, Date start, const char* provider, chc::Setting s, int64_t unit_pence,
                      int64_t units_x100) {
  chc::PackageVersion v;
  v.version = version, v.start = start, v.provider = provider, v.setting = s;
  v.unit_cost = Money::FromPence(unit_pence), v.units_x100 = units_x100;
  return v;
}

std::vector<chc::Package> Packages() {
  chc::Package p1;  // care home with nursing, £1,000.00 a week, £1,050.00 from 15 October
  p1.id = 1, p1.case_id = 11, p1.ccg = "02E";
  p1.versions = {V(1, Date::FromYmd(2018, 9, 1), "NVC01", chc::Setting::kCareHomeNursing, 100000, 100),
                 V(2, Date::FromYmd(2018, 10, 15), "NVC01", chc::Setting::kCareHomeNursing, 105000, 100)};
  chc::Package p2;  // home care, 37.5 hours a week at £20.00, 10 April to 20 October
  p2.id = 2, p2.case_id = 12, p2.ccg = "02E";
  p2.versions = {V(1, Date::FromYmd(2018, 4, 10), "LOCAL-0012", chc::Setting::kDomiciliary, 2000, 3750)};
  p2.end = Date::FromYmd(2018, 10, 20);
  chc::Package p3 = p1;  // another CCG's: never in 02E's figures
  p3.id = 3, p3.case_id = 13, p3.ccg = "27D";
  return {p1, p2, p3};
}

std::unique_ptr<ledger::LedgerStore> Ledger(const TempDir& dir) {
  auto db = ledger::LedgerStore::Open(dir.path()).value();
  EXPECT_TRUE(db->AddEntity({"02E", ledger::EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""},
                            ShippedChart("ccg"), kAlice).ok());
  for (int m = 6; m <= 8; ++m)
    EXPECT_TRUE(db->SetPeriodState("02E", {FinancialYear(2018), m}, ledger::PeriodState::kOpen, kAlice).ok());
  // September's CHC accrual (reversed on 1 October), an invoice paid in
  // October on CC400, and a continuing-care posting on another cost centre
  // (not the CHC line, so not counted).
  auto raised = db->Raise("02E", Txns(R"(2018-09-30 September CHC accrual  ; reverse:next-period
    expenses:programme:continuing-care     £4,285.71  ; cost-centre:CC400
    liabilities:current:accruals

2018-10-10 Care home invoices
    expenses:programme:continuing-care    £20,000.00  ; cost-centre:CC400
    assets:current:cash:gbs

2018-10-11 Funded nursing care
    expenses:programme:continuing-care       £999.00  ; cost-centre:CC100
    assets:current:cash:gbs
)"), {ledger::JournalKind::kManual, "test", ""}, AnyOrg, kAlice);
  EXPECT_TRUE(raised.ok()) << raised.error().ToString();
  EXPECT_TRUE(db->Approve("02E", raised.value().batch, kBob).ok());
  return db;
}

TEST(ChcAccrualsGolden, PackageCostToDateLessBookedReversingNextMonth) {
  TempDir dir("chc_accruals");
  auto db = Ledger(dir);
  const ledger::LedgerPeriod oct{FinancialYear(2018), 7};
  auto a = ProposeChcAccrual(Packages(), *db, "02E", oct);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  ASSERT_EQ(a.value().providers.size(), 2u);
  EXPECT_EQ(a.value().providers[0].provider, "LOCAL-0012");
  EXPECT_EQ(a.value().providers[0].month_cost, Money::FromPence(214'286));
  EXPECT_EQ(a.value().providers[0].ytd_cost, Money::FromPence(2'078'573));
  EXPECT_EQ(a.value().providers[0].packages, 1);
  EXPECT_EQ(a.value().providers[1].provider, "NVC01");
  EXPECT_EQ(a.value().providers[1].month_cost, Money::FromPence(455'000));
  EXPECT_EQ(a.value().providers[1].ytd_cost, Money::FromPence(883'571));
  EXPECT_EQ(a.value().cost_ytd, Money::FromPence(2'962'144));
  EXPECT_EQ(a.value().spent_ytd, Money::FromPence(2'000'000));
  EXPECT_EQ(a.value().accrual, Money::FromPence(962'144));
  EXPECT_EQ(ChcAccrualTable(a.value()).TotalOf("month_cost"), 669'286);

  // Before the accrual: actual £20,000.00 + committed £22,650.00.
  auto before = ProposeChcForecast(Packages(), *db, "02E", oct);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before.value().committed, Money::FromPence(2'265'000));
  EXPECT_EQ(before.value().outturn, Money::FromPence(4'265'000));
  EXPECT_FALSE(before.value().month_accrued);

  auto j = ChcAccrualJournal(a.value());
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(j.value().txn.postings.size(), 2u);
  EXPECT_EQ(j.value().txn.postings[0].amount + j.value().txn.postings[1].amount, Money());  // balanced
  EXPECT_EQ(j.value().txn.postings[0].cost_centre, "CC400");
  EXPECT_TRUE(j.value().txn.reverse_next_period);
  EXPECT_EQ(j.value().link.document, "CHC-ACCRUAL-2018-10");
  auto posted = db->RaiseDocument("02E", j.value().txn, {ledger::JournalKind::kManual, "October CHC", ""},
                                  j.value().link, AnyOrg, kAlice);
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  EXPECT_FALSE(posted.value().pending);  // £9,621.44: under the £10,000.00 threshold
  // November is open, so it reversed on 1 November.
  EXPECT_EQ(db->BalanceWith("02E", kAccruals, "", Date::FromYmd(2018, 10, 31)).value(), Money::FromPence(-962'144));
  EXPECT_EQ(db->BalanceWith("02E", kAccruals, "", Date::FromYmd(2018, 11, 1)).value(), Money());
  // Posting the month twice is refused.
  EXPECT_FALSE(db->RaiseDocument("02E", j.value().txn, {ledger::JournalKind::kManual, "again", ""}, j.value().link,
                                 AnyOrg, kAlice).ok());
  // Booked now includes the month's accrual: nothing more to accrue.
  EXPECT_EQ(ProposeChcAccrual(Packages(), *db, "02E", oct).value().accrual, Money());
  EXPECT_FALSE(ChcAccrualJournal(ProposeChcAccrual(Packages(), *db, "02E", oct).value()).ok());

  // After it: actual £29,621.44 + committed £22,650.00 = £52,271.44.
  auto after = ProposeChcForecast(Packages(), *db, "02E", oct);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after.value().month_accrued);
  EXPECT_EQ(after.value().actual_ytd, Money::FromPence(2'962'144));
  EXPECT_EQ(after.value().outturn, Money::FromPence(5'227'144));
  EXPECT_EQ(after.value().override_.cost_centre, "CC400");
  EXPECT_EQ(after.value().override_.account, kChcExpense);
  ASSERT_TRUE(db->SetForecast("02E", FinancialYear(2018), after.value().override_, kAlice).ok());
}

TEST(ChcAccrualsGolden, MarchHasNothingCommittedAfterIt) {
  TempDir dir("chc_accruals_mar");
  auto db = Ledger(dir);
  auto f = ProposeChcForecast(Packages(), *db, "02E", {FinancialYear(2018), 12});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().committed, Money());
}

TEST(ChcAccrualsGolden, RefusedForTheCsusOwnLedger) {
  TempDir dir("chc_accruals_csu");
  auto db = ledger::LedgerStore::Open(dir.path()).value();
  ASSERT_TRUE(db->AddEntity({"0DE", ledger::EntityKind::kCsu, "CSU", Money::FromPounds(10'000), ""},
                            ShippedChart("csu"), kAlice).ok());
  EXPECT_FALSE(ProposeChcAccrual(Packages(), *db, "0DE", {FinancialYear(2018), 7}).ok());
}

}  // namespace
}  // namespace csu::finance
