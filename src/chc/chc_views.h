// The report tables of continuing healthcare, one builder per view, shared
// by `csu chc` and the web pages with their JSON twins so both show the same
// rows (docs/chc.md). Pseudonymised: no builder takes or shows an
// identifiable field. Pure functions over what ChcStore returns.
#pragma once

#include <string>
#include <vector>

#include "chc/chc_store.h"
#include "report/report_table.h"

namespace csu::chc {

// Every case with its route, status and next review.
report::ReportTable CaseloadTable(const std::string& ccg, const std::vector<CaseRow>& cases);
// Undecided standard cases from day 21 of the 28-day standard, as at `today`.
report::ReportTable DeadlinesTable(const std::vector<CaseRow>& cases, Date today);
// Reviews overdue or due within 28 days of `today`, overdue first.
report::ReportTable ReviewsDueTable(const std::vector<CaseRow>& cases, Date today);
// Committed cost per CCG per month from `as_of` to 31 March.
report::ReportTable CommittedTable(const std::vector<Package>& packages, Date as_of);
// Every package version with its weekly cost.
report::ReportTable PackagesTable(const std::vector<Package>& packages);
// Provider invoices as checked: payable or queried with the reason.
report::ReportTable InvoicesTable(const std::string& ccg, const std::vector<CheckedInvoice>& invoices);
// Retrospective claims with their decisions and amounts awarded.
report::ReportTable ClaimsTable(const std::string& ccg, const std::vector<ChcStore::Claim>& claims);
// A case's events.
report::ReportTable TimelineTable(int64_t case_id, const std::vector<Event>& events);

}  // namespace csu::chc
