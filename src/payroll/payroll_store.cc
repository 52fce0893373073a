// Employers, employees, posts, assignments, staff import and TUPE transfer
// over payroll.sqlite (schema: docs/store-format.md §16, kept identical to
// kSchema below) or, in server mode, the same tables in PostgreSQL (§16a,
// kPostgresSchema below; one set of statements for both). Absence and the workforce views: workforce.cc; pay runs:
// run_store.cc.
#include "payroll/payroll_store.h"

#include <filesystem>
#include <iterator>

#include "payroll/hr_identifiers.h"
#include "payroll/payroll_store_impl.h"
#include "payroll/tax_code.h"
#include "store/hex.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::payroll {
namespace {

constexpr int kSchemaVersion = 1;
const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE employers(
  code TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind IN ('csu','ccg')),
  name TEXT NOT NULL,
  paye_reference TEXT NOT NULL,
  accounts_office_reference TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE employees(
  id INTEGER PRIMARY KEY,
  employer TEXT NOT NULL REFERENCES employers(code),
  staff_number TEXT NOT NULL,
  start_date TEXT NOT NULL,
  continuous_service_date TEXT NOT NULL,
  leaving_date TEXT,
  ni_masked TEXT NOT NULL,
  account_masked TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  UNIQUE(employer, staff_number));
CREATE TABLE identities(
  employee_id INTEGER NOT NULL REFERENCES employees(id),
  field TEXT NOT NULL CHECK(field IN ('name','address','date_of_birth','ni_number','sort_code','account_number')),
  sealed TEXT NOT NULL,
  PRIMARY KEY(employee_id, field));
CREATE TABLE posts(
  id INTEGER PRIMARY KEY,
  employer TEXT NOT NULL REFERENCES employers(code),
  code TEXT NOT NULL,
  cost_centre TEXT NOT NULL,
  title TEXT NOT NULL,
  band TEXT NOT NULL,
  budgeted_wte_x100 INTEGER NOT NULL CHECK(budgeted_wte_x100 > 0),
  UNIQUE(employer, code));
CREATE TABLE assignments(
  id INTEGER PRIMARY KEY,
  employee_id INTEGER NOT NULL REFERENCES employees(id),
  post_id INTEGER NOT NULL REFERENCES posts(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  hours_x100 INTEGER NOT NULL CHECK(hours_x100 > 0),
  fte_x100 INTEGER NOT NULL CHECK(fte_x100 > 0 AND fte_x100 <= 100),
  band TEXT NOT NULL,
  spine_point INTEGER NOT NULL,
  incremental_date TEXT,
  annual_salary_pence INTEGER CHECK(annual_salary_pence >= 0),
  hcas TEXT NOT NULL DEFAULT '' CHECK(hcas IN ('','inner_london','outer_london','fringe')),
  tax_code TEXT NOT NULL,
  ni_category TEXT NOT NULL,
  pension_member INTEGER NOT NULL);
CREATE INDEX assignments_by_employee ON assignments(employee_id);
CREATE INDEX assignments_by_post ON assignments(post_id);
CREATE TABLE absences(
  employee_id INTEGER NOT NULL REFERENCES employees(id),
  day TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('sickness','annual_leave','maternity','paternity','special','unpaid','other')),
  reason TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,
  PRIMARY KEY(employee_id, day));
CREATE TABLE transfers(
  id INTEGER PRIMARY KEY,
  from_employee INTEGER NOT NULL REFERENCES employees(id),
  to_employee INTEGER NOT NULL REFERENCES employees(id),
  transferred_on TEXT NOT NULL,
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE TABLE pay_runs(
  id INTEGER PRIMARY KEY,
  employer TEXT NOT NULL REFERENCES employers(code),
  tax_year TEXT NOT NULL,
  period INTEGER NOT NULL CHECK(period BETWEEN 1 AND 12),
  state TEXT NOT NULL CHECK(state IN ('calculated','approved')),
  calculated_at TEXT NOT NULL, calculated_by TEXT NOT NULL,
  approved_at TEXT, approved_by TEXT,
  CHECK(approved_by IS NULL OR approved_by <> calculated_by),
  UNIQUE(employer, tax_year, period));
CREATE TRIGGER pay_runs_final BEFORE UPDATE ON pay_runs WHEN OLD.state = 'approved'
  BEGIN SELECT RAISE(ABORT, 'an approved pay run is final'); END;
CREATE TRIGGER pay_runs_kept BEFORE DELETE ON pay_runs
  BEGIN SELECT RAISE(ABORT, 'pay runs are kept'); END;
CREATE TABLE payslips(
  run_id INTEGER NOT NULL REFERENCES pay_runs(id),
  employee_id INTEGER NOT NULL REFERENCES employees(id),
  cost_centre TEXT NOT NULL,
  tax_code TEXT NOT NULL,
  ni_category TEXT NOT NULL,
  gross_pence INTEGER NOT NULL,
  pensionable_pence INTEGER NOT NULL,
  taxable_pence INTEGER NOT NULL,
  tax_pence INTEGER NOT NULL,
  employee_ni_pence INTEGER NOT NULL,
  employer_ni_pence INTEGER NOT NULL,
  employee_pension_pence INTEGER NOT NULL,
  employer_pension_pence INTEGER NOT NULL,
  pension_levy_pence INTEGER NOT NULL,
  net_pence INTEGER NOT NULL,
  flags TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY(run_id, employee_id));
CREATE TRIGGER payslips_final_update BEFORE UPDATE ON payslips
  WHEN (SELECT state FROM pay_runs WHERE id = OLD.run_id) = 'approved'
  BEGIN SELECT RAISE(ABORT, 'payslips of an approved pay run are final'); END;
CREATE TRIGGER payslips_final_delete BEFORE DELETE ON payslips
  WHEN (SELECT state FROM pay_runs WHERE id = OLD.run_id) = 'approved'
  BEGIN SELECT RAISE(ABORT, 'payslips of an approved pay run are final'); END;
CREATE TRIGGER payslips_final_insert BEFORE INSERT ON payslips
  WHEN (SELECT state FROM pay_runs WHERE id = NEW.run_id) = 'approved'
  BEGIN SELECT RAISE(ABORT, 'payslips of an approved pay run are final'); END;
)sql";

// The same tables in PostgreSQL (docs/store-format.md §16a), the outputs'
// tables (kOutputsSchema) included from the start: BIGINT for every integer,
// identity columns for the ids, text compared and sorted in byte order
// (COLLATE "C", as SQLite does), the finality rules as PL/pgSQL triggers
// that also refuse TRUNCATE, and pay_run_job, the record of who holds the
// pay-run job lock. Its meta table is named for the database, since every
// module shares the connection's schema.
const char* kPostgresSchema = R"sql(
CREATE TABLE payroll_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE employers(
  code TEXT COLLATE "C" PRIMARY KEY,
  kind TEXT COLLATE "C" NOT NULL CHECK(kind IN ('csu','ccg')),
  name TEXT NOT NULL,
  paye_reference TEXT NOT NULL,
  accounts_office_reference TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE employees(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  employer TEXT COLLATE "C" NOT NULL REFERENCES employers(code),
  staff_number TEXT COLLATE "C" NOT NULL,
  start_date TEXT COLLATE "C" NOT NULL,
  continuous_service_date TEXT COLLATE "C" NOT NULL,
  leaving_date TEXT COLLATE "C",
  ni_masked TEXT NOT NULL,
  account_masked TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  UNIQUE(employer, staff_number));
CREATE TABLE staff_identities(
  employee_id BIGINT NOT NULL REFERENCES employees(id),
  field TEXT COLLATE "C" NOT NULL CHECK(field IN ('name','address','date_of_birth','ni_number','sort_code','account_number')),
  sealed TEXT NOT NULL,
  PRIMARY KEY(employee_id, field));
CREATE TABLE posts(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  employer TEXT COLLATE "C" NOT NULL REFERENCES employers(code),
  code TEXT COLLATE "C" NOT NULL,
  cost_centre TEXT COLLATE "C" NOT NULL,
  title TEXT NOT NULL,
  band TEXT NOT NULL,
  budgeted_wte_x100 BIGINT NOT NULL CHECK(budgeted_wte_x100 > 0),
  UNIQUE(employer, code));
CREATE TABLE assignments(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  employee_id BIGINT NOT NULL REFERENCES employees(id),
  post_id BIGINT NOT NULL REFERENCES posts(id),
  start_date TEXT COLLATE "C" NOT NULL,
  end_date TEXT COLLATE "C",
  hours_x100 BIGINT NOT NULL CHECK(hours_x100 > 0),
  fte_x100 BIGINT NOT NULL CHECK(fte_x100 > 0 AND fte_x100 <= 100),
  band TEXT NOT NULL,
  spine_point BIGINT NOT NULL,
  incremental_date TEXT COLLATE "C",
  annual_salary_pence BIGINT CHECK(annual_salary_pence >= 0),
  hcas TEXT NOT NULL DEFAULT '' CHECK(hcas IN ('','inner_london','outer_london','fringe')),
  tax_code TEXT NOT NULL,
  ni_category TEXT NOT NULL,
  pension_member BIGINT NOT NULL);
CREATE INDEX assignments_by_employee ON assignments(employee_id);
CREATE INDEX assignments_by_post ON assignments(post_id);
CREATE TABLE absences(
  employee_id BIGINT NOT NULL REFERENCES employees(id),
  day TEXT COLLATE "C" NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('sickness','annual_leave','maternity','paternity','special','unpaid','other')),
  reason TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,
  PRIMARY KEY(employee_id, day));
CREATE TABLE transfers(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  from_employee BIGINT NOT NULL REFERENCES employees(id),
  to_employee BIGINT NOT NULL REFERENCES employees(id),
  transferred_on TEXT NOT NULL,
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE TABLE pay_runs(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  employer TEXT COLLATE "C" NOT NULL REFERENCES employers(code),
  tax_year TEXT COLLATE "C" NOT NULL,
  period BIGINT NOT NULL CHECK(period BETWEEN 1 AND 12),
  state TEXT COLLATE "C" NOT NULL CHECK(state IN ('calculated','approved')),
  calculated_at TEXT NOT NULL, calculated_by TEXT NOT NULL,
  approved_at TEXT, approved_by TEXT,
  CHECK(approved_by IS NULL OR approved_by <> calculated_by),
  UNIQUE(employer, tax_year, period));
CREATE TABLE payslips(
  run_id BIGINT NOT NULL REFERENCES pay_runs(id),
  employee_id BIGINT NOT NULL REFERENCES employees(id),
  cost_centre TEXT NOT NULL,
  tax_code TEXT NOT NULL,
  ni_category TEXT NOT NULL,
  gross_pence BIGINT NOT NULL,
  pensionable_pence BIGINT NOT NULL,
  taxable_pence BIGINT NOT NULL,
  tax_pence BIGINT NOT NULL,
  employee_ni_pence BIGINT NOT NULL,
  employer_ni_pence BIGINT NOT NULL,
  employee_pension_pence BIGINT NOT NULL,
  employer_pension_pence BIGINT NOT NULL,
  pension_levy_pence BIGINT NOT NULL,
  net_pence BIGINT NOT NULL,
  flags TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY(run_id, employee_id));
CREATE TABLE employer_accounts(
  employer TEXT COLLATE "C" PRIMARY KEY REFERENCES employers(code),
  sort_code TEXT NOT NULL CHECK(length(sort_code) = 6),
  account_number TEXT NOT NULL CHECK(length(account_number) = 8),
  account_name TEXT NOT NULL,
  bacs_user_number TEXT NOT NULL CHECK(length(bacs_user_number) = 6),
  set_at TEXT NOT NULL, set_by TEXT NOT NULL);
CREATE TABLE employee_gender(
  employee_id BIGINT PRIMARY KEY REFERENCES employees(id),
  sealed TEXT NOT NULL,
  set_at TEXT NOT NULL, set_by TEXT NOT NULL);
CREATE TABLE run_postings(
  run_id BIGINT PRIMARY KEY REFERENCES pay_runs(id),
  entity TEXT NOT NULL,
  journal BIGINT NOT NULL,
  batch BIGINT NOT NULL,
  pending BIGINT NOT NULL,
  posted_at TEXT NOT NULL, posted_by TEXT NOT NULL);
CREATE TABLE pay_run_job(
  slot BIGINT PRIMARY KEY CHECK(slot = 1),
  what TEXT NOT NULL, started_at TEXT NOT NULL, started_by TEXT NOT NULL);
CREATE FUNCTION payroll_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
CREATE FUNCTION payroll_run_final() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF OLD.state = 'approved' THEN RAISE EXCEPTION 'an approved pay run is final'; END IF;
    RETURN NEW;
  END $$;
CREATE FUNCTION payroll_payslip_final() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE run BIGINT;
  BEGIN
    IF TG_OP = 'INSERT' THEN run := NEW.run_id; ELSE run := OLD.run_id; END IF;
    IF (SELECT state FROM pay_runs WHERE id = run) = 'approved' THEN
      RAISE EXCEPTION 'payslips of an approved pay run are final';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END $$;
CREATE TRIGGER pay_runs_final BEFORE UPDATE ON pay_runs FOR EACH ROW EXECUTE FUNCTION payroll_run_final();
CREATE TRIGGER pay_runs_kept BEFORE DELETE ON pay_runs FOR EACH ROW
  EXECUTE FUNCTION payroll_refuse_change('pay runs are kept');
CREATE TRIGGER pay_runs_kept_truncate BEFORE TRUNCATE ON pay_runs FOR EACH STATEMENT
  EXECUTE FUNCTION payroll_refuse_change('pay runs are kept');
CREATE TRIGGER payslips_final BEFORE INSERT OR UPDATE OR DELETE ON payslips FOR EACH ROW
  EXECUTE FUNCTION payroll_payslip_final();
CREATE TRIGGER payslips_final_truncate BEFORE TRUNCATE ON payslips FOR EACH STATEMENT
  EXECUTE FUNCTION payroll_refuse_change('payslips of an approved pay run are final');
CREATE TRIGGER run_postings_kept BEFORE UPDATE OR DELETE ON run_postings FOR EACH ROW
  EXECUTE FUNCTION payroll_refuse_change('a pay run posting is kept');
CREATE TRIGGER run_postings_kept_truncate BEFORE TRUNCATE ON run_postings FOR EACH STATEMENT
  EXECUTE FUNCTION payroll_refuse_change('a pay run posting is kept');
)sql";

// The sealed fields' table on the connection's engine: staff_identities in
// PostgreSQL, where continuing healthcare's chc_identities share the schema.
std::string IdentitiesTable(const store::SqlConnection& db) {
  return db.Backend() == "postgresql" ? "staff_identities" : "identities";
}

// The key's fingerprint in payroll_meta, as CheckKeyFingerprint keeps it in
// payroll.sqlite's meta: recorded by the first opener, compared after.
Status CheckServerKey(store::SqlConnection& db, const store::FieldCipher& cipher) {
  const std::string fp = cipher.Fingerprint();
  return store::InWriteTransaction(db, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT value FROM payroll_meta WHERE key = ?1"));
    q.Bind(1, std::string_view("payroll_key_fingerprint"));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (row) {
      const std::string have = q.Text(0);
      q.Reset();
      if (have != fp)
        return MakeError(db.Name(), std::string("this is not the ") + cipher.domain().noun +
                                        " the fields here were sealed under (fingerprint differs); give every node "
                                        "the --payroll-key file the database was first opened with");
      return Status::Ok();
    }
    q.Reset();
    CSU_ASSIGN_OR_RETURN(ins, db.Prepare("INSERT INTO payroll_meta(key, value) VALUES (?1, ?2)"));
    return ins.Bind(1, std::string_view("payroll_key_fingerprint")).Bind(2, fp).Run();
  });
}

