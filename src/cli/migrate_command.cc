// `csu migrate --from DIR --to postgresql://...`: moves an embedded
// installation's state folder into server mode's PostgreSQL database, step
// by step (src/migrate: the accounts, the audit log, contracts and
// challenges, billing, the activity batches, the ledgers, payroll, CHC,
// primary care and procurement), checked by the row counts
// of every table and by the audit chain's head hash, in one
// transaction (docs/server-mode.md, "Moving an installation"). The folder
// is only read. Progress is shown on a terminal only.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/state.h"
#include "core/progress.h"
#include "migrate/migrate.h"
#include "pg/pg_connection.h"
#include "store/env.h"

namespace csu::cli {
namespace {

struct MigrateArgs {
  std::string from;
  std::string to;
  bool json = false;
};

int Run(const MigrateArgs& args) {
  if (!pg::IsPostgresUrl(args.to))
    return Fail("--to: must be a postgresql:// URL (docs/server-mode.md)", kExitUsage);
  auto target = pg::Connect(args.to);
  if (!target.ok()) return Fail(target.error().ToString());
  // One line per table on a terminal (never in pipes or CI: core/progress.h).
  std::unique_ptr<Progress> progress;
  std::string shown;
  migrate::MigrateOptions options;
  options.actor = CurrentActor();
  options.now_iso = store::Env::Default().NowUtc();
  options.progress = [&](const migrate::MigrateProgress& p) {
    const std::string label = std::string(p.step) + ": " + std::string(p.table);
    if (label != shown) {
      if (progress) progress->Finish();
      progress = std::make_unique<Progress>(label, "rows");
      shown = label;
    }
    progress->Update(static_cast<uint64_t>(p.done),
                     p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : -1.0);
  };
  // Recorded (the migrations table, the store.migrate entry) as an absolute path.
  std::error_code ec;
  const std::filesystem::path from = std::filesystem::absolute(args.from, ec).lexically_normal();
  auto report = migrate::Migrate(ec ? args.from : from.string(), *target.value(), migrate::DefaultSteps(), options);
  if (progress) progress->Finish();
  if (!report.ok()) return Fail(report.error().ToString());
  const std::string name = target.value()->Name();
  if (args.json) {
    nlohmann::json out = {{"from", args.from}, {"to", name}, {"steps", nlohmann::json::array()}};
    for (const auto& s : report.value().steps) {
      nlohmann::json step = {{"step", s.step}, {"tables", nlohmann::json::array()}, {"checks", nlohmann::json::object()}};
      for (const auto& t : s.tables)
        step["tables"].push_back({{"table", t.table}, {"source_rows", t.source_rows}, {"target_rows", t.target_rows}});
      for (const auto& [k, v] : s.checks) step["checks"][k] = v;
      out["steps"].push_back(step);
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::printf("Migrated %s into %s:\n", args.from.c_str(), name.c_str());
  // Columns as wide as their longest entry ("continuing healthcare",
  // "procurement_representations").
  int step_w = 4, table_w = 5;
  for (const auto& s : report.value().steps) {
    step_w = std::max(step_w, static_cast<int>(s.step.size()));
    for (const auto& t : s.tables) table_w = std::max(table_w, static_cast<int>(t.table.size()));
  }
  std::printf("  %-*s  %-*s %12s %12s\n", step_w, "step", table_w, "table", "source rows", "target rows");
  for (const auto& s : report.value().steps) {
    for (const auto& t : s.tables)
      std::printf("  %-*s  %-*s %12lld %12lld\n", step_w, s.step.c_str(), table_w, t.table.c_str(),
                  static_cast<long long>(t.source_rows), static_cast<long long>(t.target_rows));
    for (const auto& [k, v] : s.checks) std::printf("  %-*s  %s: %s\n", step_w, s.step.c_str(), k.c_str(), v.c_str());
  }
  std::printf("The state folder was only read. Start the nodes with --database (or CSU_DATABASE_URL) set to the "
              "same database.\n");
  return kExitOk;
}

}  // namespace

void AddMigrateCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "Move a state folder (accounts, audit log, contracts, billing, batches, ledgers, payroll, CHC, primary care, "
      "procurement) into server mode's PostgreSQL database (docs/server-mode.md)");
  cmd->add_option("--from", args->from, "The state folder to move (only read; stop csu serve on it first)")
      ->required();
  cmd->add_option("--to", args->to,
                  "An empty postgresql:// database (or schema, with ?options=-csearch_path%3DNAME) to fill")
      ->required();
  cmd->add_flag("--json", args->json, "Print the counts and checks as JSON");
  cmd->callback([&ctx, args] { ctx.action = [args] { return Run(*args); }; });
}

}  // namespace csu::cli
