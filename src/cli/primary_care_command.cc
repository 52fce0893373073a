// `csu primary-care qof`: the QOF calculator for checking a practice's
// achievement and payment from two CSV files (docs/formats/qof-input-v1.md),
// one row per indicator with its arithmetic explained. Rules and sources:
// docs/primary-care.md.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/table_output.h"
#include "primarycare/qof_files.h"
#include "primarycare/qof_report.h"

namespace csu::cli {

// `primary-care schemes|claims`, under the group (primary_care_claims_command.cc).
void AddPrimaryCareClaimsCommands(CLI::App* group, Context& ctx);

namespace {

struct QofArgs {
  std::string practices;
  std::string indicators;
  std::string format = "csv";
  std::string out;
  bool totals = false;
  bool aspiration = false;
};

int RunQof(const QofArgs& args) {
  auto inputs = primarycare::ReadQofFiles(args.practices, args.indicators);
  if (!inputs.ok()) {
    PrintError(inputs.error().ToString());
    return kExitFailure;
  }
  if (args.aspiration) return WriteTables({primarycare::QofAspirationTable(inputs.value())}, args.format, args.out);
  return WriteTables({primarycare::QofPaymentsTable(inputs.value(), args.totals)}, args.format, args.out);
}

}  // namespace

// practices, contracts, lists, QOF load and views, schedules
// (primary_care_contracting_command.cc).
void AddPrimaryCareContractingCommands(CLI::App& group, Context& ctx);

void AddPrimaryCareCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("primary-care", "Primary care contracting: practices, contracts, QOF, payment schedules");
  group->require_subcommand(1);
  AddPrimaryCareClaimsCommands(group, ctx);
  auto args = std::make_shared<QofArgs>();
  auto* qof = group->add_subcommand("qof", "QOF achievement, points and payment per practice and indicator, explained");
  qof->add_option("--practices", args->practices,
                  "CSV: practice_code, year, list_size, national_average_list_size, gbp_per_point (any order)")
      ->required()
      ->check(CLI::ExistingFile);
  qof->add_option("--indicators", args->indicators,
                  "CSV: practice_code, indicator, points_available, lower_threshold_pct, upper_threshold_pct, "
                  "numerator, denominator, pcas, register, national_prevalence_pct, prevalence_adjusted (any order)")
      ->required()
      ->check(CLI::ExistingFile);
  qof->add_flag("--totals", args->totals, "Add a row per practice with its total points and payment");
  qof->add_flag("--aspiration", args->aspiration,
                "Instead, the aspiration payments and the year-end balancing payment per practice (needs the "
                "practices file's prior-year columns)");
  qof->add_option("--format", args->format, "table, csv, json or xlsx (xlsx needs --out)")
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}))
      ->capture_default_str();
  qof->add_option("--out", args->out, "Write to this file (atomically) instead of stdout");
  qof->footer(
      "Output, one row per practice and indicator:\n"
      "  practice_code,indicator,achievement_pct,points,payment,explanation\n"
      "achievement_pct = numerator / (denominator - pcas) x 100 (blank when no patients remain);\n"
      "points are linear between the thresholds, rounded to 2 places; payment = points x GBP per point\n"
      "x CPI (list / national average list) x APDF ((register / list) / national prevalence, for\n"
      "prevalence-adjusted indicators), rounded once to the penny. File formats:\n"
      "docs/formats/qof-input-v1.md; rules and sources: docs/primary-care.md.");
  qof->callback([&ctx, args] {
    ctx.action = [args] {
      const std::string problem = CheckTableFormat(args->format, args->out);
      if (!problem.empty()) {
        PrintError(problem);
        return kExitUsage;
      }
      return RunQof(*args);
    };
  });
  AddPrimaryCareContractingCommands(*group, ctx);
}

}  // namespace csu::cli
