// Payroll and HR on the command line (docs/payroll.md):
//   csu payroll employers add|list                   the CSU and CCG employers
//   csu payroll employees add|list|show|leave|transfer  staff (personal fields sealed)
//   csu payroll posts add|list                       the establishment, vacancies with --on
//   csu payroll assignments add|end|list             staff in posts
//   csu payroll absence add|rates                    absence per day, sickness rate per month
//   csu payroll import FILE --employer CODE          a staff list (docs/formats/payroll-staff-v1.md)
//   csu payroll run calculate|review|approve|list    pay runs: calculate, review, second-person approval
// The personal fields are sealed under the --payroll-key file, which must be
// outside the state folder. With --database (server mode) the payroll tables
// and the audit log are PostgreSQL's (docs/server-mode.md). Every change and
// every view of an employee's record is written to the hash-chained audit log; lists show
// NI numbers and bank accounts masked, and only `employees show
// --identifiable` prints personal fields, to its caller. Each payslip of an
// approved run of a CCG employer is counted on the billing meter (payslips).
#include <CLI/CLI.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "billing/meter.h"
#include "billing/period.h"
#include "cli/command.h"
#include "cli/field_key.h"
#include "cli/payroll_open.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "core/file.h"
#include "core/text.h"
#include "core/uk_time.h"
#include "payroll/hr_identifiers.h"
#include "payroll/hr_views.h"
#include "payroll/pay_run.h"
#include "payroll/payroll_store.h"
#include "payroll/staff_file.h"
#include "store/env.h"
#include "store/field_cipher.h"
#include "store/platform_date.h"
#include "synth/payroll_staff.h"

