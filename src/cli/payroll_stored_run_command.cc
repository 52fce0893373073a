// A stored pay run's outputs and its ledger posting (docs/payroll.md,
// "Outputs of a stored run", "Posting a run to the ledger"):
//   csu payroll run payslips|summary RUN      payslips and the review sheet (any state; a
//                                             calculated run's are marked not final)
//   csu payroll run bank-file|fps|p45|journal RUN   only from a final (approved) run
//   csu payroll run p60 --employer CODE --year 2025/26   after period 12 is final
//   csu payroll run post RUN                  the run's journal into the employer's ledger, once
//   csu payroll pay-cost --employer CODE --year 2025/26  pay cost against budget per cost centre
//   csu payroll employers account ...         the account net pay is paid from (bank file)
//   csu payroll employees gender EMPLOYEE --gender F|M   what the FPS needs beyond the record
// Every output is audited before it is written, with the run and counts,
// never a personal field; the personal fields (names, NI numbers, bank
// details) go only into the outputs that carry them (bank file, FPS, P45,
// P60), to the file or stdout the caller names, never to stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/ledger_open.h"
#include "cli/payroll_open.h"
#include "cli/server_mode.h"
#include "cli/table_output.h"
#include "core/file.h"
#include "finance/payroll_ledger.h"
#include "finance/payroll_posting.h"
#include "ledger/chart.h"
#include "ledger/journal_format.h"
#include "ledger/org_directory.h"
#include "payroll/bank_file.h"
#include "payroll/fps_xml.h"
#include "payroll/hr_views.h"
#include "payroll/payslip_tables.h"
#include "refdata/refdata.h"

namespace csu::cli {
namespace {

struct SArgs {
  StateArgs state;
  std::string payroll_key;
  std::string database;  // server mode (--database)
  int64_t id = 0;
  std::string employer, year;
  std::string format = "table", out;
  std::string sort_code, account, account_name, sun, gender;
};

int Tables(const SArgs& a, std::vector<report::ReportTable> tables) {
  const std::string problem = CheckTableFormat(a.format, a.out);
  if (!problem.empty()) return Fail(problem, kExitUsage);
  return WriteTables(tables, a.format, a.out);
}

std::string RunSubject(int64_t id) { return "payroll run " + std::to_string(id); }

// The run, or nullopt after printing why; `final_only` refuses a run that
// is not approved, saying which output needs a final run.
std::optional<payroll::PayRunRecord> RunFor(OpenedPayroll& o, int64_t id, const char* output, bool final_only) {
  auto run = o.db->FindRun(id);
  if (!run.ok()) {
    PrintError(run.error().ToString());
    return std::nullopt;
  }
  if (!run.value()) {
    PrintError("pay run " + std::to_string(id) + ": no such pay run");
    return std::nullopt;
  }
  if (final_only && run.value()->state != payroll::RunState::kApproved) {
    PrintError("pay run " + std::to_string(id) + ": is calculated, not final: the " + output +
               " comes only from a final (approved) run; a second person approves it first (csu payroll run approve " +
               std::to_string(id) + ")");
    return std::nullopt;
  }
  return *run.value();
}

int Payslips(const Context& ctx, const SArgs& a, bool summary) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  auto run = RunFor(*o, a.id, "payslips", false);
  if (!run) return kExitFailure;
  auto r = o->db->RunResult(a.id);
  if (!r.ok()) return Fail(r.error().ToString());
  if (!AuditPayroll(*o, summary ? "payroll.run.summary" : "payroll.run.payslips", RunSubject(a.id),
                    {{"employer", run->employer}, {"payslips", r.value().payslips.size()}, {"format", a.format}}))
    return kExitFailure;
  report::ReportTable t = summary ? payroll::PayRunSummary(r.value()) : payroll::PayslipLines(r.value());
  t.title += " — " + run->employer + " " + run->tax_year + " period " + std::to_string(run->period);
  if (run->state != payroll::RunState::kApproved)
    t.title += " (calculated, NOT FINAL: awaiting a second person's approval)";
  return Tables(a, {t});
}

int BankFileOrFps(const Context& ctx, const SArgs& a, bool fps) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  auto run = RunFor(*o, a.id, fps ? "FPS" : "bank file", true);
  if (!run) return kExitFailure;
  auto employer = o->db->EmployerDetailsOf(run->employer);
  if (!employer.ok()) return Fail(employer.error().ToString());
  if (!fps && employer.value().sort_code.empty())
    return Fail("employer " + run->employer + ": no paying account is recorded (csu payroll employers account --employer " +
                run->employer + " ...)");
  auto r = o->db->RunResult(a.id, fps);
  if (!r.ok()) return Fail(r.error().ToString());
  auto people = o->db->RunPeople(r.value(), run->employer, *o->cipher, fps);
  if (!people.ok()) return Fail(people.error().ToString());
  std::string text;
  nlohmann::json details{{"employer", run->employer}, {"payslips", r.value().payslips.size()}};
  if (fps) {
    auto xml = payroll::WriteFps(r.value(), people.value(), employer.value());
    if (!xml.ok()) return Fail(xml.error().ToString());
    text = std::move(xml).value();
  } else {
    auto bank = payroll::WriteBankFile(r.value(), people.value(), employer.value());
    if (!bank.ok()) return Fail(bank.error().ToString());
    details["payments"] = bank.value().payments;
    details["total_pence"] = bank.value().total.pence();
    text = std::move(bank.value().text);
  }
  // Audited before a byte of it leaves: who took which run's file.
  if (!AuditPayroll(*o, fps ? "payroll.run.fps" : "payroll.run.bank_file", RunSubject(a.id), details))
    return kExitFailure;
  return WriteText(text, a.out);
}

