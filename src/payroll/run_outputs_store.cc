// What a stored pay run's outputs need from payroll.sqlite (docs/payroll.md,
// "Outputs of a stored run"): the payslips rebuilt from their stored detail,
// the employer's PAYE scheme and paying account, the employees' personal
// details opened from the sealed fields, the year-end payslips for the P60,
// and the record of the run's ledger posting. The tables are created
// whenever the file is opened (kOutputsSchema; docs/store-format.md §16).
#include <iterator>
#include <map>

#include "payroll/hr_identifiers.h"
#include "payroll/payroll_store.h"
#include "payroll/payroll_store_impl.h"
#include "store/hex.h"
#include "store/sql.h"

namespace csu::payroll {

const char* const kOutputsSchema = R"sql(
CREATE TABLE IF NOT EXISTS employer_accounts(
  employer TEXT PRIMARY KEY REFERENCES employers(code),
  sort_code TEXT NOT NULL CHECK(length(sort_code) = 6),
  account_number TEXT NOT NULL CHECK(length(account_number) = 8),
  account_name TEXT NOT NULL,
  bacs_user_number TEXT NOT NULL CHECK(length(bacs_user_number) = 6),
  set_at TEXT NOT NULL, set_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS employee_gender(
  employee_id INTEGER PRIMARY KEY REFERENCES employees(id),
  sealed TEXT NOT NULL,
  set_at TEXT NOT NULL, set_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_postings(
  run_id INTEGER PRIMARY KEY REFERENCES pay_runs(id),
  entity TEXT NOT NULL,
  journal INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  posted_at TEXT NOT NULL, posted_by TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS run_postings_no_update BEFORE UPDATE ON run_postings
  BEGIN SELECT RAISE(ABORT, 'a pay run posting is kept'); END;
CREATE TRIGGER IF NOT EXISTS run_postings_no_delete BEFORE DELETE ON run_postings
  BEGIN SELECT RAISE(ABORT, 'a pay run posting is kept'); END;
)sql";

namespace {

constexpr const char* kGenderField = "gender";

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// A UK postcode's outward code (2 to 4 characters, a letter first) and
// inward code (a digit and two letters), the shape HMRC's UKPostcode takes.
bool LooksLikePostcode(const std::string& outward, const std::string& inward) {
  if (outward.size() < 2 || outward.size() > 4 || !(outward[0] >= 'A' && outward[0] <= 'Z')) return false;
  for (char c : outward)
    if (!IsUpperAlnum(c)) return false;
  return inward.size() == 3 && inward[0] >= '0' && inward[0] <= '9' && inward[1] >= 'A' && inward[1] <= 'Z' &&
         inward[2] >= 'A' && inward[2] <= 'Z';
}

std::string Trimmed(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && s[a] == ' ') ++a;
  while (b > a && s[b - 1] == ' ') --b;
  return s.substr(a, b - a);
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < s.size()) {
    size_t sp = s.find(' ', at);
    if (sp == std::string::npos) sp = s.size();
    if (sp > at) out.push_back(s.substr(at, sp - at));
    at = sp + 1;
  }
  return out;
}

// The stored single-line address ("1 High Street, Leeds LS1 1AA") as FPS
// lines and a postcode: lines split at commas (at most 4, the rest joined to
// the fourth), the postcode the last two words when they have its shape.
void SplitAddress(const std::string& address, EmployeePersonal& p) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at <= address.size()) {
    size_t comma = address.find(',', at);
    if (comma == std::string::npos) comma = address.size();
    std::string line = Trimmed(address.substr(at, comma - at));
    if (!line.empty()) lines.push_back(line);
    at = comma + 1;
  }
  if (!lines.empty()) {
    std::vector<std::string> w = Words(lines.back());
    if (w.size() >= 2) {
      std::string outward = w[w.size() - 2], inward = w.back();
      for (char& c : outward) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      for (char& c : inward) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      if (LooksLikePostcode(outward, inward)) {
        p.postcode = outward + " " + inward;
        std::string rest;
        for (size_t i = 0; i + 2 < w.size(); ++i) rest += (rest.empty() ? "" : " ") + w[i];
        lines.pop_back();
        if (!rest.empty()) lines.push_back(rest);
      }
    }
  }
  while (lines.size() > 4) {
    lines[3] += ", " + lines[4];
    lines.erase(lines.begin() + 4);
  }
  p.address = std::move(lines);
}

}  // namespace

