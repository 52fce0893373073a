// The primary care views as report tables (docs/primary-care.md, "Views"),
// shared by `csu primary-care ...` and the web pages with their JSON twins:
// practices with their contracts, list sizes, QOF achievement and payments
// by practice against the CCG and national figures, outliers, a practice's
// payment history and a CCG's posted schedules.
//
// "National" is every practice in this state folder's primary care database
// (all the CCGs the CSU holds figures for); the note under each table says
// how many practices that is, so a comparison is never passed off as
// England's when it is not.
//
// Disclosure: the tables carry registered patients as counts (kCount). A
// table that leaves the CCG (a CSU-wide comparison, an export marked for
// sharing) goes through report::ApplyDisclosureControl, which the caller
// applies (docs/disclosure.md); money and points are not about people and
// are shown as they are.
#pragma once

#include <string>

#include "primarycare/pc_store.h"
#include "report/report_table.h"

namespace csu::primarycare {

// A CCG's practices (every CCG's when empty) with the contract in force on
// `on` and the latest list.
Result<report::ReportTable> PracticesTable(PcStore& store, const std::string& ccg, Date on);
Result<report::ReportTable> ContractsTable(PcStore& store, const std::string& ccg);
Result<report::ReportTable> ListSizesTable(PcStore& store, const std::string& practice);

// One row per practice of `ccg` (every practice when empty) with QOF
// figures for `year`: points, achievement payment, aspiration, balancing,
// achievement payment per registered patient, and the CCG's and the
// national payment per patient beside it.
Result<report::ReportTable> AchievementTable(PcStore& store, const std::string& ccg, const std::string& year);

// Practices whose QOF points as a share of the points available lie more
// than `z` standard deviations from the national mean (the practices of
// every CCG here), lowest first, each with its z-score and the figures it
// came from. Needs at least 3 practices nationally.
Result<report::ReportTable> OutliersTable(PcStore& store, const std::string& ccg, const std::string& year,
                                          double z = 2.0);

// A practice's posted schedule lines by month (its payment history).
Result<report::ReportTable> HistoryTable(PcStore& store, const std::string& practice);
// A CCG's posted schedules by month, with their journals.
Result<report::ReportTable> PostingsTable(PcStore& store, const std::string& ccg);

}  // namespace csu::primarycare
