// Primary care contracting on the command line (docs/primary-care.md):
//   csu primary-care practices add --ccg CCG       the CCG's practices from the reference data
//   csu primary-care practices list [--ccg CCG]    with their contract and latest list
//   csu primary-care contract add|end, contracts   GMS, PMS and APMS contracts with dates
//   csu primary-care lists load FILE               quarterly registered and weighted lists
//   csu primary-care lists show --practice P
//   csu primary-care qof load --practices F --indicators F    a year's QOF figures per practice
//   csu primary-care achievement --year Y [--ccg C] [--shared]  by practice against CCG and national
//   csu primary-care outliers --year Y [--ccg C]
//   csu primary-care adjustments load FILE         other agreed payments and deductions
//   csu primary-care schedule --ccg C --month M    the month's payment schedule, explained
//   csu primary-care schedule-post --ccg C --month M   posted to the CCG's ledger, once
//   csu primary-care history --practice P, postings [--ccg C]
// Every change is written to the hash-chained audit log: the state
// folder's, or with --database (server mode, docs/server-mode.md) the
// PostgreSQL log beside the primary care tables the command then uses; a
// schedule posts through cli::OpenLedgerStore, to the ledger of that mode.
// Primary care contracting is charged per head of population (catalogue
// service PCC), so nothing here is metered.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/primary_care_open.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "core/text.h"
#include "core/uk_time.h"
#include "ledger/ledger_store.h"
#include "ledger/org_directory.h"
#include "primarycare/adjustments_file.h"
#include "primarycare/claims_schedule_source.h"
#include "primarycare/claims_store.h"
#include "primarycare/lists_file.h"
#include "primarycare/payment_schedule.h"
#include "primarycare/pc_store.h"
#include "primarycare/pc_views.h"
#include "primarycare/qof_files.h"
#include "primarycare/qof_years.h"
#include "primarycare/schedule_posting.h"
#include "report/disclosure.h"
#include "store/env.h"
#include "store/platform_date.h"
#include "synth/primary_care_demo.h"
#include "core/file.h"