namespace csu::cli {

namespace {

using report::ReportTable;

struct PArgs {
  StateArgs state;
  std::string payroll_key;
  std::string database;  // server mode (--database)
  std::string rates;
  std::string employer, kind = "ccg", name, paye_ref, ao_ref;
  int64_t id = 0;
  std::string staff_number, address, dob, ni, sort_code, account, start, continuous, on, to;
  std::string post, cost_centre, title, band, wte, hours, fte, incremental, salary, hcas, tax_code = "1257L",
      ni_category = "A", pension = "Y";
  int spine_point = 0;
  std::string from, absence_kind = "sickness", reason;
  std::string year;
  int period = 0;
  std::string file;
  bool identifiable = false;
  std::string purpose;
  std::string format = "table", out;
};

using Opened = OpenedPayroll;

std::optional<Opened> Open(const Context& ctx, const PArgs& a) {
  return OpenPayroll(ctx, a.state, a.payroll_key, a.database);
}

bool Audit(Opened& o, const std::string& action, const std::string& subject, const nlohmann::json& details) {
  return AuditPayroll(o, action, subject, details);
}

std::optional<Date> DateOpt(const std::string& text, const char* option, bool required) {
  if (text.empty()) {
    if (required) PrintError(std::string(option) + ": required (YYYY-MM-DD)");
    return std::nullopt;
  }
  auto d = Date::Parse(text);
  if (!d.ok()) {
    PrintError(std::string(option) + ": not a date (YYYY-MM-DD)");
    return std::nullopt;
  }
  return d.value();
}

// "1.00" / "37.5" as hundredths.
std::optional<int64_t> Hundredths(const std::string& text, const char* option) {
  auto m = Money::Parse(text);  // the same grammar: digits, up to 2 decimals
  if (!m.ok() || m.value().pence() <= 0) {
    PrintError(std::string(option) + ": not a number above 0 with up to 2 decimals");
    return std::nullopt;
  }
  return m.value().pence();
}

bool NeedEmployer(Opened& o, const std::string& code) {
  auto e = o.db->FindEmployer(code);
  if (!e.ok() || !e.value()) {
    PrintError("--employer: " + code + " is not a payroll employer (csu payroll employers add)");
    return false;
  }
  return true;
}

int Write(const PArgs& a, std::vector<ReportTable> tables) {
  const std::string problem = CheckTableFormat(a.format, a.out);
  if (!problem.empty()) return Fail(problem, kExitUsage);
  return WriteTables(tables, a.format, a.out);
}

std::string Hundredth(int64_t x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(x / 100), static_cast<long long>(x % 100));
  return buf;
}

// ---- employers

int EmployersAdd(const Context& ctx, const PArgs& a) {
  if (a.kind != "csu" && a.kind != "ccg") return Fail("--kind: csu or ccg", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto code = OdsCode::Parse(a.employer);
  if (!code.ok()) return Fail("--employer: not an ODS code", kExitUsage);
  if (a.kind == "ccg" && o->state->ref->FindCcg(code.value()) == nullptr)
    return Fail("--employer: " + a.employer + " is not a CCG in the reference data", kExitUsage);
  if (a.kind == "csu" && o->state->ref->FindCsu(code.value()) == nullptr)
    return Fail("--employer: " + a.employer + " is not a CSU in the reference data", kExitUsage);
  payroll::Employer e{a.employer, a.kind == "csu" ? payroll::EmployerKind::kCsu : payroll::EmployerKind::kCcg, a.name,
                      a.paye_ref, a.ao_ref};
  if (Status s = o->db->AddEmployer(e, o->actor); !s.ok()) return Fail(s.error().ToString());
  if (!Audit(*o, "payroll.employer.add", "payroll employer " + a.employer, {{"kind", a.kind}})) return kExitFailure;
  std::printf("employer %s added\n", a.employer.c_str());
  return kExitOk;
}

int EmployersList(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto list = o->db->Employers();
  if (!list.ok()) return Fail(list.error().ToString());
  return Write(a, {payroll::EmployersTable(list.value())});
}

// ---- employees

int EmployeesAdd(const Context& ctx, const PArgs& a) {
  auto start = DateOpt(a.start, "--start", true);
  if (!start) return kExitUsage;
  std::optional<Date> continuous;
  if (!a.continuous.empty()) {
    continuous = DateOpt(a.continuous, "--continuous-service", true);
    if (!continuous) return kExitUsage;
  }
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto id = o->db->AddEmployee({a.employer, a.staff_number, *start, continuous},
                               {std::string(Trim(a.name)), a.address, a.dob, a.ni, a.sort_code, a.account}, *o->cipher,
                               o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  if (!Audit(*o, "payroll.employee.add", "payroll employee " + std::to_string(id.value()),
             {{"employer", a.employer}, {"staff_number", a.staff_number}}))
    return kExitFailure;
  std::printf("employee %lld added (%s %s)\n", static_cast<long long>(id.value()), a.employer.c_str(),
              a.staff_number.c_str());
  return kExitOk;
}

int EmployeesList(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  auto rows = o->db->Employees(a.employer);
  if (!rows.ok()) return Fail(rows.error().ToString());
  if (!Audit(*o, "payroll.staff.list", "payroll employer " + a.employer, {{"rows", rows.value().size()}}))
    return kExitFailure;
  return Write(a, {payroll::StaffTable(rows.value())});
}

int EmployeesShow(const Context& ctx, const PArgs& a) {
  if (a.identifiable && Trim(a.purpose).empty())
    return Fail("--purpose: say why the personal fields are needed (it is audited)", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto e = o->db->FindEmployee(a.id);
  if (!e.ok()) return Fail(e.error().ToString());
  if (!e.value()) return Fail("employee " + std::to_string(a.id) + ": no such employee");
  const payroll::EmployeeRow& r = *e.value();
  nlohmann::json details{{"employer", r.employer}, {"identifiable", a.identifiable}};
  if (a.identifiable) details["purpose"] = std::string(Trim(a.purpose));
  if (!Audit(*o, a.identifiable ? "payroll.employee.view_identifiable" : "payroll.employee.view",
             "payroll employee " + std::to_string(a.id), details))
    return kExitFailure;
  std::printf("employee %lld (%s, staff number %s)\nstarted: %s\ncontinuous service from: %s\nleft: %s\n",
              static_cast<long long>(r.id), r.employer.c_str(), r.staff_number.c_str(), r.start.ToString().c_str(),
              r.continuous_service.ToString().c_str(), r.leaving ? r.leaving->ToString().c_str() : "-");
  if (a.identifiable) {
    auto p = o->db->ReadPersonal(a.id, *o->cipher);
    if (!p.ok()) return Fail(p.error().ToString());
    const auto& v = p.value();
    std::printf("name: %s\naddress: %s\ndate of birth: %s\nNI number: %s\nsort code: %s\naccount number: %s\n",
                v.name.c_str(), v.address.c_str(), v.date_of_birth.c_str(), v.ni_number.c_str(), v.sort_code.c_str(),
                v.account_number.c_str());
  } else {
    std::printf("NI number: %s\nbank account: %s\n", r.ni_masked.c_str(), r.account_masked.c_str());
  }
  auto asg = o->db->Assignments(r.employer, r.id);
  if (asg.ok())
    for (const auto& x : asg.value())
      std::printf("assignment %lld: post %s from %s%s, %s hours, %s FTE, band %s point %d, tax code %s, NI %s, pension %s\n",
                  static_cast<long long>(x.id), x.post_code.c_str(), x.start.ToString().c_str(),
                  x.end ? (" to " + x.end->ToString()).c_str() : "", Hundredth(x.hours_x100).c_str(),
                  Hundredth(x.fte_x100).c_str(), x.band.c_str(), x.spine_point, x.tax_code.c_str(),
                  x.ni_category.c_str(), x.pension_member ? "yes" : "no");
  return kExitOk;
}

int EmployeesLeave(const Context& ctx, const PArgs& a) {
  auto on = DateOpt(a.on, "--on", true);
  if (!on) return kExitUsage;
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (Status s = o->db->SetLeaving(a.id, *on, o->actor); !s.ok()) return Fail(s.error().ToString());
  if (!Audit(*o, "payroll.employee.leave", "payroll employee " + std::to_string(a.id), {{"leaving_date", a.on}}))
    return kExitFailure;
  std::printf("employee %lld leaves on %s\n", static_cast<long long>(a.id), a.on.c_str());
  return kExitOk;
}

int EmployeesTransfer(const Context& ctx, const PArgs& a) {
  auto on = DateOpt(a.on, "--on", true);
  if (!on) return kExitUsage;
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto id = o->db->Transfer(a.id, a.to, a.staff_number, *on, *o->cipher, o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  if (!Audit(*o, "payroll.employee.transfer", "payroll employee " + std::to_string(a.id),
             {{"to_employer", a.to}, {"to_employee", id.value()}, {"on", a.on}}))
    return kExitFailure;
  std::printf("employee %lld transferred to %s as employee %lld from %s (continuous service kept)\n",
              static_cast<long long>(a.id), a.to.c_str(), static_cast<long long>(id.value()), a.on.c_str());
  return kExitOk;
}

// ---- posts and assignments

int PostsAdd(const Context& ctx, const PArgs& a) {
  auto wte = Hundredths(a.wte, "--wte");
  if (!wte) return kExitUsage;
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto id = o->db->AddPost({0, a.employer, a.post, a.cost_centre, a.title, a.band, *wte}, o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  if (!Audit(*o, "payroll.post.add", "payroll post " + a.employer + "/" + a.post,
             {{"cost_centre", a.cost_centre}, {"band", a.band}, {"budgeted_wte", a.wte}}))
    return kExitFailure;
  std::printf("post %s added to %s\n", a.post.c_str(), a.employer.c_str());
  return kExitOk;
}

int PostsList(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  Date on = o->today;
  if (!a.on.empty()) {
    auto d = DateOpt(a.on, "--on", true);
    if (!d) return kExitUsage;
    on = *d;
  }
  auto rows = o->db->Establishment(a.employer, on);
  if (!rows.ok()) return Fail(rows.error().ToString());
  return Write(a, {payroll::EstablishmentTable(rows.value(), on)});
}

int AssignmentsAdd(const Context& ctx, const PArgs& a) {
  auto start = DateOpt(a.start, "--start", true);
  if (!start) return kExitUsage;
  auto hours = Hundredths(a.hours, "--hours");
  auto fte = Hundredths(a.fte, "--fte");
  if (!hours || !fte) return kExitUsage;
  payroll::Assignment x;
  x.employee_id = a.id;
  x.post_code = a.post;
  x.start = *start;
  x.hours_x100 = *hours;
  x.fte_x100 = *fte;
  x.band = a.band;
  x.spine_point = a.spine_point;
  if (!a.incremental.empty()) {
    x.incremental_date = DateOpt(a.incremental, "--incremental-date", true);
    if (!x.incremental_date) return kExitUsage;
  }
  if (!a.salary.empty()) {
    auto m = Money::Parse(a.salary);
    if (!m.ok()) return Fail("--salary: not an amount in pounds", kExitUsage);
    x.annual_salary = m.value();
  }
  x.hcas = a.hcas;
  x.tax_code = a.tax_code;
  x.ni_category = ToUpper(a.ni_category);
  const std::string member = ToUpper(a.pension);
  if (member != "Y" && member != "N") return Fail("--pension: Y or N", kExitUsage);
  x.pension_member = member == "Y";
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto id = o->db->Assign(x, o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  if (!Audit(*o, "payroll.assignment.add", "payroll employee " + std::to_string(a.id),
             {{"assignment", id.value()}, {"post", a.post}, {"start", a.start}}))
    return kExitFailure;
  std::printf("assignment %lld: employee %lld in post %s from %s\n", static_cast<long long>(id.value()),
              static_cast<long long>(a.id), a.post.c_str(), a.start.c_str());
  return kExitOk;
}

int AssignmentsEnd(const Context& ctx, const PArgs& a) {
  auto on = DateOpt(a.on, "--on", true);
  if (!on) return kExitUsage;
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (Status s = o->db->EndAssignment(a.id, *on, o->actor); !s.ok()) return Fail(s.error().ToString());
  if (!Audit(*o, "payroll.assignment.end", "payroll assignment " + std::to_string(a.id), {{"end", a.on}}))
    return kExitFailure;
  std::printf("assignment %lld ends on %s\n", static_cast<long long>(a.id), a.on.c_str());
  return kExitOk;
}

int AssignmentsList(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  auto rows = o->db->Assignments(a.employer, 0);
  if (!rows.ok()) return Fail(rows.error().ToString());
  return Write(a, {payroll::AssignmentsTable(rows.value())});
}

// ---- absence

int AbsenceAdd(const Context& ctx, const PArgs& a) {
  auto from = DateOpt(a.from, "--from", true);
  if (!from) return kExitUsage;
  auto to = a.to.empty() ? from : DateOpt(a.to, "--to", true);
  if (!to) return kExitUsage;
  auto kind = payroll::ParseAbsenceKind(a.absence_kind);
  if (!kind.ok()) return Fail("--kind: " + kind.error().why, kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto days = o->db->RecordAbsence(a.id, *from, *to, kind.value(), a.reason, o->actor);
  if (!days.ok()) return Fail(days.error().ToString());
  // The reason may be medical: the audit names the kind and days only.
  if (!Audit(*o, "payroll.absence.add", "payroll employee " + std::to_string(a.id),
             {{"kind", a.absence_kind}, {"from", from->ToString()}, {"to", to->ToString()}, {"days", days.value()}}))
    return kExitFailure;
  std::printf("employee %lld: %lld day(s) of %s recorded\n", static_cast<long long>(a.id),
              static_cast<long long>(days.value()), a.absence_kind.c_str());
  return kExitOk;
}

int AbsenceRates(const Context& ctx, const PArgs& a) {
  auto from = DateOpt(a.from, "--from", true);
  auto to = DateOpt(a.to, "--to", true);
  if (!from || !to) return kExitUsage;
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  auto months = o->db->SicknessByMonth(a.employer, *from, *to);
  if (!months.ok()) return Fail(months.error().ToString());
  return Write(a, {payroll::SicknessTable(months.value())});
}

// ---- import

int Import(const Context& ctx, const PArgs& a) {
  auto text = ReadFile(a.file);
  if (!text.ok()) return Fail(text.error().ToString());
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  const std::string name = std::filesystem::path(a.file).filename().string();
  payroll::StaffFile file = payroll::ReadStaffFile(text.value(), a.employer);
  if (!file.problems.empty()) {
    for (const auto& p : file.problems) PrintError(p.ToString(name));
    return Fail(std::to_string(file.problems.size()) + " problem(s) in " + name + "; nothing was imported");
  }
  if (file.rows.empty()) return Fail(name + ": no staff rows; nothing was imported");
  auto ids = o->db->ImportStaff(file.rows, *o->cipher, o->actor);
  if (!ids.ok()) {
    // "record N: ..." names the data row; say its line.
    std::string msg = ids.error().ToString();
    if (msg.rfind("record ", 0) == 0) {
      const size_t n = static_cast<size_t>(std::atoll(msg.c_str() + 7));
      if (n >= 1 && n <= file.lines.size()) msg = name + ":" + std::to_string(file.lines[n - 1]) + ": " + msg.substr(msg.find(':') + 2);
    }
    return Fail(msg + "; nothing was imported");
  }
  if (!Audit(*o, "payroll.import", "payroll employer " + a.employer,
             {{"file", name}, {"employees", ids.value().size()}, {"first_employee", ids.value().front()},
              {"last_employee", ids.value().back()}}))
    return kExitFailure;
  std::printf("%zu employee(s) imported to %s\n", ids.value().size(), a.employer.c_str());
  return kExitOk;
}

// ---- demo

// The demo's establishment on the employer (posts not yet there are added,
// audited) and its staff file written to --out, for `csu payroll import`.
int DemoStaff(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  auto posts = o->db->Posts(a.employer);
  if (!posts.ok()) return Fail(posts.error().ToString());
  auto employer = o->db->FindEmployer(a.employer);
  if (!employer.ok()) return Fail(employer.error().ToString());
  int added = 0;
  for (const synth::DemoPost& p : synth::DemoEstablishment((*employer.value()).kind == payroll::EmployerKind::kCsu)) {
    bool have = false;
    for (const auto& q : posts.value()) have = have || q.code == p.code;
    if (have) continue;
    auto id = o->db->AddPost({0, a.employer, p.code, p.cost_centre, p.title, p.band, p.budgeted_wte_x100}, o->actor);
    if (!id.ok()) return Fail(id.error().ToString());
    if (!Audit(*o, "payroll.post.add", "payroll post " + a.employer + "/" + p.code, {{"source", "demo"}}))
      return kExitFailure;
    ++added;
  }
  int64_t rows = 0;
  const std::string text = synth::GeneratePayrollStaff(a.employer, 1, &rows);
  AtomicFileWriter w(a.out);
  if (Status s = w.Open(); !s.ok()) return Fail(s.error().ToString());
  w.Append(text);
  if (Status s = w.Commit(); !s.ok()) return Fail(s.error().ToString());
  std::printf("%d demo post(s) added to %s; %lld staff written to %s\n", added, a.employer.c_str(),
              static_cast<long long>(rows), a.out.c_str());
  return kExitOk;
}

// ---- pay runs

std::string RatesDir(const Context& ctx, const PArgs& a) {
  if (!a.rates.empty()) return a.rates;
  const std::string ref = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  return (std::filesystem::path(ref).parent_path() / "payroll").string();
}

int RunCalculate(const Context& ctx, const PArgs& a) {
  auto rates = payroll::PayRunRates::Load(RatesDir(ctx, a));
  if (!rates.ok()) return Fail("payroll rates: " + rates.error().ToString());
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  auto run = o->db->CalculateRun(a.employer, a.year, a.period, rates.value(), o->actor);
  if (!run.ok()) return Fail(run.error().ToString());
  const auto& r = run.value();
  if (!Audit(*o, "payroll.run.calculate", "payroll run " + std::to_string(r.id),
             {{"employer", r.employer}, {"tax_year", r.tax_year}, {"period", r.period}, {"payslips", r.payslips}}))
    return kExitFailure;
  std::printf("pay run %lld: %s %s period %d calculated: %lld payslip(s), %lld flagged for review, gross %s, net %s\n",
              static_cast<long long>(r.id), r.employer.c_str(), r.tax_year.c_str(), r.period,
              static_cast<long long>(r.payslips), static_cast<long long>(r.flagged), r.gross.ToString().c_str(),
              r.net.ToString().c_str());
  return kExitOk;
}

int RunReview(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto run = o->db->FindRun(a.id);
  if (!run.ok() || !run.value()) return Fail("pay run " + std::to_string(a.id) + ": no such pay run");
  auto slips = o->db->Payslips(a.id);
  if (!slips.ok()) return Fail(slips.error().ToString());
  if (!Audit(*o, "payroll.run.review", "payroll run " + std::to_string(a.id), {{"employer", run.value()->employer}}))
    return kExitFailure;
  return Write(a, {payroll::RunsTable({*run.value()}), payroll::ReviewTable(a.id, slips.value())});
}

int RunApprove(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto run = o->db->ApproveRun(a.id, o->actor);
  if (!run.ok()) return Fail(run.error().ToString());
  const auto& r = run.value();
  if (!Audit(*o, "payroll.run.approve", "payroll run " + std::to_string(r.id),
             {{"employer", r.employer}, {"tax_year", r.tax_year}, {"period", r.period}, {"payslips", r.payslips}}))
    return kExitFailure;
  // Each final payslip of a CCG employer is a use of the PAYROLL service
  // (data/demo/catalogue.csv, meter payslips), counted once per run. The
  // CSU's own payroll is not billed to anyone.
  auto emp = o->db->FindEmployer(r.employer);
  if (emp.ok() && emp.value() && emp.value()->kind == payroll::EmployerKind::kCcg) {
    auto fy = FinancialYear::Parse(r.tax_year);
    int month = 3 + r.period, year = fy.ok() ? fy.value().start_year() : 0;
    if (month > 12) month -= 12, ++year;
    auto meter = OpenMeter(a.state.data_dir, a.database);
    if (meter.ok()) {
      auto counted = meter.value()->CountOnce("payroll_run:" + std::to_string(r.id), r.employer,
                                              billing::Period(year, month), "payslips", "", r.payslips, o->actor.at,
                                              o->actor.by);
      if (!counted.ok()) PrintError("the run was approved but its payslips were not metered: " + counted.error().ToString());
    } else {
      PrintError("the run was approved but its payslips were not metered: " + meter.error().ToString());
    }
  }
  std::printf("pay run %lld approved by %s: final (%lld payslips)\n", static_cast<long long>(r.id),
              r.approved_by.c_str(), static_cast<long long>(r.payslips));
  return kExitOk;
}

int RunList(const Context& ctx, const PArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!NeedEmployer(*o, a.employer)) return kExitUsage;
  auto runs = o->db->PayRuns(a.employer);
  if (!runs.ok()) return Fail(runs.error().ToString());
  return Write(a, {payroll::RunsTable(runs.value())});
}

// ---- registration

using Action = int (*)(const Context&, const PArgs&);

CLI::App* Sub(CLI::App* parent, Context& ctx, const char* name, const char* help, std::shared_ptr<PArgs> a, Action act) {
  CLI::App* c = parent->add_subcommand(name, help);
  AddStateOptions(c, a->state);
  AddPayrollKeyOption(c, a->payroll_key);
  AddDatabaseOption(c, a->database);
  c->callback([&ctx, a, act] { ctx.action = [&ctx, a, act] { return act(ctx, *a); }; });
  return c;
}

void TableOptions(CLI::App* c, PArgs& a) {
  c->add_option("--format", a.format, "table, csv, json or xlsx")->capture_default_str();
  c->add_option("--out", a.out, "Write to this file instead of stdout");
}

CLI::App* EmployerOption(CLI::App* c, PArgs& a) {
  c->add_option("--employer", a.employer, "The employer's ODS code")
      ->required()
      ->transform([](std::string s) { return UpperCaseCode(s); });
  return c;
}

}  // namespace

void AddPayrollStaffCommands(CLI::App& payroll, Context& ctx) {
  CLI::App* employers = payroll.add_subcommand("employers", "The employers whose payroll the CSU runs");
  employers->require_subcommand(1);
  auto a = std::make_shared<PArgs>();
  CLI::App* c = EmployerOption(Sub(employers, ctx, "add", "Add an employer with its HMRC references", a, EmployersAdd), *a);
  c->add_option("--kind", a->kind, "csu or ccg")->capture_default_str();
  c->add_option("--name", a->name, "The employer's name")->required();
  c->add_option("--paye-ref", a->paye_ref, "Employer PAYE reference, like 123/AB456")->required();
  c->add_option("--ao-ref", a->ao_ref, "Accounts office reference, like 123PA00012345")->required();
  a = std::make_shared<PArgs>();
  TableOptions(Sub(employers, ctx, "list", "List the employers", a, EmployersList), *a);

  CLI::App* employees = payroll.add_subcommand("employees", "Staff: personal fields sealed, lists masked, views audited");
  employees->require_subcommand(1);
  a = std::make_shared<PArgs>();
  c = EmployerOption(Sub(employees, ctx, "add", "Add an employee", a, EmployeesAdd), *a);
  c->add_option("--staff-number", a->staff_number, "The employer's payroll number")->required();
  c->add_option("--name", a->name, "Full name")->required();
  c->add_option("--address", a->address, "Postal address");
  c->add_option("--dob", a->dob, "Date of birth (YYYY-MM-DD)")->required();
  c->add_option("--ni", a->ni, "National Insurance number")->required();
  c->add_option("--sort-code", a->sort_code, "Bank sort code")->required();
  c->add_option("--account", a->account, "Bank account number (8 digits)")->required();
  c->add_option("--start", a->start, "Start of this employment (YYYY-MM-DD)")->required();
  c->add_option("--continuous-service", a->continuous, "Continuous service date (default: --start)");
  a = std::make_shared<PArgs>();
  TableOptions(EmployerOption(Sub(employees, ctx, "list", "List an employer's staff (NI and bank masked; audited)", a,
                                  EmployeesList),
                              *a),
               *a);
  a = std::make_shared<PArgs>();
  c = Sub(employees, ctx, "show", "Show an employee's record (audited)", a, EmployeesShow);
  c->add_option("EMPLOYEE", a->id, "Employee id")->required();
  c->add_flag("--identifiable", a->identifiable, "Show name, address, date of birth, NI number and bank details");
  c->add_option("--purpose", a->purpose, "Why the personal fields are needed (audited; with --identifiable)");
  a = std::make_shared<PArgs>();
  c = Sub(employees, ctx, "leave", "Record an employee's leaving date", a, EmployeesLeave);
  c->add_option("EMPLOYEE", a->id, "Employee id")->required();
  c->add_option("--on", a->on, "Last day of employment (YYYY-MM-DD)")->required();
  a = std::make_shared<PArgs>();
  c = Sub(employees, ctx, "transfer", "TUPE transfer to another employer, keeping continuous service", a,
          EmployeesTransfer);
  c->add_option("EMPLOYEE", a->id, "Employee id")->required();
  c->add_option("--to", a->to, "The new employer's ODS code")->required()->transform([](std::string s) {
    return UpperCaseCode(s);
  });
  c->add_option("--staff-number", a->staff_number, "Payroll number at the new employer")->required();
  c->add_option("--on", a->on, "First day with the new employer (YYYY-MM-DD)")->required();

  CLI::App* posts = payroll.add_subcommand("posts", "The establishment: posts per cost centre");
  posts->require_subcommand(1);
  a = std::make_shared<PArgs>();
  c = EmployerOption(Sub(posts, ctx, "add", "Add a post", a, PostsAdd), *a);
  c->add_option("--post", a->post, "Post code")->required();
  c->add_option("--cost-centre", a->cost_centre, "Ledger cost centre")->required();
  c->add_option("--title", a->title, "Job title")->required();
  c->add_option("--band", a->band, "Agenda for Change band")->required();
  c->add_option("--wte", a->wte, "Budgeted whole-time equivalent (1.00)")->required();
  a = std::make_shared<PArgs>();
  c = EmployerOption(Sub(posts, ctx, "list", "Establishment against staff in post, with vacancies", a, PostsList), *a);
  c->add_option("--on", a->on, "The day (default: today)");
  TableOptions(c, *a);

  CLI::App* assignments = payroll.add_subcommand("assignments", "Staff in posts");
  assignments->require_subcommand(1);
  a = std::make_shared<PArgs>();
  c = Sub(assignments, ctx, "add", "Assign an employee to a post", a, AssignmentsAdd);
  c->add_option("--employee", a->id, "Employee id")->required();
  c->add_option("--post", a->post, "Post code at the employee's employer")->required();
  c->add_option("--start", a->start, "First day (YYYY-MM-DD)")->required();
  c->add_option("--hours", a->hours, "Contracted hours a week (37.5)")->required();
  c->add_option("--fte", a->fte, "Whole-time equivalent (1.00)")->required();
  c->add_option("--band", a->band, "Band")->required();
  c->add_option("--point", a->spine_point, "Pay step point in the band");
  c->add_option("--incremental-date", a->incremental, "Next incremental date (YYYY-MM-DD)");
  c->add_option("--salary", a->salary, "Stated whole-time annual salary in pounds, instead of the AfC scale");
  c->add_option("--hcas", a->hcas, "High cost area zone: inner_london, outer_london or fringe");
  c->add_option("--tax-code", a->tax_code, "Tax code")->capture_default_str();
  c->add_option("--ni-category", a->ni_category, "NI category letter")->capture_default_str();
  c->add_option("--pension", a->pension, "NHS Pension Scheme member: Y or N")->capture_default_str();
  a = std::make_shared<PArgs>();
  c = Sub(assignments, ctx, "end", "End an assignment", a, AssignmentsEnd);
  c->add_option("ASSIGNMENT", a->id, "Assignment id")->required();
  c->add_option("--on", a->on, "Last day (YYYY-MM-DD)")->required();
  a = std::make_shared<PArgs>();
  TableOptions(EmployerOption(Sub(assignments, ctx, "list", "An employer's assignments", a, AssignmentsList), *a), *a);

  CLI::App* absence = payroll.add_subcommand("absence", "Absence per day and the sickness absence rate");
  absence->require_subcommand(1);
  a = std::make_shared<PArgs>();
  c = Sub(absence, ctx, "add", "Record absence, one row per calendar day", a, AbsenceAdd);
  c->add_option("--employee", a->id, "Employee id")->required();
  c->add_option("--from", a->from, "First day (YYYY-MM-DD)")->required();
  c->add_option("--to", a->to, "Last day (default: --from)");
  c->add_option("--kind", a->absence_kind, "sickness, annual_leave, maternity, paternity, special, unpaid or other")
      ->capture_default_str();
  c->add_option("--reason", a->reason, "Reason (kept in payroll.sqlite, not in the audit log)");
  a = std::make_shared<PArgs>();
  c = EmployerOption(Sub(absence, ctx, "rates", "Sickness absence rate per month (FTE days lost / available)", a,
                         AbsenceRates),
                     *a);
  c->add_option("--from", a->from, "First day (YYYY-MM-DD)")->required();
  c->add_option("--to", a->to, "Last day (YYYY-MM-DD)")->required();
  TableOptions(c, *a);

  a = std::make_shared<PArgs>();
  c = EmployerOption(Sub(&payroll, ctx, "import", "Import a staff list (docs/formats/payroll-staff-v1.md), all or nothing",
                         a, Import),
                     *a);
  c->add_option("FILE", a->file, "The staff CSV")->required();

  a = std::make_shared<PArgs>();
  c = EmployerOption(Sub(&payroll, ctx, "demo-staff",
                         "Add the demo establishment to an employer and write its synthetic staff file", a, DemoStaff),
                     *a);
  c->add_option("--out", a->out, "The staff CSV to write (payroll-staff-v1)")->required();

  CLI::App* run = payroll.add_subcommand("run", "Pay runs: calculate, review, approve (a second person), final");
  run->require_subcommand(1);
  a = std::make_shared<PArgs>();
  c = EmployerOption(Sub(run, ctx, "calculate", "Calculate (or recalculate) a month's run", a, RunCalculate), *a);
  c->add_option("--year", a->year, "Tax year, e.g. 2025/26")->required();
  c->add_option("--period", a->period, "Month of the tax year, 1 (April) to 12 (March)")->required();
  c->add_option("--rates", a->rates, "Folder of the payroll rates (default: data/payroll beside the reference data)");
  a = std::make_shared<PArgs>();
  c = Sub(run, ctx, "review", "A run's payslips with the review flags", a, RunReview);
  c->add_option("RUN", a->id, "Pay run id")->required();
  TableOptions(c, *a);
  a = std::make_shared<PArgs>();
  c = Sub(run, ctx, "approve", "Approve a run someone else calculated; it is then final", a, RunApprove);
  c->add_option("RUN", a->id, "Pay run id")->required();
  a = std::make_shared<PArgs>();
  TableOptions(EmployerOption(Sub(run, ctx, "list", "An employer's pay runs", a, RunList), *a), *a);
  AddPayrollStoredRunCommands(payroll, *run, *employers, *employees, ctx);
}

}  // namespace csu::cli
