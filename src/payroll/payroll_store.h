// The payroll and HR database of a state folder (payroll.sqlite,
// docs/store-format.md §16; rules in docs/payroll.md): the employers the
// CSU runs payroll for (itself and each CCG buying the service), their
// staff with personal fields sealed under the payroll key, the
// establishment (posts per cost centre with budgeted WTE and band),
// assignments of staff to posts, absence per day, TUPE transfers, and pay
// runs per employer and month: calculated, reviewed with flags against the
// last approved run, approved by a second person, then final.
//
//   CSU_ASSIGN_OR_RETURN(db, PayrollStore::Open(dir, cipher));   // or OpenServer(pg::Connect(url), cipher)
//   CSU_RETURN_IF_ERROR(db->AddEmployer({"02E", EmployerKind::kCcg, "NHS ...", "123/AB456", "123PA00012345"}, actor));
//   CSU_ASSIGN_OR_RETURN(id, db->AddEmployee(staff, personal, cipher, actor));
//   CSU_ASSIGN_OR_RETURN(run, db->CalculateRun("02E", "2025/26", 3, rates, actor));
//   ... a different person: db->ApproveRun(run.id, actor2)
//
// Every change is one transaction (SQLite with synchronous=FULL, or
// PostgreSQL in server mode under kPayrollWriteLock): it lands whole or not
// at all. Server mode (docs/server-mode.md, docs/store-format.md §16a) keeps
// the same tables, rules and statements in PostgreSQL, so every node reads
// what any node wrote; the fields are sealed by the same key file on every
// node (docs/deploy.md, "The payroll key"), whose fingerprint the database
// records so a node with another key is refused. Personal fields (name, address, date of birth, NI
// number, bank details) exist in clear only in the PersonalDetails a caller
// asks for by ReadPersonal; lists carry the masked forms. Auditing who read
// or changed what is the caller's (the command or the page), which knows who
// is acting. Not thread-safe: one connection, one user at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "payroll/pay_run.h"
#include "payroll/rates.h"
#include "store/field_cipher.h"

namespace csu::store {
class SqlConnection;
}

