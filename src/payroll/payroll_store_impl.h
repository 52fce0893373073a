// Row readers shared by the files of PayrollStore (payroll_store.cc,
// workforce.cc, run_store.cc); not part of the module's interface.
#pragma once

#include <optional>

#include "core/date.h"
#include "core/result.h"
#include "payroll/payroll_store.h"
#include "store/sqlite_db.h"

namespace csu::payroll {

std::optional<Date> OptDate(const store::Statement& q, int col);
// The columns kAssignmentCols lists, in that order (payroll_store.cc).
Assignment ReadAssignment(const store::Statement& q);
Result<int64_t> LastInsertId(store::SqliteDb& db);
// a.id, a.employee_id, p.code, ... of `assignments a JOIN posts p`.
inline constexpr const char* kAssignmentSelect =
    "a.id, a.employee_id, p.code, a.start_date, a.end_date, a.hours_x100, a.fte_x100, a.band, a.spine_point, "
    "a.incremental_date, a.annual_salary_pence, a.hcas, a.tax_code, a.ni_category, a.pension_member";

}  // namespace csu::payroll