constexpr const char* kFields[] = {"name", "address", "date_of_birth", "ni_number", "sort_code", "account_number"};

std::string& FieldOf(PersonalDetails& p, size_t i) {
  std::string* f[] = {&p.name, &p.address, &p.date_of_birth, &p.ni_number, &p.sort_code, &p.account_number};
  return *f[i];
}


EmployeeRow ReadEmployee(const store::SqlStatement& q) {
  EmployeeRow r;
  r.id = q.Int(0);
  r.employer = q.Text(1);
  r.staff_number = q.Text(2);
  r.start = OptDate(q, 3).value_or(Date());
  r.continuous_service = OptDate(q, 4).value_or(r.start);
  r.leaving = OptDate(q, 5);
  r.ni_masked = q.Text(6);
  r.account_masked = q.Text(7);
  return r;
}

constexpr const char* kEmployeeCols =
    "id, employer, staff_number, start_date, continuous_service_date, leaving_date, ni_masked, account_masked";
constexpr const char* kAssignmentCols = kAssignmentSelect;

}  // namespace

Result<int64_t> InsertedId(store::SqlConnection& db, store::SqlStatement& q) {
  // The insert happens on the first step (SQLite's RETURNING rule too).
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError(db.Name(), "no row id");
  const int64_t id = q.Int(0);
  q.Reset();
  return id;
}


