// `csu synth`: writes a year of synthetic activity (apc.csv, op.csv, ae.csv).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "core/text.h"
#include "refdata/refdata.h"
#include "synth/extract_check.h"
#include "synth/generator.h"

namespace csu::cli {
namespace {

struct SynthArgs {
  std::string out;
  uint64_t seed = 1;
  std::string year = "2018/19";
  std::vector<std::string> ccgs;
  std::string scale;
  int64_t defects = 0;
  bool quiet = false;
  bool json = false;
  bool check = false;
};

// Reads the written files back with the structural checker; prints a line
// per file and returns the number of bad rows found.
int64_t CheckFiles(const refdata::RefData& refdata, const synth::SynthOptions& options, bool print) {
  int64_t bad = 0;
  for (synth::Dataset d : synth::kDatasets) {
    const std::string path = options.out_dir + "/" + std::string(synth::DatasetName(d)) + ".csv";
    auto report = synth::CheckExtractFile(refdata, options.year, d, path);
    if (!report.ok()) {
      PrintError(report.error().ToString());
      return -1;
    }
    bad += report.value().bad_rows;
    if (print) {
      std::printf("Check %-7s %s rows, %s bad\n", (std::string(synth::DatasetName(d)) + ".csv").c_str(),
                  WithThousands(report.value().rows).c_str(), WithThousands(report.value().bad_rows).c_str());
      for (size_t i = 0; i < report.value().problems.size() && i < 5; ++i) {
        const auto& p = report.value().problems[i];
        std::printf("  line %lld: %s%s%s\n", static_cast<long long>(p.line), p.column.c_str(),
                    p.column.empty() ? "" : ": ", p.why.c_str());
      }
    }
  }
  return bad;
}

int RunSynth(const Context& ctx, const SynthArgs& args) {
  synth::SynthOptions options;
  options.out_dir = args.out;
  options.seed = args.seed;
  options.defects = args.defects;
  options.progress = !args.quiet && !args.json;
  auto year = FinancialYear::Parse(args.year);
  if (!year.ok()) {
    PrintError("--year: " + year.error().why);
    return kExitUsage;
  }
  options.year = year.value();
  if (!args.scale.empty()) {
    if (args.scale != "england") {
      PrintError("--scale: '" + args.scale + "' is not a scale; the only one is 'england'");
      return kExitUsage;
    }
    options.england = true;
  }
  for (const std::string& text : args.ccgs) {
    auto code = OdsCode::Parse(Trim(text));
    if (!code.ok()) {
      PrintError("--ccgs: '" + text + "' is not an ODS code");
      return kExitUsage;
    }
    options.ccgs.push_back(code.value());
  }

  const std::string dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  auto loaded = refdata::RefData::Load(dir);
  if (!loaded.ok()) {
    PrintError("cannot load reference data from " + dir + ": " + loaded.error().ToString());
    return kExitFailure;
  }
  auto summary = synth::Generate(loaded.value(), options);
  if (!summary.ok()) {
    PrintError(summary.error().ToString());
    // A bad option value (an unknown CCG, a year without a tariff) is a usage
    // error; anything else (an unwritable directory) a failure.
    return summary.error().where.rfind("--", 0) == 0 ? kExitUsage : kExitFailure;
  }
  if (args.json) {
    std::fputs(synth::FormatSummaryJson(summary.value()).c_str(), stdout);
  } else if (!args.quiet) {
    std::printf("Wrote %s/apc.csv, op.csv, ae.csv, contracts.csv\n", args.out.c_str());
    std::fputs(synth::FormatSummaryTable(summary.value()).c_str(), stdout);
  }
  if (args.check) {
    int64_t planted = 0;
    for (const auto& [kind, n] : summary.value().defects) planted += n;
    const int64_t bad = CheckFiles(loaded.value(), options, !args.json);
    if (bad != planted) {
      PrintError("check: found " + std::to_string(bad) + " bad rows, expected " + std::to_string(planted));
      return kExitFailure;
    }
    auto contracts = synth::CheckContractsFile(loaded.value(), options.year, options.out_dir + "/contracts.csv");
    if (!contracts.ok()) {
      PrintError("check: " + contracts.error().ToString());
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace

void AddSynthCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<SynthArgs>();
  auto* cmd = app.add_subcommand("synth",
                                 "Write a year of synthetic hospital activity (apc.csv, op.csv, ae.csv) for the\n"
                                 "registered patients of real GP practices, in the activity extract format v1");
  cmd->add_option("--out", args->out, "Directory to write the three files into (created if missing)")->required();
  cmd->add_option("--seed", args->seed, "Random seed; the same arguments give byte-identical files")
      ->capture_default_str();
  cmd->add_option("--year", args->year, "Financial year with a national tariff: 2016/17, 2017/18 or 2018/19")
      ->capture_default_str();
  auto* ccgs = cmd->add_option("--ccgs", args->ccgs,
                               "Comma-separated CCG codes (default: 27D,02E,12F, NHS Cheshire, Warrington and Wirral)")
                   ->delimiter(',');
  auto* scale = cmd->add_option("--scale", args->scale, "'england': every CCG in the practice list (~60 M patients)");
  ccgs->excludes(scale);
  scale->excludes(ccgs);
  cmd->add_option("--defects", args->defects, "Plant exactly N realistic bad rows across the files, for testing ingestion")
      ->check(CLI::Range(int64_t{0}, int64_t{100'000'000}));
  cmd->add_flag("--quiet", args->quiet, "Print nothing on success");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->add_flag("--check", args->check,
                "Read the files back and check every row against the format; fail unless the bad rows\n"
                "found are exactly the planted defects");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return RunSynth(ctx, *args); }; });
}

}  // namespace csu::cli
