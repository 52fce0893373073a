// `csu ingest`: loads extract files into the state folder.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <nlohmann/json.hpp>

#include "billing/meter.h"
#include "cli/command.h"
#include "cli/reporting_command.h"
#include "cli/server_batches.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "core/progress.h"
#include "core/text.h"
#include "ingest/file_ingester.h"
#include "load/extract_load.h"
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
  std::string database;  // server mode: the batches also go to PostgreSQL, and the reporting schema is refreshed
  std::string reporting_schema = "reporting";
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
  // The command holds the folder alone: every store call runs directly.
  const load::WithStore with_store = [&s](const std::function<Status(store::Store&)>& fn) { return fn(*s.store); };
  // The records loaded are metered where the installation's billing is:
  // with --database, PostgreSQL's usage tables, as a node's uploads are.
  auto meter = OpenMeter(args.data_dir, args.database);
  if (!meter.ok()) {
    PrintError(meter.error().ToString());
    return kExitFailure;
  }
  // Server mode (docs/server-mode.md, "Batches in PostgreSQL"): the whole
  // run is the singleton ingest job: the folder catches up with the
  // database first, and every batch it commits is published after.
  std::unique_ptr<pg::BatchChunks> server_batches;
  if (!args.database.empty()) {
    auto chunks = OpenServerBatches(args.database);
    if (!chunks.ok()) {
      PrintError(chunks.error().ToString());
      return kExitFailure;
    }
    server_batches = std::move(chunks).value();
  }
  nlohmann::json all = nlohmann::json::array();
  bool any_new = false;
  auto load_all = [&]() -> Status {
    for (const auto& [file, summary] : ready) {
      load::LoadRequest request;
      request.path = file;
      request.kind = kind.value();
      request.options = options;
      request.accept_truncated = args.accept_truncated;
      request.actor = s.actor;
      request.meter_actor = "cli:" + s.actor;
      Progress progress("ingesting " + file, "rows");
      auto loaded = load::LoadExtract(with_store, *s.ref, *s.pseudonymiser, *meter.value(), request, summary, &progress,
                                      nullptr);
      if (!loaded.ok()) return loaded.error();  // the store failed: the other files would too
      const load::LoadOutcome& out = loaded.value();
      if (out.kind == load::LoadOutcome::Kind::kRefused) {
        PrintError(out.refusal);
        exit_code = kExitFailure;
        continue;
      }
      if (out.kind == load::LoadOutcome::Kind::kAlreadyLoaded) {
        ingest::IngestReport r;
        r.file_name = file;
        if (args.json) all.push_back(ToJson(r, out.batch, true));
        else PrintHuman(r, out.batch, true);
        continue;
      }
      any_new = true;
      if (!out.meter_error.empty()) PrintError(file + ": loaded, but its records could not be metered: " + out.meter_error);
      const ingest::IngestReport& r = out.report;
      if (args.json) all.push_back(ToJson(r, out.batch, false));
      else PrintHuman(r, out.batch, false);
    }
    return Status::Ok();
  };
  const Status ran = server_batches ? AsIngestJob(args.database, *server_batches, with_store,
                                                  s.pseudonymiser->Fingerprint(), s.actor, load_all)
                                    : load_all();
  if (!ran.ok()) {
    PrintError(ran.error().ToString());
    return kExitFailure;
  }
  if (server_batches && !args.json)
    std::printf("batches published to %s\n", server_batches->db().Name().c_str());
  if (args.json) std::printf("%s\n", all.dump(2).c_str());
  // Server mode: the reporting schema is refreshed with each new batch, so
  // analysts' tools read what the platform's pages show.
  if (any_new && !args.database.empty()) {
    std::fflush(stdout);
    if (int code = PublishReporting(s, args.database, args.reporting_schema, args.json ? stderr : stdout); code != kExitOk)
      return code;
  }
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
  AddDatabaseOption(cmd, args->database);
  cmd->add_option("--reporting-schema", args->reporting_schema,
                  "With --database: the reporting schema refreshed after loading (csu reporting publish, docs/deploy.md)")
      ->capture_default_str();
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