namespace csu::cli {
namespace {

struct PcArgs {
  StateArgs state;
  std::string database;  // server mode: the primary care tables and the audit log in PostgreSQL
  std::string ccg, practice, type, start, end, reference, on, file, practices, indicators, year, month, rates;
  int64_t id = 0;
  bool shared = false;
  std::string format = "table";
  std::string out;
};

struct Opened {
  std::unique_ptr<State> state;
  std::unique_ptr<primarycare::PcStore> db;
  std::unique_ptr<CommandAudit> audit;
  primarycare::Actor actor;
  Date today;
};

std::optional<Opened> Open(const Context& ctx, const PcArgs& a) {
  Opened o;
  o.state = OpenOrPrint(ctx, a.state, Access::kShared);  // primary-care.sqlite is its own database
  if (!o.state) return std::nullopt;
  if (!a.ccg.empty()) {
    auto code = OdsCode::Parse(a.ccg);
    if (!code.ok() || o.state->ref->FindCcg(code.value()) == nullptr) {
      PrintError("--ccg: " + a.ccg + " is not a CCG in the reference data");
      return std::nullopt;
    }
  }
  auto db = OpenPcStore(a.state.data_dir, a.database);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return std::nullopt;
  }
  o.db = std::move(db).value();
  auto audit = CommandAudit::Open(*o.state->store, a.database);
  if (!audit.ok()) {
    PrintError(audit.error().ToString());
    return std::nullopt;
  }
  o.audit = std::move(audit).value();
  const std::string now = store::Env::Default().NowUtc();
  o.actor = {now, "cli:" + o.state->actor};
  auto platform = store::ReadPlatformDate(a.state.data_dir);
  o.today = platform.ok() && platform.value() ? *platform.value() : UkDateOfTimestamp(now).value_or(Date());
  return o;
}

bool Audit(Opened& o, const std::string& action, const std::string& subject, const nlohmann::json& details) {
  if (Status s = o.audit->Append(o.state->actor, action, subject, details.dump()); !s.ok()) {
    PrintError("the change was made but its audit entry could not be written: " + s.error().ToString());
    return false;
  }
  return true;
}

std::string BaseName(const std::string& path) { return std::filesystem::path(path).filename().string(); }

int Show(const Result<report::ReportTable>& t, const PcArgs& a) {
  if (!t.ok()) return Fail(t.error().ToString());
  const std::string problem = CheckTableFormat(a.format, a.out);
  if (!problem.empty()) return Fail(problem, kExitUsage);
  return WriteTables({t.value()}, a.format, a.out);
}

// ---------------------------------------------------------------- practices

int PracticesAdd(const Context& ctx, const PcArgs& a) {
  if (a.ccg.empty()) return Fail("--ccg: whose practices to add", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  const std::string ccg = UpperCaseCode(a.ccg);
  std::vector<primarycare::PracticeRow> rows;
  for (const refdata::Practice& p : o->state->ref->practices())
    if (p.ccg.ToString() == ccg) rows.push_back({p.code.ToString(), ccg, "", p.postcode, p.registered_patients});
  if (rows.empty()) return Fail("--ccg: " + ccg + " has no practices in the reference data's GP list");
  auto added = o->db->AddPractices(rows, o->actor);
  if (!added.ok()) return Fail(added.error().ToString());
  if (!Audit(*o, "primary_care.practices_add", "ccg " + ccg,
             {{"ccg", ccg}, {"practices", rows.size()}, {"added", added.value()}}))
    return kExitFailure;
  std::printf("%s: %lld practices added (%zu in the reference data's January 2021 list)\n", ccg.c_str(),
              static_cast<long long>(added.value()), rows.size());
  return kExitOk;
}

int PracticesList(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  Date on = o->today;
  if (!a.on.empty()) {
    auto d = Date::Parse(a.on);
    if (!d.ok()) return Fail("--on: " + d.error().ToString(), kExitUsage);
    on = d.value();
  }
  return Show(primarycare::PracticesTable(*o->db, UpperCaseCode(a.ccg), on), a);
}

// ---------------------------------------------------------------- contracts

int ContractAdd(const Context& ctx, const PcArgs& a) {
  auto type = primarycare::ParseContractType(ToUpper(a.type));
  if (!type) return Fail("--type: '" + a.type + "' is not GMS, PMS or APMS", kExitUsage);
  auto start = Date::Parse(a.start);
  if (!start.ok()) return Fail("--start: " + start.error().ToString(), kExitUsage);
  std::optional<Date> end;
  if (!a.end.empty()) {
    auto e = Date::Parse(a.end);
    if (!e.ok()) return Fail("--end: " + e.error().ToString(), kExitUsage);
    end = e.value();
  }
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  primarycare::Contract c{0, UpperCaseCode(a.practice), *type, start.value(), end, a.reference, "", ""};
  auto id = o->db->AddContract(c, o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  if (!Audit(*o, "primary_care.contract_add", "practice " + c.practice,
             {{"contract", id.value()}, {"type", std::string(primarycare::ContractTypeName(c.type))},
              {"start", c.start.ToString()}, {"end", end ? end->ToString() : ""}, {"reference", c.reference}}))
    return kExitFailure;
  std::printf("contract %lld: %s %s from %s%s\n", static_cast<long long>(id.value()), c.practice.c_str(),
              std::string(primarycare::ContractTypeName(c.type)).c_str(), c.start.ToString().c_str(),
              end ? (" to " + end->ToString()).c_str() : " (open-ended)");
  return kExitOk;
}

int ContractEnd(const Context& ctx, const PcArgs& a) {
  auto on = Date::Parse(a.on);
  if (!on.ok()) return Fail("--on: " + on.error().ToString(), kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (Status s = o->db->EndContract(a.id, on.value(), o->actor); !s.ok()) return Fail(s.error().ToString());
  if (!Audit(*o, "primary_care.contract_end", "contract " + std::to_string(a.id), {{"end", on.value().ToString()}}))
    return kExitFailure;
  std::printf("contract %lld ends on %s\n", static_cast<long long>(a.id), on.value().ToString().c_str());
  return kExitOk;
}

int ContractsList(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  return Show(primarycare::ContractsTable(*o->db, UpperCaseCode(a.ccg)), a);
}

// ---------------------------------------------------------------- lists

int ListsLoad(const Context& ctx, const PcArgs& a) {
  auto file = primarycare::ReadListFile(a.file);
  if (!file.ok()) return Fail(file.error().ToString());
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto loaded = o->db->LoadListSizes(file.value().rows, file.value().lines, file.value().name, o->actor);
  if (!loaded.ok()) return Fail(loaded.error().ToString());
  if (!Audit(*o, "primary_care.lists_load", "file " + file.value().name,
             {{"rows", file.value().rows.size()}, {"added", loaded.value().added},
              {"replaced", loaded.value().replaced}}))
    return kExitFailure;
  std::printf("%s: %lld list sizes stored, %lld replacing earlier ones\n", file.value().name.c_str(),
              static_cast<long long>(loaded.value().added + loaded.value().replaced),
              static_cast<long long>(loaded.value().replaced));
  return kExitOk;
}

int ListsShow(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  return Show(primarycare::ListSizesTable(*o->db, UpperCaseCode(a.practice)), a);
}

// ---------------------------------------------------------------- QOF

int QofLoad(const Context& ctx, const PcArgs& a) {
  auto inputs = primarycare::ReadQofFiles(a.practices, a.indicators);
  if (!inputs.ok()) return Fail(inputs.error().ToString());
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  const std::string source = BaseName(a.practices) + " + " + BaseName(a.indicators);
  const primarycare::QofLoad load = primarycare::QofYearsFrom(inputs.value(), source);
  if (Status s = o->db->StoreQof(load.years, load.indicators, o->actor); !s.ok()) return Fail(s.error().ToString());
  int64_t achievement = 0, aspiration = 0;
  for (const auto& y : load.years) {
    achievement += y.achievement_pence ? 1 : 0;
    aspiration += y.aspiration_monthly_pence ? 1 : 0;
  }
  if (!Audit(*o, "primary_care.qof_load", "files " + source,
             {{"practices", load.years.size()}, {"indicators", load.indicators.size()},
              {"with_achievement", achievement}, {"with_aspiration", aspiration}}))
    return kExitFailure;
  std::printf("%zu practice-years stored (%lld with achievement, %lld with aspiration), %zu indicator rows\n",
              load.years.size(), static_cast<long long>(achievement), static_cast<long long>(aspiration),
              load.indicators.size());
  return kExitOk;
}

int Achievement(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto t = primarycare::AchievementTable(*o->db, UpperCaseCode(a.ccg), a.year);
  if (!t.ok()) return Fail(t.error().ToString());
  if (!a.shared && !a.ccg.empty()) return Show(t, a);
  // Leaving the CCG: registered counts under disclosure control.
  report::DisclosedTable d = report::ApplyDisclosureControl(t.value());
  return Show(d.table(), a);
}

int Outliers(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  return Show(primarycare::OutliersTable(*o->db, UpperCaseCode(a.ccg), a.year), a);
}

// ---------------------------------------------------------------- adjustments

int AdjustmentsLoad(const Context& ctx, const PcArgs& a) {
  auto file = primarycare::ReadAdjustmentFile(a.file);
  if (!file.ok()) return Fail(file.error().ToString());
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto added = o->db->AddAdjustments(file.value().rows, file.value().lines, file.value().name, o->actor);
  if (!added.ok()) return Fail(added.error().ToString());
  int64_t net = 0;
  for (const auto& r : file.value().rows) net += r.amount_pence;
  if (!Audit(*o, "primary_care.adjustments_load", "file " + file.value().name,
             {{"rows", added.value()}, {"net_pence", net}}))
    return kExitFailure;
  std::printf("%s: %lld payments and deductions stored, net %s\n", file.value().name.c_str(),
              static_cast<long long>(added.value()), Money::FromPence(net).ToString().c_str());
  return kExitOk;
}

// ---------------------------------------------------------------- schedule

std::string RatesDir(const Context& ctx, const PcArgs& a) {
  if (!a.rates.empty()) return a.rates;
  // data/primarycare sits beside data/refdata, wherever that was found.
  const std::string ref = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  return (std::filesystem::path(ref).parent_path() / "primarycare").string();
}

std::optional<primarycare::Schedule> BuildFor(const Context& ctx, const PcArgs& a, Opened& o) {
  auto month = ledger::LedgerPeriod::Parse(a.month);
  if (!month.ok()) {
    PrintError("--month: '" + a.month + "' is not a month YYYY-MM");
    return std::nullopt;
  }
  auto rates = primarycare::GlobalSumRates::Load(RatesDir(ctx, a));
  if (!rates.ok()) {
    PrintError("primary care rates: " + rates.error().ToString());
    return std::nullopt;
  }
  // Approved enhanced-service claims join the schedule from their tables in
  // the same file or schema (claims_schedule_source.h).
  CommandAudit* log = o.audit.get();
  auto claims = OpenClaimsStore(
      a.state.data_dir, a.database,
      [log](const std::string& actor, const std::string& act, const std::string& subject,
            const std::string& details) { return log->Append(actor, act, subject, details); });
  if (!claims.ok()) {
    PrintError(claims.error().ToString());
    return std::nullopt;
  }
  primarycare::ClaimsScheduleSource source(*claims.value());
  auto s = primarycare::BuildSchedule(*o.db, rates.value(), &source, UpperCaseCode(a.ccg), month.value());
  if (!s.ok()) {
    PrintError(s.error().ToString());
    return std::nullopt;
  }
  return std::move(s).value();
}

int ScheduleShow(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto s = BuildFor(ctx, a, *o);
  if (!s) return kExitFailure;
  return Show(primarycare::ScheduleTable(*s), a);
}

int SchedulePost(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto s = BuildFor(ctx, a, *o);
  if (!s) return kExitFailure;
  auto ledger = OpenLedgerStore(a.state.data_dir, a.database);
  if (!ledger.ok()) return Fail(ledger.error().ToString());
  auto posted = primarycare::PostSchedule(*o->db, *ledger.value(), *s, ledger::DirectoryOf(*o->state->ref), o->actor);
  if (!posted.ok()) return Fail(posted.error().ToString());
  const auto& p = posted.value();
  if (!Audit(*o, "primary_care.schedule_post", "ccg " + s->ccg + " " + s->month.ToString(),
             {{"journal", p.journal}, {"batch", p.batch}, {"pending", p.pending}, {"recovered", p.recovered},
              {"lines", p.lines}, {"total_pence", p.total_pence}}))
    return kExitFailure;
  std::printf("%s %s: %lld lines, %s, posted as journal %lld%s%s\n", s->ccg.c_str(), s->month.ToString().c_str(),
              static_cast<long long>(p.lines), Money::FromPence(p.total_pence).ToString().c_str(),
              static_cast<long long>(p.journal),
              p.pending ? (" (batch " + std::to_string(p.batch) + " waits for a second person's approval: csu ledger approve)").c_str() : "",
              p.recovered ? " (found from an interrupted earlier post)" : "");
  return kExitOk;
}

int History(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  return Show(primarycare::HistoryTable(*o->db, UpperCaseCode(a.practice)), a);
}

int Postings(const Context& ctx, const PcArgs& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  return Show(primarycare::PostingsTable(*o->db, UpperCaseCode(a.ccg)), a);
}

// The demo's primary care: synthetic files for the CCGs in the documented
// formats (synth/primary_care_demo.h), written to --out and loaded through
// the same readers and store calls as the commands above.
PcArgs OnState(const PcArgs& a) {
  PcArgs p;
  p.state = a.state;
  p.database = a.database;
  return p;
}

int Demo(const Context& ctx, const PcArgs& a) {
  auto year = FinancialYear::Parse(a.year.empty() ? "2024/25" : a.year);
  if (!year.ok()) return Fail("--year: " + year.error().why, kExitUsage);
  auto o = Open(ctx, OnState(a));
  if (!o) return kExitFailure;
  std::vector<std::string> ccgs;
  for (std::string_view part : Split(a.ccg, ',')) ccgs.push_back(UpperCaseCode(std::string(Trim(part))));
  const synth::PrimaryCareDemo demo = synth::GeneratePrimaryCareDemo(*o->state->ref, ccgs, year.value(), 1);
  if (demo.practices == 0) return Fail("--ccgs: no practices of those CCGs in the reference data", kExitUsage);
  std::filesystem::create_directories(a.out);
  const std::pair<const char*, const std::string*> files[] = {{"lists.csv", &demo.lists_csv},
                                                              {"qof-practices.csv", &demo.qof_practices_csv},
                                                              {"qof-indicators.csv", &demo.qof_indicators_csv},
                                                              {"adjustments.csv", &demo.adjustments_csv}};
  for (const auto& [name, text] : files) {
    AtomicFileWriter w(a.out + "/" + name);
    if (Status s = w.Open(); !s.ok()) return Fail(s.error().ToString());
    w.Append(*text);
    if (Status s = w.Commit(); !s.ok()) return Fail(s.error().ToString());
  }
  for (const std::string& ccg : ccgs) {
    PcArgs add = OnState(a);
    add.ccg = ccg;
    if (int rc = PracticesAdd(ctx, add); rc != kExitOk) return rc;
  }
  // The contracts through the store already open (one state load, not one
  // a contract), each audited as `contract add` audits it.
  int64_t contracts = 0;
  for (const auto& dc : demo.contracts) {
    auto existing = o->db->Contracts("", dc.practice);
    if (existing.ok() && !existing.value().empty()) continue;  // a second run keeps the first's contracts
    auto type = primarycare::ParseContractType(dc.type);
    if (!type) return Fail("demo contract " + dc.practice + ": type '" + dc.type + "'");
    primarycare::Contract c{0, dc.practice, *type, dc.start, dc.end, "", "", ""};
    auto id = o->db->AddContract(c, o->actor);
    if (!id.ok()) return Fail(id.error().ToString());
    if (!Audit(*o, "primary_care.contract_add", "practice " + c.practice,
               {{"contract", id.value()}, {"type", dc.type}, {"start", c.start.ToString()},
                {"end", c.end ? c.end->ToString() : ""}, {"reference", ""}}))
      return kExitFailure;
    ++contracts;
  }
  std::printf("%lld contracts added\n", static_cast<long long>(contracts));
  PcArgs lists = OnState(a);
  lists.file = a.out + "/lists.csv";
  if (int rc = ListsLoad(ctx, lists); rc != kExitOk) return rc;
  PcArgs qof = OnState(a);
  qof.practices = a.out + "/qof-practices.csv";
  qof.indicators = a.out + "/qof-indicators.csv";
  if (int rc = QofLoad(ctx, qof); rc != kExitOk) return rc;
  PcArgs adj = OnState(a);
  adj.file = a.out + "/adjustments.csv";
  return AdjustmentsLoad(ctx, adj);
}

CLI::App* Sub(CLI::App* parent, Context& ctx, const char* name, const char* help,
              std::function<int(const Context&, const PcArgs&)> fn, std::shared_ptr<PcArgs>& args, bool table) {
  args = std::make_shared<PcArgs>();
  CLI::App* cmd = parent->add_subcommand(name, help);
  AddStateOptions(cmd, args->state);
  AddDatabaseOption(cmd, args->database);
  if (table) {
    cmd->add_option("--format", args->format, "table, csv, json or xlsx (xlsx needs --out)")->capture_default_str();
    cmd->add_option("--out", args->out, "Write to this file instead of standard output");
  }
  auto a = args;
  cmd->callback([&ctx, a, fn] { ctx.action = [&ctx, a, fn] { return fn(ctx, *a); }; });
  return cmd;
}

}  // namespace

void AddPrimaryCareContractingCommands(CLI::App& group, Context& ctx) {
  std::shared_ptr<PcArgs> a;
  CLI::App* pr = group.add_subcommand("practices", "GP practices from the reference data, grouped by CCG");
  pr->require_subcommand(1);
  CLI::App* c = Sub(pr, ctx, "add", "Add a CCG's practices from the reference data's GP list", PracticesAdd, a, false);
  c->add_option("--ccg", a->ccg, "The CCG")->required();
  c = Sub(pr, ctx, "list", "Practices with the contract in force and the latest list", PracticesList, a, true);
  c->add_option("--ccg", a->ccg, "Only this CCG's practices");
  c->add_option("--on", a->on, "The day (YYYY-MM-DD; default today)");

  CLI::App* co = group.add_subcommand("contract", "A practice's contract: GMS, PMS or APMS, with dates");
  co->require_subcommand(1);
  c = Sub(co, ctx, "add", "Record a contract (one at a time per practice)", ContractAdd, a, false);
  c->add_option("--practice", a->practice, "The practice's ODS code")->required();
  c->add_option("--type", a->type, "GMS, PMS or APMS")->required();
  c->add_option("--start", a->start, "First day, YYYY-MM-DD")->required();
  c->add_option("--end", a->end, "Last day, YYYY-MM-DD (default open-ended)");
  c->add_option("--reference", a->reference, "The commissioner's contract reference");
  c = Sub(co, ctx, "end", "End an open-ended contract", ContractEnd, a, false);
  c->add_option("--id", a->id, "The contract's id")->required();
  c->add_option("--on", a->on, "Its last day, YYYY-MM-DD")->required();
  c = Sub(&group, ctx, "contracts", "Contracts by practice", ContractsList, a, true);
  c->add_option("--ccg", a->ccg, "Only this CCG's");

  CLI::App* li = group.add_subcommand("lists", "Quarterly registered and weighted list sizes");
  li->require_subcommand(1);
  c = Sub(li, ctx, "load", "Load a list file (docs/formats/primary-care-lists-v1.md): all rows or none", ListsLoad, a,
          false);
  c->add_option("FILE", a->file, "CSV: practice_code, quarter, registered, weighted")->required();
  c = Sub(li, ctx, "show", "A practice's list sizes", ListsShow, a, true);
  c->add_option("--practice", a->practice, "The practice")->required();

  c = Sub(&group, ctx, "qof-load",
          "Store a year's QOF achievement and aspiration per practice from the calculator's two files", QofLoad, a,
          false);
  c->add_option("--practices", a->practices, "The QOF practices file (docs/formats/qof-input-v1.md)")->required();
  c->add_option("--indicators", a->indicators, "The QOF indicators file")->required();
  c = Sub(&group, ctx, "achievement", "QOF achievement and payments by practice against the CCG and national figures",
          Achievement, a, true);
  c->add_option("--year", a->year, "The QOF year, e.g. 2024/25")->required();
  c->add_option("--ccg", a->ccg, "Only this CCG's practices (without it, or with --shared, disclosure control applies)");
  c->add_flag("--shared", a->shared, "The table leaves the CCG: apply disclosure control to the counts");
  c = Sub(&group, ctx, "outliers", "Practices whose QOF points lie far from the national mean", Outliers, a, true);
  c->add_option("--year", a->year, "The QOF year, e.g. 2024/25")->required();
  c->add_option("--ccg", a->ccg, "Only this CCG's practices");

  CLI::App* ad = group.add_subcommand("adjustments", "Other agreed payments and deductions, each with its reason");
  ad->require_subcommand(1);
  c = Sub(ad, ctx, "load", "Load a file (docs/formats/primary-care-adjustments-v1.md): all rows or none",
          AdjustmentsLoad, a, false);
  c->add_option("FILE", a->file, "CSV: practice_code, month, kind, description, amount, reason")->required();

  c = Sub(&group, ctx, "schedule", "A CCG's monthly payment schedule, each line explained", ScheduleShow, a, true);
  c->add_option("--ccg", a->ccg, "The CCG")->required();
  c->add_option("--month", a->month, "YYYY-MM")->required();
  c->add_option("--rates", a->rates, "Folder of global_sum.csv (default data/primarycare)");
  c = Sub(&group, ctx, "schedule-post", "Post a CCG's monthly payment schedule to its ledger as one journal, once",
          SchedulePost, a, false);
  c->add_option("--ccg", a->ccg, "The CCG")->required();
  c->add_option("--month", a->month, "YYYY-MM")->required();
  c->add_option("--rates", a->rates, "Folder of global_sum.csv (default data/primarycare)");
  c = Sub(&group, ctx, "history", "A practice's posted payments by month", History, a, true);
  c->add_option("--practice", a->practice, "The practice")->required();
  c = Sub(&group, ctx, "postings", "Posted payment schedules with their journals", Postings, a, true);
  c->add_option("--ccg", a->ccg, "Only this CCG's");
  c = Sub(&group, ctx, "demo",
          "Synthetic practices' contracts, lists, QOF figures and APMS prices for demo CCGs: written and loaded", Demo,
          a, false);
  c->add_option("--ccgs", a->ccg, "CCGs, comma-separated")->required();
  c->add_option("--year", a->year, "The QOF year (default 2024/25)");
  c->add_option("--out", a->out, "Folder for the generated files")->required();
}

}  // namespace csu::cli