std::optional<Date> OptDate(const store::SqlStatement& q, int col) {
  if (q.IsNull(col)) return std::nullopt;
  auto d = Date::Parse(q.Text(col));
  if (!d.ok()) return std::nullopt;
  return d.value();
}

Assignment ReadAssignment(const store::SqlStatement& q) {
  Assignment a;
  a.id = q.Int(0);
  a.employee_id = q.Int(1);
  a.post_code = q.Text(2);
  a.start = OptDate(q, 3).value_or(Date());
  a.end = OptDate(q, 4);
  a.hours_x100 = q.Int(5);
  a.fte_x100 = q.Int(6);
  a.band = q.Text(7);
  a.spine_point = static_cast<int>(q.Int(8));
  a.incremental_date = OptDate(q, 9);
  if (!q.IsNull(10)) a.annual_salary = Money::FromPence(q.Int(10));
  a.hcas = q.Text(11);
  a.tax_code = q.Text(12);
  a.ni_category = q.Text(13);
  a.pension_member = q.Int(14) != 0;
  return a;
}

std::string_view EmployerKindName(EmployerKind k) { return k == EmployerKind::kCsu ? "csu" : "ccg"; }

PayrollStore::PayrollStore(PassKey, std::unique_ptr<store::SqlConnection> db) : db_(std::move(db)) {}
PayrollStore::~PayrollStore() = default;