Status PayrollStore::SetEmployerAccount(const std::string& employer, const EmployerAccount& a, const Actor& actor) {
  const std::string where = "employer " + employer;
  CSU_ASSIGN_OR_RETURN(sort, ParseSortCode(a.sort_code));
  CSU_ASSIGN_OR_RETURN(account, ParseAccountNumber(a.account_number));
  const std::string name = Trimmed(a.account_name);
  if (name.empty() || name.size() > 60) return MakeError(where, "account name: 1 to 60 characters");
  if (a.bacs_user_number.size() != 6)
    return MakeError(where, "Bacs service user number: 6 characters");
  for (char c : a.bacs_user_number)
    if (!IsUpperAlnum(c)) return MakeError(where, "Bacs service user number: capital letters and digits only");
  return store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(have, FindEmployer(employer));
    if (!have) return MakeError(where, "is not recorded");
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO employer_accounts(employer, sort_code, account_number, "
                                         "account_name, bacs_user_number, set_at, set_by) VALUES (?1,?2,?3,?4,?5,?6,?7) "
                                         "ON CONFLICT(employer) DO UPDATE SET sort_code = excluded.sort_code, "
                                         "account_number = excluded.account_number, account_name = "
                                         "excluded.account_name, bacs_user_number = excluded.bacs_user_number, "
                                         "set_at = excluded.set_at, set_by = excluded.set_by"));
    return q.Bind(1, employer).Bind(2, sort).Bind(3, account).Bind(4, name).Bind(5, a.bacs_user_number)
        .Bind(6, actor.at).Bind(7, actor.by).Run();
  });
}

Result<EmployerDetails> PayrollStore::EmployerDetailsOf(const std::string& employer) {
  CSU_ASSIGN_OR_RETURN(e, FindEmployer(employer));
  if (!e) return MakeError("employer " + employer, "is not recorded");
  EmployerDetails d;
  d.employer_id = e->code;
  d.name = e->name;
  const size_t slash = e->paye_reference.find('/');
  d.tax_office_number = e->paye_reference.substr(0, slash);
  d.tax_office_reference = slash == std::string::npos ? "" : e->paye_reference.substr(slash + 1);
  d.accounts_office_reference = e->accounts_office_reference;
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT sort_code, account_number, account_name, bacs_user_number FROM "
                                       "employer_accounts WHERE employer = ?1"));
  q.Bind(1, employer);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (row) {
    d.sort_code = q.Text(0);
    d.account_number = q.Text(1);
    d.account_name = q.Text(2);
    d.bacs_user_number = q.Text(3);
  }
  return d;
}

Status PayrollStore::SetGender(int64_t employee_id, char gender, const store::FieldCipher& cipher,
                               const Actor& actor) {
  const std::string where = "employee " + std::to_string(employee_id);
  if (gender != 'F' && gender != 'M') return MakeError(where, "gender: F or M, as HMRC records it");
  return store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(e, FindEmployee(employee_id));
    if (!e) return MakeError(where, "no such employee");
    CSU_ASSIGN_OR_RETURN(sealed, cipher.Seal(employee_id, kGenderField, std::string(1, gender)));
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO employee_gender(employee_id, sealed, set_at, set_by) "
                                         "VALUES (?1,?2,?3,?4) ON CONFLICT(employee_id) DO UPDATE SET sealed = "
                                         "excluded.sealed, set_at = excluded.set_at, set_by = excluded.set_by"));
    return q.Bind(1, employee_id)
        .Bind(2, store::HexOfBytes(sealed))
        .Bind(3, actor.at).Bind(4, actor.by).Run();
  });
}

