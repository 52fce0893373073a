// `csu app-role ROLE --database OWNER_URL`: turns on row-level security for
// server mode's application role (cli/app_role.h, docs/server-mode.md
// "Row-level security", docs/deploy.md). Run by the tables' owner once per
// installation (and again after an upgrade that adds tables); recorded in
// the database's audit log with the operating system user as the actor.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/app_role.h"
#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "pg/pg_connection.h"

namespace csu::cli {
namespace {

struct AppRoleArgs {
  std::string role;
  std::string database;
};

int Run(const AppRoleArgs& a) {
  if (a.database.empty()) return Fail("--database is required (or set CSU_DATABASE_URL): the owner's URL", kExitUsage);
  if (!pg::IsPostgresUrl(a.database)) return Fail("--database: must be a postgresql:// URL (docs/server-mode.md)", kExitUsage);
  {
    auto db = pg::Connect(a.database);
    if (!db.ok()) return Fail(db.error().ToString());
    auto q = db.value()->Prepare("SELECT 1 FROM pg_roles WHERE rolname = ?1");
    if (!q.ok()) return Fail(q.error().ToString());
    auto row = q.value().Bind(1, a.role).Step();
    if (!row.ok()) return Fail(row.error().ToString());
    if (!row.value())
      return Fail("role " + a.role + " does not exist: create it first (CREATE ROLE " + a.role +
                  " LOGIN NOSUPERUSER NOBYPASSRLS; docs/deploy.md §8.11)");
  }
  // The audit entry first: a change that cannot be audited is not made.
  auto log = OpenServerAudit(a.database);
  if (!log.ok()) return Fail(log.error().ToString());
  nlohmann::json details = {{"role", a.role}};
  if (auto e = log.value()->Append(CurrentActor(), "database.app_role", a.role, details.dump()); !e.ok())
    return Fail(e.error().ToString());
  auto done = ScopeForApplicationRole(a.database, a.role);
  if (!done.ok()) return Fail(done.error().ToString());
  std::printf(
      "role %s: %d tables scoped to one CCG per request, %d shared tables readable; give csu serve "
      "--app-database with a URL that signs in as %s\n",
      a.role.c_str(), done.value().first, done.value().second, a.role.c_str());
  return kExitOk;
}

}  // namespace

void AddAppRoleCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<AppRoleArgs>();
  auto* cmd = app.add_subcommand(
      "app-role",
      "Server mode: scope the CCGs' tables to one CCG per request for the application role ROLE (row-level "
      "security; docs/deploy.md)");
  cmd->add_option("role", args->role, "The application role (it must exist, own no table, and not bypass RLS)")
      ->required()
      ->check([](const std::string& r) -> std::string {
        for (char c : r)
          if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return "a role name of a-z, 0-9 and _";
        return r.empty() ? "a role name" : "";
      });
  AddDatabaseOption(cmd, args->database);
  cmd->callback([&ctx, args] { ctx.action = [args] { return Run(*args); }; });
}

}  // namespace csu::cli
