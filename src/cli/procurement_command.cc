// `csu procurement ...`: the procurement team's commands over
// procurement.sqlite (docs/procurement.md): the plan, tenders, criteria and
// scores imports (docs/formats/procurement-*-v1.md), bids, evaluator
// assignments, moderation, exclusions, the evaluation with every step,
// clarification questions and answers, the award with its standstill,
// representations, contract award into the commissioning database, OCDS
// publication, and the market analysis (with patient flows by practice).
// Every change is written to the hash-chained audit log; an award is counted
// once on the billing meter `procurements` (docs/billing.md). With
// --database (server mode, docs/server-mode.md) the procurement database,
// the audit entries, the meter and the contract made for monitoring are in
// PostgreSQL, shared by every node; the state folder still gives the
// reference data and the activity the market analysis reads.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "billing/meter.h"
#include "billing/period.h"
#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "contracts/contract_store.h"
#include "core/file.h"
#include "core/uk_time.h"
#include "pricing/priced_activity.h"
#include "procurement/decision_record.h"
#include "procurement/market_activity.h"
#include "procurement/market_report.h"
#include "procurement/ocds.h"
#include "procurement/procurement_files.h"
#include "procurement/procurement_store.h"
#include "refdata/refdata.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

using nlohmann::json;
namespace pr = procurement;

struct Args {
  StateArgs state;
  std::string database;  // server mode: PostgreSQL URL (--database / CSU_DATABASE_URL)
  std::string ccg, tender, file;
  // plan
  std::string ref, title, value, regime = "psr", process, reasons, key_criteria, start, award_by;
  // tender
  std::string plan, deadline, lot, name;
  // people, bids, scores
  std::string person, interest, management, bid, bidder, provider, price, evaluator, criterion, reason, ground;
  bool conflict = false;
  int64_t score = -1;
  std::vector<std::string> bids;
  // award and after
  std::string notice, tie_decision, from, received, summary, outcome, signed_on;
  int64_t seq = 0;
  // clarifications
  std::string question, answer, answered;
  bool publish_answer = false;
  // publish and market
  std::string stage, ocid_prefix = pr::kTestOcidPrefix, publisher = "Commissioning support unit", out_dir;
  std::string by = "year", format = "table", out, pod, tfc;
  bool shared = false;
};

struct Opened {
  std::unique_ptr<State> state;
  std::unique_ptr<pr::ProcurementStore> db;
  std::unique_ptr<CommandAudit> audit;
  pr::Actor actor;
};

std::optional<Opened> Open(const Context& ctx, const Args& a) {
  Opened o;
  o.state = OpenOrPrint(ctx, a.state, Access::kShared);  // procurement.sqlite is its own database
  if (!o.state) return std::nullopt;
  auto db = OpenProcurement(a.state.data_dir, a.database);
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
  o.actor = {store::Env::Default().NowUtc(), "cli:" + o.state->actor};
  return o;
}

bool Audit(Opened& o, const std::string& action, const std::string& subject, const json& details) {
  if (Status s = o.audit->Append(o.state->actor, action, subject, details.dump()); !s.ok()) {
    PrintError("the change was made but its audit entry could not be written: " + s.error().ToString());
    return false;
  }
  return true;
}

int Fail(const Error& e) {
  PrintError(e.ToString());
  return kExitFailure;
}

