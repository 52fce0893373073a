// NHS Continuing Healthcare on the command line (docs/chc.md):
//   csu chc refer|checklist|assess|decide|delay|in-place|review|close   a case's steps
//   csu chc package add|change|end                                     care packages (versions)
//   csu chc caseload|deadlines|reviews-due|committed-cost|assurance    lists and measures
//   csu chc timeline CASE                                              a case's events (no identifiers)
//   csu chc show CASE --purpose TEXT                                   the identifiable fields, audited
//   csu chc import FILE                                                a caseload from another system
// The identifiable fields are sealed under the --chc-key file, which must be
// outside the state folder; the case's pseudonym is the activity's keyed
// HMAC of the NHS number (--key). Every change and every view of identifiable
// fields is written to the hash-chained audit log, and each full DST
// assessment is counted on the billing meter (chc_assessments). With
// --database (server mode) the cases, the audit entries and the meter are in
// PostgreSQL, where every node sees them (cli/chc_open.h).
// No identifiable field is ever printed except by `show`, to its caller.
#include <CLI/CLI.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <functional>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "billing/meter.h"
#include "billing/period.h"
#include "chc/caseload_file.h"
#include "chc/chc_store.h"
#include "chc/chc_views.h"
#include "store/field_cipher.h"
#include "chc/invoice_check.h"
#include "chc/invoice_file.h"
#include "chc/plds_extract.h"
#include "chc/retro_claim.h"
#include "cli/command.h"
#include "cli/chc_open.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "core/file.h"
#include "core/nhs_number.h"
#include "core/text.h"
#include "core/uk_time.h"
#include "store/env.h"
#include "store/platform_date.h"
#include "synth/chc_caseload.h"
#include "synth/chc_invoices.h"