Result<std::unique_ptr<PayrollStore>> PayrollStore::Open(const std::string& dir, const store::FieldCipher& cipher) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/payroll.sqlite", ""));
  if (Status s = store::PrepareSchema(*db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", kSchema, kSchemaVersion,
                                      "payroll database");
      !s.ok())
    return s.error();
  if (Status st = store::CheckKeyFingerprint(*db, cipher, "payroll_key_fingerprint", "--payroll-key"); !st.ok()) return st.error();
  if (Status st = db->Exec(kOutputsSchema); !st.ok()) return st.error();
  return std::make_unique<PayrollStore>(PassKey{}, std::make_unique<store::SqliteConnection>(std::move(db)));
}

Result<std::unique_ptr<PayrollStore>> PayrollStore::OpenServer(std::unique_ptr<store::SqlConnection> db,
                                                               const store::FieldCipher& cipher) {
  if (db->Backend() != "postgresql")
    return MakeError(db->Name(), "server mode needs a PostgreSQL database; a state folder's opens with Open");
  if (Status s = store::PrepareServerSchema(*db, kPayrollWriteLock, "payroll_meta", kPostgresSchema, kSchemaVersion,
                                            "payroll database");
      !s.ok())
    return s.error();
  if (Status s = CheckServerKey(*db, cipher); !s.ok()) return s.error();
  return std::make_unique<PayrollStore>(PassKey{}, std::move(db));
}

