// A CCG's monthly payment schedule to its GP practices, and the journal that
// posts it to the CCG's ledger (docs/primary-care.md, "Payment schedule").
//
// For each practice of the CCG, in code order, the month's lines:
//   global sum      GMS and PMS contracts in force on the month's first day:
//                   global_sum.h on the list at the start of the quarter
//                   (APMS contracts are priced locally: their payments come
//                   as other agreed payments);
//   QOF aspiration  each month of the QOF year, from the stored aspiration;
//   QOF balancing   in the first schedule from June after the QOF year that
//                   finds the year's achievement stored: achievement less
//                   the twelve aspiration payments (may be negative);
//   enhanced        the EnhancedServiceSource's lines, when there is one;
//   other payments and deductions loaded for the month.
// A month already posted reads back as posted (the stored lines), never
// recomputed.
#pragma once

#include <string>
#include <vector>

#include "ledger/ledger_types.h"
#include "primarycare/global_sum.h"
#include "primarycare/pc_store.h"
#include "primarycare/schedule_source.h"
#include "report/report_table.h"

namespace csu::primarycare {

struct Schedule {
  std::string ccg;
  ledger::LedgerPeriod month;
  std::vector<ScheduleLine> lines;  // by practice, then kind as listed above
  bool posted = false;
  int64_t journal = 0;  // when posted
  int64_t total_pence() const;
};

// The month's schedule. Refused, naming the practice, when a GMS or PMS
// practice has no list for the quarter, or the year has no global sum
// price. `enhanced` may be null.
Result<Schedule> BuildSchedule(PcStore& store, const GlobalSumRates& rates, EnhancedServiceSource* enhanced,
                               const std::string& ccg, ledger::LedgerPeriod month);

// The QOF year ("2024/25") a month's aspiration belongs to, and the QOF
// year whose balancing falls due from a month (the year before, from June).
std::string QofYearOf(ledger::LedgerPeriod month);

// The schedule as a report: one row per line (practice, kind, description,
// amount, explanation), a total row after each practice's lines and one for
// the CCG at the end.
report::ReportTable ScheduleTable(const Schedule& s);

// The accounts of the posting (the shipped CCG chart's names; a chart that
// lacks one refuses the posting, naming it).
inline constexpr const char* kPrimaryCareExpense = "expenses:programme:primary-care";
inline constexpr const char* kPracticePayables = "liabilities:current:payables:other";
inline constexpr const char* kPrimaryCareCostCentre = "CC500";

// The one balanced journal posting schedule `s` in the CCG's ledger, dated
// the month's last day, code "PCS-<YYYY-MM>" (the mark that finds it again):
// for each practice and kind, primary care expenditure Dr the kind's sum
// (cost centre CC500, the practice as counterparty, the kind as comment);
// for each practice, payables to practices Cr its net total. Refused for an
// empty schedule, and when the chart lacks an account or cost centre.
Result<ledger::Transaction> ScheduleJournal(const Schedule& s, const std::vector<ledger::Account>& chart,
                                            const std::vector<ledger::CostCentre>& cost_centres);
// "PCS-2024-04".
std::string ScheduleJournalCode(ledger::LedgerPeriod month);

}  // namespace csu::primarycare
