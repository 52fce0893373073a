// `csu price`: prices an extract file at national tariff, no state needed.
// `csu price explain`: explains the price of one stored record.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/state.h"
#include "core/file.h"
#include "core/progress.h"
#include "core/text.h"
#include "pricing/file_pricer.h"
#include "pricing/price_explanation.h"
#include "pricing/priced_activity.h"
#include "pricing/pricing_math.h"
#include "pricing/table_records.h"
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

struct ExplainArgs {
  std::string kind;
  std::string data_dir = "csu-data";
  std::string key_file;
  std::string provider;
  std::string id;
  std::string tariff;
};

// The table row of a located record: the row with that source_row inside
// its batch's range (rows of one batch keep their file order).
std::optional<size_t> TableRow(const store::CommonColumns& table, const store::RecordLocation& at) {
  for (const store::BatchRange& range : table.batches) {
    if (range.batch_id != at.batch_id) continue;
    if (auto found = table.source_row.Find(range.first_row, range.rows, at.row)) return found;
  }
  return std::nullopt;
}

int RunExplain(const Context& ctx, const ExplainArgs& args) {
  auto kind = ingest::ParseKind(args.kind);
  if (!kind.ok()) {
    PrintError(kind.error().ToString());
    return kExitUsage;
  }
  auto provider = OdsCode::Parse(args.provider);
  if (!provider.ok()) {
    PrintError("--provider: " + provider.error().ToString());
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
  auto opened = OpenState(ctx, args.data_dir, args.key_file, /*create=*/false, Access::kShared);
  if (!opened.ok()) {
    PrintError(opened.error().ToString());
    return kExitFailure;
  }
  State& state = *opened.value();
  const std::string what = std::string(ingest::KindName(kind.value())) + " record " + provider.value().ToString() +
                           " " + args.id;
  auto found = state.store->FindRecord(kind.value(), provider.value().view(), args.id);
  if (!found.ok()) {
    PrintError(found.error().ToString());
    return kExitFailure;
  }
  if (!found.value()) {
    PrintError("no such record: " + what + " is in no active batch of " + args.data_dir);
    return kExitFailure;
  }
  // The record's price as analytics sees it (the priced columns) and as the
  // per-record pricer explains it: they must agree.
  auto activity = pricing::LoadPriced(*state.store, *state.ref, kind.value(), options);
  if (!activity.ok()) {
    PrintError(activity.error().ToString());
    return kExitFailure;
  }
  const store::ActivityTables& tables = activity.value().tables;
  const pricing::PricedActivity& priced = activity.value();
  std::string explanation;
  pricing::Price price;
  std::optional<size_t> row;
  const pricing::PricedColumns* columns = nullptr;
  switch (kind.value()) {
    case ingest::ExtractKind::kApc:
      row = TableRow(tables.apc, *found.value());
      if (row) price = pricing::PriceApc(pricing::ApcRecordAt(tables, *row, args.id), *state.ref, options, &explanation);
      columns = &priced.apc;
      break;
    case ingest::ExtractKind::kOp:
      row = TableRow(tables.op, *found.value());
      if (row) price = pricing::PriceOp(pricing::OpRecordAt(tables, *row, args.id), *state.ref, options, &explanation);
      columns = &priced.op;
      break;
    case ingest::ExtractKind::kAe:
      row = TableRow(tables.ae, *found.value());
      if (row) price = pricing::PriceAe(pricing::AeRecordAt(tables, *row, args.id), *state.ref, options, &explanation);
      columns = &priced.ae;
      break;
  }
  if (!row) {
    PrintError("internal error: " + what + " was found in batch " + std::to_string(found.value()->batch_id) +
               " but not in the loaded table");
    return kExitSoftware;
  }
  const pricing::Price stored = columns->At(*row);
  if (stored.final_price != price.final_price || stored.not_priced != price.not_priced || stored.pod != price.pod) {
    PrintError("internal error: the priced columns give " + stored.final_price.ToString() + " for " + what +
               " but the per-record pricer gives " + price.final_price.ToString());
    return kExitSoftware;
  }

  // The same text as the web's records drill-down (pricing/price_explanation.h).
  std::printf("%s (batch %lld, row %u)\n%s", what.c_str(), static_cast<long long>(found.value()->batch_id),
              found.value()->row,
              pricing::ExplanationText(price, explanation, kind.value(), provider.value().ToString()).c_str());
  return kExitOk;
}

}  // namespace

void AddPriceCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<PriceArgs>();
  auto* cmd = app.add_subcommand("price", "Price an activity extract at national tariff, explaining every price");
  // --kind and FILE are required unless the explain subcommand is used, so
  // the check is in the callback rather than CLI11's required().
  cmd->add_option("--kind", args->kind, "Extract kind: apc, op or ae (required)");
  cmd->add_option("file", args->file, "The extract CSV (format: docs/formats/activity-extract-v1.md) (required)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tariff", args->tariff, "Price at this tariff year (e.g. 2018/19) instead of each record's own");
  cmd->add_option("--out", args->out, "Write the priced CSV here (default: standard output)");
  cmd->footer(
      "The output has the input's columns plus tariff_year, pod, base_price, excess_bed_days,\n"
      "excess_bed_day_payment, adjustments, mff, final_price, priced and explanation.\n"
      "Money is in pounds with two decimals. Rules: docs/pricing.md.\n"
      "Example: csu price --kind apc demo-data/apc.csv --out apc-priced.csv\n");

  auto explain_args = std::make_shared<ExplainArgs>();
  auto* explain = cmd->add_subcommand("explain", "Explain the price of one stored record, component by component");
  explain->add_option("--kind", explain_args->kind, "Record kind: apc, op or ae")->required();
  explain->add_option("--data", explain_args->data_dir, "State folder")->capture_default_str();
  explain->add_option("--key", explain_args->key_file,
                      "Pseudonymisation key file (default: $CSU_KEY_FILE or ~/.config/opencsu/pseudonymisation.key)");
  explain->add_option("--provider", explain_args->provider, "Provider ODS code, e.g. R1H")->required()->transform(UpperCaseCode);
  explain->add_option("--id", explain_args->id, "Spell id (apc) or attendance id (op, ae)")->required();
  explain->add_option("--tariff", explain_args->tariff, "Price at this tariff year instead of the record's own");
  explain->footer(
      "Finds the record among the active batches (a restated record: its latest version) and prints\n"
      "the explanation line and each component. The price is the one analytics reads.\n"
      "Example: csu price explain --kind apc --data csu-data --provider R1H --id SP000123\n");
  explain->callback([&ctx, explain_args] { ctx.action = [&ctx, explain_args] { return RunExplain(ctx, *explain_args); }; });

  cmd->callback([&ctx, args, explain] {
    if (explain->parsed()) return;
    if (args->kind.empty()) throw CLI::RequiredError("--kind");
    if (args->file.empty()) throw CLI::RequiredError("file");
    ctx.action = [&ctx, args] { return RunPrice(ctx, *args); };
  });
}

}  // namespace csu::cli