Status CreatePayrollServerTables(store::SqlConnection& db, const std::string& key_fingerprint) {
  if (db.Backend() != "postgresql")
    return MakeError(db.Name(), "server mode's payroll tables are made in PostgreSQL only");
  if (Status s = db.Exec(kPostgresSchema); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(meta, db.Prepare("INSERT INTO payroll_meta(key, value) VALUES (?1, ?2)"));
  meta.Bind(1, std::string_view("schema_version")).Bind(2, std::to_string(kSchemaVersion));
  if (Status s = meta.Run(); !s.ok()) return s;
  if (!key_fingerprint.empty()) {
    meta.Reset();
    meta.Bind(1, std::string_view("payroll_key_fingerprint")).Bind(2, key_fingerprint);
    if (Status s = meta.Run(); !s.ok()) return s;
  }
  // Payslips of runs that are final in the folder are copied as they are.
  return db.Exec("ALTER TABLE payslips DISABLE TRIGGER payslips_final");
}

Status EnablePayrollServerTriggers(store::SqlConnection& db) {
  return db.Exec("ALTER TABLE payslips ENABLE TRIGGER payslips_final");
}

Result<bool> PayrollStore::ServerHasKey(store::SqlConnection& db) {
  CSU_ASSIGN_OR_RETURN(t, db.Prepare("SELECT CASE WHEN to_regclass('payroll_meta') IS NULL THEN 0 ELSE 1 END"));
  CSU_ASSIGN_OR_RETURN(row, t.Step());
  const bool exists = row && t.Int(0) == 1;
  t.Reset();
  if (!exists) return false;
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT 1 FROM payroll_meta WHERE key = 'payroll_key_fingerprint'"));
  CSU_ASSIGN_OR_RETURN(have, q.Step());
  q.Reset();
  return have;
}

// ---- employers

Status PayrollStore::AddEmployer(const Employer& e, const Actor& actor) {
  if (e.code.empty()) return MakeError("employer", "needs its ODS code");
  if (e.name.empty()) return MakeError("employer " + e.code, "needs a name");
  CSU_ASSIGN_OR_RETURN(paye, ParsePayeReference(e.paye_reference));
  CSU_ASSIGN_OR_RETURN(ao, ParseAccountsOfficeReference(e.accounts_office_reference));
  return store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(have, FindEmployer(e.code));
    if (have) return MakeError("employer " + e.code, "is already recorded");
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO employers(code, kind, name, paye_reference, "
                                         "accounts_office_reference, created_at, created_by) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    return q.Bind(1, e.code).Bind(2, EmployerKindName(e.kind)).Bind(3, e.name).Bind(4, paye).Bind(5, ao)
        .Bind(6, actor.at).Bind(7, actor.by).Run();
  });
}

Result<std::vector<Employer>> PayrollStore::Employers() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT code, kind, name, paye_reference, accounts_office_reference FROM "
                                       "employers ORDER BY kind DESC, code"));
  std::vector<Employer> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1) == "csu" ? EmployerKind::kCsu : EmployerKind::kCcg, q.Text(2), q.Text(3),
                   q.Text(4)});
  }
  return out;
}

Result<std::optional<Employer>> PayrollStore::FindEmployer(const std::string& code) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT code, kind, name, paye_reference, accounts_office_reference FROM "
                                       "employers WHERE code = ?1"));
  q.Bind(1, code);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<Employer>();
  return std::optional<Employer>(Employer{q.Text(0), q.Text(1) == "csu" ? EmployerKind::kCsu : EmployerKind::kCcg,
                                          q.Text(2), q.Text(3), q.Text(4)});
}

// ---- employees

