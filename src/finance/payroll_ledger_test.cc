// A stored pay run in its employer's ledger: only a final run posts, once
// (a second post is refused naming the journal; an interrupted post is
// recovered, not doubled), the trial balance then shows the liabilities to
// HMRC, NHS Pensions and staff; and pay cost against budget per cost centre
// × month, compared with tests/golden/payroll/pay-cost-2025-26.csv (worked by
// hand in tests/golden/payroll/README.md, "Pay cost against budget").
#include "finance/payroll_ledger.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "ledger/ledger_testing.h"
#include "payroll/bank_file.h"
#include "report/render.h"

namespace csu::finance {
namespace {

using ledger::testing::ShippedChart;
using ledger::testing::TempDir;

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().ToString());
  return std::move(r).value();
}

class PayrollLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::array<uint8_t, 32> key{};
    key.fill(7);
    cipher_ = std::make_unique<store::FieldCipher>(store::FieldCipher::FromKey(key, store::kPayrollCipherDomain));
    pay_ = Must(payroll::PayrollStore::Open(dir_.path(), *cipher_));
    ledger_ = Must(ledger::LedgerStore::Open(dir_.path()));
    ASSERT_TRUE(pay_->AddEmployer({"02E", payroll::EmployerKind::kCcg, "NHS Warrington CCG", "083/BA02E",
                                   "083PB00012345"},
                                  kBy)
                    .ok());
    ASSERT_TRUE(pay_->AddPost({0, "02E", "FIN01", "CC900", "Finance officer", "5", 200}, kBy).ok());
    ASSERT_TRUE(pay_->AddPost({0, "02E", "COM01", "CC100", "Commissioning manager", "8a", 100}, kBy).ok());
    Hire("E001", "Harriet Quennell", "FIN01", 30'000);
    Hire("E002", "Olwen Tarrant", "COM01", 54'000);
    Must(ledger_->AddEntity({"02E", ledger::EntityKind::kCcg, "NHS Warrington CCG"}, ShippedChart("ccg"), kLedgerBy));
    Must(ledger_->SetPeriodState("02E", Must(ledger::LedgerPeriod::Parse("2025-04")), ledger::PeriodState::kOpen,
                                 kLedgerBy));
  }

  void Hire(const std::string& number, const std::string& name, const std::string& post, int64_t salary) {
    const int64_t id = Must(pay_->AddEmployee({"02E", number, Date::FromYmd(2020, 4, 1), std::nullopt},
                                              {name, "4 Mill Lane, Leeds LS1 1AA", "1985-03-09", "JG103759A",
                                               "401276", "41235678"},
                                              *cipher_, kBy));
    payroll::Assignment a;
    a.employee_id = id;
    a.post_code = post;
    a.start = Date::FromYmd(2020, 4, 1);
    a.hours_x100 = 3750;
    a.fte_x100 = 100;
    a.band = "5";
    a.annual_salary = Money::FromPounds(salary);
    a.tax_code = "1257L";
    a.ni_category = "A";
    Must(pay_->Assign(a, kBy));
  }

  // Period 1 of 2025/26 through the real calculation, approved by a second person.
  int64_t FinalRun() {
    auto rates = Must(payroll::PayRunRates::Load(std::string(CSU_SOURCE_DIR) + "/data/payroll"));
    const int64_t id = Must(pay_->CalculateRun("02E", "2025/26", 1, rates, kBy)).id;
    Must(pay_->ApproveRun(id, kApprover));
    return id;
  }

  Money Balance(const std::string& account) {
    Money m;
    for (const auto& b : Must(ledger_->Balances("02E", ledger::kBeginning(), ledger::kEnd())))
      if (b.account.name == account) m += b.balance;
    return m;
  }

  const payroll::Actor kBy{"2025-04-20T09:00:00Z", "cli:alice"};
  const payroll::Actor kApprover{"2025-04-21T09:00:00Z", "cli:bob"};
  const ledger::Actor kLedgerBy{"2025-04-01T09:00:00Z", "cli:carol"};
  TempDir dir_{"payroll-ledger"};
  std::unique_ptr<store::FieldCipher> cipher_;
  std::unique_ptr<payroll::PayrollStore> pay_;
  std::unique_ptr<ledger::LedgerStore> ledger_;
  ledger::OrgDirectory orgs_ = [](const std::string&) { return std::optional<std::string>(); };
};