namespace csu::payroll {

// Server mode's advisory-lock keys (listed in store/sql.h): every write of
// the payroll database, and the pay run as a singleton job (issue #18: a
// pay run takes a PostgreSQL advisory lock instead of the state folder's),
// held at session level by CalculateRun from reading the staff records to
// storing the payslips; a second pay run meanwhile, on any node, is refused
// naming the one running.
inline constexpr int64_t kPayrollWriteLock = 0x4f70656e435355'09;
inline constexpr int64_t kPayRunJobLock = 0x4f70656e435355'0d;

// The server tables that belong to one employer (the tenant of payroll:
// a CCG buying the service, or the CSU itself) and the column naming it,
// for row-level security (pg/tenant_rows.h). Tables keyed by an employee
// or a run (identities, assignments, absences, transfers, payslips,
// employee_gender, run_postings) reach their employer through employees
// or pay_runs; pay_run_job names the one pay run running across all
// employers and is not a tenant's.
inline constexpr std::pair<const char*, const char*> kServerTenantTables[] = {
    {"employers", "code"}, {"employees", "employer"}, {"posts", "employer"},
    {"pay_runs", "employer"}, {"employer_accounts", "employer"},
};

struct Actor {
  std::string at;  // UTC ISO 8601
  std::string by;  // "cli:<login>" or a user name
};

enum class EmployerKind : uint8_t { kCsu, kCcg };
std::string_view EmployerKindName(EmployerKind k);  // "csu", "ccg"

struct Employer {
  std::string code;  // ODS code, capitals
  EmployerKind kind = EmployerKind::kCcg;
  std::string name;
  std::string paye_reference;             // "123/AB456"
  std::string accounts_office_reference;  // "123PA00012345"
};

// The sealed fields, in clear. Dates as YYYY-MM-DD.
struct PersonalDetails {
  std::string name, address, date_of_birth, ni_number, sort_code, account_number;
};

struct NewEmployee {
  std::string employer;
  std::string staff_number;  // the employer's payroll number (not personal)
  Date start;
  std::optional<Date> continuous_service;  // default: start
};

struct EmployeeRow {
  int64_t id = 0;
  std::string employer, staff_number;
  Date start, continuous_service;
  std::optional<Date> leaving;
  std::string ni_masked, account_masked;  // the only forms a list shows
};

struct Post {
  int64_t id = 0;
  std::string employer, code, cost_centre, title, band;
  int64_t budgeted_wte_x100 = 0;  // 1.00 WTE = 100
};

struct Assignment {
  int64_t id = 0;
  int64_t employee_id = 0;
  std::string post_code;  // the employee's employer's post
  Date start;
  std::optional<Date> end;
  int64_t hours_x100 = 0;  // contracted weekly hours, 37.5 = 3750
  int64_t fte_x100 = 0;    // 1..100
  std::string band;
  int spine_point = 0;
  std::optional<Date> incremental_date;
  // Basic pay from the AfC scales by band and step point, or this stated
  // whole-time annual salary (very senior managers, other scales).
  std::optional<Money> annual_salary;
  std::string hcas;  // "", "inner_london", "outer_london", "fringe"
  std::string tax_code, ni_category;
  bool pension_member = true;
};

enum class AbsenceKind : uint8_t { kSickness, kAnnualLeave, kMaternity, kPaternity, kSpecial, kUnpaid, kOther };
std::string_view AbsenceKindName(AbsenceKind k);  // "sickness", "annual_leave", ...
Result<AbsenceKind> ParseAbsenceKind(std::string_view text);

// Establishment against staff in post on a day, per post.
struct EstablishmentRow {
  std::string post_code, cost_centre, title, band;
  int64_t budgeted_wte_x100 = 0;
  int64_t in_post_wte_x100 = 0;  // FTE of the assignments current that day
  int64_t staff = 0;             // people assigned
  int64_t vacancy_wte_x100 = 0;  // budgeted − in post when positive, else 0
};

// The NHS sickness absence rate for one calendar month (docs/payroll.md,
// "Sickness absence"): FTE days lost to sickness ÷ FTE days available.
struct SicknessMonth {
  int year = 0, month = 0;
  int64_t fte_days_lost_x100 = 0;
  int64_t fte_days_available_x100 = 0;
  int64_t rate_bp = 0;  // basis points, rounded half away (DivRoundHalfAway)
};

enum class RunState : uint8_t { kCalculated, kApproved };
std::string_view RunStateName(RunState s);  // "calculated", "approved"

struct PayRunRecord {
  int64_t id = 0;
  std::string employer, tax_year;
  int period = 0;  // 1 = April
  RunState state = RunState::kCalculated;
  std::string calculated_at, calculated_by, approved_at, approved_by;
  int64_t payslips = 0;
  Money gross, net;
  int64_t flagged = 0;  // payslips with at least one flag
};

struct StoredPayslip {
  int64_t run_id = 0, employee_id = 0;
  std::string staff_number, cost_centre, tax_code, ni_category;
  Money gross, pensionable, taxable, tax, employee_ni, employer_ni, employee_pension, employer_pension, pension_levy,
      net;
  std::vector<std::string> flags;  // new_starter, leaver, tax_code_changed, net_change
  std::string detail;              // the whole payslip as JSON (pay_run.h's Payslip)
};

// The account an employer pays its staff from (docs/payroll.md, "Outputs of
// a stored run").
struct EmployerAccount {
  std::string sort_code;         // 6 digits
  std::string account_number;    // 8 digits
  std::string account_name;      // as the bank holds it, up to 18 characters in the file
  std::string bacs_user_number;  // the Bacs service user number (SUN), 6 characters
};

// A run posted to the employer's ledger: which entity and journal.
struct RunPosting {
  int64_t run_id = 0;
  std::string entity;
  int64_t journal = 0, batch = 0;
  bool pending = false;  // waiting in the ledger for a second person's approval when posted
  std::string posted_at, posted_by;
};

// Review flags: a payslip whose net pay differs from the employee's payslip
// in the employer's last approved run by more than this share is flagged
// net_change (docs/payroll.md, "Review").
inline constexpr int64_t kNetChangeFlagBp = 1000;  // 10%

// Server mode's payroll tables created empty in `db` (PostgreSQL, the
// connection's schema) inside the caller's write transaction, for csu
// migrate (src/migrate): the §16a schema, its version, and the fingerprint
// of the key the folder's fields are sealed under ("" when it recorded
// none). The finality trigger on payslips is left disabled: the caller
// copies the final runs' payslips, then calls EnablePayrollServerTriggers.
Status CreatePayrollServerTables(store::SqlConnection& db, const std::string& key_fingerprint);
Status EnablePayrollServerTriggers(store::SqlConnection& db);

class PayrollStore {
 public:
  static Result<std::unique_ptr<PayrollStore>> Open(const std::string& dir, const store::FieldCipher& cipher);
  // Server mode: the tables in the connection's PostgreSQL schema, created
  // on first use; refuses a SQLite connection, and a key whose fingerprint
  // differs from the one the database recorded first.
  static Result<std::unique_ptr<PayrollStore>> OpenServer(std::unique_ptr<store::SqlConnection> db,
                                                          const store::FieldCipher& cipher);
  // Whether the server's payroll database has recorded a key yet (false for
  // a new database): a command may then create the key file.
  static Result<bool> ServerHasKey(store::SqlConnection& db);
  struct PassKey {
    explicit PassKey() = default;
  };
  PayrollStore(PassKey, std::unique_ptr<store::SqlConnection> db);
  ~PayrollStore();

