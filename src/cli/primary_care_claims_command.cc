// `csu primary-care schemes ...` and `csu primary-care claims ...`: the
// commissioner's enhanced-service schemes and the practices' claims
// (docs/primary-care.md, "Enhanced services: schemes and claims").
//
// Who acts: the local operator by default (like every command on the state
// folder), for the CCG named by --ccg and, with --practice, one practice of
// it. With --as USER the command acts as that platform user instead: the
// permission matrix decides (tenancy::Check), the CCG is the user's own or
// assigned one, and a gp_practice user sees and claims only for its own
// practice, exactly as on the web pages. Every change is audited in the
// folder's hash-chained log by the claims store; with --database (server
// mode, docs/server-mode.md) the schemes, claims, users and the audit log
// are those in PostgreSQL.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "cli/command.h"
#include "cli/primary_care_open.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "core/file.h"
#include "core/money.h"
#include "primarycare/claims_report.h"
#include "primarycare/claims_store.h"
#include "refdata/refdata.h"
#include "store/audit_chain.h"
#include "store/env.h"
#include "store/platform_date.h"
#include "store/store.h"
#include "tenancy/accounts.h"

namespace csu::cli {
namespace {

struct ClaimsArgs {
  StateArgs state;
  std::string database;  // server mode: the claims tables, accounts and audit log in PostgreSQL
  std::string as_user;
  std::string ccg;
  std::string practice;
  std::string format = "table";
  std::string out;
  // schemes
  std::string code, name, kind = "local", spec, rule = "item_of_service", fee, from, to, frequency = "monthly",
                           evidence;
  int64_t cap = 0;
  bool require_file = false;
  // claims
  std::string evidence_file;  // submit: a file to attach (PDF, CSV, XLSX, PNG, JPEG)
  std::string scheme, period, text, state_filter, month;
  int64_t units = 0;
  int64_t new_units = 0;  // answer: 0 = unchanged
  int64_t id = 0;
};

// Who is acting and what they may touch, resolved once per command.
struct Acting {
  std::unique_ptr<State> state;
  std::unique_ptr<CommandAudit> log;
  std::unique_ptr<primarycare::ClaimsStore> db;
  primarycare::ClaimScope scope;
  primarycare::ClaimsActor actor;
};

std::optional<Acting> Resolve(const Context& ctx, const ClaimsArgs& a, tenancy::Action action) {
  Acting o;
  o.state = OpenOrPrint(ctx, a.state, Access::kShared);
  if (!o.state) return std::nullopt;
  auto log = CommandAudit::Open(*o.state->store, a.database);
  if (!log.ok()) {
    PrintError(log.error().ToString());
    return std::nullopt;
  }
  o.log = std::move(log).value();
  CommandAudit* to = o.log.get();
  auto audit = [to](const std::string& actor, const std::string& act, const std::string& subject,
                    const std::string& details) { return to->Append(actor, act, subject, details); };
  std::string by = "cli:" + o.state->actor;
  o.scope = {a.ccg, a.practice};
  if (!a.as_user.empty()) {
    tenancy::AccountsOptions options;
    options.audit = audit;
    options.ref = o.state->ref.get();
    auto accounts = a.database.empty() ? tenancy::Accounts::Open(a.state.data_dir, options)
                                       : OpenServerAccounts(a.database, options);
    if (!accounts.ok()) {
      PrintError(accounts.error().ToString());
      return std::nullopt;
    }
    auto user = accounts.value()->FindUser(a.as_user);
    if (!user.ok() || !user.value() || user.value()->disabled) {
      PrintError("--as: '" + a.as_user + "' is not an enabled user of this platform");
      return std::nullopt;
    }
    // The principal as a session would carry it (accounts' own PrincipalOf).
    const tenancy::UserInfo& u = *user.value();
    tenancy::Principal who;
    who.user_id = u.id;
    who.username = u.username;
    who.role = u.role;
    who.tenant = u.tenant;
    if (tenancy::IsAssignedRole(u.role)) who.assigned = u.assigned;
    if (tenancy::IsPracticeRole(u.role)) who.practice = u.practice;
    // The CCG: the one asked for, else the user's own.
    std::string ccg = a.ccg.empty() ? who.tenant.ToString() : a.ccg;
    auto code = OdsCode::Parse(ccg);
    tenancy::Permission p = code.ok() ? tenancy::Check(who, action, code.value(), tenancy::Identifiability::kAggregate)
                                      : tenancy::Permission{false, "no CCG"};
    if (!p) {
      PrintError("--as " + who.username + ": not permitted (" + p.reason + ")");
      return std::nullopt;
    }
    o.scope.ccg = ccg;
    if (auto practice = tenancy::PracticeScope(who)) {
      if (!a.practice.empty() && a.practice != practice->ToString()) {
        PrintError("--practice: " + who.username + " acts only for practice " + practice->ToString());
        return std::nullopt;
      }
      o.scope.practice = practice->ToString();
    }
    by = who.username + " (cli:" + o.state->actor + ")";
  }
  if (o.scope.ccg.empty()) {
    PrintError("--ccg: which CCG? (or --as a user whose own CCG it is)");
    return std::nullopt;
  }
  auto db = OpenClaimsStore(a.state.data_dir, a.database, audit);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return std::nullopt;
  }
  o.db = std::move(db).value();
  o.actor = {store::Env::Default().NowUtc(), by, ""};
  // A platform date stands in for today (store/platform_date.h): an
  // approval then joins that month's schedule, and the command says so.
  auto platform = store::ReadPlatformDate(a.state.data_dir);
  if (!platform.ok()) {
    PrintError(platform.error().ToString());
    return std::nullopt;
  }
  if (platform.value()) o.actor.today = platform.value()->ToString();
  return o;
}

std::optional<int64_t> RegisteredList(const State& s, const std::string& practice) {
  auto code = OdsCode::Parse(practice);
  if (!code.ok()) return std::nullopt;
  const refdata::Practice* p = s.ref->FindPractice(code.value());
  if (p == nullptr) return std::nullopt;
  return p->registered_patients;
}

Result<primarycare::Scheme> SchemeFromArgs(const ClaimsArgs& a, const std::string& ccg) {
  primarycare::Scheme s;
  s.ccg = ccg;
  s.code = a.code;
  s.name = a.name;
  auto kind = primarycare::ParseSchemeKind(a.kind);
  if (!kind) return MakeError("--kind", "'" + a.kind + "' is not national or local");
  s.kind = *kind;
  s.specification = a.spec;
  auto rule = primarycare::ParsePaymentRule(a.rule);
  if (!rule) return MakeError("--rule", "'" + a.rule + "' is not item_of_service or per_registered_patient");
  s.rule = *rule;
  auto fee = Money::Parse(a.fee);
  if (!fee.ok()) return MakeError("--fee", fee.error().why);
  s.fee_pence = fee.value().pence();
  auto from = Date::Parse(a.from);
  if (!from.ok()) return MakeError("--from", "'" + a.from + "' is not a date YYYY-MM-DD");
  auto to = Date::Parse(a.to);
  if (!to.ok()) return MakeError("--to", "'" + a.to + "' is not a date YYYY-MM-DD");
  s.window_from = from.value();
  s.window_to = to.value();
  auto freq = primarycare::ParseFrequency(a.frequency);
  if (!freq) return MakeError("--frequency", "'" + a.frequency + "' is not monthly or quarterly");
  s.frequency = *freq;
  s.max_units_per_claim = a.cap;
  s.evidence = a.evidence;
  s.evidence_file = a.require_file;
  return s;
}

int Done(const Status& s, const std::string& ok_message) {
  if (!s.ok()) return Fail(s.error().ToString());
  std::printf("%s\n", ok_message.c_str());
  return kExitOk;
}

int SchemesList(const Context& ctx, const ClaimsArgs& a) {
  auto o = Resolve(ctx, a, tenancy::Action::kViewPrimaryCare);
  if (!o) return kExitFailure;
  auto schemes = o->db->Schemes(o->scope.ccg);
  if (!schemes.ok()) return Fail(schemes.error().ToString());
  return WriteTables({primarycare::SchemesTable(schemes.value())}, a.format, a.out);
}

int SchemesWrite(const Context& ctx, const ClaimsArgs& a, bool add) {
  auto o = Resolve(ctx, a, tenancy::Action::kManageSchemes);
  if (!o) return kExitFailure;
  auto s = SchemeFromArgs(a, o->scope.ccg);
  if (!s.ok()) return Fail(s.error().ToString(), kExitUsage);
  Status done = add ? o->db->AddScheme(s.value(), o->actor) : o->db->UpdateScheme(s.value(), o->actor);
  return Done(done, std::string(add ? "Added" : "Changed") + " scheme " + s.value().code + " of CCG " + o->scope.ccg +
                        ".");
}

int ClaimsList(const Context& ctx, const ClaimsArgs& a) {
  auto o = Resolve(ctx, a, tenancy::Action::kViewPrimaryCare);
  if (!o) return kExitFailure;
  std::optional<primarycare::ClaimState> state;
  if (!a.state_filter.empty()) {
    state = primarycare::ParseClaimState(a.state_filter);
    if (!state) return Fail("--state: '" + a.state_filter + "' is not submitted, queried, approved or rejected", kExitUsage);
  }
  auto claims = o->db->Claims(o->scope, state);
  if (!claims.ok()) return Fail(claims.error().ToString());
  return WriteTables({primarycare::ClaimsTable(claims.value())}, a.format, a.out);
}

int ClaimsSubmit(const Context& ctx, const ClaimsArgs& a) {
  auto o = Resolve(ctx, a, tenancy::Action::kSubmitClaims);
  if (!o) return kExitFailure;
  const std::string practice = o->scope.practice.empty() ? a.practice : o->scope.practice;
  if (practice.empty()) return Fail("--practice: which practice is claiming?", kExitUsage);
  auto code = OdsCode::Parse(practice);
  const refdata::Practice* p = code.ok() ? o->state->ref->FindPractice(code.value()) : nullptr;
  if (p == nullptr || p->ccg.ToString() != o->scope.ccg)
    return Fail("--practice: " + practice + " is not a practice of CCG " + o->scope.ccg + " in the reference data");
  primarycare::NewClaim c{a.scheme, practice, a.period, a.units, a.text, RegisteredList(*o->state, practice)};
  if (!a.evidence_file.empty()) {
    auto bytes = ReadFile(a.evidence_file);
    if (!bytes.ok()) return Fail("--evidence-file: " + bytes.error().ToString());
    c.file = primarycare::NewClaim::File{std::filesystem::path(a.evidence_file).filename().string(), bytes.value()};
  }
  auto id = o->db->Submit(o->scope, c, o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  std::printf("Claim %lld submitted for %s.\n", static_cast<long long>(id.value()), practice.c_str());
  return kExitOk;
}

enum class Decision { kApprove, kQuery, kReject, kAnswer };

int ClaimsDecide(const Context& ctx, const ClaimsArgs& a, Decision d) {
  auto o = Resolve(ctx, a, d == Decision::kAnswer ? tenancy::Action::kSubmitClaims : tenancy::Action::kApproveClaims);
  if (!o) return kExitFailure;
  const std::string n = std::to_string(a.id);
  switch (d) {
    case Decision::kApprove:
      return Done(o->db->Approve(o->scope, a.id, o->actor), "Claim " + n + " approved.");
    case Decision::kQuery:
      return Done(o->db->Query(o->scope, a.id, a.text, o->actor), "Claim " + n + " queried.");
    case Decision::kReject:
      return Done(o->db->Reject(o->scope, a.id, a.text, o->actor), "Claim " + n + " rejected.");
    case Decision::kAnswer: {
      auto found = o->db->FindClaim(o->scope, a.id);
      if (!found.ok()) return Fail(found.error().ToString());
      const std::optional<int64_t> list =
          found.value() ? RegisteredList(*o->state, found.value()->practice) : std::nullopt;
      return Done(o->db->Answer(o->scope, a.id, a.text,
                                 a.new_units > 0 ? std::optional<int64_t>(a.new_units) : std::nullopt, list, o->actor),
                  "Claim " + n + " answered and resubmitted.");
    }
  }
  return kExitSoftware;
}

int ClaimsHistory(const Context& ctx, const ClaimsArgs& a) {
  auto o = Resolve(ctx, a, tenancy::Action::kViewPrimaryCare);
  if (!o) return kExitFailure;
  auto found = o->db->FindClaim(o->scope, a.id);
  if (!found.ok()) return Fail(found.error().ToString());
  if (!found.value()) return Fail("claim " + std::to_string(a.id) + ": no such claim");
  auto events = o->db->History(o->scope, a.id);
  if (!events.ok()) return Fail(events.error().ToString());
  report::ReportTable t{"Claim " + std::to_string(a.id),
                        {{"at", report::ColumnType::kText, "When"},
                         {"by", report::ColumnType::kText, "Who"},
                         {"event", report::ColumnType::kText, "What"},
                         {"detail", report::ColumnType::kText, "Detail"}}};
  for (const auto& e : events.value())
    t.AddRow({report::Cell::Text(e.at), report::Cell::Text(e.by), report::Cell::Text(e.kind),
              report::Cell::Text(e.detail)});
  return WriteTables({t}, a.format, a.out);
}

int ClaimsPayments(const Context& ctx, const ClaimsArgs& a) {
  auto o = Resolve(ctx, a, tenancy::Action::kViewPrimaryCare);
  if (!o) return kExitFailure;
  if (a.month.size() != 7 || a.month[4] != '-' || !Date::Parse(a.month + "-01").ok())
    return Fail("--month: '" + a.month + "' is not a month YYYY-MM", kExitUsage);
  auto lines = o->db->ApprovedClaimLines(o->scope.ccg, a.month);
  if (!lines.ok()) return Fail(lines.error().ToString());
  // A practice sees only its own lines.
  std::vector<primarycare::ClaimPaymentLine> shown;
  for (auto& l : lines.value())
    if (o->scope.practice.empty() || l.practice == o->scope.practice) shown.push_back(std::move(l));
  return WriteTables({primarycare::ClaimLinesTable(shown, a.month)}, a.format, a.out);
}

// The evidence files of the claims in scope (a practice: only its own), or
// of one claim.
int ClaimsEvidence(const Context& ctx, const ClaimsArgs& a) {
  auto o = Resolve(ctx, a, tenancy::Action::kViewPrimaryCare);
  if (!o) return kExitFailure;
  auto rows = o->db->Evidence(o->scope, a.id);
  if (!rows.ok()) return Fail(rows.error().ToString());
  report::ReportTable t{"Evidence files, " + o->scope.ccg + (a.id ? " claim " + std::to_string(a.id) : std::string()),
                        {{"evidence", report::ColumnType::kInteger, "File"},
                         {"claim", report::ColumnType::kInteger, "Claim"},
                         {"practice", report::ColumnType::kText, "Practice"},
                         {"file_name", report::ColumnType::kText, "Name"},
                         {"media_type", report::ColumnType::kText, "Type"},
                         {"bytes", report::ColumnType::kCount, "Bytes"},
                         {"sha256", report::ColumnType::kText, "SHA-256"},
                         {"uploaded_at", report::ColumnType::kText, "Uploaded"},
                         {"uploaded_by", report::ColumnType::kText, "By"}}};
  for (const auto& e : rows.value())
    t.AddRow({report::Cell::Integer(e.id), report::Cell::Integer(e.claim_id), report::Cell::Text(e.practice),
              report::Cell::Text(e.file_name), report::Cell::Text(e.media_type), report::Cell::Count(e.bytes),
              report::Cell::Text(e.sha256), report::Cell::Text(e.uploaded_at), report::Cell::Text(e.uploaded_by)});
  return WriteTables({t}, a.format, a.out);
}

// One evidence file's bytes to --out, checked against its hash and audited
// before it is written, as the web's download is.
int ClaimsEvidenceGet(const Context& ctx, const ClaimsArgs& a) {
  auto o = Resolve(ctx, a, tenancy::Action::kViewPrimaryCare);
  if (!o) return kExitFailure;
  auto file = o->db->ReadEvidence(o->scope, a.id);
  if (!file.ok()) return Fail(file.error().ToString());
  if (!file.value())
    return Fail("evidence " + std::to_string(a.id) + ": no such file among the claims of " + o->scope.ccg +
                (o->scope.practice.empty() ? "" : " practice " + o->scope.practice));
  const auto& f = *file.value();
  const std::string details = "{\"evidence\":" + std::to_string(f.row.id) + ",\"practice\":" +
                              store::JsonString(f.row.practice) + ",\"sha256\":" + store::JsonString(f.row.sha256) + "}";
  auto audited = o->log->Append(o->actor.by, "primary_care.evidence.download",
                                              "ccg " + o->scope.ccg + " claim " + std::to_string(f.row.claim_id), details);
  if (!audited.ok()) return Fail("the audit log could not be written, so the file is withheld: " + audited.error().ToString());
  if (int rc = WriteText(f.bytes, a.out); rc != kExitOk) return rc;
  std::fprintf(stderr, "Evidence %lld (%s, %lld bytes, claim %lld) written to %s\n", static_cast<long long>(f.row.id),
               f.row.file_name.c_str(), static_cast<long long>(f.row.bytes), static_cast<long long>(f.row.claim_id),
               a.out.c_str());
  return kExitOk;
}

void Common(CLI::App* c, ClaimsArgs& a, bool table) {
  AddStateOptions(c, a.state);
  AddDatabaseOption(c, a.database);
  c->add_option("--as", a.as_user, "Act as this platform user: their role, CCG and practice decide what is allowed");
  c->add_option("--ccg", a.ccg, "The CCG (ODS code); default with --as: the user's own")->transform(UpperCaseCode);
  c->add_option("--practice", a.practice, "One practice (ODS code) of the CCG")->transform(UpperCaseCode);
  if (table) {
    c->add_option("--format", a.format, "table, csv, json or xlsx (xlsx needs --out)")
        ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}))
        ->capture_default_str();
    c->add_option("--out", a.out, "Write to this file (atomically) instead of stdout");
  }
}