Result<Date> DateArg(const std::string& text, const std::string& option) {
  auto d = Date::Parse(text);
  if (!d.ok()) return MakeError(option, "'" + text + "' is not a date (YYYY-MM-DD)");
  return d;
}

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(path, "cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Subject(const Args& a) { return a.ccg + "/" + a.tender; }

// ---------------------------------------------------------------- plan

int PlanAdd(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  pr::PlanLine p;
  p.ccg = a.ccg;
  p.ref = a.ref;
  p.title = a.title;
  auto value = Money::Parse(a.value);
  if (!value.ok()) return Fail(MakeError("--value", "'" + a.value + "' is not an amount in pounds"));
  p.value = value.value();
  auto regime = pr::ParseRegime(a.regime);
  if (!regime) return Fail(MakeError("--regime", "'" + a.regime + "' is not psr, pa2023 or pcr2015"));
  p.regime = *regime;
  auto process = pr::ParseProcess(a.process);
  if (!process) return Fail(MakeError("--process", "'" + a.process + "' is not direct_a, direct_b, direct_c, most_suitable or competitive"));
  p.process = *process;
  p.reasons = a.reasons;
  p.key_criteria = a.key_criteria;
  auto start = DateArg(a.start, "--start");
  if (!start.ok()) return Fail(start.error());
  auto award = DateArg(a.award_by, "--award-by");
  if (!award.ok()) return Fail(award.error());
  p.start = start.value();
  p.award_by = award.value();
  if (Status s = o->db->AddPlanLine(p, o->actor); !s.ok()) return Fail(s.error());
  if (!Audit(*o, "procurement.plan.add", a.ccg + "/" + a.ref,
             {{"title", p.title}, {"value_pence", p.value.pence()}, {"regime", a.regime}, {"process", a.process},
              {"reasons", p.reasons}, {"key_criteria", p.key_criteria}}))
    return kExitFailure;
  std::cout << "plan line " << p.ref << " added for " << p.ccg << "\n";
  return kExitOk;
}

int PlanList(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto lines = o->db->PlanLines(a.ccg);
  if (!lines.ok()) return Fail(lines.error());
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t("Procurement plan " + a.ccg, {{"ref", ColumnType::kText, "Ref"},
                                                      {"title", ColumnType::kText, "Title"},
                                                      {"value", ColumnType::kMoney, "Value"},
                                                      {"regime", ColumnType::kText, "Regime"},
                                                      {"process", ColumnType::kText, "Process"},
                                                      {"start", ColumnType::kText, "Start"},
                                                      {"award_by", ColumnType::kText, "Award by"},
                                                      {"reasons", ColumnType::kText, "Reasons"},
                                                      {"key_criteria", ColumnType::kText, "Key criteria"}});
  for (const auto& p : lines.value())
    t.AddRow({Cell::Text(p.ref), Cell::Text(p.title), Cell::Money(p.value), Cell::Text(std::string(pr::RegimeName(p.regime))),
              Cell::Text(std::string(pr::ProcessName(p.process))), Cell::Text(p.start.ToString()),
              Cell::Text(p.award_by.ToString()), Cell::Text(p.reasons), Cell::Text(p.key_criteria)});
  return WriteTables({t}, a.format, a.out);
}

// ---------------------------------------------------------------- tender

int TenderCreate(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto deadline = DateArg(a.deadline, "--deadline");
  if (!deadline.ok()) return Fail(deadline.error());
  pr::Tender t{a.ccg, a.tender, a.plan, a.title, deadline.value(), pr::TenderStatus::kOpen, std::nullopt};
  if (Status s = o->db->CreateTender(t, o->actor); !s.ok()) return Fail(s.error());
  if (!Audit(*o, "procurement.tender.create", Subject(a), {{"plan", a.plan}, {"title", a.title}, {"deadline", a.deadline}}))
    return kExitFailure;
  std::cout << "tender " << a.tender << " created\n";
  return kExitOk;
}

int TenderLot(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto value = Money::Parse(a.value);
  if (!value.ok()) return Fail(MakeError("--value", "'" + a.value + "' is not an amount in pounds"));
  if (Status s = o->db->AddLot(a.ccg, a.tender, {a.lot, a.title, value.value()}, o->actor); !s.ok()) return Fail(s.error());
  return Audit(*o, "procurement.tender.lot", Subject(a), {{"lot", a.lot}, {"title", a.title}, {"value_pence", value.value().pence()}})
             ? kExitOk
             : kExitFailure;
}

int TenderDocument(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto bytes = ReadAll(a.file);
  if (!bytes.ok()) return Fail(bytes.error());
  const std::string name = a.name.empty() ? BaseName(a.file) : a.name;
  auto doc = o->db->AddDocument(a.ccg, a.tender, name, bytes.value(), o->actor);
  if (!doc.ok()) return Fail(doc.error());
  if (!Audit(*o, "procurement.tender.document", Subject(a),
             {{"name", name}, {"version", doc.value().version}, {"sha256", doc.value().sha256}}))
    return kExitFailure;
  std::cout << name << " version " << doc.value().version << " sha256 " << doc.value().sha256 << "\n";
  return kExitOk;
}

int TenderShow(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto t = o->db->FindTender(a.ccg, a.tender);
  if (!t.ok()) return Fail(t.error());
  std::cout << "tender " << t.value().id << ": " << t.value().title << " (" << pr::StatusName(t.value().status)
            << "), plan line " << t.value().plan_ref << ", bids by " << t.value().bid_deadline.ToString() << "\n";
  if (t.value().criteria) {
    for (const auto& g : t.value().criteria->groups)
      std::cout << "  criterion " << g.id << " " << g.name << " (" << pr::KindName(g.kind) << ") " << g.weight << "\n";
    for (const auto& s : t.value().criteria->subs)
      std::cout << "    " << s.id << " " << s.name << " " << s.weight << " of " << s.group << "\n";
    for (const auto& l : t.value().criteria->scale) std::cout << "  score " << l.score << " " << l.descriptor << "\n";
  }
  // Each list held in a local: a range-for over a temporary Result's
  // value() would read the vector after the Result is gone.
  auto lots = o->db->Lots(a.ccg, a.tender);
  if (!lots.ok()) return Fail(lots.error());
  for (const auto& l : lots.value()) std::cout << "  lot " << l.id << " " << l.title << " " << l.value.ToString() << "\n";
  auto docs = o->db->Documents(a.ccg, a.tender);
  if (!docs.ok()) return Fail(docs.error());
  for (const auto& d : docs.value())
    std::cout << "  document " << d.name << " v" << d.version << " " << d.bytes << " bytes sha256 " << d.sha256 << "\n";
  auto bids = o->db->Bids(a.ccg, a.tender);
  if (!bids.ok()) return Fail(bids.error());
  for (const auto& b : bids.value())
    std::cout << "  bid " << b.bid.id << " " << b.bid.bidder << " " << b.provider << " " << b.bid.price.ToString() << "\n";
  auto interests = o->db->Interests(a.ccg, a.tender);
  if (!interests.ok()) return Fail(interests.error());
  for (const auto& i : interests.value())
    std::cout << "  declaration " << i.person << ": " << i.interest
              << (i.conflict ? " [conflict, managed: " + i.management + "]" : "") << "\n";
  return kExitOk;
}

int Criteria(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto text = ReadAll(a.file);
  if (!text.ok()) return Fail(text.error());
  auto c = pr::ParseCriteriaCsv(BaseName(a.file), text.value());
  if (!c.ok()) return Fail(c.error());
  if (Status s = o->db->SetCriteria(a.ccg, a.tender, c.value(), o->actor); !s.ok()) return Fail(s.error());
  if (!Audit(*o, "procurement.criteria.set", Subject(a),
             {{"file", BaseName(a.file)}, {"sha256", store::HexOf(store::Sha256Of(text.value()))},
              {"criteria", c.value().groups.size()}, {"sub_criteria", c.value().subs.size()},
              {"scale_max", c.value().ScaleMax()}}))
    return kExitFailure;
  std::cout << "criteria set: " << c.value().groups.size() << " criteria, " << c.value().subs.size()
            << " sub-criteria, scale 0-" << c.value().ScaleMax() << "\n";
  return kExitOk;
}

int Declare(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  pr::Interest i{a.person, a.interest, a.conflict, a.management, ""};
  if (Status s = o->db->DeclareInterest(a.ccg, a.tender, i, o->actor); !s.ok()) return Fail(s.error());
  return Audit(*o, "procurement.interest.declare", Subject(a),
               {{"person", a.person}, {"conflict", a.conflict}, {"managed", !a.management.empty()}})
             ? kExitOk
             : kExitFailure;
}

int BidAdd(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto price = Money::Parse(a.price);
  if (!price.ok()) return Fail(MakeError("--price", "'" + a.price + "' is not an amount in pounds"));
  pr::StoredBid b{{a.bid, a.bidder, price.value()}, UpperCaseCode(a.provider)};
  if (Status s = o->db->AddBid(a.ccg, a.tender, b, o->actor); !s.ok()) return Fail(s.error());
  return Audit(*o, "procurement.bid.add", Subject(a),
               {{"bid", a.bid}, {"bidder", a.bidder}, {"provider", b.provider}, {"price_pence", price.value().pence()}})
             ? kExitOk
             : kExitFailure;
}

int Assign(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  for (const auto& bid : a.bids)
    if (Status s = o->db->AssignEvaluator(a.ccg, a.tender, a.evaluator, bid, o->actor); !s.ok()) return Fail(s.error());
  return Audit(*o, "procurement.evaluator.assign", Subject(a), {{"evaluator", a.evaluator}, {"bids", a.bids}})
             ? kExitOk
             : kExitFailure;
}

int Scores(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto text = ReadAll(a.file);
  if (!text.ok()) return Fail(text.error());
  auto scores = pr::ParseScoresCsv(BaseName(a.file), text.value(), a.evaluator);
  if (!scores.ok()) return Fail(scores.error());
  if (Status s = o->db->SubmitScores(a.ccg, a.tender, a.evaluator, scores.value(), o->actor); !s.ok())
    return Fail(s.error());
  // The audit entry says that scores came in, not what they are: the log is
  // read by administrators, and scores stay sealed until moderation.
  if (!Audit(*o, "procurement.scores.submit", Subject(a),
             {{"evaluator", a.evaluator}, {"scores", scores.value().size()},
              {"sha256", store::HexOf(store::Sha256Of(text.value()))}}))
    return kExitFailure;
  std::cout << scores.value().size() << " scores stored for evaluator " << a.evaluator << "\n";
  return kExitOk;
}

int ModerateOpen(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (Status s = o->db->OpenModeration(a.ccg, a.tender, o->actor); !s.ok()) return Fail(s.error());
  return Audit(*o, "procurement.moderation.open", Subject(a), json::object()) ? kExitOk : kExitFailure;
}

int ModerateSet(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (Status s = o->db->Moderate(a.ccg, a.tender, {a.bid, a.criterion, a.score, a.reason}, o->actor); !s.ok())
    return Fail(s.error());
  return Audit(*o, "procurement.moderation.set", Subject(a),
               {{"bid", a.bid}, {"criterion", a.criterion}, {"agreed", a.score}, {"reason", a.reason}})
             ? kExitOk
             : kExitFailure;
}

int Exclude(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (Status s = o->db->Exclude(a.ccg, a.tender, {a.bid, a.ground}, o->actor); !s.ok()) return Fail(s.error());
  return Audit(*o, "procurement.bid.exclude", Subject(a), {{"bid", a.bid}, {"ground", a.ground}}) ? kExitOk
                                                                                                   : kExitFailure;
}

Result<pr::Evaluation> EvaluateStored(pr::ProcurementStore& db, const Args& a) {
  CSU_ASSIGN_OR_RETURN(in, db.EvaluationInputOf(a.ccg, a.tender));
  return pr::Evaluate(in);
}

report::ReportTable RankingTable(const pr::Evaluation& ev) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t("Evaluation", {{"rank", ColumnType::kText, "Rank"},
                                       {"bid", ColumnType::kText, "Bid"},
                                       {"bidder", ColumnType::kText, "Bidder"},
                                       {"price", ColumnType::kMoney, "Price"},
                                       {"quality_social_value", ColumnType::kText, "Quality + social value"},
                                       {"price_score", ColumnType::kText, "Price score"},
                                       {"total", ColumnType::kText, "Total"},
                                       {"total_exact", ColumnType::kText, "Total (exact)"},
                                       {"note", ColumnType::kText, "Note"}});
  for (const auto& b : ev.bids) {
    std::string note = b.excluded ? "excluded: " + b.exclusion_ground : (b.tied ? "tied" : "");
    if (b.bid == ev.most_advantageous) note = "most advantageous tender";
    t.AddRow({Cell::Text(b.excluded ? "-" : std::to_string(b.rank)), Cell::Text(b.bid), Cell::Text(b.bidder),
              Cell::Money(b.price), Cell::Text(b.excluded ? "" : pr::Shown(b.non_price)),
              Cell::Text(b.excluded ? "" : pr::Shown(b.price_score)), Cell::Text(b.excluded ? "" : pr::Shown(b.total)),
              Cell::Text(b.excluded ? "" : b.total.ToFraction()), Cell::Text(note)});
  }
  t.notes.push_back("Weighted scores shown to 2 decimal places (half away from zero); ranking uses the exact values.");
  if (!ev.tie_note.empty()) t.notes.push_back(ev.tie_note);
  return t;
}

