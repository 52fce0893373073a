#include "procurement/ocds.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace csu::procurement {
namespace {

using nlohmann::json;

// OCDS amounts are JSON numbers in the currency unit. Pence are written as
// an exact decimal text first and parsed, so 12345678 pence is 123456.78,
// never a binary fraction of it.
json Amount(Money m) {
  return {{"amount", json::parse(m.ToDecimal())}, {"currency", "GBP"}};
}

std::string DateTime(Date d) { return d.ToString() + "T00:00:00Z"; }

std::string MethodOf(const PlanLine& p) {
  switch (p.process) {
    case PsrProcess::kDirectA:
    case PsrProcess::kDirectB:
    case PsrProcess::kDirectC: return "direct";
    case PsrProcess::kMostSuitable: return "limited";
    case PsrProcess::kCompetitive: return "open";
    case PsrProcess::kNone: return "open";
  }
  return "open";
}

std::string ProcessTitle(PsrProcess p) {
  switch (p) {
    case PsrProcess::kDirectA: return "Direct Award Process A (regulation 7)";
    case PsrProcess::kDirectB: return "Direct Award Process B (regulation 8)";
    case PsrProcess::kDirectC: return "Direct Award Process C (regulation 9)";
    case PsrProcess::kMostSuitable: return "Most Suitable Provider Process (regulation 10)";
    case PsrProcess::kCompetitive: return "Competitive Process (regulation 11)";
    case PsrProcess::kNone: return "";
  }
  return "";
}

std::string OrgId(const std::string& ods) { return "GB-NHS-" + ods; }

json Buyer(const OcdsFacts& f) { return {{"id", OrgId(f.ccg)}, {"name", f.ccg_name.empty() ? f.ccg : f.ccg_name}}; }

json Parties(const OcdsFacts& f, bool with_bidders, bool with_supplier) {
  json parties = json::array();
  parties.push_back({{"id", OrgId(f.ccg)},
                     {"name", f.ccg_name.empty() ? f.ccg : f.ccg_name},
                     {"identifier", {{"scheme", "GB-NHS"}, {"id", f.ccg}}},
                     {"roles", {"buyer", "procuringEntity"}}});
  if (with_bidders)
    for (const auto& b : f.bids) {
      json roles = {"tenderer"};
      if (with_supplier && f.award && f.award->bid == b.bid.id) roles.push_back("supplier");
      json p = {{"id", "bidder-" + b.bid.id}, {"name", b.bid.bidder}, {"roles", roles}};
      if (!b.provider.empty()) p["identifier"] = {{"scheme", "GB-NHS"}, {"id", b.provider}};
      parties.push_back(std::move(p));
    }
  return parties;
}

json TenderSection(const OcdsFacts& f, const std::string& status) {
  json t = {{"id", f.tender.id},
            {"title", f.tender.title},
            {"status", status},
            {"procurementMethod", MethodOf(f.plan)},
            {"procurementMethodDetails",
             std::string(RegimeTitle(f.plan.regime)) +
                 (f.plan.process == PsrProcess::kNone ? "" : ": " + ProcessTitle(f.plan.process))},
            {"mainProcurementCategory", "services"},
            {"value", Amount(f.plan.value)},
            {"tenderPeriod", {{"endDate", DateTime(f.tender.bid_deadline)}}}};
  if (f.plan.regime == Regime::kPsr && !f.plan.reasons.empty()) t["procurementMethodRationale"] = f.plan.reasons;
  if (f.tender.criteria) {
    std::string details;
    for (const auto& g : f.tender.criteria->groups)
      details += fmt::format("{}{} {} ({}%)", details.empty() ? "" : "; ", g.id, g.name, g.weight);
    t["awardCriteria"] = f.tender.criteria->PriceGroup() ? "ratedCriteria" : "qualityOnly";
    t["awardCriteriaDetails"] = details;
  }
  if (!f.lots.empty()) {
    t["lots"] = json::array();
    for (const auto& l : f.lots) t["lots"].push_back({{"id", l.id}, {"title", l.title}, {"value", Amount(l.value)}});
  }
  if (!f.documents.empty()) {
    t["documents"] = json::array();
    for (const auto& d : f.documents)
      t["documents"].push_back({{"id", fmt::format("{}-v{}", d.name, d.version)},
                                {"documentType", "tenderNotice"},
                                {"title", d.name},
                                {"description", "version " + std::to_string(d.version) + ", SHA-256 " + d.sha256},
                                {"datePublished", d.added_at}});
  }
  return t;
}

}  // namespace

std::string Ocid(const OcdsPublisher& pub, const std::string& tender_id) { return pub.prefix + "-" + tender_id; }

Result<OcdsFacts> GatherOcdsFacts(ProcurementStore& db, const std::string& ccg, const std::string& tender) {
  OcdsFacts f;
  f.ccg = ccg;
  CSU_ASSIGN_OR_RETURN(t, db.FindTender(ccg, tender));
  f.tender = t;
  CSU_ASSIGN_OR_RETURN(plan, db.FindPlanLine(ccg, t.plan_ref));
  f.plan = plan;
  CSU_ASSIGN_OR_RETURN(lots, db.Lots(ccg, tender));
  f.lots = lots;
  CSU_ASSIGN_OR_RETURN(docs, db.Documents(ccg, tender));
  f.documents = docs;
  CSU_ASSIGN_OR_RETURN(bids, db.Bids(ccg, tender));
  f.bids = bids;
  CSU_ASSIGN_OR_RETURN(award, db.AwardOf(ccg, tender));
  f.award = award;
  CSU_ASSIGN_OR_RETURN(signed_on, db.ContractSigned(ccg, tender));
  f.contract_signed = signed_on;
  return f;
}

