// `csu payroll calc`: the payroll calculator for checking a case or a file
// of cases against HMRC's test data or another system: PAYE, Class 1 NI and
// NHS Pension per row, each figure explained (docs/formats/payroll-calc-v1.md;
// rules and sources: docs/payroll.md). Rates come from data/payroll, beside
// the reference data.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/table_output.h"
#include "payroll/calculator.h"
#include "payroll/rates.h"
#include "refdata/refdata.h"

namespace csu::cli {

// The pay run outputs under `csu payroll` (payroll_run_command.cc).
void AddPayrollRunCommands(CLI::App& payroll, Context& ctx);

namespace {

struct CalcArgs {
  std::string input;
  std::string format = "csv";
  std::string out;
  std::string rates;
};

int RunCalc(const Context& ctx, const CalcArgs& args) {
  std::string dir = args.rates;
  if (dir.empty()) {
    // data/payroll sits beside data/refdata, wherever that was found.
    const std::string ref = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
    dir = (std::filesystem::path(ref).parent_path() / "payroll").string();
  }
  auto rates = payroll::PayrollRates::Load(dir);
  if (!rates.ok()) {
    PrintError("payroll rates: " + rates.error().ToString());
    return kExitFailure;
  }
  auto table = payroll::CalculateFile(rates.value(), args.input);
  if (!table.ok()) {
    PrintError(table.error().ToString());
    return kExitFailure;
  }
  return WriteTables({table.value()}, args.format, args.out);
}

}  // namespace

void AddPayrollCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("payroll", "Payroll and HR: employers, staff, posts, absence, pay runs, and the PAYE, NI and NHS Pension calculator");
  group->require_subcommand(1);
  AddPayrollRunCommands(*group, ctx);
  auto args = std::make_shared<CalcArgs>();
  auto* calc = group->add_subcommand("calc", "Tax, NI and pension for each case of a CSV, every figure explained");
  calc->add_option("--input", args->input,
                   "CSV, one case per row: tax_year, frequency, period, tax_code, ni_category, pension_member, "
                   "gross_pay, pensionable_pay, annual_pensionable_pay, taxable_pay_to_date, tax_to_date (any order; "
                   "other columns are carried through)")
      ->required()
      ->check(CLI::ExistingFile);
  calc->add_option("--format", args->format, "table, csv, json or xlsx (xlsx needs --out)")
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}))
      ->capture_default_str();
  calc->add_option("--out", args->out, "Write to this file (atomically) instead of stdout");
  calc->add_option("--rates", args->rates, "Folder of the payroll rates (default: data/payroll beside the reference data)")
      ->check(CLI::ExistingDirectory);
  calc->footer(
      "Amounts are pounds (2497.50). taxable_pay_to_date is this employment's taxable pay in the tax year\n"
      "INCLUDING this period (as HMRC's test data and payslips show it); tax_to_date is the tax deducted\n"
      "BEFORE this period. Both may be blank in period 1 and for W1/M1/X codes.\n"
      "Output: the other input columns, then taxable_pay, tax, employee_ni, employer_ni,\n"
      "employee_pension, employer_pension, employer_pension_levy, net_pay and explanation.\n"
      "Format: docs/formats/payroll-calc-v1.md; rules and sources: docs/payroll.md.");
  AddPayrollStaffCommands(*group, ctx);
  calc->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      const std::string problem = CheckTableFormat(args->format, args->out);
      if (!problem.empty()) {
        PrintError(problem);
        return kExitUsage;
      }
      return RunCalc(ctx, *args);
    };
  });
}

}  // namespace csu::cli