Result<int64_t> PayrollStore::InsertEmployee(const NewEmployee& e, const PersonalDetails& in,
                                             const store::FieldCipher& cipher, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(employer, FindEmployer(e.employer));
  if (!employer) return MakeError("employer " + e.employer, "is not recorded (csu payroll employers add)");
  if (e.staff_number.empty()) return MakeError("staff_number", "is required");
  PersonalDetails who = in;
  if (who.name.empty()) return MakeError("name", "is required");
  auto dob = Date::Parse(who.date_of_birth);
  if (!dob.ok()) return MakeError("date_of_birth", "is not a date (YYYY-MM-DD)");
  if (dob.value() >= e.start) return MakeError("date_of_birth", "is not before the start date");
  CSU_ASSIGN_OR_RETURN(ni, ParseNiNumber(who.ni_number));
  CSU_ASSIGN_OR_RETURN(sort, ParseSortCode(who.sort_code));
  CSU_ASSIGN_OR_RETURN(account, ParseAccountNumber(who.account_number));
  who.ni_number = ni;
  who.sort_code = sort;
  who.account_number = account;
  const Date continuous = e.continuous_service.value_or(e.start);
  if (continuous > e.start) return MakeError("continuous_service_date", "is after the start date");
  CSU_ASSIGN_OR_RETURN(dup, db_->Prepare("SELECT 1 FROM employees WHERE employer = ?1 AND staff_number = ?2"));
  dup.Bind(1, e.employer).Bind(2, e.staff_number);
  CSU_ASSIGN_OR_RETURN(exists, dup.Step());
  if (exists) return MakeError("staff_number " + e.staff_number, "is already used at " + e.employer);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO employees(employer, staff_number, start_date, "
                                       "continuous_service_date, ni_masked, account_masked, created_at, created_by) "
                                       "VALUES (?1,?2,?3,?4,?5,?6,?7,?8) RETURNING id"));
  q.Bind(1, e.employer).Bind(2, e.staff_number).Bind(3, e.start.ToString()).Bind(4, continuous.ToString())
      .Bind(5, MaskedNiNumber(ni)).Bind(6, MaskedAccountNumber(account)).Bind(7, actor.at).Bind(8, actor.by);
  CSU_ASSIGN_OR_RETURN(id, InsertedId(*db_, q));
  CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO " + IdentitiesTable(*db_) + "(employee_id, field, sealed) VALUES (?1,?2,?3)"));
  for (size_t i = 0; i < std::size(kFields); ++i) {
    CSU_ASSIGN_OR_RETURN(sealed, cipher.Seal(id, kFields[i], FieldOf(who, i)));
    ins.Reset();
    ins.Bind(1, id).Bind(2, std::string_view(kFields[i]))
        .Bind(3, store::HexOfBytes(sealed));
    if (Status s = ins.Run(); !s.ok()) return s.error();
  }
  return id;
}

Result<int64_t> PayrollStore::AddEmployee(const NewEmployee& e, const PersonalDetails& who,
                                          const store::FieldCipher& cipher, const Actor& actor) {
  int64_t id = 0;
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(got, InsertEmployee(e, who, cipher, actor));
    id = got;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return id;
}

Status PayrollStore::SetLeaving(int64_t employee_id, Date leaving, const Actor& actor) {
  (void)actor;
  return store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(e, FindEmployee(employee_id));
    if (!e) return MakeError("employee " + std::to_string(employee_id), "no such employee");
    if (leaving < e->start) return MakeError("leaving date", "is before the employee started");
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("UPDATE employees SET leaving_date = ?2 WHERE id = ?1"));
    if (Status s = q.Bind(1, employee_id).Bind(2, leaving.ToString()).Run(); !s.ok()) return s;
    // Assignments end by the leaving day at the latest.
    CSU_ASSIGN_OR_RETURN(a, db_->Prepare("UPDATE assignments SET end_date = ?2 WHERE employee_id = ?1 AND "
                                         "(end_date IS NULL OR end_date > ?2)"));
    return a.Bind(1, employee_id).Bind(2, leaving.ToString()).Run();
  });
}

Result<std::vector<EmployeeRow>> PayrollStore::Employees(const std::string& employer) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kEmployeeCols +
                                       " FROM employees WHERE employer = ?1 ORDER BY staff_number"));
  q.Bind(1, employer);
  return AllRows<EmployeeRow>(q, [&] { return ReadEmployee(q); });
}

Result<std::optional<EmployeeRow>> PayrollStore::FindEmployee(int64_t id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kEmployeeCols + " FROM employees WHERE id = ?1"));
  q.Bind(1, id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<EmployeeRow>();
  return std::optional<EmployeeRow>(ReadEmployee(q));
}

Result<PersonalDetails> PayrollStore::ReadPersonal(int64_t employee_id, const store::FieldCipher& cipher) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT field, sealed FROM " + IdentitiesTable(*db_) + " WHERE employee_id = ?1"));
  q.Bind(1, employee_id);
  PersonalDetails out;
  int found = 0;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    const std::string field = q.Text(0);
    auto sealed = store::BytesOfHex(q.Text(1));
    const std::string where = "employee " + std::to_string(employee_id) + " " + field;
    if (!sealed) return MakeError(where, "the stored field is not hex");
    CSU_ASSIGN_OR_RETURN(plain, cipher.Open(employee_id, field, *sealed));
    for (size_t i = 0; i < std::size(kFields); ++i)
      if (field == kFields[i]) FieldOf(out, i) = std::move(plain), ++found;
  }
  if (found == 0) return MakeError("employee " + std::to_string(employee_id), "no such employee");
  return out;
}

