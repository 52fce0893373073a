// `csu report VIEW`: contract monitoring and commissioning intelligence for
// a commissioner (or the whole CSU), a year and a month, as a terminal
// table, CSV, JSON or an XLSX workbook (docs/monitoring.md).
// `csu challenges set`: record a status for a challenge.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "analytics/challenges.h"
#include "analytics/commissioning_views.h"
#include "analytics/report_views.h"
#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "contracts/contract_store.h"
#include "core/file.h"
#include "pricing/priced_activity.h"
#include "store/env.h"

namespace csu::cli {
namespace {

const std::vector<std::string> kViews = {"summary", "monitoring", "nca", "challenges", "spend", "flows",
                                         "practices", "ae", "readmissions", "records", "all"};

struct ReportArgs {
  StateArgs state;
  std::string database;  // server mode: contracts, challenges and the audit log in PostgreSQL
  std::string view;
  std::string commissioner;
  std::string year = "2018/19";
  int month = 0;  // 0 = the latest month with activity
  std::string format = "table";
  std::string out;
  bool shared = false;
  double fu_ratio_limit = 3.0;
  std::string rag;  // summary: "AMBER,RED" per cent; empty = the defaults
  // records (drill-down)
  std::string provider;
  std::string pod;
  std::string rule;
  bool month_only = false;
};

struct SetArgs {
  StateArgs state;
  std::string database;
  std::string id;
  std::string status;
  std::string note;
};

int RunReport(const Context& ctx, const ReportArgs& args) {
  auto year = FinancialYear::Parse(args.year);
  if (!year.ok()) return Fail("--year: " + year.error().ToString(), kExitUsage);
  if (std::string problem = CheckTableFormat(args.format, args.out); !problem.empty())
    return Fail(problem, kExitUsage);
  if (args.view == "records" && args.provider.empty())
    return Fail("report records drills down to one provider: give --provider CODE (and optionally --pod, --month)",
                kExitUsage);
  std::optional<pricing::Pod> pod;
  if (!args.pod.empty()) {
    pod = contracts::ParsePod(args.pod);
    if (!pod && args.pod != "NP") return Fail("--pod: \"" + args.pod + "\" is not one of DC EL NEL NELST NELNE OPFA OPFUP OPPROC AE NP", kExitUsage);
    if (!pod) pod = pricing::Pod::kNone;
  }
  if (args.month < 0 || args.month > 12) return Fail("--month: financial month 1 (April) to 12 (March)", kExitUsage);
  analytics::RagThresholds rag;
  if (!args.rag.empty()) {
    auto parsed = analytics::ParseRagThresholds(args.rag);
    if (!parsed.ok()) return Fail(parsed.error().ToString(), kExitUsage);
    rag = parsed.value();
  }
  auto state = OpenOrPrint(ctx, args.state, Access::kShared);
  if (!state) return kExitFailure;
  auto loaded = pricing::LoadPriced(*state->store, *state->ref);
  if (!loaded.ok()) return Fail(loaded.error().ToString());
  auto db = OpenContracts(args.state.data_dir, args.database);
  if (!db.ok()) return Fail(db.error().ToString());
  auto audit = CommandAudit::Open(*state->store, args.database);
  if (!audit.ok()) return Fail(audit.error().ToString());
  const analytics::CommissioningViews views(loaded.value(), *state->ref, *db.value());
  analytics::ViewRequest request;
  request.view = args.view;
  request.commissioner = args.commissioner;
  request.year = year.value();
  request.month = args.month;
  request.fu_ratio_limit_milli = static_cast<int64_t>(args.fu_ratio_limit * 1000.0 + 0.5);
  request.provider = args.provider;
  request.pod = pod;
  request.month_only = args.month_only;
  request.rag = rag;
  request.shared = args.shared;  // disclosure control is applied by the views
  auto built = views.Build(request);
  if (!built.ok()) return Fail(built.error().ToString() + " (state folder " + args.state.data_dir + ")");
  analytics::ViewScope& scope = built.value().scope;
  std::vector<report::ReportTable>& tables = built.value().tables;
  const bool all = args.view == "all";

  // Record-level outputs and files leaving the platform are audited.
  const bool record_level = analytics::IsRecordLevel(args.view) || all;
  if (record_level || !args.out.empty()) {
    nlohmann::json details = {{"view", args.view}, {"commissioner", scope.commissioner_label},
                              {"year", scope.year.ToString()}, {"month", scope.month}, {"format", args.format},
                              {"shared", args.shared}, {"record_level", record_level}};
    if (!args.out.empty()) details["file"] = args.out;
    if (Status s = audit.value()->Append(state->actor, args.out.empty() ? "report.view" : "report.export",
                                             args.view, details.dump());
        !s.ok())
      return Fail("the audit entry could not be written, so the report is withheld: " + s.error().ToString());
  }

  return WriteTables(tables, args.format, args.out);
}

int SetStatus(const Context& ctx, const SetArgs& args) {
  auto status = contracts::ParseStatus(args.status);
  if (!status) return Fail("status must be raised, agreed or rejected, not \"" + args.status + "\"", kExitUsage);
  auto state = OpenOrPrint(ctx, args.state, Access::kShared);
  if (!state) return kExitFailure;
  // The record behind the id names the challenge's commissioner, which its
  // entry carries (row-level security in server mode), and catches a
  // mistyped id before anything is recorded.
  auto loaded = pricing::LoadPriced(*state->store, *state->ref);
  if (!loaded.ok()) return Fail(loaded.error().ToString());
  const std::optional<OdsCode> ccg = analytics::ChallengeCommissioner(loaded.value(), args.id);
  if (!ccg)
    return Fail("challenge " + args.id + ": no such challenge in the activity loaded in " + args.state.data_dir +
                    " (ids are listed by csu report challenges --commissioner CODE); nothing was recorded",
                kExitUsage);
  auto db = OpenContracts(args.state.data_dir, args.database);
  if (!db.ok()) return Fail(db.error().ToString());
  auto audit = CommandAudit::Open(*state->store, args.database);
  if (!audit.ok()) return Fail(audit.error().ToString());
  const std::string now = store::Env::Default().NowUtc();
  if (Status s = db.value()->SetChallengeStatus(args.id, ccg->ToString(), *status, args.note, now, state->actor);
      !s.ok())
    return Fail(s.error().ToString());
  nlohmann::json details = {{"challenge", args.id}, {"commissioner", ccg->ToString()}, {"status", args.status},
                            {"note", args.note}};
  if (Status s = audit.value()->Append(state->actor, "challenge.status", args.id, details.dump()); !s.ok())
    return Fail("status recorded but the audit entry could not be written: " + s.error().ToString());
  std::printf("Challenge %s is now %s.\n", args.id.c_str(), args.status.c_str());
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Contract monitoring and intelligence: summary (one row per contract with a red/amber/green status), "
      "monitoring (plan vs actual by POD), nca (non-contract activity), challenges, "
      "spend (market share), flows (practice to provider), practices (rates per 1,000), ae (4-hour performance), "
      "readmissions (30-day rates), records (drill-down), all");
  cmd->add_option("VIEW", args->view, "Which report")->required()->check(CLI::IsMember(kViews));
  AddStateOptions(cmd, args->state);
  AddDatabaseOption(cmd, args->database);
  cmd->add_option("--commissioner", args->commissioner, "CCG ODS code, or 'all' for the whole CSU")->required()->transform(UpperCaseCode);
  cmd->add_option("--year", args->year, "Financial year")->capture_default_str();
  cmd->add_option("--month", args->month, "Financial month reported, 1 (April) to 12 (March); default: the latest with activity");
  cmd->add_option("--format", args->format, "table, csv, json or xlsx")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}));
  cmd->add_option("--out", args->out, "Write to this file instead of standard output (required for xlsx)");
  cmd->add_flag("--shared", args->shared,
                "For sharing beyond the CCG: apply disclosure control (1-7 shown as *, others rounded to 5; rates, shares "
                "and variances from the rounded counts; challenges by provider and rule; records refused)");
  cmd->add_option("--fu-ratio-limit", args->fu_ratio_limit, "challenges: follow-up to first ratio above which follow-ups are challenged")
      ->capture_default_str();
  cmd->add_option("--rag", args->rag, "summary: status thresholds in per cent of plan, amber then red (default 2,5)");
  cmd->add_option("--provider", args->provider, "records: the provider (ODS code)")->transform(UpperCaseCode);
  cmd->add_option("--pod", args->pod, "records: only this point of delivery (NP = not priced)");
  cmd->add_flag("--month-only", args->month_only, "records: the month only, not the year to date");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return RunReport(ctx, *args); }; });

  auto set = std::make_shared<SetArgs>();
  CLI::App* ch = app.add_subcommand("challenges", "The challenge log: record the outcome of a challenge");
  ch->require_subcommand(1);
  CLI::App* s = ch->add_subcommand("set", "Set a challenge's status (raised, agreed or rejected) with a note");
  AddStateOptions(s, set->state);
  AddDatabaseOption(s, set->database);
  s->add_option("ID", set->id, "Challenge id, as csu report challenges lists it")->required();
  s->add_option("STATUS", set->status, "raised, agreed or rejected")->required();
  s->add_option("--note", set->note, "Why (required for agreed and rejected)");
  s->callback([&ctx, set] { ctx.action = [&ctx, set] { return SetStatus(ctx, *set); }; });
}

}  // namespace csu::cli
