// Month-end activity accruals (docs/ledger.md, "Activity accruals"): for a
// CCG and month, per contract (and per provider of non-contract activity),
// what is payable to date after the contract rules, from contract
// monitoring, less what the CCG's ledger shows spent with that provider in
// the year to date; the finance user reviews the proposal and posts it as
// one accrual journal reversing on the first day of the next month.
#pragma once

#include <string>
#include <vector>

#include "analytics/monitoring.h"
#include "core/result.h"
#include "ledger/ledger_store.h"
#include "report/report_table.h"

namespace csu::finance {

inline constexpr const char* kAccrualExpense = "expenses:programme:acute";
inline constexpr const char* kAccruals = "liabilities:current:accruals";

struct AccrualLine {
  std::string provider;  // ODS code
  bool has_contract = false;
  Money actual_ytd, withheld_readmissions, mret_reduction;  // monitoring, year to date
  Money payable;  // actual − readmissions withheld − MRET reduction
  Money spent;    // SpendWith over the year to the month's last day
  Money accrual;  // payable − spent (negative: more spent than is payable)
  std::string figure;  // the monitoring figure in words, without ':' (it is kept as a posting comment)
};

// The proposal for `entity` (the commissioner) and `period` from `m`, which
// must be monitoring of that commissioner for the same year and month.
Result<std::vector<AccrualLine>> ProposeAccruals(const analytics::Monitoring& m, ledger::LedgerStore& db,
                                                 const std::string& entity, ledger::LedgerPeriod period);

// The proposal as a report table with a total row.
report::ReportTable AccrualTable(const std::vector<AccrualLine>& lines, const std::string& entity,
                                 ledger::LedgerPeriod period);

// The journal posting the non-zero lines, dated the month's last day and
// reversing next month (kAccrualExpense Dr, kAccruals Cr, counterparty the
// provider, the monitoring figure as comment), and its document link
// ACCRUAL-YYYY-MM, which makes a second posting for the month a refusal.
// An Error when every line is zero.
Result<std::pair<ledger::Transaction, ledger::DocumentLink>> AccrualJournal(const std::vector<AccrualLine>& lines,
                                                                            const std::string& entity,
                                                                            ledger::LedgerPeriod period);

}  // namespace csu::finance
