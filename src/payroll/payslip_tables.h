// A pay run's people-facing outputs as report tables (report/report_table.h),
// which the renderers turn into a printable page, CSV, JSON or a workbook:
//
//   PayslipLines   one row per payslip line (employee, line, amount, how it
//                  was worked): the printable payslips and their workbook
//   PayRunSummary  one row per employee with every figure of the payslip and
//                  a total row: the review sheet of a run
//   P60Table       the end-of-year certificate per employee (HMRC P60 boxes:
//                  pay and tax in this employment, NI per category with the
//                  earnings bands, the final tax code), from the last
//                  payslip of the tax year
//   P45Table       the leaver's details per leaver in the run (HMRC P45
//                  parts: leaving date, tax code and basis, pay and tax to
//                  date in this employment, the last pay period)
//
// Names and NI numbers appear only on the P60 and P45 (which must carry
// them); the payslip and summary tables identify an employee by payroll
// number. Rules and sources: docs/payroll.md, "Payslips, P60 and P45".
#pragma once

#include <vector>

#include "core/result.h"
#include "payroll/pay_run.h"
#include "report/report_table.h"

namespace csu::payroll {

report::ReportTable PayslipLines(const PayRunResult& run);
report::ReportTable PayRunSummary(const PayRunResult& run);

// `people` are matched to payslips by employee id; a payslip without one is
// an error (a P60 or P45 needs the name and NI number).
Result<report::ReportTable> P60Table(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                                     const EmployerDetails& employer);
// Only the payslips with a leaving date; an error when none has one.
Result<report::ReportTable> P45Table(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                                     const EmployerDetails& employer);

}  // namespace csu::payroll
