// A final pay run in its employer's ledger, once, and pay cost against
// budget per cost centre (docs/payroll.md, "Posting a run to the ledger" and
// "Pay cost against budget").
//
// PostPayRun: two databases change: the employer's ledger (the entity of
// the same ODS code) gets the run's journal (payroll_posting.h), and
// payroll.sqlite records the run as posted with the journal's number. They
// are separate files, so the order is what makes a retry safe (as
// primarycare/schedule_posting.h): the journal is raised first, carrying the
// run's reference as its code ("PAY 2025-26 M01"); the record second. A run
// already recorded is refused, naming the journal. When a crash fell between
// the two, the next call finds the journal by its code in the pay date's
// month and records it instead of raising another: the ledger never gets a
// run twice. The ledger's rules apply as to any batch: the pay date's period
// must be open, the cost centres must be the ledger's, and a journal above
// the entity's approval threshold waits for a second person (`csu ledger
// approve`).
//
// PayCostTable: per cost centre × month of a year, the budget and the
// actual of the staff cost accounts a pay run posts to (salaries, employer
// NI, employer pension) from the ledger, and the variance.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "finance/payroll_posting.h"
#include "ledger/ledger_store.h"
#include "payroll/payroll_store.h"
#include "report/report_table.h"

namespace csu::finance {

// The accounts a pay run posts to in a ledger with this chart: the CSU
// chart's expenses:staff:* or, in a CCG's chart, its running-cost staff
// accounts (expenses:running-costs:staff-*); the liabilities are the same
// names in both. A chart with neither set is refused by PayRunJournal,
// naming the first account missing.
PayrollAccounts PayrollAccountsFor(const std::vector<ledger::Account>& chart);

struct PayRunPosting {
  int64_t journal = 0, batch = 0;
  bool pending = false;    // waits for a second person's approval in the ledger
  bool recovered = false;  // found from an interrupted earlier call
  Money debits;            // the journal's debits (the run's employer cost)
  std::string reference;   // the journal's code
};

// Refused, changing nothing, when the run is not final (approved), was
// posted already (naming the journal), the employer has no ledger here,
// the pay date's period is not open, or the chart or cost centres lack
// what the journal names.
Result<PayRunPosting> PostPayRun(payroll::PayrollStore& payroll, ledger::LedgerStore& ledger, int64_t run_id,
                                 const ledger::OrgDirectory& orgs, const payroll::Actor& actor);

// Budget, actual (salaries, employer NI, employer pension and their sum)
// and variance (budget − actual: positive is an underspend) per cost centre
// × month of `year` with a budget or an actual on the staff cost accounts,
// by cost centre then month, then a total row. Budget: the approved version
// with its virements (none approved: 0). Actual: posted journals' postings
// to the accounts, year-end closes left out (LedgerStore::Actuals).
Result<report::ReportTable> PayCostTable(ledger::LedgerStore& ledger, const std::string& entity, FinancialYear year);

}  // namespace csu::finance
