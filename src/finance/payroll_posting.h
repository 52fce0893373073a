// A pay run in the employer's ledger (docs/payroll.md, "Ledger journal"):
// one balanced journal dated the pay date, with
//   Dr salaries (gross pay), employer NI and employer pension (the employer
//      contribution and the administration levy) per cost centre;
//   Cr HMRC (tax + employee NI + employer NI), NHS Pensions (member +
//      employer contributions + levy), other deductions, and net pay owed
//      to staff (cleared when the bank file is paid).
// Debits equal credits to the penny by construction: per payslip, gross =
// net + tax + employee NI + member pension + other deductions, and the
// employer's costs are credited to the body they are owed to.
//
// Pure functions over values (this module joins payroll to the ledger); the
// CLI or the pay-run workflow posts what they return with LedgerStore.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "finance/invoice_posting.h"
#include "ledger/ledger_types.h"
#include "payroll/pay_run.h"

namespace csu::finance {

// The accounts (the shipped CSU chart's names; a chart lacking one refuses
// the posting, naming it).
struct PayrollAccounts {
  std::string salaries = "expenses:staff:salaries";
  std::string employer_ni = "expenses:staff:employer-ni";
  std::string employer_pension = "expenses:staff:employer-pension";
  std::string hmrc = "liabilities:current:hmrc-paye";
  std::string nhs_pensions = "liabilities:current:nhs-pensions";
  std::string other_deductions = "liabilities:current:payroll-other-deductions";
  std::string net_pay = "liabilities:current:net-pay";
};

// The run's journal. `reference` is the run's (the journal code and the
// document link, so a run cannot be posted twice); `chart` the employer
// ledger's accounts. An empty run, or a chart without an account, is an error.
Result<ledger::Transaction> PayRunJournal(const payroll::PayRunResult& run, const std::string& reference, Date pay_date,
                                          const std::vector<ledger::Account>& chart,
                                          const PayrollAccounts& accounts = {});

}  // namespace csu::finance