Result<json> BuildRelease(const OcdsPublisher& pub, const OcdsFacts& f, const std::string& stage, int64_t seq,
                          const std::string& date) {
  const std::string ocid = Ocid(pub, f.tender.id);
  json r = {{"ocid", ocid},
            {"id", fmt::format("{}-{}-{}", ocid, stage, seq)},
            {"date", date},
            {"language", "en"},
            {"initiationType", "tender"},
            {"buyer", Buyer(f)}};
  if (stage == "planning") {
    r["tag"] = {"planning"};
    r["parties"] = Parties(f, false, false);
    json planning = {{"budget", {{"amount", Amount(f.plan.value)}, {"description", f.plan.title}}}};
    if (!f.plan.reasons.empty()) planning["rationale"] = f.plan.reasons;
    r["planning"] = planning;
    r["tender"] = TenderSection(f, "planning");
  } else if (stage == "tender") {
    r["tag"] = {"tender"};
    r["parties"] = Parties(f, false, false);
    r["tender"] = TenderSection(f, "active");
  } else if (stage == "award") {
    if (!f.award) return MakeError("release " + ocid, "there is no award to publish");
    r["tag"] = {"award"};
    r["parties"] = Parties(f, true, true);
    json tender = TenderSection(f, "complete");
    tender["numberOfTenderers"] = static_cast<int64_t>(f.bids.size());
    tender["tenderers"] = json::array();
    for (const auto& b : f.bids) tender["tenderers"].push_back({{"id", "bidder-" + b.bid.id}, {"name", b.bid.bidder}});
    r["tender"] = tender;
    std::string bidder;
    for (const auto& b : f.bids)
      if (b.bid.id == f.award->bid) bidder = b.bid.bidder;
    r["awards"] = json::array({{{"id", f.tender.id + "-award"},
                                {"title", f.tender.title},
                                {"status", f.contract_signed ? "active" : "pending"},
                                {"date", DateTime(f.award->notice)},
                                {"value", Amount(f.award->value)},
                                {"suppliers", json::array({{{"id", "bidder-" + f.award->bid}, {"name", bidder}}})},
                                {"description", fmt::format("Standstill ends {}; the contract may be entered into "
                                                            "from {}.",
                                                            f.award->standstill_last_day.ToString(),
                                                            f.award->contract_from.ToString())}}});
  } else if (stage == "contract") {
    if (!f.award || !f.contract_signed) return MakeError("release " + ocid, "there is no signed contract to publish");
    r["tag"] = {"contract"};
    r["parties"] = Parties(f, true, true);
    r["contracts"] = json::array({{{"id", f.tender.id + "-contract"},
                                   {"awardID", f.tender.id + "-award"},
                                   {"title", f.tender.title},
                                   {"status", "active"},
                                   {"value", Amount(f.award->value)},
                                   {"dateSigned", DateTime(*f.contract_signed)}}});
  } else {
    return MakeError("release " + ocid, "unknown stage '" + stage + "': planning, tender, award or contract");
  }
  return r;
}

json ReleasePackage(const OcdsPublisher& pub, const std::vector<json>& releases, const std::string& published_at) {
  json pkg = {{"version", "1.1"},
              {"publishedDate", published_at},
              {"publisher", {{"name", pub.name}}},
              {"releases", releases}};
  if (!pub.uri.empty()) pkg["uri"] = pub.uri + "/release-package.json";
  return pkg;
}

namespace {
bool IdArray(const json& a) {
  if (!a.is_array() || a.empty()) return false;
  for (const auto& item : a)
    if (!item.is_object() || !item.contains("id")) return false;
  return true;
}

void Merge(json& into, const json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    const json& v = it.value();
    if (v.is_object() && into.contains(it.key()) && into[it.key()].is_object()) {
      Merge(into[it.key()], v);
    } else if (IdArray(v) && into.contains(it.key()) && IdArray(into[it.key()])) {
      json& arr = into[it.key()];
      for (const auto& item : v) {
        auto found = std::find_if(arr.begin(), arr.end(), [&](const json& x) { return x["id"] == item["id"]; });
        if (found == arr.end()) arr.push_back(item);
        else Merge(*found, item);
      }
    } else {
      into[it.key()] = v;
    }
  }
}
}  // namespace

json CompileRelease(const std::vector<json>& releases) {
  std::vector<json> sorted = releases;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const json& a, const json& b) { return a.value("date", "") < b.value("date", ""); });
  json compiled = json::object();
  for (const auto& r : sorted) {
    json copy = r;
    copy.erase("tag");
    copy.erase("id");
    Merge(compiled, copy);
  }
  if (!sorted.empty()) {
    compiled["id"] = sorted.back().value("ocid", "") + "-compiled";
    compiled["tag"] = {"compiled"};
  }
  return compiled;
}

json RecordPackage(const OcdsPublisher& pub, const std::vector<json>& releases, const std::string& published_at) {
  std::map<std::string, std::vector<json>> by_ocid;
  for (const auto& r : releases) by_ocid[r.value("ocid", "")].push_back(r);
  json records = json::array();
  for (const auto& [ocid, rs] : by_ocid)
    records.push_back({{"ocid", ocid}, {"releases", rs}, {"compiledRelease", CompileRelease(rs)}});
  json pkg = {{"version", "1.1"},
              {"publishedDate", published_at},
              {"publisher", {{"name", pub.name}}},
              {"records", records}};
  if (!pub.uri.empty()) pkg["uri"] = pub.uri + "/record-package.json";
  return pkg;
}

}  // namespace csu::procurement