  // ---- employers
  Status AddEmployer(const Employer& e, const Actor& actor);
  Result<std::vector<Employer>> Employers();
  Result<std::optional<Employer>> FindEmployer(const std::string& code);

  // ---- employees (payroll_store.cc)
  Result<int64_t> AddEmployee(const NewEmployee& e, const PersonalDetails& who, const store::FieldCipher& cipher,
                              const Actor& actor);
  Status SetLeaving(int64_t employee_id, Date leaving, const Actor& actor);
  Result<std::vector<EmployeeRow>> Employees(const std::string& employer);
  Result<std::optional<EmployeeRow>> FindEmployee(int64_t id);
  Result<PersonalDetails> ReadPersonal(int64_t employee_id, const store::FieldCipher& cipher);
  // TUPE: ends the record at its employer the day before `on` and opens one
  // at `to_employer` from `on` with the same continuous service date and
  // personal details. Returns the new record's id.
  Result<int64_t> Transfer(int64_t employee_id, const std::string& to_employer, const std::string& new_staff_number,
                           Date on, const store::FieldCipher& cipher, const Actor& actor);

  // ---- establishment
  Result<int64_t> AddPost(const Post& p, const Actor& actor);
  Result<std::vector<Post>> Posts(const std::string& employer);
  Result<int64_t> Assign(const Assignment& a, const Actor& actor);
  Status EndAssignment(int64_t assignment_id, Date end, const Actor& actor);
  // An employee's assignments, or with employee_id 0 every one of the employer's.
  Result<std::vector<Assignment>> Assignments(const std::string& employer, int64_t employee_id);

  // ---- staff import: every row or none (one transaction).
  struct StaffRecord {
    NewEmployee employee;
    PersonalDetails personal;
    std::optional<Assignment> assignment;  // post_code etc.; employee_id filled in
  };
  Result<std::vector<int64_t>> ImportStaff(const std::vector<StaffRecord>& rows, const store::FieldCipher& cipher,
                                           const Actor& actor);

  // ---- absence and workforce views (workforce.cc)
  // Records each calendar day from..to (inclusive); a day already recorded
  // for the employee is an error and nothing is recorded.
  Result<int64_t> RecordAbsence(int64_t employee_id, Date from, Date to, AbsenceKind kind, const std::string& reason,
                                const Actor& actor);
  struct AbsenceDay {
    int64_t employee_id = 0;
    Date day;
    AbsenceKind kind = AbsenceKind::kOther;
  };
  Result<std::vector<AbsenceDay>> Absences(const std::string& employer, Date from, Date to);
  Result<std::vector<EstablishmentRow>> Establishment(const std::string& employer, Date on);
  Result<std::vector<SicknessMonth>> SicknessByMonth(const std::string& employer, Date from, Date to);