Result<PayRunResult> PayrollStore::RunResult(int64_t run_id, bool for_fps) {
  CSU_ASSIGN_OR_RETURN(run, FindRun(run_id));
  if (!run) return MakeError("pay run " + std::to_string(run_id), "no such pay run");
  CSU_ASSIGN_OR_RETURN(slips, Payslips(run_id));  // by staff number
  PayRunResult out;
  for (const StoredPayslip& s : slips) {
    bool complete = false;
    auto p = PayslipFromDetail(s.detail, run->employer, &complete);
    if (!p.ok()) return MakeError("pay run " + std::to_string(run_id) + " employee " + s.staff_number, p.error().why);
    if (for_fps && !complete)
      return MakeError("pay run " + std::to_string(run_id) + " employee " + s.staff_number,
                       "the payslip was stored before the FPS figures were kept; file this run's FPS from the period file");
    out.payslips.push_back(std::move(p).value());
  }
  PayRunTotals& t = out.totals;
  for (const Payslip& p : out.payslips) {
    ++t.payslips;
    t.gross += p.gross, t.taxable += p.taxable, t.tax += p.tax, t.employee_ni += p.employee_ni;
    t.employer_ni += p.employer_ni, t.employee_pension += p.employee_pension;
    t.employer_pension += p.employer_pension, t.pension_levy += p.pension_levy;
    t.other_deductions += p.other_deductions, t.net += p.net;
  }
  return out;
}

Result<std::vector<EmployeePersonal>> PayrollStore::RunPeople(const PayRunResult& run, const std::string& employer,
                                                              const store::FieldCipher& cipher, bool for_fps) {
  CSU_ASSIGN_OR_RETURN(staff, Employees(employer));
  std::map<std::string, const EmployeeRow*> by_number;
  for (const EmployeeRow& e : staff) by_number[e.staff_number] = &e;
  CSU_ASSIGN_OR_RETURN(gq, db_->Prepare("SELECT sealed FROM employee_gender WHERE employee_id = ?1"));
  std::vector<EmployeePersonal> out;
  for (const Payslip& s : run.payslips) {
    auto it = by_number.find(s.employee_id);
    if (it == by_number.end()) return MakeError("employee " + s.employee_id, "is not a member of staff of " + employer);
    const EmployeeRow& e = *it->second;
    CSU_ASSIGN_OR_RETURN(who, ReadPersonal(e.id, cipher));
    EmployeePersonal p;
    p.employee_id = e.staff_number;
    // Our reading of a stored full name: the last word is the surname, the
    // words before it the forenames (docs/payroll.md).
    std::vector<std::string> names = Words(Trimmed(who.name));
    if (!names.empty()) {
      p.surname = names.back();
      for (size_t i = 0; i + 1 < names.size(); ++i) p.forenames += (p.forenames.empty() ? "" : " ") + names[i];
    }
    p.ni_number = who.ni_number;
    if (auto d = Date::Parse(who.date_of_birth); d.ok()) p.birth_date = d.value();
    SplitAddress(who.address, p);
    p.start_date = e.start;
    p.sort_code = who.sort_code;
    p.account_number = who.account_number;
    p.account_name = Trimmed(who.name);
    gq.Reset();
    gq.Bind(1, e.id);
    CSU_ASSIGN_OR_RETURN(has_gender, gq.Step());
    if (has_gender) {
      auto sealed = store::BytesOfHex(gq.Text(0));
      if (!sealed) return MakeError("employee " + s.employee_id, "the stored gender does not read");
      CSU_ASSIGN_OR_RETURN(g, cipher.Open(e.id, kGenderField, *sealed));
      p.gender = g.empty() ? 'F' : g[0];
    } else if (for_fps) {
      return MakeError("employee " + s.employee_id,
                       "the FPS needs the gender HMRC records (csu payroll employees gender " + std::to_string(e.id) +
                           " --gender F|M)");
    }
    if (for_fps && (p.forenames.empty() || p.postcode.empty()))
      return MakeError("employee " + s.employee_id,
                       p.forenames.empty() ? "the FPS needs forenames and a surname: the stored name is one word"
                                           : "the FPS needs a UK postcode at the end of the stored address");
    out.push_back(std::move(p));
  }
  return out;
}

