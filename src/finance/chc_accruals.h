// Continuing healthcare in a CCG's ledger (docs/chc.md, "In the ledger"):
// the month-end accrual of the care the CCG's live packages bought and no
// invoice has yet been posted for, and the forecast outturn of the CHC
// budget line from the committed cost of live packages to 31 March.
//
// Both read the packages of chc.sqlite (pseudonymised: a package names its
// case by number only, never a person) and the CCG's ledger; both cost a
// package version per calendar month, rounded once per (version, month),
// the rule of chc::CommittedToYearEnd, so the cost to date plus the
// committed cost is the year's cost of the packages as they stand. CHC is
// kept on one budget line, cost centre CC400 × expenses:programme:
// continuing-care (the shipped CCG chart's), which is what "spent" and
// "actual" read. Pure functions over values and the ledger's reads: the CLI
// raises the journal (its document link CHC-ACCRUAL-YYYY-MM makes a second
// posting of a month a refusal) and sets the forecast, and audits both.
#pragma once

#include <string>
#include <vector>

#include "chc/package_cost.h"
#include "core/result.h"
#include "finance/invoice_posting.h"
#include "ledger/ledger_store.h"
#include "report/report_table.h"

namespace csu::finance {

inline constexpr const char* kChcExpense = "expenses:programme:continuing-care";
inline constexpr const char* kChcCostCentre = "CC400";

// One provider's packages for the CCG: how many were live in the month, the
// cost of the month and of the year to the month's end.
struct ChcProviderCost {
  std::string provider;  // ODS code or local register id (not a ledger counterparty)
  int64_t packages = 0;
  Money month_cost, ytd_cost;
};

struct ChcAccrual {
  std::string entity;
  ledger::LedgerPeriod period;
  std::vector<ChcProviderCost> providers;  // by provider; only those with cost in the year to date
  Money cost_ytd;    // sum of the providers' ytd_cost
  Money spent_ytd;   // CC400 × continuing-care actuals, 1 April to the month's end (prior accruals net to 0)
  Money accrual;     // cost_ytd − spent_ytd (negative: more booked than the packages cost)
};

// The cost of `p`'s versions over the calendar months from..to (inclusive,
// first days of months), each (version, month) rounded once.
Money ChcCostByMonths(const chc::Package& p, Date from, Date to);

// The proposal for CCG `entity` and `period` from every package of the CCG
// (packages of other CCGs are ignored).
Result<ChcAccrual> ProposeChcAccrual(const std::vector<chc::Package>& packages, ledger::LedgerStore& db,
                                     const std::string& entity, ledger::LedgerPeriod period);

// The proposal as a report table: a row per provider, a total row, and the
// spent and accrual in the notes.
report::ReportTable ChcAccrualTable(const ChcAccrual& a);

// The journal, dated the month's last day and reversing next month:
// continuing-care Dr the accrual on CC400, accruals Cr, the figure as
// comment; document CHC-ACCRUAL-YYYY-MM. An Error when the accrual is £0.00.
Result<Posting> ChcAccrualJournal(const ChcAccrual& a);

// The document number of a month's CHC accrual ("CHC-ACCRUAL-2018-10").
std::string ChcAccrualDocument(ledger::LedgerPeriod period);

// The forecast of the CHC budget line at `period`: the actual to the
// month's end plus the packages' committed cost from the next month's first
// day to 31 March, as a forecast override for CC400 × continuing-care.
struct ChcForecast {
  Money actual_ytd, committed, outturn;
  bool month_accrued = false;  // the month's CHC accrual is in the ledger
  ledger::ForecastOverride override_;
};
Result<ChcForecast> ProposeChcForecast(const std::vector<chc::Package>& packages, ledger::LedgerStore& db,
                                       const std::string& entity, ledger::LedgerPeriod period);

}  // namespace csu::finance
