// `csu reporting publish | grant | revoke | roles`: the read-only reporting
// schema in PostgreSQL that analysts' own tools (Power BI, Excel over ODBC)
// query, scoped to one CCG per reporting role by row-level security
// (reporting/reporting_store.h; tables in docs/store-format.md §18; how to
// connect in docs/deploy.md §9). Every change is audited in the database's
// hash-chained audit log (server mode keeps it there).
#include "cli/reporting_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/server_mode.h"
#include "pg/pg_connection.h"
#include "pricing/priced_activity.h"
#include "refdata/refdata.h"
#include "reporting/reporting_store.h"
#include "store/env.h"

namespace csu::cli {
namespace {

struct PublishArgs {
  StateArgs state;
  std::string database;
  std::string schema = reporting::kDefaultSchema;
};

struct GrantArgs {
  std::string database;
  std::string schema = reporting::kDefaultSchema;
  std::string ccg;
  std::string role;
  bool records = false;
};

Result<std::unique_ptr<store::SqlConnection>> OpenDatabase(const std::string& url) {
  if (url.empty())
    return MakeError("--database", "give the postgresql:// URL of the reporting database (or set CSU_DATABASE_URL)");
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  return pg::Connect(url);
}

Status Audit(const std::string& url, const std::string& actor, const std::string& action, const std::string& subject,
             const nlohmann::json& details) {
  CSU_ASSIGN_OR_RETURN(log, OpenServerAudit(url));
  auto e = log->Append(actor, action, subject, details.dump());
  return e.ok() ? Status::Ok() : Status(e.error());
}

int RunPublish(const Context& ctx, const PublishArgs& args) {
  auto state = OpenOrPrint(ctx, args.state, Access::kShared);
  if (!state) return kExitFailure;
  return PublishReporting(*state, args.database, args.schema);
}

int RunGrant(const Context& ctx, const GrantArgs& args) {
  const std::string ref_dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  auto ref = refdata::RefData::Load(ref_dir);
  if (!ref.ok()) return Fail(ref.error().ToString());
  auto code = OdsCode::Parse(args.ccg);
  if (!code.ok() || ref.value().FindCcg(code.value()) == nullptr)
    return Fail("--ccg: \"" + args.ccg + "\" is not a CCG in the reference data", kExitUsage);
  if (!reporting::PlainIdentifier(args.role))
    return Fail("--role: \"" + args.role + "\" must be lower-case letters, digits and _ (at most 63)", kExitUsage);
  auto db = OpenDatabase(args.database);
  if (!db.ok()) return Fail(db.error().ToString());
  const std::string actor = CurrentActor();
  if (Status s = reporting::Grant(*db.value(), args.schema, args.ccg, args.role, args.records, actor,
                                  store::Env::Default().NowUtc());
      !s.ok())
    return Fail(s.error().ToString());
  if (Status s = Audit(args.database, actor, "reporting.grant", args.role,
                       {{"ccg", args.ccg}, {"schema", args.schema}, {"record_level", args.records}});
      !s.ok())
    return Fail("granted, but the audit entry could not be written: " + s.error().ToString());
  std::printf("Role %s reads %s's rows of %s%s. Set its password in psql with \\password %s.\n", args.role.c_str(),
              args.ccg.c_str(), args.schema.c_str(),
              args.records ? " (aggregates and pseudonymised records)" : " (aggregates only)", args.role.c_str());
  return kExitOk;
}

int RunRevoke(const Context&, const GrantArgs& args) {
  auto db = OpenDatabase(args.database);
  if (!db.ok()) return Fail(db.error().ToString());
  if (Status s = reporting::Revoke(*db.value(), args.schema, args.ccg, args.role); !s.ok())
    return Fail(s.error().ToString());
  const std::string actor = CurrentActor();
  if (Status s = Audit(args.database, actor, "reporting.revoke", args.role,
                       {{"ccg", args.ccg.empty() ? "all" : args.ccg}, {"schema", args.schema}});
      !s.ok())
    return Fail("revoked, but the audit entry could not be written: " + s.error().ToString());
  std::printf("Role %s no longer reads %s in %s.\n", args.role.c_str(),
              args.ccg.empty() ? "any CCG" : args.ccg.c_str(), args.schema.c_str());
  return kExitOk;
}

int RunRoles(const Context&, const GrantArgs& args) {
  auto db = OpenDatabase(args.database);
  if (!db.ok()) return Fail(db.error().ToString());
  auto list = reporting::ListMappings(*db.value(), args.schema);
  if (!list.ok()) return Fail(list.error().ToString());
  std::printf("%-24s %-6s %-10s %-21s %s\n", "role", "ccg", "records", "granted", "by");
  for (const auto& m : list.value())
    std::printf("%-24s %-6s %-10s %-21s %s\n", m.role.c_str(), m.ccg.c_str(), m.record_level ? "yes" : "no",
                m.granted_at.c_str(), m.granted_by.c_str());
  return kExitOk;
}

void AddSchemaAndDatabase(CLI::App* cmd, std::string& database, std::string& schema) {
  cmd->add_option("--database", database,
                  "The postgresql:// URL of server mode's database, as its owner (or set CSU_DATABASE_URL)")
      ->envname("CSU_DATABASE_URL");
  cmd->add_option("--schema", schema, "The reporting schema's name")->capture_default_str();
}

}  // namespace

int PublishReporting(State& state, const std::string& url, const std::string& schema, std::FILE* out) {
  auto db = OpenDatabase(url);
  if (!db.ok()) return Fail(db.error().ToString());
  auto loaded = pricing::LoadPriced(*state.store, *state.ref);
  if (!loaded.ok()) return Fail(loaded.error().ToString());
  auto batches = state.store->ListBatches();
  if (!batches.ok()) return Fail(batches.error().ToString());
  auto done = reporting::Publish(*db.value(), schema, loaded.value(), *state.ref, batches.value(), state.actor,
                                 store::Env::Default().NowUtc());
  if (!done.ok()) return Fail("the reporting schema was not refreshed: " + done.error().ToString());
  const reporting::PublishResult& r = done.value();
  if (Status s = Audit(url, state.actor, "reporting.publish", schema,
                       {{"refresh", r.refresh_id}, {"batches", r.batch_ids}, {"monthly_rows", r.monthly_rows},
                        {"record_rows", r.record_rows}});
      !s.ok())
    return Fail("published, but the audit entry could not be written: " + s.error().ToString());
  std::fprintf(out, "Reporting refresh %lld published to %s: %lld monthly rows, %lld records, batches %s.\n",
              static_cast<long long>(r.refresh_id), schema.c_str(), static_cast<long long>(r.monthly_rows),
              static_cast<long long>(r.record_rows), r.batch_ids.empty() ? "none" : r.batch_ids.c_str());
  return kExitOk;
}

void AddReportingCommands(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand(
      "reporting",
      "Server mode: the read-only reporting schema in PostgreSQL for Power BI and Excel (aggregates and "
      "pseudonymised records, one CCG per reporting role by row-level security; docs/deploy.md)");
  cmd->require_subcommand(1);

  auto publish = std::make_shared<PublishArgs>();
  CLI::App* p = cmd->add_subcommand(
      "publish",
      "Replace the reporting schema's rows with the state folder's loaded, priced activity, in one transaction "
      "(readers see the old refresh or the new one)");
  AddStateOptions(p, publish->state);
  AddSchemaAndDatabase(p, publish->database, publish->schema);
  p->callback([&ctx, publish] { ctx.action = [&ctx, publish] { return RunPublish(ctx, *publish); }; });

  auto grant = std::make_shared<GrantArgs>();
  CLI::App* g = cmd->add_subcommand(
      "grant", "Let a PostgreSQL login role (created if missing, without a password) read one CCG's rows");
  AddSchemaAndDatabase(g, grant->database, grant->schema);
  g->add_option("--ccg", grant->ccg, "The CCG (ODS code) whose rows the role reads")->required()->transform(UpperCaseCode);
  g->add_option("--role", grant->role, "The role's name (lower-case letters, digits, _)")->required();
  g->add_flag("--records", grant->records,
              "Also the pseudonymised record-level rows (an export of record-level data: docs/permissions.md allows "
              "it to CSU analysts only)");
  g->callback([&ctx, grant] { ctx.action = [&ctx, grant] { return RunGrant(ctx, *grant); }; });

  auto revoke = std::make_shared<GrantArgs>();
  CLI::App* r = cmd->add_subcommand("revoke", "Stop a role reading a CCG's rows (every CCG without --ccg)");
  AddSchemaAndDatabase(r, revoke->database, revoke->schema);
  r->add_option("--ccg", revoke->ccg, "The CCG (ODS code)")->transform(UpperCaseCode);
  r->add_option("--role", revoke->role, "The role's name")->required();
  r->callback([&ctx, revoke] { ctx.action = [&ctx, revoke] { return RunRevoke(ctx, *revoke); }; });

  auto roles = std::make_shared<GrantArgs>();
  CLI::App* l = cmd->add_subcommand("roles", "List the reporting roles and the CCGs they read");
  AddSchemaAndDatabase(l, roles->database, roles->schema);
  l->callback([&ctx, roles] { ctx.action = [&ctx, roles] { return RunRoles(ctx, *roles); }; });
}

}  // namespace csu::cli