Result<int64_t> PayrollStore::Transfer(int64_t employee_id, const std::string& to_employer,
                                       const std::string& new_staff_number, Date on,
                                       const store::FieldCipher& cipher, const Actor& actor) {
  int64_t new_id = 0;
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(e, FindEmployee(employee_id));
    if (!e) return MakeError("employee " + std::to_string(employee_id), "no such employee");
    if (e->leaving) return MakeError("employee " + std::to_string(employee_id), "has left; only current staff transfer");
    if (e->employer == to_employer) return MakeError("transfer", "the employee is already employed by " + to_employer);
    if (on <= e->start) return MakeError("transfer date", "is not after the employee's start date");
    CSU_ASSIGN_OR_RETURN(who, ReadPersonal(employee_id, cipher));
    const Date last_day = on.AddDays(-1);
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("UPDATE employees SET leaving_date = ?2 WHERE id = ?1"));
    if (Status st = q.Bind(1, employee_id).Bind(2, last_day.ToString()).Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(a, db_->Prepare("UPDATE assignments SET end_date = ?2 WHERE employee_id = ?1 AND "
                                         "(end_date IS NULL OR end_date > ?2)"));
    if (Status st = a.Bind(1, employee_id).Bind(2, last_day.ToString()).Run(); !st.ok()) return st;
    // TUPE: the employment continues, so continuous service carries over.
    CSU_ASSIGN_OR_RETURN(id, InsertEmployee({to_employer, new_staff_number, on, e->continuous_service}, who, cipher,
                                            actor));
    new_id = id;
    CSU_ASSIGN_OR_RETURN(t, db_->Prepare("INSERT INTO transfers(from_employee, to_employee, transferred_on, "
                                         "recorded_at, recorded_by) VALUES (?1,?2,?3,?4,?5)"));
    return t.Bind(1, employee_id).Bind(2, new_id).Bind(3, on.ToString()).Bind(4, actor.at).Bind(5, actor.by).Run();
  });
  if (!s.ok()) return s.error();
  return new_id;
}

// ---- establishment

Result<int64_t> PayrollStore::AddPost(const Post& p, const Actor& actor) {
  (void)actor;
  if (p.code.empty() || p.cost_centre.empty() || p.title.empty() || p.band.empty())
    return MakeError("post", "needs a code, cost centre, title and band");
  if (p.budgeted_wte_x100 <= 0) return MakeError("post " + p.code, "budgeted WTE must be above 0");
  int64_t id = 0;
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(employer, FindEmployer(p.employer));
    if (!employer) return MakeError("employer " + p.employer, "is not recorded");
    CSU_ASSIGN_OR_RETURN(dup, db_->Prepare("SELECT 1 FROM posts WHERE employer = ?1 AND code = ?2"));
    dup.Bind(1, p.employer).Bind(2, p.code);
    CSU_ASSIGN_OR_RETURN(exists, dup.Step());
    if (exists) return MakeError("post " + p.code, "is already recorded at " + p.employer);
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO posts(employer, code, cost_centre, title, band, "
                                         "budgeted_wte_x100) VALUES (?1,?2,?3,?4,?5,?6) RETURNING id"));
    q.Bind(1, p.employer).Bind(2, p.code).Bind(3, p.cost_centre).Bind(4, p.title).Bind(5, p.band)
        .Bind(6, p.budgeted_wte_x100);
    CSU_ASSIGN_OR_RETURN(got, InsertedId(*db_, q));
    id = got;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return id;
}

Result<std::vector<Post>> PayrollStore::Posts(const std::string& employer) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT id, employer, code, cost_centre, title, band, budgeted_wte_x100 FROM "
                                       "posts WHERE employer = ?1 ORDER BY cost_centre, code"));
  q.Bind(1, employer);
  return AllRows<Post>(q, [&] {
    return Post{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Int(6)};
  });
}