int EvaluateCmd(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto ev = EvaluateStored(*o->db, a);
  if (!ev.ok()) return Fail(ev.error());
  if (a.format == "table")
    for (const auto& s : ev.value().steps) std::cout << s << "\n";
  return WriteTables({RankingTable(ev.value())}, a.format, a.out);
}

Result<pr::BankHolidays> Holidays(const Context& ctx) {
  const std::string dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  return pr::BankHolidays::Load(dir + "/bank_holidays_england_wales.csv");
}

int AwardCmd(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto t = o->db->FindTender(a.ccg, a.tender);
  if (!t.ok()) return Fail(t.error());
  auto plan = o->db->FindPlanLine(a.ccg, t.value().plan_ref);
  if (!plan.ok()) return Fail(plan.error());
  auto ev = EvaluateStored(*o->db, a);
  if (!ev.ok()) return Fail(ev.error());
  std::string winner = ev.value().most_advantageous;
  std::string decision;
  for (const auto& s : ev.value().steps) decision += s + "\n";
  if (winner.empty()) {
    bool tied_first = false;
    for (const auto& b : ev.value().bids) tied_first = tied_first || (b.bid == a.bid && b.rank == 1);
    if (a.bid.empty() || a.tie_decision.empty() || !tied_first)
      return Fail(MakeError("tender " + a.tender, ev.value().tie_note.empty()
                                                       ? "there is no most advantageous tender"
                                                       : ev.value().tie_note + ": give --bid (one of the tied bids) "
                                                                               "and --tie-decision \"why\""));
    winner = a.bid;
    decision += "Tie decided for bid " + winner + ": " + a.tie_decision + "\n";
  } else if (!a.bid.empty() && a.bid != winner) {
    return Fail(MakeError("--bid", "bid " + a.bid + " is not the most advantageous tender (" + winner + ")"));
  }
  auto notice = DateArg(a.notice, "--notice");
  if (!notice.ok()) return Fail(notice.error());
  auto hol = Holidays(ctx);
  if (!hol.ok()) return Fail(hol.error());
  auto ss = pr::StandstillPeriod(plan.value().regime, notice.value(), hol.value());
  if (!ss.ok()) return Fail(ss.error());
  std::string days;
  for (Date d : ss.value().counted) days += (days.empty() ? "" : ", ") + d.ToString();
  decision += "Standstill: " + ss.value().rule + ": " + days + "; ends " + ss.value().last_day.ToString() + ".\n";
  auto interests = o->db->Interests(a.ccg, a.tender);
  if (!interests.ok()) return Fail(interests.error());
  for (const auto& i : interests.value())
    if (i.conflict) decision += "Conflict of interest: " + i.person + ", " + i.interest + "; managed: " + i.management + "\n";
  pr::Award award;
  award.bid = winner;
  for (const auto& b : ev.value().bids)
    if (b.bid == winner) award.value = b.price;
  auto stored_bids = o->db->Bids(a.ccg, a.tender);
  if (!stored_bids.ok()) return Fail(stored_bids.error());
  for (const auto& b : stored_bids.value())
    if (b.bid.id == winner) award.provider = b.provider;
  award.regime = plan.value().regime;
  award.notice = notice.value();
  award.standstill_last_day = ss.value().last_day;
  award.contract_from = ss.value().contract_from;
  award.decision = decision;
  award.decided_at = o->actor.at;
  award.decided_by = o->actor.user;
  if (Status s = o->db->RecordAward(a.ccg, a.tender, award); !s.ok()) return Fail(s.error());
  if (!Audit(*o, "procurement.award", Subject(a),
             {{"bid", winner}, {"value_pence", award.value.pence()}, {"notice", a.notice},
              {"standstill_last_day", award.standstill_last_day.ToString()}, {"tie_decision", a.tie_decision}}))
    return kExitFailure;
  // One procurement on the billing meter, once per tender however often retried.
  auto meter = OpenMeter(a.state.data_dir, a.database);
  if (!meter.ok()) return Fail(meter.error());
  auto today = UkDateOfTimestamp(o->actor.at);
  if (!today) return Fail(MakeError("clock", "cannot read today's date from " + o->actor.at));
  auto counted = meter.value()->CountOnce("procurement:" + a.tender, a.ccg, billing::Period::Of(*today),
                                          "procurements", a.tender, 1, o->actor.at, o->actor.user);
  if (!counted.ok()) return Fail(counted.error());
  std::cout << decision << "Awarded to bid " << winner << "; the contract may be entered into from "
            << award.contract_from.ToString() << ".\n";
  return kExitOk;
}

