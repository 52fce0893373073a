// Row-level security for the payroll database's server tables (§16a), the
// part kServerTenantTables (payroll_store.h) does not say: the tables whose
// rows belong to the employer of the row they reference (an employee's
// sealed fields, assignments, absence and gender; a run's payslips and
// posting; a transfer, by the employee it moved), and the two tables that
// are no employer's. For the lead's application-role set-up (in main:
// cli/app_role.h's ChildTable / read_only lists); nothing here applies it.
#pragma once

namespace csu::payroll {

struct ServerChildTable {
  const char* table;
  const char* column;         // references parent.parent_column
  const char* parent;         // a table of kServerTenantTables
  const char* parent_column;
};

inline constexpr ServerChildTable kServerChildTables[] = {
    {"staff_identities", "employee_id", "employees", "id"},
    {"assignments", "employee_id", "employees", "id"},
    {"absences", "employee_id", "employees", "id"},
    {"transfers", "from_employee", "employees", "id"},  // the sending employer's record of it
    {"employee_gender", "employee_id", "employees", "id"},
    {"payslips", "run_id", "pay_runs", "id"},
    {"run_postings", "run_id", "pay_runs", "id"},
};

// Not an employer's: payroll_meta (schema version, key fingerprint; read by
// every opener) and pay_run_job (who holds the pay-run job lock, across
// employers; written by whoever takes it, so the owner's, not the
// application role's, unless pay runs are made on that role).
inline constexpr const char* kServerSharedTables[] = {"payroll_meta", "pay_run_job"};

}  // namespace csu::payroll
