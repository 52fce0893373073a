// `csu ingest`: loads extract files into the state folder.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "billing/meter.h"
#include "cli/command.h"
#include "cli/state.h"
#include "core/progress.h"
#include "core/text.h"
#include "core/uk_time.h"
#include "ingest/file_ingester.h"
#include "store/env.h"
#include "store/store.h"

namespace csu::cli {
namespace {

struct IngestArgs {
  std::string data_dir = "csu-data";
  std::string key_file;
  std::string kind;
  std::vector<std::string> files;
  bool json = false;
  bool accept_truncated = false;
  bool no_nhs_numbers = false;
};

void PrintHuman(const ingest::IngestReport& r, const store::BatchInfo& b, bool duplicate) {
  if (duplicate) {
    std::printf("%s: already loaded as batch %lld (same content, %s); nothing new loaded\n", r.file_name.c_str(),
                static_cast<long long>(b.id), b.content_sha256.substr(0, 12).c_str());
    return;
  }
  double rate = r.elapsed_seconds > 0 ? static_cast<double>(r.rows_read) / r.elapsed_seconds : 0;
  std::printf("%s -> batch %lld (%s)\n", r.file_name.c_str(), static_cast<long long>(b.id),
              std::string(ingest::KindName(b.kind)).c_str());
  std::printf("  rows read      %12s\n", WithThousands(r.rows_read).c_str());
  std::printf("  accepted       %12s\n", WithThousands(r.accepted).c_str());
  std::printf("  quarantined    %12s\n", WithThousands(r.quarantined).c_str());
  for (const auto& [reason, n] : r.quarantined_by_reason) {
    std::printf("    %10s  %s\n", WithThousands(n).c_str(), reason.c_str());
  }
  std::printf("  restated       %12s\n", WithThousands(b.records_restated).c_str());
  if (r.without_nhs_number > 0) {
    std::printf("  no NHS number  %12s  (loaded as unknown patients)\n", WithThousands(r.without_nhs_number).c_str());
  }
  for (const auto& w : r.warnings) std::printf("  warning: %s\n", w.c_str());
  std::printf("  %.2f s, %s rows/s\n", r.elapsed_seconds, WithThousands(static_cast<int64_t>(rate)).c_str());
}

nlohmann::json ToJson(const ingest::IngestReport& r, const store::BatchInfo& b, bool duplicate) {
  nlohmann::json j;
  j["file"] = r.file_name;
  j["content_sha256"] = b.content_sha256;
  j["batch_id"] = b.id;
  j["kind"] = std::string(ingest::KindName(b.kind));
  j["already_loaded"] = duplicate;
  if (!duplicate) {
    j["rows_read"] = r.rows_read;
    j["accepted"] = r.accepted;
    j["quarantined"] = r.quarantined;
    j["quarantined_by_reason"] = r.quarantined_by_reason;
    j["restated"] = b.records_restated;
    j["without_nhs_number"] = r.without_nhs_number;
    j["warnings"] = r.warnings;
    j["elapsed_seconds"] = r.elapsed_seconds;
    j["rows_per_second"] = r.elapsed_seconds > 0 ? static_cast<double>(r.rows_read) / r.elapsed_seconds : 0.0;
  }
  return j;
}

Status MeterLoaded(const std::string& dir, int64_t batch_id, const std::map<std::string, int64_t>& counts,
                   const std::string& actor) {
  CSU_ASSIGN_OR_RETURN(meter, billing::Meter::Open(dir));
  const std::string now = store::Env::Default().NowUtc();
  const billing::Period period = billing::Period::Of(UkDateOfTimestamp(now).value());  // the stamp's own day
  for (const auto& [ccg, n] : counts) {
    CSU_ASSIGN_OR_RETURN(counted, meter->CountOnce("batch:" + std::to_string(batch_id) + ":" + ccg, ccg, period,
                                                   "records_loaded", "", n, now, "cli:" + actor));
    (void)counted;
  }
  return Status::Ok();
}

// Passes records on to the batch and counts the accepted ones per
// commissioner, for the records_loaded meter (docs/billing.md). Counts per
// span, so the per-record cost is one comparison with the last code seen.
class CountingSink : public ingest::RecordSink {
 public:
  explicit CountingSink(ingest::RecordSink& inner) : inner_(inner) {}
  ingest::ExtractKind kind() const override { return inner_.kind(); }
  void AddApc(const ingest::ApcRecord& r) override { Count(r.common.commissioner, 1), inner_.AddApc(r); }
  void AddOp(const ingest::OpRecord& r) override { Count(r.common.commissioner, 1), inner_.AddOp(r); }
  void AddAe(const ingest::AeRecord& r) override { Count(r.common.commissioner, 1), inner_.AddAe(r); }
  void AddQuarantined(ingest::QuarantinedRow row) override { inner_.AddQuarantined(std::move(row)); }
  void AddApcs(std::span<const ingest::ApcRecord> rs) override { CountAll(rs), inner_.AddApcs(rs); }
  void AddOps(std::span<const ingest::OpRecord> rs) override { CountAll(rs), inner_.AddOps(rs); }
  void AddAes(std::span<const ingest::AeRecord> rs) override { CountAll(rs), inner_.AddAes(rs); }
  const std::map<std::string, int64_t>& counts() const { return counts_; }

