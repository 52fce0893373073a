// Test helpers for the procurement database: one procurement taken through
// every stage, and its OCDS packages as stored, shared by the store's tests
// on both engines and csu migrate's test (src/migrate), which compares a
// state folder's packages with those read back from server mode.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "procurement/ocds.h"
#include "procurement/procurement_store.h"

namespace csu::procurement::testing {

// A competitive PSR plan line of `ccg`, £`pounds`, to start 1 July 2025 and
// be awarded by 1 February 2026.
inline PlanLine TestPlanLine(const std::string& ccg, const std::string& ref, const std::string& title, int64_t pounds) {
  PlanLine p;
  p.ccg = ccg;
  p.ref = ref;
  p.title = title;
  p.value = Money::FromPounds(pounds);
  p.process = PsrProcess::kCompetitive;
  p.reasons = "several capable providers";
  p.key_criteria = "quality; value";
  p.start = Date::FromYmd(2025, 7, 1);
  p.award_by = Date::FromYmd(2026, 2, 1);
  return p;
}

inline Award TestAward() {
  Award a;
  a.bid = "B1";
  a.provider = "RX1";
  a.value = Money::FromPounds(100000);
  a.regime = Regime::kPsr;
  a.notice = Date::FromYmd(2025, 12, 19);
  a.standstill_last_day = Date::FromYmd(2026, 1, 5);
  a.contract_from = Date::FromYmd(2026, 1, 6);
  a.decision = "most advantageous";
  a.decided_at = "2025-12-19T09:00:00Z";
  a.decided_by = "pat";
  return a;
}

// One procurement of CCG 05D (tender T-1) taken through every stage on
// `db`, as the CLI's steps do: a plan line, criteria, two lots, a binary
// document in two versions, two bids, an evaluator's scores, moderation,
// the award and the contract, then five releases (planning, tender, award,
// contract, a second tender) numbered by PublishNext from facts read back.
inline void RunProcurement(ProcurementStore& db, const std::function<void(const std::string&)>& fail) {
  auto check = [&](const Status& s, const char* what) {
    if (!s.ok()) fail(std::string(what) + ": " + s.error().ToString());
    return s.ok();
  };
  const Actor by{"2025-09-02T10:00:00Z", "pat"};
  PlanLine p;
  p.ccg = "05D";
  p.ref = "P1";
  p.title = "Community MSK service";
  p.value = Money::FromPence(120000000);
  p.process = PsrProcess::kCompetitive;
  p.reasons = "several capable providers";
  p.key_criteria = "quality; value; access";
  p.start = Date::FromYmd(2025, 6, 1);
  p.award_by = Date::FromYmd(2025, 12, 1);
  if (!check(db.AddPlanLine(p, by), "plan")) return;
  if (!check(db.CreateTender({"05D", "T-1", "P1", "MSK", Date::FromYmd(2025, 9, 1), TenderStatus::kOpen, std::nullopt}, by),
             "tender"))
    return;
  Criteria c;
  c.groups = {{"Q", "Quality", CriterionKind::kQuality, 70}, {"P", "Price", CriterionKind::kPrice, 30}};
  c.subs = {{"Q1", "Q", "Service model", 70}};
  c.scale = {{0, "Unacceptable"}, {1, "Poor"}, {2, "Satisfactory"}, {3, "Good"}, {4, "Excellent"}};
  check(db.SetCriteria("05D", "T-1", c, by), "criteria");
  check(db.AddLot("05D", "T-1", {"2", "South", Money::FromPence(60000012)}, by), "lot");
  check(db.AddLot("05D", "T-1", {"1", "North", Money::FromPence(60000000)}, by), "lot");
  const std::string binary("%PDF\0\xff\x01 spec", 12);
  if (!db.AddDocument("05D", "T-1", "specification.pdf", binary, by).ok()) fail("document");
  if (!db.AddDocument("05D", "T-1", "specification.pdf", binary + "v2", by).ok()) fail("document v2");
  check(db.AddBid("05D", "T-1", {{"B2", "Beta Care", Money::FromPence(8000000)}, "RX2"}, by), "bid");
  check(db.AddBid("05D", "T-1", {{"B1", "Alpha Health", Money::FromPence(10000000)}, "RX1"}, by), "bid");
  check(db.DeclareInterest("05D", "T-1", {"alice", "none", false, "", ""}, by), "declare");
  check(db.AssignEvaluator("05D", "T-1", "alice", "B1", by), "assign");
  check(db.AssignEvaluator("05D", "T-1", "alice", "B2", by), "assign");
  check(db.SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 4, ""}, {"B2", "Q1", "alice", 2, ""}}, by), "scores");
  check(db.OpenModeration("05D", "T-1", by), "moderation");
  check(db.RecordAward("05D", "T-1", TestAward()), "award");
  check(db.MarkContracted("05D", "T-1", Date::FromYmd(2026, 1, 7), by), "contract");

  OcdsPublisher pub{kTestOcidPrefix, "Example CSU", ""};
  const std::string ocid = Ocid(pub, "T-1");
  const char* dates[] = {"2025-06-01T09:00:00Z", "2025-06-02T09:00:00Z", "2025-12-19T09:00:00Z",
                         "2026-01-07T09:00:00Z", "2026-01-08T09:00:00Z"};
  const char* stages[] = {"planning", "tender", "award", "contract", "tender"};
  for (int i = 0; i < 5; ++i) {
    auto facts = GatherOcdsFacts(db, "05D", "T-1");
    if (!facts.ok()) {
      fail(facts.error().ToString());
      return;
    }
    auto r = db.PublishNext(ocid, stages[i], [&](int64_t seq) -> Result<Release> {
      CSU_ASSIGN_OR_RETURN(j, BuildRelease(pub, facts.value(), stages[i], seq, dates[i]));
      return Release{ocid, j["id"].get<std::string>(), stages[i], dates[i], j.dump(), ""};
    });
    if (!r.ok()) fail(r.error().ToString());
  }
}

// The release and record packages of T-1's releases as `db` stores them
// (after RunProcurement): the bytes `csu procurement export` writes.
inline std::string OcdsPackages(ProcurementStore& db, const std::function<void(const std::string&)>& fail) {
  OcdsPublisher pub{kTestOcidPrefix, "Example CSU", ""};
  const std::string ocid = Ocid(pub, "T-1");
  auto stored = db.Releases(ocid);
  if (!stored.ok()) {
    fail(stored.error().ToString());
    return "";
  }
  std::vector<nlohmann::json> releases;
  for (const auto& r : stored.value()) releases.push_back(nlohmann::json::parse(r.json));
  if (releases.empty()) {
    fail("no release stored for " + ocid);
    return "";
  }
  const std::string published = releases.back().value("date", "");
  return ReleasePackage(pub, releases, published).dump(2) + "\n" + RecordPackage(pub, releases, published).dump(2) + "\n";
}

// The OCDS packages of one procurement taken through every stage on this
// engine (the CLI's steps: facts read back from the store, releases
// numbered by PublishNext, packages from what is stored).
inline std::string OcdsExport(ProcurementStore& db, const std::function<void(const std::string&)>& fail) {
  RunProcurement(db, fail);
  return OcdsPackages(db, fail);
}

}  // namespace csu::procurement::testing