Result<PayRunResult> PayrollStore::YearEndResult(const std::string& employer, const std::string& tax_year) {
  auto fy = FinancialYear::Parse(tax_year);
  if (!fy.ok()) return MakeError("tax year", "'" + tax_year + "' is not a tax year like 2025/26");
  const std::string year = fy.value().ToString();
  const std::string where = "P60 " + employer + " " + year;
  CSU_ASSIGN_OR_RETURN(last, db_->Prepare("SELECT state FROM pay_runs WHERE employer = ?1 AND tax_year = ?2 AND "
                                          "period = 12"));
  last.Bind(1, employer).Bind(2, year);
  CSU_ASSIGN_OR_RETURN(has_last, last.Step());
  if (!has_last || last.Text(0) != "approved")
    return MakeError(where, "P60s are given after the year's last pay run; period 12 of " + year + " is not final");
  // The tax year ends on 5 April: anyone who left before then gets a P45.
  const Date year_end = Date::FromYmd(fy.value().start_year() + 1, 4, 5);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
                              "SELECT e.staff_number, s.detail FROM payslips s JOIN pay_runs r ON r.id = s.run_id JOIN "
                              "employees e ON e.id = s.employee_id WHERE r.employer = ?1 AND r.tax_year = ?2 AND "
                              "r.state = 'approved' AND (e.leaving_date IS NULL OR e.leaving_date >= ?3) ORDER BY "
                              "e.staff_number, r.period DESC"));
  q.Bind(1, employer).Bind(2, year).Bind(3, year_end.ToString());
  PayRunResult out;
  std::string previous;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    const std::string number = q.Text(0);
    if (number == previous) continue;  // an earlier period of the same employee
    previous = number;
    auto p = PayslipFromDetail(q.Text(1), employer, nullptr);
    if (!p.ok()) return MakeError(where + " employee " + number, p.error().why);
    out.payslips.push_back(std::move(p).value());
    ++out.totals.payslips;
  }
  if (out.payslips.empty()) return MakeError(where, "no one employed at the end of the year was paid in it");
  return out;
}

Result<std::optional<RunPosting>> PayrollStore::FindPosting(int64_t run_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT run_id, entity, journal, batch, pending, posted_at, posted_by FROM "
                                       "run_postings WHERE run_id = ?1"));
  q.Bind(1, run_id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<RunPosting>();
  return std::optional<RunPosting>(
      RunPosting{q.Int(0), q.Text(1), q.Int(2), q.Int(3), q.Int(4) != 0, q.Text(5), q.Text(6)});
}

Status PayrollStore::RecordPosting(const RunPosting& p, const Actor& actor) {
  const std::string where = "pay run " + std::to_string(p.run_id);
  return store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(run, FindRun(p.run_id));
    if (!run) return MakeError(where, "no such pay run");
    if (run->state != RunState::kApproved) return MakeError(where, "is not final; only an approved run is posted");
    CSU_ASSIGN_OR_RETURN(had, FindPosting(p.run_id));
    if (had) return MakeError(where, "was posted already as journal " + std::to_string(had->journal) + " of " + had->entity);
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO run_postings(run_id, entity, journal, batch, pending, posted_at, "
                                         "posted_by) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    return q.Bind(1, p.run_id).Bind(2, p.entity).Bind(3, p.journal).Bind(4, p.batch)
        .Bind(5, static_cast<int64_t>(p.pending ? 1 : 0)).Bind(6, actor.at).Bind(7, actor.by).Run();
  });
}

}  // namespace csu::payroll