TEST_F(PayrollLedgerTest, OnlyAFinalRunPostsAndOnlyOnce) {
  auto rates = Must(payroll::PayRunRates::Load(std::string(CSU_SOURCE_DIR) + "/data/payroll"));
  const int64_t id = Must(pay_->CalculateRun("02E", "2025/26", 1, rates, kBy)).id;
  auto early = PostPayRun(*pay_, *ledger_, id, orgs_, kBy);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().why.find("not final"), std::string::npos) << early.error().ToString();
  EXPECT_TRUE(Must(ledger_->Journals("02E", ledger::kBeginning(), ledger::kEnd())).empty());

  Must(pay_->ApproveRun(id, kApprover));
  const payroll::PayRunResult run = Must(pay_->RunResult(id));
  const PayRunPosting first = Must(PostPayRun(*pay_, *ledger_, id, orgs_, kBy));
  EXPECT_EQ(first.journal, 1);
  EXPECT_FALSE(first.recovered);
  EXPECT_EQ(first.reference, "PAY 2025-26 M01");
  EXPECT_EQ(first.debits, run.totals.gross + run.totals.employer_ni + run.totals.employer_pension +
                              run.totals.pension_levy);

  auto again = PostPayRun(*pay_, *ledger_, id, orgs_, kBy);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("posted already as journal 1"), std::string::npos) << again.error().ToString();
  EXPECT_EQ(Must(ledger_->Journals("02E", ledger::kBeginning(), ledger::kEnd())).size(), 1u);

  // The trial balance: the liabilities (credits, negative) and the costs on
  // the CCG's running-cost staff accounts per cost centre.
  EXPECT_EQ(Balance("liabilities:current:net-pay"), -run.totals.net);
  EXPECT_EQ(Balance("liabilities:current:hmrc-paye"),
            -(run.totals.tax + run.totals.employee_ni + run.totals.employer_ni));
  EXPECT_EQ(Balance("liabilities:current:nhs-pensions"),
            -(run.totals.employee_pension + run.totals.employer_pension + run.totals.pension_levy));
  EXPECT_EQ(Balance("expenses:running-costs:staff-salaries"), run.totals.gross);
  EXPECT_EQ(Balance("expenses:running-costs:staff-employer-ni"), run.totals.employer_ni);
  EXPECT_GT(run.totals.net, Money());
  Money total;
  for (const auto& b : Must(ledger_->Balances("02E", ledger::kBeginning(), ledger::kEnd()))) total += b.balance;
  EXPECT_EQ(total, Money()) << "the trial balance balances";
}

// A crash after the ledger took the journal and before payroll.sqlite
// recorded it: the next post finds the journal by its code and records it,
// and the ledger still has the run once.
TEST_F(PayrollLedgerTest, AnInterruptedPostIsRecoveredNotDoubled) {
  const int64_t id = FinalRun();
  const payroll::PayRunResult run = Must(pay_->RunResult(id));
  const auto chart = Must(ledger_->Accounts("02E"));
  const auto txn = Must(PayRunJournal(run, payroll::RunReference(run), run.payslips.front().pay_date, chart,
                                      PayrollAccountsFor(chart)));
  Must(ledger_->Raise("02E", {txn}, {ledger::JournalKind::kImport, "pay run", "payroll run 1"}, orgs_, kLedgerBy));
  const PayRunPosting p = Must(PostPayRun(*pay_, *ledger_, id, orgs_, kBy));
  EXPECT_TRUE(p.recovered);
  EXPECT_EQ(p.journal, 1);
  EXPECT_EQ(Must(ledger_->Journals("02E", ledger::kBeginning(), ledger::kEnd())).size(), 1u);
  auto rec = Must(pay_->FindPosting(id));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->journal, 1);
  EXPECT_EQ(rec->entity, "02E");
}