int P45(const Context& ctx, const SArgs& a) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  auto run = RunFor(*o, a.id, "P45", true);
  if (!run) return kExitFailure;
  auto employer = o->db->EmployerDetailsOf(run->employer);
  if (!employer.ok()) return Fail(employer.error().ToString());
  auto r = o->db->RunResult(a.id);
  if (!r.ok()) return Fail(r.error().ToString());
  payroll::PayRunResult leavers;
  for (const payroll::Payslip& p : r.value().payslips)
    if (p.leaving_date) leavers.payslips.push_back(p);
  if (leavers.payslips.empty()) return Fail("pay run " + std::to_string(a.id) + ": no leaver was paid in this run");
  auto people = o->db->RunPeople(leavers, run->employer, *o->cipher);
  if (!people.ok()) return Fail(people.error().ToString());
  auto t = payroll::P45Table(leavers, people.value(), employer.value());
  if (!t.ok()) return Fail(t.error().ToString());
  if (!AuditPayroll(*o, "payroll.run.p45", RunSubject(a.id),
                    {{"employer", run->employer}, {"leavers", leavers.payslips.size()}}))
    return kExitFailure;
  return Tables(a, {t.value()});
}

int P60(const Context& ctx, const SArgs& a) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  auto employer = o->db->EmployerDetailsOf(a.employer);
  if (!employer.ok()) return Fail(employer.error().ToString(), kExitUsage);
  auto r = o->db->YearEndResult(a.employer, a.year);
  if (!r.ok()) return Fail(r.error().ToString());
  auto people = o->db->RunPeople(r.value(), a.employer, *o->cipher);
  if (!people.ok()) return Fail(people.error().ToString());
  auto t = payroll::P60Table(r.value(), people.value(), employer.value());
  if (!t.ok()) return Fail(t.error().ToString());
  if (!AuditPayroll(*o, "payroll.p60", "payroll employer " + a.employer,
                    {{"tax_year", a.year}, {"certificates", r.value().payslips.size()}}))
    return kExitFailure;
  return Tables(a, {t.value()});
}

std::string TemplateChart(const Context& ctx, payroll::EmployerKind kind) {
  const std::string ref = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  return (std::filesystem::path(ref).parent_path() / "ledger" /
          (kind == payroll::EmployerKind::kCsu ? "csu-chart.csv" : "ccg-chart.csv"))
      .string();
}

int Journal(const Context& ctx, const SArgs& a) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  auto run = RunFor(*o, a.id, "journal", true);
  if (!run) return kExitFailure;
  auto r = o->db->RunResult(a.id);
  if (!r.ok()) return Fail(r.error().ToString());
  // The employer's ledger's chart when it has one here, else the shipped
  // template for its kind (what the ledger would be created with).
  std::vector<ledger::Account> chart;
  auto ledger = OpenLedgerStore(a.state.data_dir, a.database);
  if (ledger.ok() && ledger.value()->GetEntity(run->employer).ok()) {
    auto accounts = ledger.value()->Accounts(run->employer);
    if (!accounts.ok()) return Fail(accounts.error().ToString());
    chart = std::move(accounts).value();
  } else {
    auto emp = o->db->FindEmployer(run->employer);
    if (!emp.ok() || !emp.value()) return Fail("employer " + run->employer + ": is not recorded");
    const std::string path = TemplateChart(ctx, emp.value()->kind);
    auto text = ReadFile(path);
    if (!text.ok()) return Fail(text.error().ToString());
    auto tpl = ledger::ParseChartTemplate(text.value(), path);
    if (!tpl.ok()) return Fail(tpl.error().ToString());
    chart = tpl.value().accounts;
  }
  auto journal = finance::PayRunJournal(r.value(), payroll::RunReference(r.value()), r.value().payslips.front().pay_date,
                                        chart, finance::PayrollAccountsFor(chart));
  if (!journal.ok()) return Fail(journal.error().ToString());
  std::string text;
  ledger::AppendJournalText(journal.value(), text);
  return WriteText(text, a.out);
}