Result<int64_t> PayrollStore::InsertAssignment(const std::string& employer, const Assignment& a) {
  const std::string where = "assignment";
  if (a.fte_x100 <= 0 || a.fte_x100 > 100) return MakeError(where, "FTE must be above 0 and at most 1.00");
  if (a.hours_x100 <= 0) return MakeError(where, "hours must be above 0");
  if (a.annual_salary && a.annual_salary->pence() < 0) return MakeError(where, "the annual salary may not be negative");
  if (a.band.empty()) return MakeError(where, "needs a band");
  if (!a.annual_salary && a.spine_point < 1) return MakeError(where, "an Agenda for Change post needs its pay step point (1 or more)");
  if (!ParseHcasName(a.hcas)) return MakeError("hcas", "is not inner_london, outer_london, fringe or empty");
  if (auto code = ParseTaxCode(a.tax_code); !code.ok()) return MakeError("tax_code", code.error().why);
  if (a.ni_category.size() != 1 || a.ni_category[0] < 'A' || a.ni_category[0] > 'Z')
    return MakeError("ni_category", "is not one capital letter such as A");
  if (a.end && *a.end < a.start) return MakeError(where, "ends before it starts");
  CSU_ASSIGN_OR_RETURN(e, FindEmployee(a.employee_id));
  if (!e) return MakeError("employee " + std::to_string(a.employee_id), "no such employee");
  if (e->employer != employer) return MakeError("employee " + std::to_string(a.employee_id), "is not employed by " + employer);
  if (a.start < e->start) return MakeError(where, "starts before the employee started");
  CSU_ASSIGN_OR_RETURN(pq, db_->Prepare("SELECT id FROM posts WHERE employer = ?1 AND code = ?2"));
  pq.Bind(1, employer).Bind(2, a.post_code);
  CSU_ASSIGN_OR_RETURN(found, pq.Step());
  if (!found) return MakeError("post " + a.post_code, "is not a post of " + employer);
  const int64_t post_id = pq.Int(0);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO assignments(employee_id, post_id, start_date, end_date, "
                                       "hours_x100, fte_x100, band, spine_point, incremental_date, "
                                       "annual_salary_pence, hcas, tax_code, ni_category, pension_member) VALUES "
                                       "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) RETURNING id"));
  q.Bind(1, a.employee_id).Bind(2, post_id).Bind(3, a.start.ToString());
  if (a.end) q.Bind(4, a.end->ToString());
  else q.BindNull(4);
  q.Bind(5, a.hours_x100).Bind(6, a.fte_x100).Bind(7, a.band).Bind(8, static_cast<int64_t>(a.spine_point));
  if (a.incremental_date) q.Bind(9, a.incremental_date->ToString());
  else q.BindNull(9);
  if (a.annual_salary) q.Bind(10, a.annual_salary->pence());
  else q.BindNull(10);
  q.Bind(11, *ParseHcasName(a.hcas)).Bind(12, ParseTaxCode(a.tax_code).value().text)
      .Bind(13, a.ni_category).Bind(14, static_cast<int64_t>(a.pension_member ? 1 : 0));
  return InsertedId(*db_, q);
}

Result<int64_t> PayrollStore::Assign(const Assignment& a, const Actor& actor) {
  (void)actor;
  int64_t id = 0;
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(e, FindEmployee(a.employee_id));
    if (!e) return MakeError("employee " + std::to_string(a.employee_id), "no such employee");
    CSU_ASSIGN_OR_RETURN(got, InsertAssignment(e->employer, a));
    id = got;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return id;
}

Status PayrollStore::EndAssignment(int64_t assignment_id, Date end, const Actor& actor) {
  (void)actor;
  return store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT start_date FROM assignments WHERE id = ?1"));
    q.Bind(1, assignment_id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return MakeError("assignment " + std::to_string(assignment_id), "no such assignment");
    if (end < OptDate(q, 0).value_or(Date())) return MakeError("assignment " + std::to_string(assignment_id), "would end before it starts");
    CSU_ASSIGN_OR_RETURN(u, db_->Prepare("UPDATE assignments SET end_date = ?2 WHERE id = ?1"));
    return u.Bind(1, assignment_id).Bind(2, end.ToString()).Run();
  });
}

Result<std::vector<Assignment>> PayrollStore::Assignments(const std::string& employer, int64_t employee_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kAssignmentCols +
                                       " FROM assignments a JOIN posts p ON p.id = a.post_id WHERE p.employer = ?1 "
                                       "AND (?2 = 0 OR a.employee_id = ?2) ORDER BY a.employee_id, a.start_date, a.id"));
  q.Bind(1, employer).Bind(2, employee_id);
  return AllRows<Assignment>(q, [&] { return ReadAssignment(q); });
}

Result<std::vector<int64_t>> PayrollStore::ImportStaff(const std::vector<StaffRecord>& rows,
                                                       const store::FieldCipher& cipher, const Actor& actor) {
  std::vector<int64_t> ids;
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    for (size_t i = 0; i < rows.size(); ++i) {
      const StaffRecord& r = rows[i];
      auto id = InsertEmployee(r.employee, r.personal, cipher, actor);
      if (!id.ok()) return MakeError("record " + std::to_string(i + 1) + ": " + id.error().where, id.error().why);
      ids.push_back(id.value());
      if (r.assignment) {
        Assignment a = *r.assignment;
        a.employee_id = id.value();
        auto aid = InsertAssignment(r.employee.employer, a);
        if (!aid.ok()) return MakeError("record " + std::to_string(i + 1) + ": " + aid.error().where, aid.error().why);
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return ids;
}

}  // namespace csu::payroll
