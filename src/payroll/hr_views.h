// The payroll and HR report tables the CLI and the web pages share (like
// chc_views.h): staff (NI numbers and bank accounts masked: no table here
// ever holds a personal field in clear), establishment with vacancies,
// assignments, sickness absence by month, pay runs and a run's review.
// Pure functions of the store's rows.
#pragma once

#include <vector>

#include "payroll/payroll_store.h"
#include "report/report_table.h"

namespace csu::payroll {

report::ReportTable EmployersTable(const std::vector<Employer>& employers);
report::ReportTable StaffTable(const std::vector<EmployeeRow>& staff);
report::ReportTable EstablishmentTable(const std::vector<EstablishmentRow>& rows, Date on);
report::ReportTable AssignmentsTable(const std::vector<Assignment>& rows);
report::ReportTable SicknessTable(const std::vector<SicknessMonth>& months);
report::ReportTable RunsTable(const std::vector<PayRunRecord>& runs);
// A run's payslips with the review flags (space-separated), by staff number.
report::ReportTable ReviewTable(int64_t run_id, const std::vector<StoredPayslip>& slips);

}  // namespace csu::payroll