int Post(const Context& ctx, const SArgs& a) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  auto run = RunFor(*o, a.id, "ledger journal", true);
  if (!run) return kExitFailure;
  auto ledger = OpenLedgerStore(a.state.data_dir, a.database);
  if (!ledger.ok()) return Fail(ledger.error().ToString());
  auto posted = finance::PostPayRun(*o->db, *ledger.value(), a.id, ledger::DirectoryOf(*o->state->ref), o->actor);
  if (!posted.ok()) return Fail(posted.error().ToString());
  const auto& p = posted.value();
  if (!AuditPayroll(*o, "payroll.run.post", RunSubject(a.id),
                    {{"employer", run->employer}, {"entity", run->employer}, {"journal", p.journal}, {"batch", p.batch},
                     {"pending", p.pending}, {"recovered", p.recovered}, {"debits_pence", p.debits.pence()}}))
    return kExitFailure;
  std::printf("pay run %lld posted to %s's ledger as journal %lld (%s, debits %s)%s%s\n", static_cast<long long>(a.id),
              run->employer.c_str(), static_cast<long long>(p.journal), p.reference.c_str(),
              p.debits.ToString().c_str(),
              p.pending ? (" - batch " + std::to_string(p.batch) + " waits for a second person's approval: csu ledger approve").c_str()
                        : "",
              p.recovered ? " (found from an interrupted earlier post)" : "");
  return kExitOk;
}

int PayCost(const Context& ctx, const SArgs& a) {
  auto year = FinancialYear::Parse(a.year);
  if (!year.ok()) return Fail("--year: not a year like 2025/26", kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto t = finance::PayCostTable(*o->db, a.employer, year.value());
  if (!t.ok()) return Fail(t.error().ToString());
  return Tables(a, {t.value()});
}

int EmployerAccount(const Context& ctx, const SArgs& a) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  if (Status s = o->db->SetEmployerAccount(a.employer, {a.sort_code, a.account, a.account_name, a.sun}, o->actor); !s.ok())
    return Fail(s.error().ToString());
  if (!AuditPayroll(*o, "payroll.employer.account", "payroll employer " + a.employer, {{"bacs_user_number", a.sun}}))
    return kExitFailure;
  std::printf("employer %s pays from the account set\n", a.employer.c_str());
  return kExitOk;
}

int Gender(const Context& ctx, const SArgs& a) {
  auto o = OpenPayroll(ctx, a.state, a.payroll_key, a.database);
  if (!o) return kExitFailure;
  const char g = a.gender.size() == 1 ? static_cast<char>(a.gender[0] & ~0x20) : '?';
  if (Status s = o->db->SetGender(a.id, g, *o->cipher, o->actor); !s.ok()) return Fail(s.error().ToString());
  // The audit names the field set, never its value.
  if (!AuditPayroll(*o, "payroll.employee.gender", "payroll employee " + std::to_string(a.id), {{"field", "gender"}}))
    return kExitFailure;
  std::printf("employee %lld: gender recorded (sealed)\n", static_cast<long long>(a.id));
  return kExitOk;
}

CLI::App* Sub(CLI::App& parent, Context& ctx, const char* name, const char* help, std::shared_ptr<SArgs> a,
              std::function<int(const Context&, const SArgs&)> act) {
  CLI::App* c = parent.add_subcommand(name, help);
  AddStateOptions(c, a->state);
  AddPayrollKeyOption(c, a->payroll_key);
  AddDatabaseOption(c, a->database);
  c->callback([&ctx, a, act] { ctx.action = [&ctx, a, act] { return act(ctx, *a); }; });
  return c;
}