  // ---- pay runs (run_store.cc)
  // Calculates (or recalculates, while not approved) the employer's run for
  // the tax year's month `period` (1 = April). Refuses an approved run. In
  // server mode it holds kPayRunJobLock throughout and is refused, naming
  // the run and who started it, while another pay run holds it.
  Result<PayRunRecord> CalculateRun(const std::string& employer, const std::string& tax_year, int period,
                                    const PayRunRates& rates, const Actor& actor);
  // The same with the calculation given: CalculatePayRun over `rates` above;
  // tests of the workflow (flags, approval, finality) give their own.
  using PayCalculator = std::function<Result<PayRunResult>(const std::vector<PeriodInput>&)>;
  Result<PayRunRecord> CalculateRun(const std::string& employer, const std::string& tax_year, int period,
                                    const PayCalculator& calculate, const Actor& actor);
  // Approves a calculated run: `actor.by` must not be who calculated it.
  Result<PayRunRecord> ApproveRun(int64_t run_id, const Actor& actor);
  Result<std::vector<PayRunRecord>> PayRuns(const std::string& employer);
  Result<std::optional<PayRunRecord>> FindRun(int64_t run_id);
  Result<std::vector<StoredPayslip>> Payslips(int64_t run_id);

  // ---- a stored run's outputs (run_outputs_store.cc; docs/payroll.md,
  // "Outputs of a stored run"). Tables created whenever the file is opened
  // (kOutputsSchema, docs/store-format.md §16).
  // The account an employer pays net pay from (the bank file's contra and
  // originator). Not personal data: an employer's account. Replaces any
  // account set before.
  Status SetEmployerAccount(const std::string& employer, const EmployerAccount& account, const Actor& actor);
  // The employer as the outputs need it (PAYE reference split into office
  // number and reference; the paying account when one is set).
  Result<EmployerDetails> EmployerDetailsOf(const std::string& employer);
  // The gender HMRC records for an employee (the FPS's Gender: 'F' or 'M'),
  // sealed like the other personal fields.
  Status SetGender(int64_t employee_id, char gender, const store::FieldCipher& cipher, const Actor& actor);
  // A run's payslips as CalculatePayRun gave them, rebuilt from their stored
  // detail (by staff number). Any state: the caller decides what a state
  // allows. `for_fps`: refused when a payslip was stored before the FPS
  // figures (the period's NI band earnings, contracted hours) were kept.
  Result<PayRunResult> RunResult(int64_t run_id, bool for_fps = false);
  // The personal details of a run's employees for the outputs that need
  // them (bank file, FPS, P45, P60), opened from the sealed fields. The
  // caller audits before calling and never logs what it returns. The full
  // name is split at its last space (surname) and the address at commas with
  // a trailing postcode; `for_fps` refuses, naming the staff number, an
  // employee without a gender, forenames or postcode (the FPS needs them).
  Result<std::vector<EmployeePersonal>> RunPeople(const PayRunResult& run, const std::string& employer,
                                                  const store::FieldCipher& cipher, bool for_fps = false);
  // Every employee's last approved payslip of the tax year who was still
  // employed at its end (HMRC: a P60 for each employee working for you on
  // the last day of the tax year). Refused until period 12's run is approved.
  Result<PayRunResult> YearEndResult(const std::string& employer, const std::string& tax_year);
  // The ledger journal a run was posted as, once (finance/payroll_ledger.h).
  Result<std::optional<RunPosting>> FindPosting(int64_t run_id);
  // Refused when the run is not approved or was recorded as posted already.
  Status RecordPosting(const RunPosting& posting, const Actor& actor);

  store::SqlConnection& db() { return *db_; }

 private:
  // Server mode: takes kPayRunJobLock without waiting and records who holds
  // it (pay_run_job); an Error naming the holder when another has it.
  Status TakePayRunJob(const std::string& what, const Actor& actor);
  void ReleasePayRunJob();
  Result<PayRunRecord> CalculateRunLocked(const std::string& employer, const std::string& year, int period,
                                          const PayCalculator& calculate, const Actor& actor);
  Result<int64_t> InsertEmployee(const NewEmployee& e, const PersonalDetails& who, const store::FieldCipher& cipher,
                                 const Actor& actor);
  Result<int64_t> InsertAssignment(const std::string& employer, const Assignment& a);
  std::unique_ptr<store::SqlConnection> db_;
};

}  // namespace csu::payroll