int RepresentationAdd(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto received = DateArg(a.received, "--received");
  if (!received.ok()) return Fail(received.error());
  auto seq = o->db->AddRepresentation(a.ccg, a.tender, {0, a.from, received.value(), a.summary, "", ""}, o->actor);
  if (!seq.ok()) return Fail(seq.error());
  if (!Audit(*o, "procurement.representation.add", Subject(a), {{"seq", seq.value()}, {"from", a.from}, {"received", a.received}}))
    return kExitFailure;
  std::cout << "representation " << seq.value() << " recorded\n";
  return kExitOk;
}

int RepresentationDecide(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (Status s = o->db->DecideRepresentation(a.ccg, a.tender, a.seq, a.outcome, o->actor); !s.ok()) return Fail(s.error());
  return Audit(*o, "procurement.representation.decide", Subject(a), {{"seq", a.seq}, {"outcome", a.outcome}})
             ? kExitOk
             : kExitFailure;
}

// ---------------------------------------------------------------- clarifications

int ClarificationAdd(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto received = DateArg(a.received, "--received");
  if (!received.ok()) return Fail(received.error());
  pr::Clarification c;
  c.asked_by = a.from;
  c.received = received.value();
  c.question = a.question;
  auto seq = o->db->AddClarification(a.ccg, a.tender, c, o->actor);
  if (!seq.ok()) return Fail(seq.error());
  // The audit entry names the question by number, not its text.
  if (!Audit(*o, "procurement.clarification.add", Subject(a), {{"seq", seq.value()}, {"from", a.from}, {"received", a.received}}))
    return kExitFailure;
  std::cout << "question " << seq.value() << " recorded\n";
  return kExitOk;
}