template <typename F>
void Bind(CLI::App* c, Context& ctx, std::shared_ptr<ClaimsArgs> a, F run) {
  c->callback([&ctx, a, run] {
    ctx.action = [&ctx, a, run] {
      const std::string problem = CheckTableFormat(a->format, a->out);
      if (!problem.empty()) return Fail(problem, kExitUsage);
      return run(ctx, *a);
    };
  });
}

}  // namespace

void AddPrimaryCareClaimsCommands(CLI::App* group, Context& ctx) {
  auto* schemes = group->add_subcommand("schemes", "Enhanced-service schemes a CCG commissions from its practices");
  schemes->require_subcommand(1);
  {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = schemes->add_subcommand("list", "The CCG's schemes");
    Common(c, *a, true);
    Bind(c, ctx, a, SchemesList);
  }
  for (bool add : {true, false}) {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = schemes->add_subcommand(add ? "add" : "update",
                                      add ? "Define a scheme" : "Change a scheme (an approved amount never moves)");
    Common(c, *a, false);
    c->add_option("--code", a->code, "Scheme code: 2-24 of A-Z 0-9 - (e.g. LES-ANTICOAG)")->required();
    c->add_option("--name", a->name, "Scheme name")->required();
    c->add_option("--kind", a->kind, "national (a DES) or local (an LES/LCS)")->capture_default_str();
    c->add_option("--spec", a->spec, "Specification: what the practice must do")->required();
    c->add_option("--rule", a->rule, "item_of_service or per_registered_patient")->capture_default_str();
    c->add_option("--fee", a->fee, "Fee a unit in pounds (7.50)")->required();
    c->add_option("--from", a->from, "Claim window's first day (YYYY-MM-DD)")->required();
    c->add_option("--to", a->to, "Claim window's last day (YYYY-MM-DD)")->required();
    c->add_option("--frequency", a->frequency, "monthly or quarterly (financial quarters)")->capture_default_str();
    c->add_option("--cap", a->cap, "The most units one claim may have")->required();
    c->add_option("--evidence", a->evidence, "What a claim must be supported by")->required();
    c->add_flag("--require-file", a->require_file,
                "Each claim must come with an uploaded file (PDF, CSV, XLSX, PNG or JPEG)");
    Bind(c, ctx, a, [add](const Context& cx, const ClaimsArgs& x) { return SchemesWrite(cx, x, add); });
  }

  auto* claims = group->add_subcommand("claims", "Practices' enhanced-service claims and the CCG's decisions");
  claims->require_subcommand(1);
  {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = claims->add_subcommand("list", "Claims, newest first (a practice: only its own)");
    Common(c, *a, true);
    c->add_option("--state", a->state_filter, "Only submitted, queried, approved or rejected claims");
    Bind(c, ctx, a, ClaimsList);
  }
  {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = claims->add_subcommand("submit", "A practice's claim for one period of a scheme");
    Common(c, *a, false);
    c->add_option("--scheme", a->scheme, "Scheme code")->required();
    c->add_option("--period", a->period, "The period's first month, YYYY-MM (a quarter starts Apr, Jul, Oct or Jan)")
        ->required();
    c->add_option("--units", a->units, "Units claimed (items, or registered patients)")->required();
    c->add_option("--evidence", a->text, "What the practice supplies as evidence");
    c->add_option("--evidence-file", a->evidence_file,
                  "A file attached to the claim: PDF, CSV, XLSX, PNG or JPEG, at most 1,000,000 bytes");
    Bind(c, ctx, a, ClaimsSubmit);
  }
  const std::tuple<const char*, const char*, Decision, const char*> decisions[] = {
      {"approve", "Approve a submitted claim: it is paid in this month's schedule", Decision::kApprove, nullptr},
      {"query", "Ask the practice a question about a submitted claim", Decision::kQuery, "--question"},
      {"reject", "Reject a submitted or queried claim, with the reason", Decision::kReject, "--reason"},
      {"answer", "The practice answers a query and resubmits", Decision::kAnswer, "--answer"}};
  for (const auto& [name, help, d, text_option] : decisions) {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = claims->add_subcommand(name, help);
    Common(c, *a, false);
    c->add_option("CLAIM", a->id, "Claim number")->required();
    if (text_option != nullptr) c->add_option(text_option, a->text, "The text (required)")->required();
    if (d == Decision::kAnswer) c->add_option("--units", a->new_units, "Corrected units, when they change");
    const Decision dd = d;
    Bind(c, ctx, a, [dd](const Context& cx, const ClaimsArgs& x) { return ClaimsDecide(cx, x, dd); });
  }
  {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = claims->add_subcommand("history", "A claim's history: each state change, by whom and when");
    Common(c, *a, true);
    c->add_option("CLAIM", a->id, "Claim number")->required();
    Bind(c, ctx, a, ClaimsHistory);
  }
  {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = claims->add_subcommand("evidence", "The evidence files of the claims (a practice: only its own), or of one claim");
    Common(c, *a, true);
    c->add_option("CLAIM", a->id, "Only this claim's files");
    Bind(c, ctx, a, ClaimsEvidence);
  }
  {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = claims->add_subcommand("evidence-get", "Write one evidence file to --out (checked against its hash; audited)");
    Common(c, *a, false);
    c->add_option("FILE_ID", a->id, "The file's number (csu primary-care claims evidence)")->required();
    c->add_option("--out", a->out, "Where to write the file")->required();
    Bind(c, ctx, a, ClaimsEvidenceGet);
  }
  {
    auto a = std::make_shared<ClaimsArgs>();
    auto* c = claims->add_subcommand("payments", "The claims approved for a month's payment schedule, explained");
    Common(c, *a, true);
    c->add_option("--month", a->month, "The payment month, YYYY-MM")->required();
    Bind(c, ctx, a, ClaimsPayments);
  }
}

}  // namespace csu::cli
