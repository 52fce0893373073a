// The payroll and HR database (payroll.sqlite, docs/store-format.md §16)
// into server mode's tables (§16a): every table with its ids, so that each
// sealed field stays bound to its employee's id (a field moved to another id
// would not open), and the folder's payroll key fingerprint recorded in the
// target's payroll_meta. The triggers that keep final runs immutable are
// turned on after the copy.
#include "migrate/steps.h"
#include "payroll/payroll_store.h"

namespace csu::migrate {
namespace {

constexpr const char* kPayrollFile = "payroll.sqlite";

// Every table of payroll.sqlite, parents before children. Ids are copied as
// they are: the sealed fields are bound to their employee's id (a field
// moved to another id would not open). `meta` is not copied: the target's
// payroll_meta is written with the version and the key's fingerprint.
const std::vector<TableSpec>& PayrollTables() {
  static const std::vector<TableSpec> tables = {
      {"employers", {"code", "kind", "name", "paye_reference", "accounts_office_reference", "created_at", "created_by"},
       "ttttttt", "code", ""},
      {"employees",
       {"id", "employer", "staff_number", "start_date", "continuous_service_date", "leaving_date", "ni_masked",
        "account_masked", "created_at", "created_by"},
       "itttttttt" "t", "id", ""},
      {"identities", {"employee_id", "field", "sealed"}, "itt", "employee_id, field", "staff_identities"},
      {"posts", {"id", "employer", "code", "cost_centre", "title", "band", "budgeted_wte_x100"}, "ittttti", "id", ""},
      {"assignments",
       {"id", "employee_id", "post_id", "start_date", "end_date", "hours_x100", "fte_x100", "band", "spine_point",
        "incremental_date", "annual_salary_pence", "hcas", "tax_code", "ni_category", "pension_member"},
       "iiittiititittti", "id", ""},
      {"absences", {"employee_id", "day", "kind", "reason", "recorded_at", "recorded_by"}, "itttt" "t",
       "employee_id, day", ""},
      {"transfers", {"id", "from_employee", "to_employee", "transferred_on", "recorded_at", "recorded_by"}, "iiittt",
       "id", ""},
      {"pay_runs",
       {"id", "employer", "tax_year", "period", "state", "calculated_at", "calculated_by", "approved_at",
        "approved_by"},
       "ittittttt", "id", ""},
      {"payslips",
       {"run_id", "employee_id", "cost_centre", "tax_code", "ni_category", "gross_pence", "pensionable_pence",
        "taxable_pence", "tax_pence", "employee_ni_pence", "employer_ni_pence", "employee_pension_pence",
        "employer_pension_pence", "pension_levy_pence", "net_pence", "flags", "detail"},
       "iitttiiiiiiiiiitt", "run_id, employee_id", ""},
      {"employer_accounts",
       {"employer", "sort_code", "account_number", "account_name", "bacs_user_number", "set_at", "set_by"}, "ttttttt",
       "employer", ""},
      {"employee_gender", {"employee_id", "sealed", "set_at", "set_by"}, "itt" "t", "employee_id", ""},
      {"run_postings", {"run_id", "entity", "journal", "batch", "pending", "posted_at", "posted_by"}, "itiiitt",
       "run_id", ""},
  };
  return tables;
}

class PayrollStep final : public MigrationStep {
 public:
  std::string Name() const override { return "payroll"; }
  std::vector<int64_t> WriteLocks() const override { return {payroll::kPayrollWriteLock}; }
  bool NeedsPostgres() const override { return true; }

  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kPayrollFile));
    if (db == nullptr) return Status::Ok();  // no payroll here: the target gets the empty tables
    if (Status s = CheckSourceDatabase(*db, "1", PayrollTables(), {"meta", "sqlite_sequence"}); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(fp, db->Prepare("SELECT value FROM meta WHERE key = 'payroll_key_fingerprint'"));
    CSU_ASSIGN_OR_RETURN(has_fp, fp.Step());
    fingerprint_ = has_fp ? fp.Text(0) : "";
    return Status::Ok();
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    StepReport r;
    // Payroll's server tables are PostgreSQL's (§16a); a SQLite target
    // (the accounts' file, in tests) gets none.
    if (target.Backend() != "postgresql") return r;
    if (Status s = payroll::CreatePayrollServerTables(target, fingerprint_); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kPayrollFile));
    for (const TableSpec& t : PayrollTables()) {
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.target_table.empty() ? t.table : t.target_table, rows, -1});
    }
    if (Status s = payroll::EnablePayrollServerTriggers(target); !s.ok()) return s.error();
    // PostgreSQL's identity columns continue after the copied ids.
    for (const char* table : {"employees", "posts", "assignments", "transfers", "pay_runs"})
      if (Status s = ContinueIdentity(target, table, "id"); !s.ok()) return s.error();
    r.checks.push_back({"payroll key", fingerprint_.empty() ? "none recorded in the folder"
                                                            : "fingerprint " + fingerprint_ + " recorded"});
    return r;
  }

 private:
  std::string fingerprint_;
};

}  // namespace

std::unique_ptr<MigrationStep> MakePayrollStep() { return std::make_unique<PayrollStep>(); }

}  // namespace csu::migrate
