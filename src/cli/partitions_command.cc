// `csu partitions set|show --database URL`: the partition map of server mode
// (docs/server-mode.md, "Partitions"; tables: docs/store-format.md §11c).
// `set` replaces the whole map in one transaction and records it in the
// audit log in the same database, with the operating system user as the
// actor; nodes read the map when they start (`csu serve --node NAME`).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "pg/pg_connection.h"
#include "report/report_table.h"
#include "store/partition_map.h"

namespace csu::cli {
namespace {

struct PartitionsArgs {
  std::string database;
  std::vector<std::string> nodes;
  std::vector<std::string> groups;
  std::string format = "table";
};

nlohmann::json MapJson(const store::PartitionMap& map) {
  nlohmann::json nodes = nlohmann::json::array(), groups = nlohmann::json::array();
  for (const auto& n : map.nodes) nodes.push_back({{"node", n.name}, {"base_url", n.base_url}});
  for (const auto& g : map.groups)
    groups.push_back({{"group", g.name}, {"owners", {g.owners[0], g.owners[1]}}, {"commissioners", g.commissioners}});
  return {{"nodes", nodes}, {"groups", groups}};
}

std::vector<report::ReportTable> MapTables(const store::PartitionMap& map) {
  report::ReportTable nodes("Nodes", {{"node", report::ColumnType::kText, "Node"},
                                      {"base_url", report::ColumnType::kText, "Base URL"}});
  for (const auto& n : map.nodes) nodes.AddRow({report::Cell::Text(n.name), report::Cell::Text(n.base_url)});
  report::ReportTable groups("Commissioner groups", {{"group", report::ColumnType::kText, "Group"},
                                                     {"first_owner", report::ColumnType::kText, "First owner"},
                                                     {"second_owner", report::ColumnType::kText, "Second owner"},
                                                     {"commissioners", report::ColumnType::kText, "Commissioners"}});
  for (const auto& g : map.groups) {
    std::string list;
    for (const auto& c : g.commissioners) list += (list.empty() ? "" : ",") + c;
    groups.AddRow({report::Cell::Text(g.name), report::Cell::Text(g.owners[0]), report::Cell::Text(g.owners[1]),
                   report::Cell::Text(list)});
  }
  return {nodes, groups};
}

Result<std::unique_ptr<store::SqlConnection>> OpenDatabase(const std::string& url) {
  if (url.empty()) return MakeError("--database", "is required (or set CSU_DATABASE_URL): the map lives in PostgreSQL");
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  return pg::Connect(url);
}

int Set(const PartitionsArgs& a) {
  auto map = store::ParsePartitionArgs(a.nodes, a.groups);
  if (!map.ok()) return Fail(map.error().ToString(), kExitUsage);
  auto db = OpenDatabase(a.database);
  if (!db.ok()) return Fail(db.error().ToString());
  // The audit entry first: a change that cannot be audited is not made.
  auto log = OpenServerAudit(a.database);
  if (!log.ok()) return Fail(log.error().ToString());
  if (auto e = log.value()->Append(CurrentActor(), "partitions.set", "partition_map", MapJson(map.value()).dump());
      !e.ok())
    return Fail(e.error().ToString());
  if (Status s = store::WritePartitionMap(*db.value(), map.value()); !s.ok()) return Fail(s.error().ToString());
  std::printf("partition map set: %zu nodes, %zu groups; the running nodes take it within a few seconds (each "
              "reloads its share and says so in its log; a node's new address needs that node restarted)\n",
              map.value().nodes.size(), map.value().groups.size());
  return kExitOk;
}

int Show(const PartitionsArgs& a) {
  if (std::string bad = CheckTableFormat(a.format, ""); !bad.empty()) return Fail(bad, kExitUsage);
  auto db = OpenDatabase(a.database);
  if (!db.ok()) return Fail(db.error().ToString());
  auto map = store::ReadPartitionMap(*db.value());
  if (!map.ok()) return Fail(map.error().ToString());
  if (a.format == "json") return WriteText(MapJson(map.value()).dump(2) + "\n", "");
  return WriteTables(MapTables(map.value()), a.format, "");
}

}  // namespace

void AddPartitionsCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "partitions", "Server mode: which nodes own which commissioner groups (docs/server-mode.md, \"Partitions\")");
  cmd->require_subcommand(1);
  auto args = std::make_shared<PartitionsArgs>();
  auto* set = cmd->add_subcommand("set", "Replace the partition map: every node and every group, each group on two nodes");
  AddDatabaseOption(set, args->database);
  set->add_option("--node", args->nodes, "A node as NAME=http://HOST:PORT, or NAME=https://HOST:PORT when the nodes reach each other over TLS (repeat for each node)")->required();
  set->add_option("--group", args->groups,
                  "A commissioner group as NAME:NODE1,NODE2:CCG[,CCG...] (repeat; NODE1 is asked first)")
      ->required();
  set->callback([&ctx, args] { ctx.action = [args] { return Set(*args); }; });
  auto* show = cmd->add_subcommand("show", "Print the partition map");
  AddDatabaseOption(show, args->database);
  show->add_option("--format", args->format, "table, csv or json")->capture_default_str();
  show->callback([&ctx, args] { ctx.action = [args] { return Show(*args); }; });
}

}  // namespace csu::cli
