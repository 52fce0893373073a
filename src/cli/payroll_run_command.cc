// `csu payroll payslips|summary|bank-file|fps|p60|p45|journal`: a pay run's
// outputs from a CSV of period inputs and an employer file
// (docs/formats/payroll-period-v1.md), so a payroll officer can produce
// payslips, the bank payment file (docs/formats/bank-payment-standard18-v1.md),
// the RTI Full Payment Submission (docs/formats/rti-fps-v1.md), P60s, P45s
// and the ledger journal of a run before the staff records are kept in the
// platform. Nothing is stored; nothing personal is printed to stderr. Rules
// and sources: docs/payroll.md.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/table_output.h"
#include "core/file.h"
#include "finance/payroll_posting.h"
#include "ledger/chart.h"
#include "ledger/journal_format.h"
#include "payroll/bank_file.h"
#include "payroll/fps_xml.h"
#include "payroll/pay_run.h"
#include "payroll/pay_run_file.h"
#include "payroll/payslip_tables.h"
#include "refdata/refdata.h"

namespace csu::cli {
namespace {

struct RunArgs {
  std::string what;
  std::string input;
  std::string employer;
  std::string format = "csv";
  std::string out;
  std::string rates;
  std::string chart;
};

std::string DataDir(const Context& ctx, const std::string& name) {
  const std::string ref = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  return (std::filesystem::path(ref).parent_path() / name).string();
}

int RunOutput(const Context& ctx, const RunArgs& args) {
  auto rates = payroll::PayRunRates::Load(args.rates.empty() ? DataDir(ctx, "payroll") : args.rates);
  if (!rates.ok()) return Fail("payroll rates: " + rates.error().ToString());
  auto file = payroll::ReadPayRunFile(args.input);
  if (!file.ok()) return Fail(file.error().ToString());
  auto employer = payroll::ReadEmployerFile(args.employer);
  if (!employer.ok()) return Fail(employer.error().ToString());
  for (payroll::PeriodInput& in : file.value().inputs) in.employer_id = employer.value().employer_id;
  auto run = payroll::CalculatePayRun(file.value().inputs, rates.value());
  if (!run.ok()) return Fail(run.error().ToString());
  const payroll::PayRunResult& r = run.value();
  const auto& people = file.value().people;

  if (args.what == "payslips") return WriteTables({payroll::PayslipLines(r)}, args.format, args.out);
  if (args.what == "summary") return WriteTables({payroll::PayRunSummary(r)}, args.format, args.out);
  if (args.what == "p60" || args.what == "p45") {
    auto t = args.what == "p60" ? payroll::P60Table(r, people, employer.value()) : payroll::P45Table(r, people, employer.value());
    if (!t.ok()) return Fail(t.error().ToString());
    return WriteTables({t.value()}, args.format, args.out);
  }
  if (args.what == "bank-file") {
    auto bank = payroll::WriteBankFile(r, people, employer.value());
    if (!bank.ok()) return Fail(bank.error().ToString());
    return WriteText(bank.value().text, args.out);
  }
  if (args.what == "fps") {
    auto xml = payroll::WriteFps(r, people, employer.value());
    if (!xml.ok()) return Fail(xml.error().ToString());
    return WriteText(xml.value(), args.out);
  }
  // journal
  const std::string chart_path = args.chart.empty() ? DataDir(ctx, "ledger") + "/csu-chart.csv" : args.chart;
  auto chart_text = ReadFile(chart_path);
  if (!chart_text.ok()) return Fail(chart_text.error().ToString());
  auto chart = ledger::ParseChartTemplate(chart_text.value(), chart_path);
  if (!chart.ok()) return Fail(chart.error().ToString());
  auto journal = finance::PayRunJournal(r, payroll::RunReference(r), r.payslips.front().pay_date, chart.value().accounts);
  if (!journal.ok()) return Fail(journal.error().ToString());
  std::string text;
  ledger::AppendJournalText(journal.value(), text);
  return WriteText(text, args.out);
}

}  // namespace

void AddPayrollRunCommands(CLI::App& group, Context& ctx) {
  struct Spec {
    const char* name;
    const char* help;
    bool table;
  };
  static constexpr Spec kSpecs[] = {
      {"payslips", "Every payslip line of a run with how it was worked (printable, CSV, JSON, XLSX)", true},
      {"summary", "One row per employee with every figure and a total row: the review sheet of a run", true},
      {"bank-file", "The net pay as Bacs Standard 18 payment records with a contra", false},
      {"fps", "The RTI Full Payment Submission body (IRenvelope) of the run, HMRC's FPS schema", false},
      {"p60", "P60 end-of-year certificates from each employee's last payslip of the year", true},
      {"p45", "P45 details for the leavers of the run", true},
      {"journal", "The run's ledger journal: costs by cost centre, liabilities to HMRC, NHS Pensions and staff", false},
  };
  group.footer(
      "payslips, summary, bank-file, fps, p60, p45 and journal calculate a run from a period file.\n"
      "The same outputs of a run stored in the state folder: csu payroll run payslips|summary|bank-file|fps|p45|journal "
      "RUN,\nand csu payroll run p60 --employer E --year Y.");
  for (const Spec& spec : kSpecs) {
    auto args = std::make_shared<RunArgs>();
    args->what = spec.name;
    // These calculate from files; `csu payroll run <output>` gives the same
    // outputs of a run stored in payroll.sqlite (the group's footer says so).
    auto* cmd = group.add_subcommand(spec.name, std::string(spec.help) + " (from a period file)");
    cmd->add_option("--input", args->input, "Period file: one row per employee of the run (docs/formats/payroll-period-v1.md)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--employer", args->employer, "Employer file: PAYE and accounts office references, paying account")
        ->required()
        ->check(CLI::ExistingFile);
    if (spec.table) {
      cmd->add_option("--format", args->format, "table, csv, json or xlsx (xlsx needs --out)")
          ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}))
          ->capture_default_str();
    }
    cmd->add_option("--out", args->out, "Write to this file (atomically) instead of stdout");
    cmd->add_option("--rates", args->rates, "Folder of the payroll rates (default: data/payroll beside the reference data)")
        ->check(CLI::ExistingDirectory);
    if (std::string_view(spec.name) == "journal") {
      cmd->add_option("--chart", args->chart, "Chart of accounts template (default: data/ledger/csu-chart.csv)")
          ->check(CLI::ExistingFile);
    }
    cmd->footer("Formats: docs/formats/payroll-period-v1.md; rules and sources: docs/payroll.md.");
    const bool table = spec.table;
    cmd->callback([&ctx, args, table] {
      ctx.action = [&ctx, args, table] {
        if (table) {
          const std::string problem = CheckTableFormat(args->format, args->out);
          if (!problem.empty()) return Fail(problem, kExitUsage);
        }
        return RunOutput(ctx, *args);
      };
    });
  }
}

}  // namespace csu::cli