TEST_F(PayrollLedgerTest, AClosedPeriodOrAnUnknownRunRefusesAndRecordsNothing) {
  const int64_t id = FinalRun();
  Must(ledger_->SetPeriodState("02E", Must(ledger::LedgerPeriod::Parse("2025-04")), ledger::PeriodState::kClosed,
                               kLedgerBy));
  auto closed = PostPayRun(*pay_, *ledger_, id, orgs_, kBy);
  ASSERT_FALSE(closed.ok());
  EXPECT_FALSE(Must(pay_->FindPosting(id)));
  EXPECT_TRUE(Must(ledger_->Journals("02E", ledger::kBeginning(), ledger::kEnd())).empty());
  // Open again, it posts.
  Must(ledger_->SetPeriodState("02E", Must(ledger::LedgerPeriod::Parse("2025-04")), ledger::PeriodState::kOpen,
                               kLedgerBy));
  EXPECT_TRUE(PostPayRun(*pay_, *ledger_, id, orgs_, kBy).ok());
  auto none = PostPayRun(*pay_, *ledger_, 999, orgs_, kBy);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().why.find("no such pay run"), std::string::npos);
}

// Pay cost against budget, by hand (tests/golden/payroll/README.md): two
// cost centres, a stand-in calculation with round figures, the budget on the
// CCG's general pay account for CC900 and on the salaries account for CC100.
TEST_F(PayrollLedgerTest, PayCostAgainstBudgetMatchesTheHandWorking) {
  auto fixed = [](const std::vector<payroll::PeriodInput>& in) -> Result<payroll::PayRunResult> {
    payroll::PayRunResult out;
    for (const payroll::PeriodInput& p : in) {
      payroll::Payslip s;
      s.employee_id = p.employee_id;
      s.cost_centre = p.cost_centre;
      s.tax_year = p.tax_year;
      s.period = p.period;
      s.pay_date = p.pay_date;
      s.tax_code = p.tax_code;
      const bool e1 = p.employee_id == "E001";
      s.gross = Money::FromPence(e1 ? 250000 : 450000);
      s.tax = Money::FromPence(e1 ? 20000 : 60000);
      s.employee_ni = Money::FromPence(e1 ? 10000 : 20000);
      s.employee_pension = Money::FromPence(e1 ? 20000 : 45000);
      s.net = s.gross - s.tax - s.employee_ni - s.employee_pension;
      s.employer_ni = Money::FromPence(e1 ? 25000 : 55000);
      s.employer_pension = Money::FromPence(e1 ? 59250 : 106650);
      s.pension_levy = Money::FromPence(e1 ? 200 : 360);
      out.payslips.push_back(s);
    }
    return out;
  };
  const FinancialYear year = Must(FinancialYear::Parse("2025/26"));
  Must(ledger_->SetPeriodState("02E", Must(ledger::LedgerPeriod::Parse("2025-05")), ledger::PeriodState::kOpen,
                               kLedgerBy));
  for (int period : {1, 2}) {
    const int64_t id = Must(pay_->CalculateRun("02E", "2025/26", period, fixed, kBy)).id;
    Must(pay_->ApproveRun(id, kApprover));
    Must(PostPayRun(*pay_, *ledger_, id, orgs_, kBy));
  }
  ledger::BudgetLine cc900{"CC900", "expenses:running-costs:pay", ledger::FlatTwelfths(4'200'000), 0};
  ledger::BudgetLine cc100{"CC100", "expenses:running-costs:staff-salaries", ledger::FlatTwelfths(5'000'000), 0};
  const int64_t version = Must(ledger_->SetBudget("02E", year, {cc900, cc100}, "pay budget", "test", kLedgerBy));
  Must(ledger_->ApproveBudget("02E", year, version, {"2025-04-02T09:00:00Z", "cli:dave"}));

  const report::ReportTable t = Must(PayCostTable(*ledger_, "02E", year));
  const std::string golden =
      Must(ReadFile(std::string(CSU_SOURCE_DIR) + "/tests/golden/payroll/pay-cost-2025-26.csv"));
  EXPECT_EQ(report::RenderCsv(t), golden);
}

}  // namespace
}  // namespace csu::finance