int ClarificationAnswer(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto answered = DateArg(a.answered, "--answered");
  if (!answered.ok()) return Fail(answered.error());
  if (Status s = o->db->AnswerClarification(a.ccg, a.tender, a.seq, a.answer, answered.value(), a.publish_answer, o->actor);
      !s.ok())
    return Fail(s.error());
  if (!Audit(*o, "procurement.clarification.answer", Subject(a),
             {{"seq", a.seq}, {"answered", a.answered}, {"published", a.publish_answer}}))
    return kExitFailure;
  std::cout << "question " << a.seq << " answered" << (a.publish_answer ? "; shared with all bidders" : "; for the asker only")
            << "\n";
  return kExitOk;
}

int ClarificationList(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto cs = o->db->Clarifications(a.ccg, a.tender);
  if (!cs.ok()) return Fail(cs.error());
  std::vector<pr::Clarification> shown;
  for (const auto& c : cs.value())
    if (!a.shared || (!c.answer.empty() && c.published)) shown.push_back(c);
  return WriteTables({pr::ClarificationsTable(shown, !a.shared)}, a.format, a.out);
}

int ContractCmd(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto signed_on = DateArg(a.signed_on, "--signed");
  if (!signed_on.ok()) return Fail(signed_on.error());
  auto award = o->db->AwardOf(a.ccg, a.tender);
  if (!award.ok()) return Fail(award.error());
  if (!award.value()) return Fail(MakeError("tender " + a.tender, "there is no award"));
  auto commissioner = OdsCode::Parse(a.ccg);
  auto provider = OdsCode::Parse(award.value()->provider);
  if (!commissioner.ok() || !provider.ok())
    return Fail(MakeError("tender " + a.tender, "the CCG and the winning bid's provider need ODS codes to create the contract"));
  if (Status s = o->db->MarkContracted(a.ccg, a.tender, signed_on.value(), o->actor); !s.ok()) return Fail(s.error());
  // The contract in the commissioning database, so monitoring starts from it.
  auto contracts = OpenContracts(a.state.data_dir, a.database);
  if (!contracts.ok()) return Fail(contracts.error());
  const FinancialYear year = FinancialYear::Of(signed_on.value());
  auto held = contracts.value()->Contracts(year);
  if (!held.ok()) return Fail(held.error());
  bool exists = false;
  for (const auto& c : held.value()) exists = exists || (c.commissioner == commissioner.value() && c.provider == provider.value());
  std::string what;
  if (exists) {
    what = "a contract between " + a.ccg + " and " + award.value()->provider + " for " + year.ToString() +
           " is already held; its plan lines are unchanged";
  } else {
    contracts::Contract c;
    c.commissioner = commissioner.value();
    c.provider = provider.value();
    c.year = year;
    auto done = contracts.value()->Replace({c}, {o->actor.at, o->actor.user, "procurement:" + a.tender});
    if (!done.ok()) return Fail(done.error());
    what = "contract " + a.ccg + " x " + award.value()->provider + " " + year.ToString() +
           " created in the commissioning database (load its plan lines with csu contracts load)";
  }
  if (!Audit(*o, "procurement.contract", Subject(a),
             {{"signed", a.signed_on}, {"provider", award.value()->provider}, {"year", year.ToString()}, {"created", !exists}}))
    return kExitFailure;
  std::cout << what << "\n";
  return kExitOk;
}

