// State folder commands: `csu batches`, `csu batch remove`, `csu quarantine`,
// `csu audit verify|list`, `csu store verify|rebuild|platform-date`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/server_batches.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "core/csv_writer.h"
#include "core/text.h"
#include "store/env.h"
#include "store/platform_date.h"

namespace csu::cli {
namespace {

int Batches(const Context& ctx, const StateArgs& args, bool json) {
  auto state = OpenOrPrint(ctx, args, Access::kShared);
  if (!state) return kExitFailure;
  auto list = state->store->ListBatches();
  if (!list.ok()) {
    PrintError(list.error().ToString());
    return kExitFailure;
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& b : list.value()) {
      out.push_back({{"id", b.id}, {"kind", std::string(ingest::KindName(b.kind))}, {"file", b.file_name},
                     {"content_sha256", b.content_sha256}, {"rows_read", b.rows_read}, {"accepted", b.rows_accepted},
                     {"quarantined", b.rows_quarantined}, {"restated", b.records_restated}, {"loaded_at", b.loaded_at},
                     {"loaded_by", b.loaded_by}, {"removed", b.removed}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (list.value().empty()) {
    std::printf("No batches in %s yet. Load one with: csu ingest --data %s --kind apc FILE\n", args.data_dir.c_str(),
                args.data_dir.c_str());
    return kExitOk;
  }
  std::printf("%5s  %-4s %-24s %-12s %12s %12s %11s %10s  %-20s %-10s %s\n", "batch", "kind", "file", "sha256",
              "rows", "accepted", "quarantined", "restated", "loaded at (UTC)", "by", "status");
  for (const auto& b : list.value()) {
    std::printf("%5lld  %-4s %-24s %-12s %12s %12s %11s %10s  %-20s %-10s %s\n", static_cast<long long>(b.id),
                std::string(ingest::KindName(b.kind)).c_str(), b.file_name.substr(0, 24).c_str(),
                b.content_sha256.substr(0, 12).c_str(), WithThousands(b.rows_read).c_str(),
                WithThousands(b.rows_accepted).c_str(), WithThousands(b.rows_quarantined).c_str(),
                WithThousands(b.records_restated).c_str(), b.loaded_at.substr(0, 19).c_str(), b.loaded_by.c_str(),
                b.removed ? "removed" : "active");
  }
  return kExitOk;
}

int RemoveBatch(const Context& ctx, const StateArgs& args, int64_t id, const std::string& database) {
  auto state = OpenOrPrint(ctx, args, Access::kExclusive);
  if (!state) return kExitFailure;
  auto remove = [&]() -> Status { return state->store->RemoveBatch(id, state->actor); };
  Status s = Status::Ok();
  if (database.empty()) {
    s = remove();
  } else {
    // Server mode: a withdrawal is an ingest job too (docs/server-mode.md):
    // the folder catches up, withdraws, and the withdrawal is published.
    auto chunks = OpenServerBatches(database);
    if (!chunks.ok()) {
      PrintError(chunks.error().ToString());
      return kExitFailure;
    }
    const load::WithStore with_store = [&state](const std::function<Status(store::Store&)>& fn) {
      return fn(*state->store);
    };
    s = AsIngestJob(database, *chunks.value(), with_store, state->pseudonymiser->Fingerprint(), state->actor, remove);
  }
  if (!s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  std::printf("Batch %lld withdrawn; it stays in the audit log.\n", static_cast<long long>(id));
  return kExitOk;
}

int PurgeQuarantine(const Context& ctx, const StateArgs& args, int64_t id) {
  auto state = OpenOrPrint(ctx, args, Access::kExclusive);
  if (!state) return kExitFailure;
  auto rows = state->store->PurgeQuarantine(id, state->actor);
  if (!rows.ok()) {
    PrintError(rows.error().ToString());
    return kExitFailure;
  }
  std::printf("Deleted %s quarantined row%s of batch %lld; the batch keeps its counts and the purge is in the audit "
              "log.\n",
              WithThousands(rows.value()).c_str(), rows.value() == 1 ? "" : "s", static_cast<long long>(id));
  return kExitOk;
}

int Quarantine(const Context& ctx, const StateArgs& args, std::optional<int64_t> batch, const std::string& format) {
  auto state = OpenOrPrint(ctx, args, Access::kShared);
  if (!state) return kExitFailure;
  auto rows = state->store->Quarantine(batch);
  if (!rows.ok()) {
    PrintError(rows.error().ToString());
    return kExitFailure;
  }
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& q : rows.value()) {
      out.push_back({{"batch", q.batch_id}, {"line", q.line}, {"column", q.column}, {"reason", q.reason},
                     {"detail", q.detail}, {"row", q.masked_text}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (rows.value().empty()) {
    // On stderr, so a script reading the CSV still gets just the header.
    std::fprintf(stderr, "No quarantined rows%s: every row read was accepted.\n",
                 batch ? (" in batch " + std::to_string(*batch)).c_str() : "");
  }
  std::string csv;
  AppendCsvRow(csv, {"batch", "line", "column", "reason", "detail", "row (identifiers masked)"});
  for (const auto& q : rows.value()) {
    AppendCsvRow(csv, {std::to_string(q.batch_id), std::to_string(q.line), q.column, q.reason, q.detail, q.masked_text});
  }
  std::fwrite(csv.data(), 1, csv.size(), stdout);
  return kExitOk;
}

int AuditVerify(const Context& ctx, const StateArgs& args) {
  auto state = OpenOrPrint(ctx, args, Access::kShared);
  if (!state) return kExitFailure;
  auto n = state->store->VerifyAudit();
  if (!n.ok()) {
    PrintError("audit log is NOT intact: " + n.error().ToString());
    return kExitFailure;
  }
  std::printf("Audit log intact: %s entries, each chained to the one before by SHA-256.\n",
              WithThousands(n.value()).c_str());
  return kExitOk;
}

int AuditList(const Context& ctx, const StateArgs& args) {
  auto state = OpenOrPrint(ctx, args, Access::kShared);
  if (!state) return kExitFailure;
  auto entries = state->store->Audit();
  if (!entries.ok()) {
    PrintError(entries.error().ToString());
    return kExitFailure;
  }
  for (const auto& e : entries.value()) {
    std::printf("%5lld  %-20s %-10s %-14s %-10s %s\n", static_cast<long long>(e.seq), e.at.substr(0, 19).c_str(),
                e.actor.c_str(), e.action.c_str(), e.subject.c_str(), e.details.c_str());
  }
  return kExitOk;
}

int StoreVerify(const Context& ctx, const StateArgs& args) {
  auto state = OpenOrPrint(ctx, args, Access::kShared);
  if (!state) return kExitFailure;
  auto problems = state->store->Verify();
  if (!problems.ok()) {
    PrintError(problems.error().ToString());
    return kExitFailure;
  }
  if (problems.value().empty()) {
    std::printf("Store %s verified: every batch file matches its catalog checksum.\n", args.data_dir.c_str());
    return kExitOk;
  }
  for (const auto& p : problems.value()) std::printf("problem: %s\n", p.c_str());
  std::printf("%zu problem(s). A damaged column file can be rebuilt from its batch's retained rows:\n"
              "  csu store rebuild --data %s BATCH\n",
              problems.value().size(), args.data_dir.c_str());
  return kExitFailure;
}

int StoreRebuild(const Context& ctx, const StateArgs& args, int64_t id) {
  auto state = OpenOrPrint(ctx, args, Access::kExclusive);
  if (!state) return kExitFailure;
  if (auto s = state->store->Rebuild(id, state->actor); !s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  std::printf("Batch %lld's column file rebuilt from its retained rows.\n", static_cast<long long>(id));
  return kExitOk;
}

// Shows, sets or clears the folder's platform date (store/platform_date.h).
// Exclusive: a running server reads it at start, so it is set while no
// server runs, and the change is audited.
int PlatformDate(const Context& ctx, const StateArgs& args, const std::string& set, bool clear) {
  if (!set.empty() && clear) {
    PrintError("--set and --clear: give one");
    return kExitUsage;
  }
  std::optional<Date> date;
  if (!set.empty()) {
    auto parsed = Date::Parse(set);
    if (!parsed.ok()) {
      PrintError("--set: " + parsed.error().ToString());
      return kExitUsage;
    }
    date = parsed.value();
  }
  const Date real = store::Env::Default().TodayUk();
  if (set.empty() && !clear) {
    auto current = store::ReadPlatformDate(args.data_dir);
    if (!current.ok()) {
      PrintError(current.error().ToString());
      return kExitFailure;
    }
    if (current.value()) std::printf("%s\n", store::PlatformDateNotice(*current.value(), real).c_str());
    else std::printf("no platform date: the real date (%s) is used\n", real.ToString().c_str());
    return kExitOk;
  }
  auto state = OpenOrPrint(ctx, args, Access::kExclusive);
  if (!state) return kExitFailure;
  if (Status s = store::WritePlatformDate(args.data_dir, date); !s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  const nlohmann::json details = {{"platform_date", date ? date->ToString() : ""}};
  if (Status s = state->store->AppendAudit(state->actor, "platform.date", args.data_dir, details.dump()); !s.ok()) {
    PrintError("the platform date was changed but its audit entry could not be written: " + s.error().ToString());
    return kExitFailure;
  }
  if (date) std::printf("Set: %s. Billing, meters, renewals and pages use it until cleared.\n",
                        store::PlatformDateNotice(*date, real).c_str());
  else std::printf("Cleared: the real date (%s) is used.\n", real.ToString().c_str());
  return kExitOk;
}

}  // namespace

void AddStoreCommands(CLI::App& app, Context& ctx) {
  {
    auto args = std::make_shared<StateArgs>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("batches", "List loaded batches: kind, file, content hash, rows, when, by whom");
    AddStateOptions(cmd, *args);
    cmd->add_flag("--json", *json, "Print as JSON");
    cmd->callback([&ctx, args, json] { ctx.action = [&ctx, args, json] { return Batches(ctx, *args, *json); }; });
  }
  {
    auto* cmd = app.add_subcommand("batch", "Manage one batch");
    cmd->require_subcommand(1);
    auto args = std::make_shared<StateArgs>();
    auto id = std::make_shared<int64_t>(0);
    auto database = std::make_shared<std::string>();
    auto* remove = cmd->add_subcommand("remove", "Withdraw a batch (it stays in the audit log)");
    AddStateOptions(remove, *args);
    AddDatabaseOption(remove, *database);
    remove->add_option("id", *id, "Batch id (see 'csu batches')")->required();
    remove->callback([&ctx, args, id, database] {
      ctx.action = [&ctx, args, id, database] { return RemoveBatch(ctx, *args, *id, *database); };
    });
    auto* purge = cmd->add_subcommand(
        "purge-quarantine", "Delete a batch's quarantined rows (counts and an audit entry are kept); once per batch");
    AddStateOptions(purge, *args);
    purge->add_option("id", *id, "Batch id (see 'csu batches')")->required();
    purge->callback([&ctx, args, id] { ctx.action = [&ctx, args, id] { return PurgeQuarantine(ctx, *args, *id); }; });
  }
  {
    auto args = std::make_shared<StateArgs>();
    auto batch = std::make_shared<int64_t>(0);
    auto format = std::make_shared<std::string>("csv");
    auto* cmd = app.add_subcommand("quarantine", "List quarantined rows with line, column, reason and the masked row");
    AddStateOptions(cmd, *args);
    auto* batch_opt = cmd->add_option("--batch", *batch, "Only this batch");
    cmd->add_option("--format", *format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
    cmd->callback([&ctx, args, batch, format, batch_opt] {
      std::optional<int64_t> b;
      if (batch_opt->count() > 0) b = *batch;
      ctx.action = [&ctx, args, b, format] { return Quarantine(ctx, *args, b, *format); };
    });
  }
  {
    auto* cmd = app.add_subcommand("audit", "Show or verify the hash-chained audit log");
    cmd->require_subcommand(1);
    auto args = std::make_shared<StateArgs>();
    auto* verify = cmd->add_subcommand("verify", "Re-compute the hash chain and report the first broken entry");
    AddStateOptions(verify, *args);
    verify->callback([&ctx, args] { ctx.action = [&ctx, args] { return AuditVerify(ctx, *args); }; });
    auto* list = cmd->add_subcommand("list", "Print every audit entry");
    AddStateOptions(list, *args);
    list->callback([&ctx, args] { ctx.action = [&ctx, args] { return AuditList(ctx, *args); }; });
  }
  {
    auto* cmd = app.add_subcommand("store", "Check or repair the state folder's files");
    cmd->require_subcommand(1);
    auto args = std::make_shared<StateArgs>();
    auto id = std::make_shared<int64_t>(0);
    auto* verify = cmd->add_subcommand("verify", "Check every batch file against its catalog checksum");
    AddStateOptions(verify, *args);
    verify->callback([&ctx, args] { ctx.action = [&ctx, args] { return StoreVerify(ctx, *args); }; });
    auto* rebuild = cmd->add_subcommand("rebuild", "Rewrite a batch's column file from its retained rows");
    AddStateOptions(rebuild, *args);
    rebuild->add_option("id", *id, "Batch id")->required();
    rebuild->callback([&ctx, args, id] { ctx.action = [&ctx, args, id] { return StoreRebuild(ctx, *args, *id); }; });
    auto date_args = std::make_shared<StateArgs>();
    auto set = std::make_shared<std::string>();
    auto clear = std::make_shared<bool>(false);
    auto* date = cmd->add_subcommand(
        "platform-date",
        "Show, set or clear the date this state folder treats as today (for past data such as the demo's 2018/19; "
        "never for production)");
    AddStateOptions(date, *date_args);
    date->add_option("--set", *set, "The platform date, YYYY-MM-DD");
    date->add_flag("--clear", *clear, "Use the real date again");
    date->callback([&ctx, date_args, set, clear] {
      ctx.action = [&ctx, date_args, set, clear] { return PlatformDate(ctx, *date_args, *set, *clear); };
    });
  }
}

}  // namespace csu::cli
