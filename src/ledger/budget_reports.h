// Budget monitoring and the monthly financial position (docs/ledger.md,
// "Budgets" and "The monthly financial position"), as report tables for the
// CLI's --format table|csv|json|xlsx and the web pages. Figures are in each
// account's own direction (income as a positive credit, expenditure as a
// positive debit); a variance is favourable when positive (spending below
// budget, income above it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/ledger_store.h"
#include "report/report_table.h"

namespace csu::ledger {

// One cost centre × account for a month of the year.
struct BudgetRow {
  std::string cost_centre, account;
  bool income = false;
  int64_t month_budget = 0, month_actual = 0;
  int64_t ytd_budget = 0, ytd_actual = 0;
  int64_t annual_budget = 0;
  int64_t run_rate = 0;   // YTD actual × 12 ÷ months elapsed, rounded once half away from zero
  int64_t profiled = 0;   // YTD actual + the budget of the months left
  std::optional<ForecastOverride> override_;  // the manual forecast in force, if any
  int64_t forecast() const { return override_ ? override_->outturn.pence() : profiled; }
  // Favourable positive.
  int64_t Favourable(int64_t budget, int64_t actual) const { return income ? actual - budget : budget - actual; }
};

struct BudgetView {
  LedgerPeriod period;
  int64_t version = 0;  // the approved budget version; 0 = none
  int64_t virements = 0;
  std::vector<BudgetRow> rows;  // income then expenditure, by cost centre then account
};

// Budget against actual for every cost centre × income or expense account
// with a budget or an actual in the year, as at the end of `p`.
Result<BudgetView> ComputeBudgetView(LedgerStore& db, const std::string& entity, LedgerPeriod p);

// The budget monitoring table: a row per cost centre × account, then total
// income, total expenditure and the surplus (deficit).
Result<report::ReportTable> BudgetMonitoring(LedgerStore& db, const std::string& entity, LedgerPeriod p);

// The running-cost allowance per head of population a CCG's running costs
// are held to, with where the figure comes from.
struct RunningCostAllowance {
  Money per_head;
  std::string source;
  std::optional<int64_t> population;  // none: the allowance rows say so
  std::string population_source;
};

// The monthly financial position: income, expenditure and the surplus
// (deficit) against plan for the month, the year to date and the forecast
// outturn; running costs against the allowance (CCGs); then the cash
// balances at the month's end and the Better Payment Practice Code for the
// year to date (ledger_documents.h).
Result<std::vector<report::ReportTable>> MonthlyPosition(LedgerStore& db, const std::string& entity, LedgerPeriod p,
                                                         const std::optional<RunningCostAllowance>& rca);

// A virement of `amount` pence from one cost centre × account to another,
// spread over months first..last (1..12) by cumulative rounding: each month
// one line taking and one giving (months whose share is 0 are left out).
std::vector<VirementLine> SpreadVirement(const std::string& from_cc, const std::string& from_account,
                                         const std::string& to_cc, const std::string& to_account, int64_t amount,
                                         int32_t first, int32_t last);

// The accounts running costs are booked to (the templates' expenses:running-costs:*).
bool IsRunningCostAccount(const std::string& account);

namespace internal {
extern const char* const kBudgetSchema;  // budget_store.cc: the tables, created whenever the file is opened
extern const char* const kPostgresBudgetSchema;  // the same in PostgreSQL (§13a), part of its schema
}  // namespace internal

}  // namespace csu::ledger