int Publish(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  if (a.ocid_prefix == pr::kTestOcidPrefix)
    std::cerr << "csu: warning: the OCDS prefix " << pr::kTestOcidPrefix
              << " is for tests only; give the CSU's registered prefix with --ocid-prefix\n";
  pr::OcdsPublisher pub{a.ocid_prefix, a.publisher, ""};
  auto facts = pr::GatherOcdsFacts(*o->db, a.ccg, a.tender);
  if (!facts.ok()) return Fail(facts.error());
  const std::string ocid = pr::Ocid(pub, a.tender);
  auto existing = o->db->Releases(ocid);
  if (!existing.ok()) return Fail(existing.error());
  if (!a.stage.empty()) {
    // Numbered by the store in its write transaction, so two publishers
    // (two nodes in server mode) never take the same number.
    auto stored = o->db->PublishNext(ocid, a.stage, [&](int64_t seq) -> Result<pr::Release> {
      CSU_ASSIGN_OR_RETURN(release, pr::BuildRelease(pub, facts.value(), a.stage, seq, o->actor.at));
      return pr::Release{ocid, release["id"].get<std::string>(), a.stage, o->actor.at, release.dump(), ""};
    });
    if (!stored.ok()) return Fail(stored.error());
    if (!Audit(*o, "procurement.publish", Subject(a), {{"release", stored.value().release_id}, {"stage", a.stage}}))
      return kExitFailure;
    existing = o->db->Releases(ocid);
    if (!existing.ok()) return Fail(existing.error());
  }
  std::vector<json> releases;
  for (const auto& r : existing.value()) releases.push_back(json::parse(r.json));
  if (releases.empty()) return Fail(MakeError("tender " + a.tender, "nothing is published yet: give --stage"));
  const std::string published = releases.back().value("date", o->actor.at);
  const std::string rel = pr::ReleasePackage(pub, releases, published).dump(2) + "\n";
  const std::string rec = pr::RecordPackage(pub, releases, published).dump(2) + "\n";
  if (a.out_dir.empty()) {
    std::cout << rec;
    return kExitOk;
  }
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"release-package.json", rel}, {"record-package.json", rec}}) {
    AtomicFileWriter w(a.out_dir + "/" + a.tender + "-" + name);
    if (Status s = w.Open(); !s.ok()) return Fail(s.error());
    w.Append(text);
    if (Status s = w.Commit(); !s.ok()) return Fail(s.error());
  }
  std::cout << "wrote " << a.out_dir << "/" << a.tender << "-release-package.json and -record-package.json ("
            << releases.size() << " releases)\n";
  return kExitOk;
}

int Record(const Context& ctx, const Args& a) {
  auto o = Open(ctx, a);
  if (!o) return kExitFailure;
  auto f = pr::GatherDecisionFacts(*o->db, a.ccg, a.tender);
  if (!f.ok()) return Fail(f.error());
  if (!Audit(*o, "procurement.record.export", Subject(a), {{"format", a.format}})) return kExitFailure;
  return WriteTables(pr::DecisionRecordTables(f.value()), a.format, a.out);
}

int Market(const Context& ctx, const Args& a) {
  auto state = OpenOrPrint(ctx, a.state, Access::kShared);
  if (!state) return kExitFailure;
  auto loaded = pricing::LoadPriced(*state->store, *state->ref);
  if (!loaded.ok()) return Fail(loaded.error());
  auto rows = pr::MarketActivityOf(loaded.value(), a.ccg, a.by == "month" ? pr::MarketPeriod::kMonth : pr::MarketPeriod::kYear);
  if (rows.empty()) return Fail(MakeError("--ccg " + a.ccg, "no admitted or outpatient activity is loaded for this commissioner"));
  auto tables = pr::MarketTables(a.ccg, pr::ComputeMarket(rows), a.shared);
  if (!a.pod.empty() || !a.tfc.empty()) {
    if (a.pod.empty() || a.tfc.empty())
      return Fail(MakeError(a.pod.empty() ? "--pod" : "--tfc", "patient flows need both --pod and --tfc"));
    auto flows = pr::PracticeFlowsOf(loaded.value(), a.ccg, a.pod, a.tfc,
                                     a.by == "month" ? pr::MarketPeriod::kMonth : pr::MarketPeriod::kYear);
    if (flows.empty())
      return Fail(MakeError("--pod " + a.pod + " --tfc " + a.tfc, "no activity of this commissioner in this service line"));
    tables.push_back(pr::PracticeFlowsTable(a.ccg, a.pod, a.tfc, flows, a.shared));
  }
  auto audit = CommandAudit::Open(*state->store, a.database);
  if (!audit.ok()) return Fail(audit.error());
  if (Status s = audit.value()->Append(state->actor, "procurement.market", a.ccg,
                                       json{{"by", a.by}, {"shared", a.shared}, {"format", a.format}, {"pod", a.pod}, {"tfc", a.tfc}}.dump());
      !s.ok())
    return Fail(s.error());
  return WriteTables(tables, a.format, a.out);
}

}  // namespace

void AddProcurementCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("procurement", "Procurement and market management (docs/procurement.md)");
  group->require_subcommand(1);
  auto a = std::make_shared<Args>();
  auto state = [a](CLI::App* c) {
    AddStateOptions(c, a->state);
    AddDatabaseOption(c, a->database);
  };
  auto ccg = [a](CLI::App* c) {
    c->add_option("--ccg", a->ccg, "The CCG (ODS code) the procurement is for")->required()->transform([](std::string s) {
      return UpperCaseCode(std::move(s));
    });
  };
  auto tender = [a](CLI::App* c) { c->add_option("--tender", a->tender, "The tender id")->required(); };
  auto run = [&ctx, a](CLI::App* c, int (*fn)(const Context&, const Args&)) {
    c->callback([&ctx, a, fn] { ctx.action = [&ctx, a, fn] { return fn(ctx, *a); }; });
  };
  auto table_opts = [a](CLI::App* c) {
    c->add_option("--format", a->format, "table, csv, json or xlsx (xlsx needs --out)")
        ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}))
        ->capture_default_str();
    c->add_option("--out", a->out, "Write to this file (atomically) instead of stdout");
  };

  auto* plan = group->add_subcommand("plan", "The CCG's procurement plan");
  plan->require_subcommand(1);
  auto* plan_add = plan->add_subcommand("add", "Add a planned procurement");
  state(plan_add), ccg(plan_add);
  plan_add->add_option("--ref", a->ref, "Reference, unique in the CCG's plan")->required();
  plan_add->add_option("--title", a->title, "Title")->required();
  plan_add->add_option("--value", a->value, "Estimated total value in pounds (e.g. 1200000.00)")->required();
  plan_add->add_option("--regime", a->regime, "psr, pa2023 or pcr2015")->capture_default_str();
  plan_add->add_option("--process", a->process, "PSR process: direct_a, direct_b, direct_c, most_suitable, competitive");
  plan_add->add_option("--reasons", a->reasons, "Why this process (PSR)");
  plan_add->add_option("--key-criteria", a->key_criteria, "The key criteria considered (PSR regulation 5)");
  plan_add->add_option("--start", a->start, "Start date YYYY-MM-DD")->required();
  plan_add->add_option("--award-by", a->award_by, "Planned award date YYYY-MM-DD")->required();
  run(plan_add, PlanAdd);
  auto* plan_list = plan->add_subcommand("list", "List the CCG's plan");
  state(plan_list), ccg(plan_list), table_opts(plan_list);
  run(plan_list, PlanList);

  auto* t = group->add_subcommand("tender", "Tenders: create, lots, documents, show");
  t->require_subcommand(1);
  auto* t_create = t->add_subcommand("create", "Create a tender for a plan line");
  state(t_create), ccg(t_create), tender(t_create);
  t_create->add_option("--plan", a->plan, "The plan line's reference")->required();
  t_create->add_option("--title", a->title, "Title")->required();
  t_create->add_option("--deadline", a->deadline, "Bid deadline YYYY-MM-DD")->required();
  run(t_create, TenderCreate);
  auto* t_lot = t->add_subcommand("lot", "Add a lot");
  state(t_lot), ccg(t_lot), tender(t_lot);
  t_lot->add_option("--lot", a->lot, "Lot id")->required();
  t_lot->add_option("--title", a->title, "Title")->required();
  t_lot->add_option("--value", a->value, "Value in pounds")->required();
  run(t_lot, TenderLot);
  auto* t_doc = t->add_subcommand("document", "Store a document (a new version when its content changed)");
  state(t_doc), ccg(t_doc), tender(t_doc);
  t_doc->add_option("--name", a->name, "Document name (default: the file name)");
  t_doc->add_option("file", a->file, "The file")->required()->check(CLI::ExistingFile);
  run(t_doc, TenderDocument);
  auto* t_show = t->add_subcommand("show", "Show a tender");
  state(t_show), ccg(t_show), tender(t_show);
  run(t_show, TenderShow);

  auto* crit = group->add_subcommand("criteria", "Set the criteria and scale from a CSV (docs/formats/procurement-criteria-v1.md)");
  state(crit), ccg(crit), tender(crit);
  crit->add_option("file", a->file, "Criteria CSV")->required()->check(CLI::ExistingFile);
  run(crit, Criteria);

  auto* decl = group->add_subcommand("declare", "Record a person's declaration of interests for a procurement");
  state(decl), ccg(decl), tender(decl);
  decl->add_option("--person", a->person, "Who (user id)")->required();
  decl->add_option("--interest", a->interest, "The interest, or \"none\"")->required();
  decl->add_flag("--conflict", a->conflict, "It is a conflict of interest for this procurement");
  decl->add_option("--management", a->management, "How the conflict is managed (required with --conflict)");
  run(decl, Declare);

  auto* bids = group->add_subcommand("bids", "Bids");
  bids->require_subcommand(1);
  auto* bid_add = bids->add_subcommand("add", "Record a bid");
  state(bid_add), ccg(bid_add), tender(bid_add);
  bid_add->add_option("--bid", a->bid, "Bid id")->required();
  bid_add->add_option("--bidder", a->bidder, "Bidder's name")->required();
  bid_add->add_option("--provider", a->provider, "Bidder's ODS code (for the contract)");
  bid_add->add_option("--price", a->price, "Evaluated price in pounds")->required();
  run(bid_add, BidAdd);

  auto* assign = group->add_subcommand("assign", "Assign an evaluator to bids (they must have declared interests)");
  state(assign), ccg(assign), tender(assign);
  assign->add_option("--evaluator", a->evaluator, "The evaluator's user id")->required();
  assign->add_option("--bid", a->bids, "A bid to evaluate (repeat for more)")->required();
  run(assign, Assign);

  auto* scores = group->add_subcommand("scores", "Import one evaluator's scores (docs/formats/procurement-scores-v1.md)");
  state(scores), ccg(scores), tender(scores);
  scores->add_option("--evaluator", a->evaluator, "Whose scores")->required();
  scores->add_option("file", a->file, "Scores CSV")->required()->check(CLI::ExistingFile);
  run(scores, Scores);

  auto* mod = group->add_subcommand("moderate", "Moderation");
  mod->require_subcommand(1);
  auto* mod_open = mod->add_subcommand("open", "Seal scoring and open moderation");
  state(mod_open), ccg(mod_open), tender(mod_open);
  run(mod_open, ModerateOpen);
  auto* mod_set = mod->add_subcommand("set", "Record an agreed score and why");
  state(mod_set), ccg(mod_set), tender(mod_set);
  mod_set->add_option("--bid", a->bid, "Bid")->required();
  mod_set->add_option("--criterion", a->criterion, "Sub-criterion")->required();
  mod_set->add_option("--score", a->score, "Agreed score")->required();
  mod_set->add_option("--reason", a->reason, "Why (required when it moved)");
  run(mod_set, ModerateSet);

  auto* excl = group->add_subcommand("exclude", "Exclude a bid with its ground");
  state(excl), ccg(excl), tender(excl);
  excl->add_option("--bid", a->bid, "Bid")->required();
  excl->add_option("--ground", a->ground, "The ground, with its regulation or section")->required();
  run(excl, Exclude);

  auto* eval = group->add_subcommand("evaluate", "Weighted scores, ranking and every step of the arithmetic");
  state(eval), ccg(eval), tender(eval), table_opts(eval);
  run(eval, EvaluateCmd);

  auto* record = group->add_subcommand("record", "The decision record: decision, ranking, scores, arithmetic, "
                                                  "declarations, representations (xlsx: one sheet each)");
  state(record), ccg(record), tender(record), table_opts(record);
  run(record, Record);

  auto* award = group->add_subcommand("award", "Record the award decision and its standstill period");
  state(award), ccg(award), tender(award);
  award->add_option("--notice", a->notice, "The day the award notice is published YYYY-MM-DD")->required();
  award->add_option("--bid", a->bid, "The bid awarded (needed only to decide a tie)");
  award->add_option("--tie-decision", a->tie_decision, "Why the tie was decided for --bid");
  run(award, AwardCmd);

  auto* rep = group->add_subcommand("representation", "Representations received during standstill");
  rep->require_subcommand(1);
  auto* rep_add = rep->add_subcommand("add", "Record a representation");
  state(rep_add), ccg(rep_add), tender(rep_add);
  rep_add->add_option("--from", a->from, "Who made it")->required();
  rep_add->add_option("--received", a->received, "Date received YYYY-MM-DD")->required();
  rep_add->add_option("--summary", a->summary, "What it says")->required();
  run(rep_add, RepresentationAdd);
  auto* rep_decide = rep->add_subcommand("decide", "Record a representation's outcome");
  state(rep_decide), ccg(rep_decide), tender(rep_decide);
  rep_decide->add_option("--seq", a->seq, "The representation's number")->required();
  rep_decide->add_option("--outcome", a->outcome, "The outcome")->required();
  run(rep_decide, RepresentationDecide);

  auto* clar = group->add_subcommand("clarification", "Bidders' clarification questions and their answers");
  clar->require_subcommand(1);
  auto* clar_add = clar->add_subcommand("add", "Record a bidder's question (while the tender is open)");
  state(clar_add), ccg(clar_add), tender(clar_add);
  clar_add->add_option("--from", a->from, "The bidder who asked (kept in the CCG's record only)")->required();
  clar_add->add_option("--received", a->received, "Date received YYYY-MM-DD")->required();
  clar_add->add_option("--question", a->question, "The question")->required();
  run(clar_add, ClarificationAdd);
  auto* clar_answer = clar->add_subcommand("answer", "Record the answer to a question (once)");
  state(clar_answer), ccg(clar_answer), tender(clar_answer);
  clar_answer->add_option("--seq", a->seq, "The question's number")->required();
  clar_answer->add_option("--answer", a->answer, "The answer")->required();
  clar_answer->add_option("--answered", a->answered, "Date answered YYYY-MM-DD")->required();
  clar_answer->add_flag("--publish", a->publish_answer, "Share the answer with every bidder (without naming who asked)");
  run(clar_answer, ClarificationAnswer);
  auto* clar_list = clar->add_subcommand("list", "List the questions and answers");
  state(clar_list), ccg(clar_list), tender(clar_list), table_opts(clar_list);
  clar_list->add_flag("--shared", a->shared, "For sending to bidders: published answers only, without who asked");
  run(clar_list, ClarificationList);

  auto* contract = group->add_subcommand("contract", "Enter into the contract (after standstill) and create it for monitoring");
  state(contract), ccg(contract), tender(contract);
  contract->add_option("--signed", a->signed_on, "Date signed YYYY-MM-DD")->required();
  run(contract, ContractCmd);

  auto* pub = group->add_subcommand("publish", "Publish a stage as an OCDS release; write the packages");
  state(pub), ccg(pub), tender(pub);
  pub->add_option("--stage", a->stage, "planning, tender, award or contract (omit to rewrite the packages only)");
  pub->add_option("--ocid-prefix", a->ocid_prefix, "The CSU's registered OCDS prefix (the default is for tests)")
      ->capture_default_str();
  pub->add_option("--publisher", a->publisher, "Publisher name")->capture_default_str();
  pub->add_option("--out-dir", a->out_dir, "Write <tender>-release-package.json and -record-package.json here "
                                             "(default: the record package to stdout)");
  run(pub, Publish);

  auto* market = group->add_subcommand("market", "Provider shares, HHI and entrants/leavers from loaded activity");
  state(market), ccg(market), table_opts(market);
  market->add_option("--by", a->by, "month or year")->check(CLI::IsMember({"month", "year"}))->capture_default_str();
  market->add_flag("--shared", a->shared, "For sharing outside the CCG: disclosure control applied");
  market->add_option("--pod", a->pod, "With --tfc: patient flows by GP practice for this point of delivery (e.g. EL)");
  market->add_option("--tfc", a->tfc, "With --pod: the treatment function code (e.g. 110)");
  run(market, Market);
}

}  // namespace csu::cli
