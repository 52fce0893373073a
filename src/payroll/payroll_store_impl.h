// Row readers shared by the files of PayrollStore (payroll_store.cc,
// workforce.cc, run_store.cc); not part of the module's interface.
#pragma once

#include <optional>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "payroll/payroll_store.h"
#include "store/sql.h"

namespace csu::payroll {

std::optional<Date> OptDate(const store::SqlStatement& q, int col);
// The columns kAssignmentCols lists, in that order (payroll_store.cc).
Assignment ReadAssignment(const store::SqlStatement& q);
// Runs an INSERT ... RETURNING id (both engines) and gives the id.
Result<int64_t> InsertedId(store::SqlConnection& db, store::SqlStatement& q);
// Every row of `q`, each read by `read` (store::AllRows for SqlStatement).
template <typename T, typename F>
Result<std::vector<T>> AllRows(store::SqlStatement& q, F&& read) {
  std::vector<T> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(read());
  }
  return out;
}
// The tables of a stored run's outputs (run_outputs_store.cc), created
// whenever the file is opened (docs/store-format.md §16). In server mode
// they are part of the one schema (payroll_store.cc, kPostgresSchema).
extern const char* const kOutputsSchema;
// a.id, a.employee_id, p.code, ... of `assignments a JOIN posts p`.
inline constexpr const char* kAssignmentSelect =
    "a.id, a.employee_id, p.code, a.start_date, a.end_date, a.hours_x100, a.fte_x100, a.band, a.spine_point, "
    "a.incremental_date, a.annual_salary_pence, a.hcas, a.tax_code, a.ni_category, a.pension_member";

// A payslip rebuilt from payslips.detail (run_store.cc, beside the writer).
// `complete` (optional) says whether every FPS figure was stored.
Result<Payslip> PayslipFromDetail(const std::string& detail, const std::string& employer, bool* complete);

}  // namespace csu::payroll
