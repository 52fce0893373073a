// The ledger's statements as report tables (report/report_table.h), for the
// CLI's --format table|csv|json|xlsx and later the web pages. Rules and worked
// examples: docs/ledger.md, "Reports". Each reads posted journals only.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/ledger_store.h"
#include "report/report_table.h"

namespace csu::ledger {

// A column of figures over a range of dates, inclusive.
struct Span {
  std::string name;   // machine name: "month", "year_to_date", "amount"
  std::string label;  // heading: "Sep 2018"
  Date from, to;
};

// Every account of the chart (full names, as the journal spells them) with
// its balance from..to as a debit or a credit, and a total row whose debits
// equal its credits. Accounts with no balance are listed too, so the chart
// is visible whole.
Result<report::ReportTable> TrialBalance(LedgerStore& db, const std::string& entity, Date from, Date to);

// Income and expenditure: each income and expense account with a figure per
// span (income as a positive credit, expenditure as a positive debit), then
// total income, total expenditure and the surplus (deficit) = income −
// expenditure. Year-end closing journals are left out (they would zero it).
Result<report::ReportTable> IncomeExpenditure(LedgerStore& db, const std::string& entity,
                                              const std::vector<Span>& spans);

// The statement of financial position as at `as_at`: assets, liabilities
// (shown positive), net assets, then taxpayers' equity: the equity accounts
// and the surplus (deficit) not yet carried to the general fund by a
// year-end close. Net assets equal total equity whenever every journal
// balances, which the ledger guarantees.
Result<report::ReportTable> FinancialPosition(LedgerStore& db, const std::string& entity, Date as_at);

}  // namespace csu::ledger