 private:
  template <typename R>
  void CountAll(std::span<const R> rs) {
    for (const R& r : rs) Count(r.common.commissioner, 1);
  }
  void Count(const OdsCode& code, int64_t n) {
    if (last_ == nullptr || last_code_ != code) {
      last_code_ = code;
      last_ = &counts_[std::string(code.view())];
    }
    *last_ += n;
  }
  ingest::RecordSink& inner_;
  std::map<std::string, int64_t> counts_;
  OdsCode last_code_;
  int64_t* last_ = nullptr;
};

int RunIngest(const Context& ctx, const IngestArgs& args) {
  auto kind = ingest::ParseKind(args.kind);
  if (!kind.ok()) {
    PrintError(kind.error().ToString());
    return kExitUsage;
  }
  ingest::IngestOptions options;
  options.no_nhs_numbers = args.no_nhs_numbers;
  // Check every file as a whole first (readable, CSV, the right kind), so
  // that a mistake such as the wrong --kind creates no state folder.
  int exit_code = kExitOk;
  std::vector<std::pair<std::string, ingest::ExtractSummary>> ready;
  for (const std::string& file : args.files) {
    auto summary = ingest::SummariseExtract(file, kind.value(), options);
    if (!summary.ok()) {
      PrintError(summary.error().ToString());
      exit_code = kExitFailure;
      continue;
    }
    ready.emplace_back(file, std::move(summary).value());
  }
  if (ready.empty()) return exit_code;
  auto state = OpenState(ctx, args.data_dir, args.key_file, /*create=*/true, Access::kExclusive);
  if (!state.ok()) {
    PrintError(state.error().ToString());
    return kExitFailure;
  }
  State& s = *state.value();
  nlohmann::json all = nlohmann::json::array();
  for (const auto& [file, summary] : ready) {
    auto existing = s.store->FindByContent(kind.value(), summary.content_sha256);
    if (!existing.ok()) {
      PrintError(existing.error().ToString());
      return kExitFailure;
    }
    if (existing.value()) {
      ingest::IngestReport r;
      r.file_name = file;
      if (args.json) all.push_back(ToJson(r, *existing.value(), true));
      else PrintHuman(r, *existing.value(), true);
      continue;
    }
    // Sized for the rows the file can hold, so the columns and tables are
    // allocated once. (A guess of one row per 120 bytes undercounted every
    // demo file, outpatients by a third, and the columns then grew midway,
    // copying what they held.)
    auto new_batch = s.store->NewBatch(kind.value(), static_cast<size_t>(summary.rows_at_most));
    if (!new_batch.ok()) {
      PrintError(new_batch.error().ToString());
      return kExitFailure;
    }
    std::unique_ptr<store::BatchBuilder> batch = std::move(new_batch).value();
    Progress progress("ingesting " + file, "rows");
    CountingSink counting(*batch);
    auto report = ingest::IngestFile(file, kind.value(), *s.ref, *s.pseudonymiser, counting, &progress, options);
    progress.Finish();
    if (!report.ok()) {
      PrintError(report.error().ToString());
      exit_code = kExitFailure;
      continue;
    }
    const ingest::IngestReport& r = report.value();
    if (r.looks_truncated && !args.accept_truncated) {
      PrintError(file + ": line " + std::to_string(r.last_line) +
                 ": the file looks truncated (its last row is incomplete and it does not end with a line break); "
                 "nothing was loaded. Load the complete file, or add --accept-truncated if this is all of it");
      exit_code = kExitFailure;
      continue;
    }
    store::BatchInfo info;
    info.kind = kind.value();
    info.file_name = r.file_name;
    info.content_sha256 = r.content_sha256;
    info.rows_read = r.rows_read;
    info.loaded_by = s.actor;
    auto committed = s.store->CommitBatch(std::move(batch), info);
    if (!committed.ok()) {
      PrintError(file + ": not loaded: " + committed.error().ToString());
      return kExitFailure;
    }
    // Metered once per batch and commissioner, after the batch is on disk.
    // A crash between the two leaves that batch unmetered; it is never
    // counted twice (docs/billing.md, "Metering").
    if (Status m = MeterLoaded(args.data_dir, committed.value().id, counting.counts(), s.actor); !m.ok())
      PrintError(file + ": loaded, but its records could not be metered: " + m.error().ToString());
    if (args.json) all.push_back(ToJson(r, committed.value(), false));
    else PrintHuman(r, committed.value(), false);
  }
  if (args.json) std::printf("%s\n", all.dump(2).c_str());
  return exit_code;
}

}  // namespace

void AddIngestCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<IngestArgs>();
  auto* cmd = app.add_subcommand("ingest", "Load activity extracts into the state folder, with validation and pseudonymisation");
  cmd->add_option("--data", args->data_dir, "State folder, created on first use (or set CSU_DATA)")
      ->envname("CSU_DATA")
      ->capture_default_str();
  cmd->add_option("--key", args->key_file,
                  "Pseudonymisation key file, kept outside the state folder (default: $CSU_KEY_FILE or "
                  "~/.config/opencsu/pseudonymisation.key; created with mode 0600 on first use)");
  cmd->add_option("--kind", args->kind, "Extract kind: apc, op or ae")->required();
  cmd->add_option("files", args->files, "Extract CSV files (format: docs/formats/activity-extract-v1.md)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", args->json, "Print the per-file report as JSON");
  cmd->add_flag("--accept-truncated", args->accept_truncated,
                "Load a file whose last row is incomplete and that lacks a final line break (refused by default: the "
                "usual sign of a copy cut off mid-row); that row is quarantined");
  cmd->add_flag("--no-nhs-numbers", args->no_nhs_numbers,
                "The extracts have no NHS numbers (no nhs_number column): every patient is unknown. Without it, a "
                "file without an nhs_number column is refused, since a misnamed one (NHSNumber) would load every "
                "row as an unknown patient");
  cmd->footer(
      "Each file becomes one batch, or is recognised as already loaded by its content hash.\n"
      "Rows that break a rule are quarantined with the reason (see 'csu quarantine'); the\n"
      "rest load. NHS numbers are replaced by keyed pseudonyms and dates of birth by ages.\n"
      "Exit code 0 when every file was processed, even with quarantined rows.\n");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return RunIngest(ctx, *args); }; });
}

}  // namespace csu::cli