void TableOpts(CLI::App* c, SArgs& a) {
  c->add_option("--format", a.format, "table, csv, json or xlsx (xlsx needs --out)")->capture_default_str();
  c->add_option("--out", a.out, "Write to this file instead of stdout");
}

void RunId(CLI::App* c, SArgs& a) { c->add_option("RUN", a.id, "Pay run id (csu payroll run list)")->required(); }

void EmployerYear(CLI::App* c, SArgs& a) {
  c->add_option("--employer", a.employer, "The employer's ODS code")->required()->transform([](std::string s) {
    return UpperCaseCode(s);
  });
  c->add_option("--year", a.year, "Tax year, e.g. 2025/26")->required();
}

}  // namespace

void AddPayrollStoredRunCommands(CLI::App& payroll, CLI::App& run, CLI::App& employers, CLI::App& employees,
                                 Context& ctx) {
  auto a = std::make_shared<SArgs>();
  CLI::App* c = Sub(run, ctx, "payslips", "A stored run's payslips, every line with its working (audited)", a,
                    [](const Context& x, const SArgs& y) { return Payslips(x, y, false); });
  RunId(c, *a);
  TableOpts(c, *a);
  a = std::make_shared<SArgs>();
  c = Sub(run, ctx, "summary", "A stored run's review sheet: one row per employee and a total (audited)", a,
          [](const Context& x, const SArgs& y) { return Payslips(x, y, true); });
  RunId(c, *a);
  TableOpts(c, *a);
  a = std::make_shared<SArgs>();
  c = Sub(run, ctx, "bank-file", "A final run's net pay as Bacs Standard 18 records (personal data; audited)", a,
          [](const Context& x, const SArgs& y) { return BankFileOrFps(x, y, false); });
  RunId(c, *a);
  c->add_option("--out", a->out, "Write to this file (atomically) instead of stdout");
  a = std::make_shared<SArgs>();
  c = Sub(run, ctx, "fps", "A final run's RTI Full Payment Submission body (personal data; audited)", a,
          [](const Context& x, const SArgs& y) { return BankFileOrFps(x, y, true); });
  RunId(c, *a);
  c->add_option("--out", a->out, "Write to this file (atomically) instead of stdout");
  a = std::make_shared<SArgs>();
  c = Sub(run, ctx, "p45", "P45 details of the leavers paid in a final run (personal data; audited)", a, P45);
  RunId(c, *a);
  TableOpts(c, *a);
  a = std::make_shared<SArgs>();
  c = Sub(run, ctx, "p60", "P60s for a tax year from its final runs, once period 12 is final (personal data; audited)",
          a, P60);
  EmployerYear(c, *a);
  TableOpts(c, *a);
  a = std::make_shared<SArgs>();
  c = Sub(run, ctx, "journal", "A final run's ledger journal (costs by cost centre, liabilities)", a, Journal);
  RunId(c, *a);
  c->add_option("--out", a->out, "Write to this file (atomically) instead of stdout");
  a = std::make_shared<SArgs>();
  c = Sub(run, ctx, "post", "Post a final run's journal to the employer's ledger, once (audited)", a, Post);
  RunId(c, *a);

  a = std::make_shared<SArgs>();
  c = payroll.add_subcommand("pay-cost", "Pay cost against budget per cost centre and month, from the employer's ledger");
  AddStateOptions(c, a->state);
  AddDatabaseOption(c, a->database);
  EmployerYear(c, *a);
  TableOpts(c, *a);
  c->callback([&ctx, a] { ctx.action = [&ctx, a] { return PayCost(ctx, *a); }; });

  a = std::make_shared<SArgs>();
  c = Sub(employers, ctx, "account", "Set the account an employer pays net pay from (the bank file's contra)", a,
          EmployerAccount);
  c->add_option("--employer", a->employer, "The employer's ODS code")->required()->transform([](std::string s) {
    return UpperCaseCode(s);
  });
  c->add_option("--sort-code", a->sort_code, "Sort code (6 digits)")->required();
  c->add_option("--account", a->account, "Account number (8 digits)")->required();
  c->add_option("--account-name", a->account_name, "Account name as the bank holds it")->required();
  c->add_option("--sun", a->sun, "Bacs service user number (6 characters)")->required();

  a = std::make_shared<SArgs>();
  c = Sub(employees, ctx, "gender", "Record the gender HMRC holds for an employee (the FPS needs it; sealed)", a, Gender);
  c->add_option("EMPLOYEE", a->id, "Employee id")->required();
  c->add_option("--gender", a->gender, "F or M, as HMRC records it")->required();
}

}  // namespace csu::cli
