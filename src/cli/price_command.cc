// `csu price`: prices an extract file at national tariff, no state needed.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "core/file.h"
#include "core/progress.h"
#include "core/text.h"
#include "pricing/file_pricer.h"
#include "refdata/refdata.h"

namespace csu::cli {
namespace {

struct PriceArgs {
  std::string kind;
  std::string file;
  std::string tariff;
  std::string out;
};

int RunPrice(const Context& ctx, const PriceArgs& args) {
  auto kind = ingest::ParseKind(args.kind);
  if (!kind.ok()) {
    PrintError(kind.error().ToString());
    return kExitUsage;
  }
  pricing::PricingOptions options;
  if (!args.tariff.empty()) {
    auto year = FinancialYear::Parse(args.tariff);
    if (!year.ok()) {
      PrintError("--tariff: " + year.error().ToString());
      return kExitUsage;
    }
    options.tariff_year = year.value();
  }
  std::string dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  auto ref = refdata::RefData::Load(dir);
  if (!ref.ok()) {
    PrintError("reference data in " + dir + " is not valid: " + ref.error().ToString());
    return kExitFailure;
  }
  if (options.tariff_year && !ref.value().Tariff(*options.tariff_year)) {
    PrintError("--tariff: no tariff loaded for " + options.tariff_year->ToString() +
               " (loaded: 2016/17, 2017/18, 2018/19)");
    return kExitUsage;
  }

  std::unique_ptr<AtomicFileWriter> writer;
  if (!args.out.empty()) {
    writer = std::make_unique<AtomicFileWriter>(args.out);
    if (auto s = writer->Open(); !s.ok()) {
      PrintError(s.error().ToString());
      return kExitFailure;
    }
  }
  auto sink = [&](std::string_view bytes) {
    if (writer) writer->Append(bytes);
    else std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  };
  Progress progress("pricing " + args.file, "rows");
  auto summary = pricing::PriceFile(args.file, kind.value(), ref.value(), options, sink, &progress);
  progress.Finish();
  if (!summary.ok()) {
    PrintError(summary.error().ToString());
    return kExitFailure;
  }
  if (writer) {
    if (auto s = writer->Commit(); !s.ok()) {
      PrintError(s.error().ToString());
      return kExitFailure;
    }
  } else {
    std::fflush(stdout);
  }
  // The summary goes to stderr so that stdout stays a clean CSV in a pipe.
  const auto& s = summary.value();
  std::fprintf(stderr, "%s: %s rows, %s priced, total %s (%.2f s, %s rows/s)\n", args.file.c_str(),
               WithThousands(s.rows).c_str(), WithThousands(s.priced).c_str(), s.total.ToString().c_str(),
               s.elapsed_seconds,
               WithThousands(static_cast<int64_t>(static_cast<double>(s.rows) / std::max(s.elapsed_seconds, 1e-9))).c_str());
  for (const auto& [pod, total] : s.total_by_pod) {
    std::fprintf(stderr, "  %-8s %16s\n", pod.c_str(), total.ToString().c_str());
  }
  for (const auto& [reason, n] : s.not_priced) {
    std::fprintf(stderr, "  not priced: %s: %s\n", reason.c_str(), WithThousands(n).c_str());
  }
  if (writer) std::fprintf(stderr, "wrote %s\n", args.out.c_str());
  return kExitOk;
}

}  // namespace

void AddPriceCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<PriceArgs>();
  auto* cmd = app.add_subcommand("price", "Price an activity extract at national tariff, explaining every price");
  cmd->add_option("--kind", args->kind, "Extract kind: apc, op or ae")->required();
  cmd->add_option("file", args->file, "The extract CSV (format: docs/formats/activity-extract-v1.md)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--tariff", args->tariff, "Price at this tariff year (e.g. 2018/19) instead of each record's own");
  cmd->add_option("--out", args->out, "Write the priced CSV here (default: standard output)");
  cmd->footer(
      "The output has the input's columns plus tariff_year, pod, base_price, excess_bed_days,\n"
      "excess_bed_day_payment, adjustments, mff, final_price, priced and explanation.\n"
      "Money is in pounds with two decimals. Rules: docs/pricing.md.\n"
      "Example: csu price --kind apc demo-data/apc.csv --out apc-priced.csv\n");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return RunPrice(ctx, *args); }; });
}

}  // namespace csu::cli
