// The ledger journal of a pay run balances to the penny, puts each cost on
// its cost centre and each liability on the body it is owed to.
#include "finance/payroll_posting.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "ledger/chart.h"

namespace csu::finance {
namespace {

std::vector<ledger::Account> Chart() {
  const std::string path = std::string(CSU_SOURCE_DIR) + "/data/ledger/csu-chart.csv";
  auto text = ReadFile(path);
  if (!text.ok()) throw std::runtime_error(text.error().ToString());
  auto chart = ledger::ParseChartTemplate(text.value(), path);
  if (!chart.ok()) throw std::runtime_error(chart.error().ToString());
  return chart.value().accounts;
}

payroll::Payslip Slip(std::string cc, int64_t gross, int64_t tax, int64_t ee_ni, int64_t er_ni, int64_t ee_pen,
                      int64_t er_pen, int64_t levy, int64_t other) {
  payroll::Payslip s;
  s.employee_id = "E";
  s.cost_centre = std::move(cc);
  s.gross = Money::FromPence(gross);
  s.tax = Money::FromPence(tax);
  s.employee_ni = Money::FromPence(ee_ni);
  s.employer_ni = Money::FromPence(er_ni);
  s.employee_pension = Money::FromPence(ee_pen);
  s.employer_pension = Money::FromPence(er_pen);
  s.pension_levy = Money::FromPence(levy);
  s.other_deductions = Money::FromPence(other);
  s.net = s.gross - s.tax - s.employee_ni - s.employee_pension - s.other_deductions;
  return s;
}

Money Sum(const ledger::Transaction& t, const std::string& account, const std::string& cc = "*") {
  Money m;
  for (const ledger::Posting& p : t.postings) {
    if (p.account == account && (cc == "*" || p.cost_centre == cc)) m += p.amount;
  }
  return m;
}

TEST(PayrollPosting, BalancesAndSplitsByCostCentreAndBody) {
  payroll::PayRunResult run;
  // The golden run's A-FULL and C-HCAS (tests/golden/payroll/README.md), and a refund.
  run.payslips.push_back(Slip("CS100", 258742, 26480, 12315, 32556, 21476, 61322, 207, 0));
  run.payslips.push_back(Slip("CS200", 408230, 52660, 24274, 54979, 40007, 96751, 327, 1250));
  run.payslips.push_back(Slip("CS100", 100000, -5000, 0, 0, 0, 0, 0, 0));
  auto t = PayRunJournal(run, "PAY 2025-26 M01", Date::FromYmd(2025, 4, 25), Chart());
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_TRUE(ledger::CheckBalanced(t.value(), "test").ok());
  EXPECT_EQ(Sum(t.value(), "expenses:staff:salaries", "CS100"), Money::FromPence(358742));
  EXPECT_EQ(Sum(t.value(), "expenses:staff:salaries", "CS200"), Money::FromPence(408230));
  EXPECT_EQ(Sum(t.value(), "expenses:staff:employer-ni", "CS200"), Money::FromPence(54979));
  EXPECT_EQ(Sum(t.value(), "expenses:staff:employer-pension", "CS100"), Money::FromPence(61322 + 207));
  // HMRC: tax (with the refund) + employee NI + employer NI.
  EXPECT_EQ(Sum(t.value(), "liabilities:current:hmrc-paye"),
            -Money::FromPence(26480 + 52660 - 5000 + 12315 + 24274 + 32556 + 54979));
  EXPECT_EQ(Sum(t.value(), "liabilities:current:nhs-pensions"),
            -Money::FromPence(21476 + 61322 + 207 + 40007 + 96751 + 327));
  EXPECT_EQ(Sum(t.value(), "liabilities:current:payroll-other-deductions"), -Money::FromPence(1250));
  Money net;
  for (const auto& s : run.payslips) net += s.net;
  EXPECT_EQ(Sum(t.value(), "liabilities:current:net-pay"), -net);
  Money total;
  for (const ledger::Posting& p : t.value().postings) total += p.amount;
  EXPECT_EQ(total, Money());
}

TEST(PayrollPosting, RefusesAChartWithoutTheAccounts) {
  payroll::PayRunResult run;
  run.payslips.push_back(Slip("CS100", 100, 0, 0, 0, 0, 0, 0, 0));
  std::vector<ledger::Account> chart = {{"expenses:staff:salaries", "5110", ledger::AccountType::kExpense, ""}};
  auto t = PayRunJournal(run, "R", Date::FromYmd(2025, 4, 25), chart);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().why.find("has no account"), std::string::npos);
  EXPECT_FALSE(PayRunJournal({}, "R", Date::FromYmd(2025, 4, 25), Chart()).ok());
}

}  // namespace
}  // namespace csu::finance
