// Month-end activity accruals worked by hand (docs/ledger.md, "Activity
// accruals"): NHS Warrington CCG (02E), September 2018 (month 6 of 2018/19).
#include "finance/accruals.h"

#include <gtest/gtest.h>

#include "ledger/ledger_documents.h"
#include "ledger/ledger_testing.h"

namespace csu::finance {
namespace {

using ledger::testing::AnyOrg;
using ledger::testing::ShippedChart;
using ledger::testing::TempDir;
using ledger::testing::Txns;

const ledger::Actor kAlice{"2018-10-05T10:00:00Z", "alice"};
const ledger::Actor kBob{"2018-10-05T11:00:00Z", "bob"};

analytics::ContractMonitoring Line(const char* provider, bool contract, int64_t actual, int64_t readm, int64_t mret) {
  analytics::ContractMonitoring c;
  c.commissioner = OdsCode::Parse("02E").value();
  c.provider = OdsCode::Parse(provider).value();
  c.has_contract = contract;
  c.total.actual_ytd.pence = actual;
  c.readmissions_withheld_pence = readm;
  c.mret_reduction_pence = mret;
  return c;
}

// RWW (contract): actual to date £6,000,000.00, readmissions withheld
// £20,000.00, MRET reduction £10,000.00: payable £5,970,000.00. Spent: a
// block payment of £5,900,000.00; August's accrual of £50,000.00 and its
// reversal on 1 September are not spending. Accrual £70,000.00.
// RBT (non-contract): actual £12,345.67, nothing spent: accrual £12,345.67.
// Total £82,345.67.
TEST(AccrualsGolden, PayableAfterRulesLessSpentReversingNextMonth) {
  TempDir dir("accruals");
  auto db = ledger::LedgerStore::Open(dir.path()).value();
  ASSERT_TRUE(db->AddEntity({"02E", ledger::EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""},
                            ShippedChart("ccg"), kAlice).ok());
  for (int m = 5; m <= 7; ++m)
    ASSERT_TRUE(db->SetPeriodState("02E", {FinancialYear(2018), m}, ledger::PeriodState::kOpen, kAlice).ok());
  auto raised = db->Raise("02E", Txns(R"(2018-08-31 August accrual  ; reverse:next-period
    expenses:programme:acute     £50,000.00  ; counterparty:RWW
    liabilities:current:accruals

2018-09-15 Block payments to date
    expenses:programme:acute  £5,900,000.00  ; counterparty:RWW
    assets:current:cash:gbs
)"), {ledger::JournalKind::kManual, "test", ""}, AnyOrg, kAlice);
  ASSERT_TRUE(raised.ok()) << raised.error().ToString();
  ASSERT_TRUE(db->Approve("02E", raised.value().batch, kBob).ok());

  analytics::Monitoring m;
  m.year = FinancialYear(2018);
  m.month = 6;
  m.contracts.push_back(Line("RWW", true, 600'000'000, 2'000'000, 1'000'000));
  m.non_contract.push_back(Line("RBT", false, 1'234'567, 0, 0));
  const ledger::LedgerPeriod sep{FinancialYear(2018), 6};
  auto lines = ProposeAccruals(m, *db, "02E", sep);
  ASSERT_TRUE(lines.ok()) << lines.error().ToString();
  ASSERT_EQ(lines.value().size(), 2u);
  EXPECT_EQ(lines.value()[0].payable, Money::FromPence(597'000'000));
  EXPECT_EQ(lines.value()[0].spent, Money::FromPence(590'000'000));
  EXPECT_EQ(lines.value()[0].accrual, Money::FromPence(7'000'000));
  EXPECT_EQ(lines.value()[1].accrual, Money::FromPence(1'234'567));
  EXPECT_EQ(lines.value()[0].figure,
            "contract monitoring 2018/19 month 6 02E x RWW, actual £6,000,000.00 less readmissions £20,000.00 less "
            "MRET £10,000.00 = payable £5,970,000.00, less spent £5,900,000.00");
  EXPECT_EQ(AccrualTable(lines.value(), "02E", sep).TotalOf("accrual"), 8'234'567);

  auto j = AccrualJournal(lines.value(), "02E", sep);
  ASSERT_TRUE(j.ok());
  auto posted = db->RaiseDocument("02E", j.value().first, {ledger::JournalKind::kManual, "September accruals", ""},
                                  j.value().second, AnyOrg, kAlice);
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  ASSERT_TRUE(posted.value().pending);  // £82,345.67: above the threshold
  ASSERT_TRUE(db->Approve("02E", posted.value().batch, kBob).ok());
  // October is open, so the reversal posts with the approval.
  auto sep_acc = db->BalanceWith("02E", kAccruals, "RWW", Date::FromYmd(2018, 9, 30));
  EXPECT_EQ(sep_acc.value(), Money::FromPence(-7'000'000));
  EXPECT_EQ(db->BalanceWith("02E", kAccruals, "RWW", Date::FromYmd(2018, 10, 1)).value(), Money());
  // A second posting for September is refused.
  auto again = db->RaiseDocument("02E", j.value().first, {ledger::JournalKind::kManual, "again", ""},
                                 j.value().second, AnyOrg, kAlice);
  EXPECT_FALSE(again.ok());
  // With the accrual posted, a new proposal for September is unchanged:
  // accruals are not spending.
  EXPECT_EQ(ProposeAccruals(m, *db, "02E", sep).value()[0].accrual, Money::FromPence(7'000'000));
}

}  // namespace
}  // namespace csu::finance