namespace csu::cli {
namespace {

using report::Cell;
using report::Column;
using report::ColumnType;
using report::ReportTable;

struct ChcArgs {
  StateArgs state;
  std::string database;  // server mode's postgresql:// URL
  std::string chc_key;
  std::string ccg;
  int64_t case_id = 0;
  int64_t package_id = 0;
  std::string on, at, as_of;
  std::string name, nhs_number, dob, address;
  bool fast_track = false;
  bool positive = false, negative = false;
  bool acute = false;
  std::string levels_file;
  std::vector<std::string> levels;
  std::string recommendation;
  bool eligible = false, not_eligible = false;
  std::string reason;
  std::string kind;
  std::string provider, setting, unit_cost, units;
  std::string outcome;
  std::string quarter;
  std::string purpose;
  std::string from, to;
  std::vector<std::string> costs;
  std::string submitter;
  std::string format = "table";
  std::string out;
};

struct Opened {
  std::unique_ptr<State> state;
  std::unique_ptr<CommandAudit> audit;
  std::optional<chc::FieldCipher> cipher;
  std::unique_ptr<chc::ChcStore> db;
  chc::Actor actor;
  Date today;
};

std::optional<Opened> Open(const Context& ctx, const ChcArgs& a) {
  Opened o;
  o.state = OpenOrPrint(ctx, a.state, Access::kShared);  // chc.sqlite is its own database, like billing's
  if (!o.state) return std::nullopt;
  // A CCG named for a list must be one: an unknown code would otherwise list
  // nothing, as if the CCG had no cases.
  if (!a.ccg.empty()) {
    auto code = OdsCode::Parse(a.ccg);
    if (!code.ok() || o.state->ref->FindCcg(code.value()) == nullptr) {
      PrintError("--ccg: " + a.ccg + " is not a CCG in the reference data");
      return std::nullopt;
    }
  }
  // The CHC key file: given, readable by its owner only, and outside the
  // state folder (a copy of the folder must not carry the means to open it).
  auto db = OpenChcKeyed(a.state.data_dir, a.database, a.chc_key, o.cipher);
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

bool Audit(Opened& o, const std::string& action, int64_t case_id, const nlohmann::json& details) {
  if (Status s = o.audit->Append(o.state->actor, action, "chc case " + std::to_string(case_id), details.dump());
      !s.ok()) {
    PrintError("the change was made but its audit entry could not be written: " + s.error().ToString());
    return false;
  }
  return true;
}

std::optional<Date> DateArg(const std::string& text, const char* option, Date fallback) {
  if (text.empty()) return fallback;
  auto d = Date::Parse(text);
  if (!d.ok()) {
    PrintError(std::string(option) + ": " + d.error().ToString());
    return std::nullopt;
  }
  return d.value();
}

std::string NhsDigits(uint64_t n) {
  std::string s = std::to_string(n);
  return std::string(s.size() < 10 ? 10 - s.size() : 0, '0') + s;
}

bool IsCcg(const refdata::RefData& ref, const std::string& code) {
  auto c = OdsCode::Parse(code);
  return c.ok() && ref.FindCcg(c.value()) != nullptr;
}

std::string Pseudo(const ingest::Pseudonymiser& p, uint64_t nhs) {
  ingest::Pseudonym ps = p.Pseudonymise(nhs);
  return ingest::ToHex(ps.bytes.data(), ps.bytes.size());
}

int Refer(const Context& ctx, const ChcArgs& a) {
  if (a.ccg.empty()) return Fail("--ccg: the case's CCG is required", kExitUsage);
  auto nhs = ParseNhsNumber(a.nhs_number);
  if (!nhs) return Fail("--nhs-number: not a valid NHS number (10 digits with a correct check digit)", kExitUsage);
  auto dob = Date::Parse(a.dob);
  if (!dob.ok()) return Fail("--dob: not a date (YYYY-MM-DD)", kExitUsage);
  if (Trim(a.name).empty()) return Fail("--name: required", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (!IsCcg(*o->state->ref, a.ccg)) return Fail("--ccg: " + a.ccg + " is not a CCG in the reference data", kExitUsage);
  auto on = DateArg(a.on, "--on", o->today);
  if (!on) return kExitUsage;
  chc::NewCase c{a.ccg, Pseudo(*o->state->pseudonymiser, *nhs), *on, a.fast_track, std::nullopt};
  if (a.fast_track) {
    auto at = a.at.empty() ? Result<DateTime>(DateTime::At(*on, 0, 0)) : DateTime::Parse(a.at);
    if (!at.ok()) return Fail("--at: not a time (YYYY-MM-DDTHH:MM)", kExitUsage);
    c.fast_track_received = at.value();
  }
  auto id = o->db->Refer(c, {std::string(Trim(a.name)), NhsDigits(*nhs), dob.value().ToString(), a.address},
                         *o->cipher, o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  if (!Audit(*o, "chc.refer", id.value(), {{"ccg", a.ccg}, {"fast_track", a.fast_track}, {"referred_on", on->ToString()}}))
    return kExitFailure;
  std::printf("case %lld referred (%s, pseudonym %s)\n", static_cast<long long>(id.value()), a.ccg.c_str(),
              c.pseudonym.substr(0, 12).c_str());
  return kExitOk;
}

template <typename F>
int Change(const Context& ctx, const ChcArgs& a, const std::string& action, nlohmann::json details, F&& body) {
  if (a.case_id <= 0 && a.package_id <= 0) return Fail("CASE: a case number is required", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  int64_t case_id = a.case_id;
  Status s = body(*o, case_id);
  if (!s.ok()) return Fail(s.error().ToString());
  if (!Audit(*o, action, case_id, details)) return kExitFailure;
  std::printf("case %lld: %s recorded\n", static_cast<long long>(case_id), action.c_str() + 4);
  return kExitOk;
}

Result<chc::DstLevels> ReadLevels(const ChcArgs& a) {
  chc::DstLevels levels;
  std::vector<std::pair<std::string, std::string>> pairs;  // text, where
  for (const std::string& l : a.levels) pairs.push_back({l, "--level"});
  if (!a.levels_file.empty()) {
    std::ifstream in(a.levels_file);
    if (!in) return MakeError(a.levels_file, "cannot read the levels file");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::string t(Trim(line));
      if (t.empty() || t[0] == '#') continue;
      pairs.push_back({t, a.levels_file + ":" + std::to_string(n)});
    }
  }
  for (const auto& [text, where] : pairs) {
    size_t eq = text.find('=');
    if (eq == std::string::npos) return MakeError(where, "'" + text + "' is not DOMAIN=LEVEL");
    auto d = chc::ParseDomain(Trim(std::string_view(text).substr(0, eq)));
    auto l = chc::ParseLevel(Trim(std::string_view(text).substr(eq + 1)));
    if (!d) return MakeError(where, "unknown domain in '" + text + "' (breathing, nutrition, continence, skin, mobility, "
                                    "communication, psychological, cognition, behaviour, drugs, consciousness, other)");
    if (!l) return MakeError(where, "unknown level in '" + text + "' (none, low, moderate, high, severe, priority)");
    levels[*d] = *l;
  }
  if (Status s = chc::CheckLevels(levels); !s.ok()) return s.error();
  return levels;
}

int Assess(const Context& ctx, const ChcArgs& a) {
  auto levels = ReadLevels(a);
  if (!levels.ok()) return Fail(levels.error().ToString(), kExitUsage);
  if (a.recommendation != "eligible" && a.recommendation != "not_eligible")
    return Fail("--recommendation: the MDT's recommendation, eligible or not_eligible", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto on = DateArg(a.on, "--on", o->today);
  if (!on) return kExitUsage;
  auto existing = o->db->FindCase(a.case_id);
  if (!existing.ok() || !existing.value()) return Fail("case " + std::to_string(a.case_id) + ": no such case");
  chc::Assessment as;
  as.case_id = a.case_id;
  as.assessed_on = *on;
  as.acute = a.acute;
  as.levels = levels.value();
  as.recommendation = a.recommendation;
  auto id = o->db->RecordAssessment(as, o->actor);
  if (!id.ok()) return Fail(id.error().ToString());
  const chc::IndicationResult ind = chc::Indicate(as.levels);
  nlohmann::json levels_json;
  for (chc::Domain d : chc::kAllDomains) levels_json[std::string(chc::DomainCode(d))] = chc::LevelName(as.levels[d]);
  if (!Audit(*o, "chc.assess", a.case_id,
             {{"assessment", id.value()}, {"on", on->ToString()}, {"acute", a.acute}, {"levels", levels_json},
              {"recommendation", a.recommendation}, {"indication", chc::IndicationName(ind.indication)}}))
    return kExitFailure;
  // A full assessment is a chargeable use of the CHC service (data/demo/catalogue.csv, meter chc_assessments).
  auto meter = OpenMeter(a.state.data_dir, a.database);
  const std::string ccg = existing.value()->ccg;
  if (meter.ok()) {
    auto counted = meter.value()->CountOnce("chc_assessment:" + std::to_string(id.value()), ccg,
                                            billing::Period::Of(*on), "chc_assessments", "", 1, o->actor.at, o->actor.by);
    if (!counted.ok()) PrintError("the assessment was recorded but not metered: " + counted.error().ToString());
  } else {
    PrintError("the assessment was recorded but not metered: " + meter.error().ToString());
  }
  std::printf("case %lld: DST %lld recorded; MDT recommends %s; DST indication: %s (%s)\n",
              static_cast<long long>(a.case_id), static_cast<long long>(id.value()), a.recommendation.c_str(),
              std::string(chc::IndicationName(ind.indication)).c_str(), ind.why.c_str());
  return kExitOk;
}

int Decide(const Context& ctx, const ChcArgs& a) {
  if (a.eligible == a.not_eligible) return Fail("one of --eligible or --not-eligible is required", kExitUsage);
  if (Trim(a.reason).empty()) return Fail("--reason: a decision is recorded with its reasons", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto on = DateArg(a.on, "--on", o->today);
  if (!on) return kExitUsage;
  auto as = o->db->Assessments(a.case_id);
  std::string indication = "no DST";
  if (as.ok() && !as.value().empty()) {
    const chc::IndicationResult ind = chc::Indicate(as.value().back().levels);
    indication = std::string(chc::IndicationName(ind.indication)) + " (" + ind.why + "); MDT recommended " +
                 as.value().back().recommendation;
  }
  if (Status s = o->db->Decide(a.case_id, *on, a.eligible, a.reason, o->actor); !s.ok()) return Fail(s.error().ToString());
  if (!Audit(*o, "chc.decide", a.case_id, {{"on", on->ToString()}, {"eligible", a.eligible}, {"reason", a.reason}}))
    return kExitFailure;
  std::printf("case %lld: %s on %s\nDST indication beside it: %s\n", static_cast<long long>(a.case_id),
              a.eligible ? "eligible" : "not eligible", on->ToString().c_str(), indication.c_str());
  return kExitOk;
}

Result<chc::PackageVersion> VersionFrom(const ChcArgs& a, Date start) {
  chc::PackageVersion v;
  v.start = start;
  v.provider = UpperCaseCode(std::string(Trim(a.provider)));
  auto setting = chc::ParseSetting(a.setting);
  if (!setting) return MakeError("--setting", "care_home_nursing, care_home, domiciliary or phb");
  v.setting = *setting;
  auto cost = Money::Parse(a.unit_cost);
  if (!cost.ok()) return MakeError("--unit-cost", "not an amount in pounds (e.g. 950.00)");
  v.unit_cost = cost.value();
  CSU_ASSIGN_OR_RETURN(units, chc::ParseUnitsX100(a.units.empty() ? "1" : a.units));
  v.units_x100 = units;
  if (Status s = chc::CheckVersion(v); !s.ok()) return s.error();
  return v;
}

int PackageCmd(const Context& ctx, const ChcArgs& a, const std::string& what) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto on = DateArg(a.on, "--from", o->today);
  if (!on) return kExitUsage;
  int64_t case_id = a.case_id;
  nlohmann::json details;
  if (what == "end") {
    if (Status s = o->db->EndPackage(a.package_id, *on, a.reason, o->actor); !s.ok()) return Fail(s.error().ToString());
    details = {{"package", a.package_id}, {"last_day", on->ToString()}, {"reason", a.reason}};
  } else {
    auto v = VersionFrom(a, *on);
    if (!v.ok()) return Fail(v.error().ToString(), kExitUsage);
    details = {{"start", on->ToString()}, {"provider", v.value().provider}, {"setting", chc::SettingName(v.value().setting)},
               {"unit_cost_pence", v.value().unit_cost.pence()}, {"units_x100", v.value().units_x100},
               {"weekly_pence", chc::WeeklyCost(v.value()).pence()}};
    if (what == "add") {
      auto id = o->db->AddPackage(a.case_id, v.value(), o->actor);
      if (!id.ok()) return Fail(id.error().ToString());
      details["package"] = id.value();
      std::printf("package %lld added: %s a week\n", static_cast<long long>(id.value()),
                  chc::WeeklyCost(v.value()).ToString().c_str());
    } else {
      if (Status s = o->db->ChangePackage(a.package_id, v.value(), a.reason, o->actor); !s.ok())
        return Fail(s.error().ToString());
      details["package"] = a.package_id;
      details["reason"] = a.reason;
      std::printf("package %lld changed from %s: %s a week\n", static_cast<long long>(a.package_id), on->ToString().c_str(),
                  chc::WeeklyCost(v.value()).ToString().c_str());
    }
  }
  if (case_id <= 0) {
    auto ps = o->db->Packages("");
    if (ps.ok())
      for (const auto& p : ps.value())
        if (p.id == a.package_id) case_id = p.case_id;
  }
  return Audit(*o, "chc.package." + what, case_id, details) ? kExitOk : kExitFailure;
}

// A list command: the format checked, the folder opened, the day it is as at
// (--as-of, or the platform's date), and one table from the store's rows.
// `build` returns the table or the store's error.
int ListCommand(const Context& ctx, const ChcArgs& a,
                const std::function<Result<ReportTable>(chc::ChcStore&, Date)>& build) {
  if (std::string e = CheckTableFormat(a.format, a.out); !e.empty()) return Fail(e, kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto day = DateArg(a.as_of, "--as-of", o->today);
  if (!day) return kExitUsage;
  auto t = build(*o->db, *day);
  if (!t.ok()) return Fail(t.error().ToString());
  return WriteTables({t.value()}, a.format, a.out);
}

int Caseload(const Context& ctx, const ChcArgs& a) {
  return ListCommand(ctx, a, [&](chc::ChcStore& db, Date) -> Result<ReportTable> {
    CSU_ASSIGN_OR_RETURN(cases, db.Cases(a.ccg));
    return chc::CaseloadTable(a.ccg, cases);
  });
}

int Deadlines(const Context& ctx, const ChcArgs& a) {
  return ListCommand(ctx, a, [&](chc::ChcStore& db, Date today) -> Result<ReportTable> {
    CSU_ASSIGN_OR_RETURN(cases, db.Cases(a.ccg));
    return chc::DeadlinesTable(cases, today);
  });
}

int ReviewsDue(const Context& ctx, const ChcArgs& a) {
  return ListCommand(ctx, a, [&](chc::ChcStore& db, Date today) -> Result<ReportTable> {
    CSU_ASSIGN_OR_RETURN(cases, db.Cases(a.ccg));
    return chc::ReviewsDueTable(cases, today);
  });
}

int CommittedCost(const Context& ctx, const ChcArgs& a) {
  return ListCommand(ctx, a, [&](chc::ChcStore& db, Date as_of) -> Result<ReportTable> {
    CSU_ASSIGN_OR_RETURN(packages, db.Packages(a.ccg));
    return chc::CommittedTable(packages, as_of);
  });
}

int Assurance(const Context& ctx, const ChcArgs& a) {
  if (std::string e = CheckTableFormat(a.format, a.out); !e.empty()) return Fail(e, kExitUsage);
  auto q = chc::ParseQuarter(a.quarter);
  if (!q.ok()) return Fail("--quarter: " + q.error().why, kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto facts = o->db->Facts(a.ccg);
  if (!facts.ok()) return Fail(facts.error().ToString());
  std::set<std::string> ccgs;
  if (!a.ccg.empty()) ccgs.insert(a.ccg);
  for (const auto& f : facts.value()) ccgs.insert(f.ccg);
  auto permille = [](const std::optional<int64_t>& p) { return p ? Cell::Real(static_cast<double>(*p) / 1000.0) : Cell{}; };
  ReportTable t("CHC assurance measures " + q.value().ToString() + " (" + q.value().first_day().ToString() + " to " +
                    q.value().last_day().ToString() + ")",
                {{"ccg", ColumnType::kText, "CCG"}, {"population", ColumnType::kInteger, "Population"},
                 {"eligible", ColumnType::kCount, "Eligible"},
                 {"eligible_per_50k", ColumnType::kDecimal, "Eligible per 50,000", 2},
                 {"decisions", ColumnType::kCount, "Standard decisions"},
                 {"excluded", ColumnType::kCount, "Excluded (valid delay)"},
                 {"within_28", ColumnType::kCount, "Within 28 days"},
                 {"within_28_share", ColumnType::kPercent, "Within 28 days (standard 80%)", 1},
                 {"assessments", ColumnType::kCount, "Full assessments"},
                 {"acute", ColumnType::kCount, "In acute hospital"},
                 {"acute_share", ColumnType::kPercent, "Acute share (limit 15%)", 1},
                 {"fast_track", ColumnType::kCount, "Fast Track"},
                 {"fast_track_48h", ColumnType::kCount, "Fast Track within 48h"}});
  for (const std::string& ccg : ccgs) {
    auto code = OdsCode::Parse(ccg);
    const refdata::Ccg* c = code.ok() ? o->state->ref->FindCcg(code.value()) : nullptr;
    const int64_t pop = c != nullptr ? c->registered_patients.value_or(0) : 0;
    chc::AssuranceMeasures m = chc::Assure(ccg, pop, q.value(), facts.value());
    t.AddRow({Cell::Text(ccg), Cell::Integer(pop), Cell::Count(m.eligible),
              pop > 0 ? Cell::Real(static_cast<double>(m.eligible_per_50k_x100) / 100.0) : Cell{},
              Cell::Count(m.decisions), Cell::Count(m.decisions_excluded), Cell::Count(m.decisions_within_28),
              permille(m.within_28_permille), Cell::Count(m.assessments), Cell::Count(m.assessments_acute),
              permille(m.acute_permille), Cell::Count(m.fast_track), Cell::Count(m.fast_track_within_48h)});
  }
  t.notes.push_back("Population: the CCG's registered patients in the reference data (January 2021 GP lists).");
  t.notes.push_back("Decisions with a valid reason for delay recorded are excluded from the 28-day share (docs/chc.md).");
  return WriteTables({t}, a.format, a.out);
}

int Timeline(const Context& ctx, const ChcArgs& a) {
  if (std::string e = CheckTableFormat(a.format, a.out); !e.empty()) return Fail(e, kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto ev = o->db->Timeline(a.case_id);
  if (!ev.ok()) return Fail(ev.error().ToString());
  if (ev.value().empty()) return Fail("case " + std::to_string(a.case_id) + ": no such case");
  ReportTable t = chc::TimelineTable(a.case_id, ev.value());
  return WriteTables({t}, a.format, a.out);
}

int Show(const Context& ctx, const ChcArgs& a) {
  if (Trim(a.purpose).empty()) return Fail("--purpose: say why the identifiable fields are needed (it is audited)", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto c = o->db->FindCase(a.case_id);
  if (!c.ok()) return Fail(c.error().ToString());
  if (!c.value()) return Fail("case " + std::to_string(a.case_id) + ": no such case");
  // The view is audited before anything is shown: no audit, no view.
  if (!Audit(*o, "chc.identity.view", a.case_id, {{"ccg", c.value()->ccg}, {"purpose", std::string(Trim(a.purpose))}}))
    return kExitFailure;
  auto who = o->db->ReadIdentity(a.case_id, *o->cipher);
  if (!who.ok()) return Fail(who.error().ToString());
  std::printf("case %lld (%s, %s)\nname: %s\nNHS number: %s\ndate of birth: %s\naddress: %s\n",
              static_cast<long long>(a.case_id), c.value()->ccg.c_str(), c.value()->status.c_str(), who.value().name.c_str(),
              who.value().nhs_number.c_str(), who.value().date_of_birth.c_str(), who.value().address.c_str());
  return kExitOk;
}

int Import(const Context& ctx, const ChcArgs& a) {
  auto text = ReadFile(a.levels_file);
  if (!text.ok()) return Fail(text.error().ToString());
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  const refdata::RefData& ref = *o->state->ref;
  chc::CaseloadFile file =
      chc::ReadCaseload(text.value(), [&](const std::string& code) { return IsCcg(ref, code); });
  const std::string name = a.levels_file.substr(a.levels_file.find_last_of('/') == std::string::npos ? 0 : a.levels_file.find_last_of('/') + 1);
  if (!file.problems.empty()) {
    for (const auto& p : file.problems) PrintError(p.ToString(name));
    return Fail(std::to_string(file.problems.size()) + " problems in " + name + "; nothing was imported");
  }
  std::vector<std::string> pseudonyms;
  for (const auto& r : file.rows) pseudonyms.push_back(Pseudo(*o->state->pseudonymiser, r.nhs_number));
  auto ids = o->db->Import(file.rows, pseudonyms, *o->cipher, o->actor, name);
  if (!ids.ok()) return Fail(ids.error().ToString() + "; nothing was imported");
  if (Status s = o->audit->Append(
          o->state->actor, "chc.import", "chc caseload " + name,
          nlohmann::json{{"file", name}, {"cases", ids.value().size()}, {"first_case", ids.value().front()},
                         {"last_case", ids.value().back()}}.dump());
      !s.ok())
    return Fail("the cases were imported but the audit entry could not be written: " + s.error().ToString());
  std::printf("%zu cases imported from %s (cases %lld to %lld)\n", ids.value().size(), name.c_str(),
              static_cast<long long>(ids.value().front()), static_cast<long long>(ids.value().back()));
  return kExitOk;
}

int DemoCaseload(const Context& ctx, const ChcArgs& a) {
  std::string ref_dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  auto ref = refdata::RefData::Load(ref_dir);
  if (!ref.ok()) return Fail(ref.error().ToString());
  auto year = FinancialYear::Parse(a.quarter.empty() ? "2018/19" : a.quarter);
  if (!year.ok()) return Fail("--year: " + year.error().why, kExitUsage);
  auto as_of = DateArg(a.as_of, "--as-of", year.value().last_day());
  if (!as_of) return kExitUsage;
  std::vector<std::string> ccgs;
  for (std::string_view part : Split(a.ccg, ',')) ccgs.push_back(UpperCaseCode(std::string(Trim(part))));
  synth::ChcCaseloadStats st;
  const std::string text = synth::GenerateChcCaseload(ref.value(), ccgs, year.value(), *as_of, 1, &st);
  if (st.rows == 0) return Fail("--ccgs: no CCG with a registered population in the reference data", kExitUsage);
  AtomicFileWriter w(a.out);
  if (Status s = w.Open(); !s.ok()) return Fail(s.error().ToString());
  w.Append(text);
  if (Status s = w.Commit(); !s.ok()) return Fail(s.error().ToString());
  std::printf("%lld cases (%lld eligible, %lld Fast Track, %lld awaiting a decision, %lld packages) written to %s\n",
              static_cast<long long>(st.rows), static_cast<long long>(st.eligible), static_cast<long long>(st.fast_track),
              static_cast<long long>(st.undecided), static_cast<long long>(st.packages), a.out.c_str());
  return kExitOk;
}

// Writes the demo's provider invoices for a month from the stored packages
// (synth/chc_invoices.h): mostly payable, a few wrong as real bills are.
int DemoInvoices(const Context& ctx, const ChcArgs& a) {
  auto month = Date::Parse(a.on + "-01");
  if (a.on.size() != 7 || !month.ok()) return Fail("--month: a month, YYYY-MM", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto packages = o->db->Packages("");
  if (!packages.ok()) return Fail(packages.error().ToString());
  synth::ChcInvoiceStats st;
  const std::string text = synth::GenerateChcInvoices(packages.value(), month.value(), &st);
  AtomicFileWriter w(a.out);
  if (Status s = w.Open(); !s.ok()) return Fail(s.error().ToString());
  w.Append(text);
  if (Status s = w.Commit(); !s.ok()) return Fail(s.error().ToString());
  std::printf("%lld invoices for %s (%lld overcharged, %lld sent twice, %lld billed before the package) written to %s\n",
              static_cast<long long>(st.invoices), a.on.c_str(), static_cast<long long>(st.overcharged),
              static_cast<long long>(st.duplicates), static_cast<long long>(st.before_package), a.out.c_str());
  return kExitOk;
}

// Checks a file of provider invoices against the packages and stores every
// row with its outcome (docs/formats/chc-invoices-v1.md): a malformed file
// stores nothing; a well-formed row that does not match is queried.
int CheckInvoices(const Context& ctx, const ChcArgs& a) {
  auto text = ReadFile(a.levels_file);
  if (!text.ok()) return Fail(text.error().ToString());
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  const refdata::RefData& ref = *o->state->ref;
  chc::InvoiceFile file = chc::ReadInvoices(text.value(), [&](const std::string& code) { return IsCcg(ref, code); });
  const std::string name = a.levels_file.substr(a.levels_file.find_last_of('/') == std::string::npos ? 0 : a.levels_file.find_last_of('/') + 1);
  if (!file.problems.empty()) {
    for (const auto& p : file.problems) PrintError(p.ToString(name));
    return Fail(std::to_string(file.problems.size()) + " problems in " + name + "; nothing was checked or stored");
  }
  auto stored = o->db->Invoices("");
  if (!stored.ok()) return Fail(stored.error().ToString());
  auto cases = o->db->Cases("");
  if (!cases.ok()) return Fail(cases.error().ToString());
  auto packages = o->db->Packages("");
  if (!packages.ok()) return Fail(packages.error().ToString());
  chc::InvoiceHistory history(stored.value());
  std::vector<chc::CheckedInvoice> checked;
  int payable = 0;
  for (const chc::ProviderInvoice& inv : file.rows) {
    std::optional<int64_t> case_id;
    for (const chc::CaseRow& c : cases.value()) {
      if (c.ccg != inv.ccg) continue;
      if (inv.case_id ? c.id == *inv.case_id : c.pseudonym == inv.pseudonym) {
        case_id = c.id;
        break;
      }
    }
    chc::CheckedInvoice c = chc::CheckInvoice(inv, case_id, packages.value(), history);
    c.source = name + ":" + std::to_string(inv.line);
    history.Add(c);
    payable += c.payable ? 1 : 0;
    checked.push_back(std::move(c));
  }
  auto ids = o->db->StoreInvoices(checked, o->actor);
  if (!ids.ok()) return Fail(ids.error().ToString() + "; nothing was stored");
  if (Status s = o->audit->Append(
          o->state->actor, "chc.invoices.check", "chc invoices " + name,
          nlohmann::json{{"file", name}, {"invoices", ids.value().size()}, {"payable", payable},
                         {"queried", static_cast<int>(ids.value().size()) - payable},
                         {"first", ids.value().front()}, {"last", ids.value().back()}}.dump());
      !s.ok())
    return Fail("the invoices were checked and stored but the audit entry could not be written: " + s.error().ToString());
  std::printf("%zu invoices checked from %s: %d payable, %zu queried\n", ids.value().size(), name.c_str(), payable,
              ids.value().size() - static_cast<size_t>(payable));
  for (const auto& c : checked)
    if (!c.payable) std::printf("  %s %s %s: %s\n", c.source.c_str(), c.provider.c_str(), c.invoice_ref.c_str(), c.reason.c_str());
  return kExitOk;
}

int Invoices(const Context& ctx, const ChcArgs& a) {
  return ListCommand(ctx, a, [&](chc::ChcStore& db, Date) -> Result<ReportTable> {
    CSU_ASSIGN_OR_RETURN(rows, db.Invoices(a.ccg));
    return chc::InvoicesTable(a.ccg, rows);
  });
}

int Claims(const Context& ctx, const ChcArgs& a) {
  return ListCommand(ctx, a, [&](chc::ChcStore& db, Date) -> Result<ReportTable> {
    CSU_ASSIGN_OR_RETURN(rows, db.Claims(a.ccg));
    return chc::ClaimsTable(a.ccg, rows);
  });
}

int Claim(const Context& ctx, const ChcArgs& a) {
  auto from = Date::Parse(a.from);
  auto to = Date::Parse(a.to);
  if (!from.ok() || !to.ok()) return Fail("--from and --to: the claim's period, YYYY-MM-DD", kExitUsage);
  std::vector<chc::ClaimCost> costs;
  for (const std::string& c : a.costs) {
    auto cost = chc::ParseClaimCost(c);
    if (!cost.ok()) return Fail(cost.error().ToString(), kExitUsage);
    costs.push_back(cost.value());
  }
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto received = DateArg(a.on, "--received", o->today);
  if (!received) return kExitUsage;
  auto id = o->db->RecordClaim(a.case_id, *received, from.value(), to.value(), costs, o->actor);
  if (!id.ok()) return Fail(id.error().ToString() + " (nothing was stored)");
  nlohmann::json stated = nlohmann::json::array();
  for (const auto& c : costs)
    stated.push_back({{"from", c.from.ToString()}, {"to", c.to.ToString()}, {"weekly_pence", c.weekly.pence()}});
  if (!Audit(*o, "chc.retro_claim", a.case_id,
             {{"claim", id.value()}, {"received", received->ToString()}, {"from", a.from}, {"to", a.to},
              {"costs", stated}}))
    return kExitFailure;
  std::printf("case %lld: claim %lld recorded, costs stated %s\n", static_cast<long long>(a.case_id),
              static_cast<long long>(id.value()), chc::StatedCost(costs, from.value(), to.value()).ToString().c_str());
  return kExitOk;
}

int ClaimDecide(const Context& ctx, const ChcArgs& a) {
  if (a.eligible == a.not_eligible) return Fail("one of --eligible or --not-eligible is required", kExitUsage);
  if (Trim(a.reason).empty()) return Fail("--reason: a claim is decided with its reasons", kExitUsage);
  std::optional<std::pair<Date, Date>> eligible;
  if (a.eligible) {
    auto from = Date::Parse(a.from);
    auto to = Date::Parse(a.to);
    if (!from.ok() || !to.ok()) return Fail("--eligible needs --from and --to, the eligible days", kExitUsage);
    eligible = std::pair{from.value(), to.value()};
  } else if (!a.from.empty() || !a.to.empty()) {
    return Fail("--from and --to are the eligible days: not with --not-eligible", kExitUsage);
  }
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto on = DateArg(a.on, "--on", o->today);
  if (!on) return kExitUsage;
  auto claims = o->db->Claims("");
  if (!claims.ok()) return Fail(claims.error().ToString());
  int64_t case_id = 0;
  for (const auto& c : claims.value())
    if (c.id == a.package_id) case_id = c.case_id;
  if (case_id == 0) return Fail("claim " + std::to_string(a.package_id) + ": no such claim");
  if (Status s = o->db->DecideClaim(a.package_id, *on, eligible, a.reason, o->actor); !s.ok())
    return Fail(s.error().ToString() + " (nothing was stored)");
  claims = o->db->Claims("");
  Money awarded;
  for (const auto& c : claims.value())
    if (c.id == a.package_id) awarded = c.awarded;
  if (!Audit(*o, "chc.retro_claim_decision", case_id,
             {{"claim", a.package_id}, {"on", on->ToString()}, {"eligible", a.eligible}, {"from", a.from},
              {"to", a.to}, {"awarded_pence", awarded.pence()}, {"reason", a.reason}}))
    return kExitFailure;
  std::printf("claim %lld: %s, awarded %s\n", static_cast<long long>(a.package_id),
              a.eligible ? "eligible" : "not eligible", awarded.ToString().c_str());
  return kExitOk;
}

// The national patient level data set extract of one CCG and quarter
// (docs/chc.md, "The patient level data set"), pseudonymised; audited as an
// export of record-level data.
int Plds(const Context& ctx, const ChcArgs& a) {
  if (std::string e = CheckTableFormat(a.format, a.out); !e.empty()) return Fail(e, kExitUsage);
  if (a.ccg.empty()) return Fail("--ccg: the extract is one CCG's", kExitUsage);
  auto q = chc::ParseQuarter(a.quarter);
  if (!q.ok()) return Fail("--quarter: " + q.error().why, kExitUsage);
  auto sub = OdsCode::Parse(UpperCaseCode(a.submitter));
  if (!sub.ok()) return Fail("--submitter: the submitting organisation's ODS code", kExitUsage);
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  chc::PldsInput in;
  in.ccg = a.ccg, in.submitter = std::string(sub.value().view()), in.quarter = q.value();
  in.created_at = o->actor.at;
  auto cases = o->db->Cases(a.ccg);
  auto facts = o->db->Facts(a.ccg);
  auto packages = o->db->Packages(a.ccg);
  if (!cases.ok() || !facts.ok() || !packages.ok())
    return Fail(!cases.ok() ? cases.error().ToString() : !facts.ok() ? facts.error().ToString() : packages.error().ToString());
  in.cases = cases.value(), in.facts = facts.value(), in.packages = packages.value();
  for (const auto& c : in.cases) {
    auto ap = o->db->Appeals(c.id);
    if (!ap.ok()) return Fail(ap.error().ToString());
    in.appeals.insert(in.appeals.end(), ap.value().begin(), ap.value().end());
  }
  std::vector<ReportTable> tables = chc::PldsExtract(in);
  if (Status s = o->audit->Append(
          o->state->actor, "chc.plds.export", "chc plds " + a.ccg + " " + q.value().ToString(),
          nlohmann::json{{"ccg", a.ccg}, {"quarter", q.value().ToString()}, {"records", tables[1].rows.size()},
                         {"out", a.out.empty() ? "stdout" : a.out.substr(a.out.find_last_of('/') == std::string::npos ? 0 : a.out.find_last_of('/') + 1)}}
              .dump());
      !s.ok())
    return Fail("the extract was not written: its audit entry could not be written: " + s.error().ToString());
  return WriteTables(tables, a.format, a.out);
}

void AddCommon(CLI::App* c, ChcArgs& a) {
  AddStateOptions(c, a.state);
  AddDatabaseOption(c, a.database);
  c->add_option("--chc-key", a.chc_key,
                "Key file sealing identifiable fields, outside the state folder (default: $CSU_CHC_KEY_FILE or "
                "~/.config/opencsu/chc.key)");
}

void AddTableOptions(CLI::App* c, ChcArgs& a) {
  c->add_option("--ccg", a.ccg, "Only this CCG")->transform([](std::string s) { return UpperCaseCode(s); });
  c->add_option("--format", a.format, "table, csv, json or xlsx")->capture_default_str();
  c->add_option("--out", a.out, "Write to this file instead of stdout");
}

}  // namespace

void AddChcCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ChcArgs>();
  CLI::App* chc = app.add_subcommand("chc", "NHS Continuing Healthcare: cases, DST, decisions, packages, reviews");
  chc->require_subcommand(1);
  auto upper = [](std::string s) { return UpperCaseCode(s); };

  CLI::App* refer = chc->add_subcommand("refer", "Open a case for a referral (identifiable fields sealed)");
  AddCommon(refer, *a);
  refer->add_option("--ccg", a->ccg, "The responsible CCG")->required()->transform(upper);
  refer->add_option("--name", a->name, "The person's name")->required();
  refer->add_option("--nhs-number", a->nhs_number, "NHS number")->required();
  refer->add_option("--dob", a->dob, "Date of birth (YYYY-MM-DD)")->required();
  refer->add_option("--address", a->address, "Address");
  refer->add_option("--on", a->on, "Referral date (default: today)");
  refer->add_flag("--fast-track", a->fast_track, "A Fast Track referral (rapidly deteriorating condition)");
  refer->add_option("--at", a->at, "Fast Track: when the referral reached the CCG (YYYY-MM-DDTHH:MM)");
  refer->callback([&ctx, a] { ctx.action = [&ctx, a] { return Refer(ctx, *a); }; });

  CLI::App* checklist = chc->add_subcommand("checklist", "Record the Checklist's outcome and when it reached the CCG");
  AddCommon(checklist, *a);
  checklist->add_option("CASE", a->case_id)->required();
  checklist->add_flag("--positive", a->positive);
  checklist->add_flag("--negative", a->negative);
  checklist->add_option("--on", a->on, "Day the Checklist reached the CCG (default: today)");
  checklist->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
    if (a->positive == a->negative) return (Fail("one of --positive or --negative is required", kExitUsage));
    return (Change(ctx, *a, "chc.checklist", {{"positive", a->positive}, {"received", a->on}},
                     [&](Opened& o, int64_t id) {
                       auto on = DateArg(a->on, "--on", o.today);
                       if (!on) return Status(MakeError("--on", "not a date"));
                       return o.db->RecordChecklist(id, *on, a->positive, o.actor);
                     }));
    };
  });

  CLI::App* assess = chc->add_subcommand("assess", "Record a full DST assessment (domain levels) and the MDT's recommendation");
  AddCommon(assess, *a);
  assess->add_option("CASE", a->case_id)->required();
  assess->add_option("--level", a->levels, "DOMAIN=LEVEL, repeated (unnamed domains: none)");
  assess->add_option("--levels-file", a->levels_file, "A file of DOMAIN=LEVEL lines");
  assess->add_option("--recommendation", a->recommendation, "eligible or not_eligible")->required();
  assess->add_flag("--acute", a->acute, "Done in an acute hospital");
  assess->add_option("--on", a->on, "Assessment date (default: today)");
  assess->callback([&ctx, a] { ctx.action = [&ctx, a] { return Assess(ctx, *a); }; });

  CLI::App* decide = chc->add_subcommand("decide", "Record the CCG's eligibility decision with reasons");
  AddCommon(decide, *a);
  decide->add_option("CASE", a->case_id)->required();
  decide->add_flag("--eligible", a->eligible);
  decide->add_flag("--not-eligible", a->not_eligible);
  decide->add_option("--reason", a->reason, "The reasons, as sent to the person")->required();
  decide->add_option("--on", a->on, "Decision date (default: today)");
  decide->callback([&ctx, a] { ctx.action = [&ctx, a] { return Decide(ctx, *a); }; });

  CLI::App* delay = chc->add_subcommand("delay", "Record a valid reason for delay past 28 days");
  AddCommon(delay, *a);
  delay->add_option("CASE", a->case_id)->required();
  delay->add_option("--kind", a->kind, "individual, condition or exceptional")->required();
  delay->add_option("--reason", a->reason, "What happened")->required();
  delay->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
    auto kind = chc::ParseDelayReason(a->kind);
    if (!kind) return (Fail("--kind: individual, condition or exceptional", kExitUsage));
    return (Change(ctx, *a, "chc.delay", {{"kind", a->kind}, {"reason", a->reason}},
                     [&](Opened& o, int64_t id) { return o.db->RecordDelay(id, *kind, a->reason, o.actor); }));
    };
  });

  CLI::App* in_place = chc->add_subcommand("in-place", "Fast Track: record when the package was in place");
  AddCommon(in_place, *a);
  in_place->add_option("CASE", a->case_id)->required();
  in_place->add_option("--at", a->at, "YYYY-MM-DDTHH:MM")->required();
  in_place->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
    auto at = DateTime::Parse(a->at);
    if (!at.ok()) return (Fail("--at: not a time (YYYY-MM-DDTHH:MM)", kExitUsage));
    return (Change(ctx, *a, "chc.in_place", {{"at", a->at}},
                     [&](Opened& o, int64_t id) { return o.db->FastTrackInPlace(id, at.value(), o.actor); }));
    };
  });

  CLI::App* review = chc->add_subcommand("review", "Record a review of an eligible case");
  AddCommon(review, *a);
  review->add_option("CASE", a->case_id)->required();
  review->add_option("--outcome", a->outcome, "What the review found")->required();
  review->add_option("--on", a->on, "Review date (default: today)");
  review->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
    return (Change(ctx, *a, "chc.review", {{"on", a->on}, {"outcome", a->outcome}}, [&](Opened& o, int64_t id) {
      auto on = DateArg(a->on, "--on", o.today);
      if (!on) return Status(MakeError("--on", "not a date"));
      return o.db->RecordReview(id, *on, a->outcome, o.actor);
    }));
    };
  });

  CLI::App* close = chc->add_subcommand("close", "Close a case (eligibility ends; packages end separately)");
  AddCommon(close, *a);
  close->add_option("CASE", a->case_id)->required();
  close->add_option("--reason", a->reason)->required();
  close->add_option("--on", a->on, "Close date (default: today)");
  close->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
    return (Change(ctx, *a, "chc.close", {{"on", a->on}, {"reason", a->reason}}, [&](Opened& o, int64_t id) {
      auto on = DateArg(a->on, "--on", o.today);
      if (!on) return Status(MakeError("--on", "not a date"));
      return o.db->Close(id, *on, a->reason, o.actor);
    }));
    };
  });

  CLI::App* appeal = chc->add_subcommand("appeal", "Record a request to look again at a decision");
  AddCommon(appeal, *a);
  appeal->add_option("CASE", a->case_id)->required();
  appeal->add_option("--stage", a->kind, "local_resolution (first) or independent_review (NHS England, after it)")->required();
  appeal->add_option("--on", a->on, "Day the request was received (default: today)");
  appeal->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
      if (a->kind != "local_resolution" && a->kind != "independent_review")
        return Fail("--stage: local_resolution or independent_review", kExitUsage);
      const auto stage = a->kind == "local_resolution" ? chc::ChcStore::AppealStage::kLocalResolution
                                                        : chc::ChcStore::AppealStage::kIndependentReview;
      return Change(ctx, *a, "chc.appeal", {{"stage", a->kind}, {"received", a->on}}, [&](Opened& o, int64_t id) -> Status {
        auto on = DateArg(a->on, "--on", o.today);
        if (!on) return MakeError("--on", "not a date");
        auto appeal_id = o.db->RecordAppeal(id, stage, *on, o.actor);
        if (!appeal_id.ok()) return appeal_id.error();
        std::printf("appeal %lld recorded\n", static_cast<long long>(appeal_id.value()));
        return Status::Ok();
      });
    };
  });

  CLI::App* outcome = chc->add_subcommand("appeal-outcome", "Record an appeal's outcome with its reasons");
  AddCommon(outcome, *a);
  outcome->add_option("CASE", a->case_id, "The case the appeal is about")->required();
  outcome->add_option("--appeal", a->package_id, "The appeal's number")->required();
  outcome->add_flag("--upheld", a->eligible, "The appeal is upheld");
  outcome->add_flag("--not-upheld", a->not_eligible, "The appeal is not upheld");
  outcome->add_option("--reason", a->reason)->required();
  outcome->add_option("--on", a->on, "Day of the outcome (default: today)");
  outcome->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
      if (a->eligible == a->not_eligible) return Fail("one of --upheld or --not-upheld is required", kExitUsage);
      return Change(ctx, *a, "chc.appeal_outcome", {{"appeal", a->package_id}, {"upheld", a->eligible}, {"reason", a->reason}},
                    [&](Opened& o, int64_t id) -> Status {
                      auto on = DateArg(a->on, "--on", o.today);
                      if (!on) return MakeError("--on", "not a date");
                      CSU_ASSIGN_OR_RETURN(appeals, o.db->Appeals(id));
                      bool found = false;
                      for (const auto& x : appeals) found = found || x.id == a->package_id;
                      if (!found) return MakeError("appeal " + std::to_string(a->package_id), "is not an appeal of case " + std::to_string(id));
                      return o.db->AppealOutcome(a->package_id, *on, a->eligible, a->reason, o.actor);
                    });
    };
  });

  CLI::App* package = chc->add_subcommand("package", "Care packages: add, change (a new version), end");
  package->require_subcommand(1);
  for (const char* what : {"add", "change", "end"}) {
    CLI::App* p = package->add_subcommand(what, std::string(what) + " a package");
    AddCommon(p, *a);
    if (std::string(what) == "add") p->add_option("--case", a->case_id, "The eligible case")->required();
    else p->add_option("PACKAGE", a->package_id)->required();
    if (std::string(what) != "end") {
      p->add_option("--provider", a->provider, "Provider ODS code or local register id")->required();
      p->add_option("--setting", a->setting, "care_home_nursing, care_home, domiciliary or phb")->required();
      p->add_option("--unit-cost", a->unit_cost, "Cost per unit in pounds (a week, an hour)")->required();
      p->add_option("--units", a->units, "Units per week (default 1; up to two decimals)");
    }
    if (std::string(what) != "add") p->add_option("--reason", a->reason)->required();
    p->add_option(std::string(what) == "end" ? "--last-day" : "--from", a->on,
                  std::string(what) == "end" ? "Last day paid (default: today)" : "First day of this version (default: today)");
    std::string w = what;
    p->callback([&ctx, a, w] { ctx.action = [&ctx, a, w] { return PackageCmd(ctx, *a, w); }; });
  }

  CLI::App* caseload = chc->add_subcommand("caseload", "Cases with status and next review (pseudonymised)");
  AddCommon(caseload, *a);
  AddTableOptions(caseload, *a);
  caseload->callback([&ctx, a] { ctx.action = [&ctx, a] { return Caseload(ctx, *a); }; });

  CLI::App* deadlines = chc->add_subcommand("deadlines", "Undecided cases nearing or past the 28-day standard");
  AddCommon(deadlines, *a);
  AddTableOptions(deadlines, *a);
  deadlines->add_option("--as-of", a->as_of, "Count to this day (default: today or the platform date)");
  deadlines->callback([&ctx, a] { ctx.action = [&ctx, a] { return Deadlines(ctx, *a); }; });

  CLI::App* reviews = chc->add_subcommand("reviews-due", "Reviews overdue or due within 28 days");
  AddCommon(reviews, *a);
  AddTableOptions(reviews, *a);
  reviews->add_option("--as-of", a->as_of, "As at this day (default: today or the platform date)");
  reviews->callback([&ctx, a] { ctx.action = [&ctx, a] { return ReviewsDue(ctx, *a); }; });

  CLI::App* committed = chc->add_subcommand("committed-cost", "Committed package cost per CCG per month to 31 March");
  AddCommon(committed, *a);
  AddTableOptions(committed, *a);
  committed->add_option("--as-of", a->as_of, "From this day (default: today or the platform date)");
  committed->callback([&ctx, a] { ctx.action = [&ctx, a] { return CommittedCost(ctx, *a); }; });

  CLI::App* assurance = chc->add_subcommand("assurance", "Quarterly assurance measures per CCG");
  AddCommon(assurance, *a);
  AddTableOptions(assurance, *a);
  assurance->add_option("--quarter", a->quarter, "YYYY-Qn of the financial year (2018-Q3: Oct-Dec 2018)")->required();
  assurance->callback([&ctx, a] { ctx.action = [&ctx, a] { return Assurance(ctx, *a); }; });

  CLI::App* timeline = chc->add_subcommand("timeline", "A case's events (no identifiable fields)");
  AddCommon(timeline, *a);
  timeline->add_option("CASE", a->case_id)->required();
  timeline->add_option("--format", a->format, "table, csv, json or xlsx")->capture_default_str();
  timeline->add_option("--out", a->out, "Write to this file instead of stdout");
  timeline->callback([&ctx, a] { ctx.action = [&ctx, a] { return Timeline(ctx, *a); }; });

  CLI::App* import = chc->add_subcommand("import", "Import a caseload from another system (docs/formats/chc-caseload-v1.md)");
  AddCommon(import, *a);
  import->add_option("FILE", a->levels_file, "The caseload CSV")->required();
  import->callback([&ctx, a] { ctx.action = [&ctx, a] { return Import(ctx, *a); }; });

  CLI::App* demo = chc->add_subcommand("demo-caseload", "Write a synthetic caseload for the demo (chc-caseload-v1 format)");
  demo->add_option("--ccgs", a->ccg, "CCG codes, comma-separated")->required();
  demo->add_option("--year", a->quarter, "Financial year (default 2018/19)");
  demo->add_option("--as-of", a->as_of, "Nothing dated after this day (default: the year's end)");
  demo->add_option("--out", a->out, "The file to write")->required();
  demo->callback([&ctx, a] { ctx.action = [&ctx, a] { return DemoCaseload(ctx, *a); }; });

  CLI::App* demo_inv = chc->add_subcommand("demo-invoices", "Write synthetic provider invoices for a month of the stored packages (chc-invoices-v1 format)");
  AddCommon(demo_inv, *a);
  demo_inv->add_option("--month", a->on, "The month billed, YYYY-MM")->required();
  demo_inv->add_option("--out", a->out, "The file to write")->required();
  demo_inv->callback([&ctx, a] { ctx.action = [&ctx, a] { return DemoInvoices(ctx, *a); }; });

  CLI::App* check = chc->add_subcommand("check-invoices", "Check provider invoices against the packages (docs/formats/chc-invoices-v1.md)");
  AddCommon(check, *a);
  check->add_option("FILE", a->levels_file, "The invoices CSV")->required();
  check->callback([&ctx, a] { ctx.action = [&ctx, a] { return CheckInvoices(ctx, *a); }; });

  CLI::App* invoices = chc->add_subcommand("invoices", "Provider invoices as checked: payable or queried with the reason");
  AddCommon(invoices, *a);
  AddTableOptions(invoices, *a);
  invoices->callback([&ctx, a] { ctx.action = [&ctx, a] { return Invoices(ctx, *a); }; });

  CLI::App* claim = chc->add_subcommand("claim", "Record a claim for a previously unassessed period of care");
  AddCommon(claim, *a);
  claim->add_option("CASE", a->case_id)->required();
  claim->add_option("--received", a->on, "Day the claim was received (default: today)");
  claim->add_option("--from", a->from, "First day of the period claimed")->required();
  claim->add_option("--to", a->to, "Last day of the period claimed")->required();
  claim->add_option("--cost", a->costs, "A cost stated as paid: FROM:TO:WEEKLY (repeat for each run)")->required();
  claim->callback([&ctx, a] { ctx.action = [&ctx, a] { return Claim(ctx, *a); }; });

  CLI::App* claim_decide = chc->add_subcommand("claim-decide", "Decide a retrospective claim with reasons; the award is computed");
  AddCommon(claim_decide, *a);
  claim_decide->add_option("CLAIM", a->package_id)->required();
  claim_decide->add_flag("--eligible", a->eligible, "Eligible for --from..--to");
  claim_decide->add_flag("--not-eligible", a->not_eligible, "Not eligible for any of the period");
  claim_decide->add_option("--from", a->from, "First eligible day (with --eligible)");
  claim_decide->add_option("--to", a->to, "Last eligible day (with --eligible)");
  claim_decide->add_option("--reason", a->reason)->required();
  claim_decide->add_option("--on", a->on, "Day of the decision (default: today)");
  claim_decide->callback([&ctx, a] { ctx.action = [&ctx, a] { return ClaimDecide(ctx, *a); }; });

  CLI::App* claims = chc->add_subcommand("claims", "Retrospective claims with decisions and amounts awarded");
  AddCommon(claims, *a);
  AddTableOptions(claims, *a);
  claims->callback([&ctx, a] { ctx.action = [&ctx, a] { return Claims(ctx, *a); }; });

  CLI::App* plds = chc->add_subcommand("plds", "The national CHC patient level data set extract of a CCG and quarter (pseudonymised)");
  AddCommon(plds, *a);
  AddTableOptions(plds, *a);
  plds->add_option("--quarter", a->quarter, "YYYY-Qn of the financial year")->required();
  plds->add_option("--submitter", a->submitter, "ODS code of the submitting organisation (the CSU)")->required();
  plds->callback([&ctx, a] { ctx.action = [&ctx, a] { return Plds(ctx, *a); }; });

  CLI::App* show = chc->add_subcommand("show", "A case's identifiable fields (audited with the purpose)");
  AddCommon(show, *a);
  show->add_option("CASE", a->case_id)->required();
  show->add_option("--purpose", a->purpose, "Why the fields are needed (written to the audit log)")->required();
  show->callback([&ctx, a] { ctx.action = [&ctx, a] { return Show(ctx, *a); }; });
}

}  // namespace csu::cli
