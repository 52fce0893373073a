#include "analytics/commissioning_views.h"

#include <algorithm>
#include <set>

#include "analytics/activity_cube.h"
#include "core/text.h"
#include "analytics/challenges.h"
#include "analytics/monitoring.h"
#include "analytics/readmissions.h"
#include "analytics/year_calendar.h"
#include "core/text.h"
#include "contracts/contract_store.h"
#include "pricing/priced_activity.h"
#include "store/activity_tables.h"
#include "store/env.h"
#include "refdata/refdata.h"
#include "report/disclosure.h"

namespace csu::analytics {
namespace {

Error Bad(std::string why) { return Error{"", std::move(why)}; }

}  // namespace

const std::vector<std::string>& ViewNames() {
  static const std::vector<std::string> names = {"summary", "monitoring", "nca",          "challenges", "spend",
                                                 "flows",   "practices",  "ae",           "readmissions", "records"};
  return names;
}

bool IsRecordLevel(std::string_view view) { return view == "records" || view == "challenges"; }

CommissioningViews::CommissioningViews(const pricing::PricedActivity& activity, const refdata::RefData& ref,
                                       contracts::ContractStore& contracts, std::mutex* contracts_mutex,
                                       const TenantContractAccess* tenant)
    : activity_(activity),
      ref_(ref),
      contracts_(contracts),
      contracts_mutex_(contracts_mutex != nullptr ? *contracts_mutex : own_contracts_mutex_),
      tenant_(tenant) {}

Status CommissioningViews::WithContracts(const std::string& ccg, bool write,
                                         const std::function<Status(contracts::ContractStore&)>& fn) const {
  if (!ccg.empty() && tenant_ != nullptr) {
    const auto& on = write ? tenant_->write : tenant_->read;
    if (on) return on(ccg, fn);
  }
  std::lock_guard<std::mutex> lock(contracts_mutex_);
  return fn(contracts_);
}

std::string CommissioningViews::ScopeCcg(const ViewScope& scope) const {
  if (!scope.commissioner) return "";
  return std::string(activity_.tables.codes.commissioner().code(*scope.commissioner));
}

Result<std::vector<contracts::Contract>> CommissioningViews::ContractsFor(const ViewScope& scope) const {
  std::vector<contracts::Contract> out;
  Status s = WithContracts(ScopeCcg(scope), false, [&](contracts::ContractStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(got, db.Contracts(scope.year));
    out = std::move(got);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

CommissioningViews::~CommissioningViews() = default;

const Readmissions& CommissioningViews::Readmitted() const {
  std::call_once(readmissions_once_, [this] {
    readmissions_ = std::make_unique<Readmissions>(FindReadmissions(activity_.tables, activity_.apc));
  });
  return *readmissions_;
}

std::shared_ptr<const Challenges> CommissioningViews::ChallengesFor(const ChallengeOptions& o) const {
  const auto key = std::make_tuple(o.year.start_year(), o.commissioner ? static_cast<int>(*o.commissioner) : -1, o.month,
                                   o.fu_ratio_limit_milli);
  {
    std::lock_guard<std::mutex> lock(challenges_mutex_);
    if (auto it = challenges_.find(key); it != challenges_.end()) return it->second;
  }
  // Found outside the lock: two first requests may both compute it, and
  // the first stored is kept (they are equal).
  auto found = std::make_shared<const Challenges>(FindChallenges(activity_, Readmitted(), ref_, o));
  std::lock_guard<std::mutex> lock(challenges_mutex_);
  return challenges_.emplace(key, std::move(found)).first->second;
}

std::optional<uint16_t> CommissioningViews::CommissionerId(std::string_view code) const {
  const uint32_t id = activity_.tables.codes.commissioner().Find(code);
  if (id == 0) return std::nullopt;
  return static_cast<uint16_t>(id);
}

// "; loaded: 02E, 27D" for an error about an unknown commissioner: the
// codes with activity, so the user can see what to type.
std::string CommissioningViews::LoadedCommissioners() const {
  const auto& codes = activity_.tables.codes.commissioner();
  std::vector<std::string> loaded;
  for (uint32_t id = 1; id < codes.size(); ++id) loaded.emplace_back(codes.code(id));
  if (loaded.empty()) return "; no activity is loaded";
  std::sort(loaded.begin(), loaded.end());
  std::string out = "; loaded: ";
  for (size_t i = 0; i < loaded.size(); ++i) out += (i > 0 ? ", " : "") + loaded[i];
  return out;
}

Result<ViewScope> CommissioningViews::ScopeFor(const ViewRequest& r, ActivityCube& cube) const {
  ViewScope scope;
  scope.year = r.year;
  scope.ref = &ref_;
  // Codes are accepted in any case ("02e"): ODS codes are upper case.
  const std::string commissioner = ToUpper(r.commissioner);
  if (commissioner == "ALL") {
    scope.commissioner_label = "all CCGs";
  } else {
    const std::optional<uint16_t> id = CommissionerId(commissioner);
    if (!id) {
      auto code = OdsCode::Parse(commissioner);
      const bool known = code.ok() && ref_.FindCcg(code.value()) != nullptr;
      return Bad("commissioner " + r.commissioner +
                 (known ? ": no activity is loaded for this CCG"
                        : ": not a CCG code (use an ODS code such as 02E, or 'all' for the whole CSU)") +
                 LoadedCommissioners());
    }
    scope.commissioner = *id;
    scope.commissioner_label = commissioner;
  }
  cube.Build(activity_, scope.year, scope.commissioner);
  if (r.month != 0) {
    if (r.month < 1 || r.month > 12) return Bad("month: financial month 1 (April) to 12 (March)");
    scope.month = r.month;
  } else {
    scope.month = cube.LastMonthWithActivity();
    if (scope.month == 0) return Bad("no activity for " + scope.commissioner_label + " in " + scope.year.ToString());
  }
  return scope;
}

Result<Monitoring> CommissioningViews::MonitoringFor(const ViewRequest& r) const {
  ActivityCube cube;
  CSU_ASSIGN_OR_RETURN(scope, ScopeFor(r, cube));
  Result<std::vector<contracts::Contract>> contracts = ContractsFor(scope);
  if (!contracts.ok()) return contracts.error();
  return Monitor(cube, activity_, Readmitted(), contracts.value(), scope.month, scope.commissioner);
}

Result<Headline> CommissioningViews::HeadlineFor(const ViewRequest& r) const {
  ActivityCube cube;
  CSU_ASSIGN_OR_RETURN(scope, ScopeFor(r, cube));
  Headline h;
  h.scope = scope;
  Result<std::vector<contracts::Contract>> contracts = ContractsFor(scope);
  if (!contracts.ok()) return contracts.error();
  const Monitoring m = Monitor(cube, activity_, Readmitted(), contracts.value(), scope.month, scope.commissioner);
  for (const ContractMonitoring& c : m.contracts) {
    ++h.contracts;
    h.plan_ytd_pence += c.total.plan_ytd.pence;
    h.actual_ytd_pence += c.total.actual_ytd.pence;
    h.payable_ytd_pence += c.payable_ytd_pence();
    h.annual_plan_pence += c.total.plan_year.pence;
    // Net of the contract rules, like payable to date (docs/monitoring.md).
    h.forecast_run_rate_pence += c.total.forecast_run_rate.pence + c.rules_forecast_pence;
    h.forecast_profiled_pence += c.total.forecast_profiled.pence + c.rules_forecast_pence;
    for (const MonitoringLine& l : c.lines)
      h.top_variances.push_back({c.provider, l.pod, l.plan_ytd.pence, l.actual_ytd.pence});
  }
  for (const ContractMonitoring& c : m.non_contract) h.non_contract_ytd_pence += c.total.actual_ytd.pence;
  std::sort(h.top_variances.begin(), h.top_variances.end(), [](const auto& a, const auto& b) {
    const int64_t va = a.variance_pence() < 0 ? -a.variance_pence() : a.variance_pence();
    const int64_t vb = b.variance_pence() < 0 ? -b.variance_pence() : b.variance_pence();
    return va != vb ? va > vb : a.provider.view() < b.provider.view();
  });
  if (h.top_variances.size() > 5) h.top_variances.resize(5);
  ChallengeOptions o;
  o.year = scope.year;
  o.commissioner = scope.commissioner;
  o.month = scope.month;
  o.fu_ratio_limit_milli = r.fu_ratio_limit_milli;
  const auto ch = ChallengesFor(o);
  h.challenges = static_cast<int64_t>(ch->items.size());
  h.challenges_at_stake_pence = ch->total_at_stake_pence;
  return h;
}

std::vector<MeasurePoint> CommissioningViews::AeFourHourWeekly(const ViewScope& scope) const {
  const store::AeTable& ae = activity_.tables.ae;
  const YearCalendar cal(scope.year);
  // Weeks start on Monday; the first week is the one holding 1 April.
  const int32_t first = cal.first_day();
  const int32_t first_monday = first - ((first + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
  std::vector<MeasurePoint> weeks(54);
  for (size_t r = 0; r < ae.size(); ++r) {
    if (scope.commissioner && ae.commissioner[r] != *scope.commissioner) continue;
    const int32_t day = ae.arrival[r] / 1440;
    if (cal.Month(day) == 0) continue;
    MeasurePoint& w = weeks[static_cast<size_t>((day - first_monday) / 7)];
    w.denominator += 1;
    w.numerator += (ae.departure[r] - ae.arrival[r]) <= 240;
  }
  std::vector<MeasurePoint> out;
  for (size_t i = 0; i < weeks.size(); ++i) {
    if (weeks[i].denominator == 0) continue;
    weeks[i].period = Date::FromDays(first_monday + static_cast<int32_t>(7 * i)).ToString();
    out.push_back(std::move(weeks[i]));
  }
  return out;
}

Result<std::vector<LineMonth>> CommissioningViews::LineMonthly(const ViewRequest& r) const {
  ActivityCube cube;
  CSU_ASSIGN_OR_RETURN(scope, ScopeFor(r, cube));
  const uint32_t provider = activity_.tables.codes.provider().Find(r.provider);
  std::optional<size_t> pair;
  if (provider != 0 && scope.commissioner) pair = cube.Find(*scope.commissioner, static_cast<uint16_t>(provider));
  std::vector<LineMonth> out;
  for (int m = 1; m <= scope.month; ++m) {
    LineMonth lm;
    const int calendar_month = (m + 2) % 12 + 1;  // 1 = April
    const int year = scope.year.start_year() + (m >= 10);
    lm.period = std::to_string(year) + "-" + (calendar_month < 10 ? "0" : "") + std::to_string(calendar_month);
    if (pair) {
      const CubeCell c = r.pod ? cube.At(*pair, *r.pod, m) : cube.SumPods(*pair, m, m);
      lm.activity = r.pod ? c.activity : 0;
      lm.pence = c.pence;
    }
    out.push_back(std::move(lm));
  }
  return out;
}

Status CommissioningViews::SetChallengeStatus(const ViewRequest& r, const std::string& id, std::string_view status,
                                              const std::string& note, const std::string& actor) const {
  return SetChallengeStatuses(r, {id}, status, note, actor);
}

Status CommissioningViews::SetChallengeStatuses(const ViewRequest& r, const std::vector<std::string>& ids,
                                                std::string_view status, const std::string& note,
                                                const std::string& actor) const {
  const std::optional<contracts::ChallengeStatus> parsed = contracts::ParseStatus(status);
  if (!parsed) return Bad("status must be raised, agreed or rejected");
  if (ids.empty()) return Bad("no challenge was chosen: tick the challenges to record");
  // The log refuses this too, but one id at a time: checked first, so a
  // selection is recorded whole or not at all.
  if (*parsed != contracts::ChallengeStatus::kRaised && Trim(note).empty())
    return Bad("a note saying why is required to mark a challenge " + std::string(status));
  ViewRequest whole_year = r;
  whole_year.month = 12;
  ActivityCube cube;
  CSU_ASSIGN_OR_RETURN(scope, ScopeFor(whole_year, cube));
  ChallengeOptions o;
  o.year = scope.year;
  o.commissioner = scope.commissioner;
  o.month = 12;
  o.fu_ratio_limit_milli = r.fu_ratio_limit_milli;
  const auto challenges = ChallengesFor(o);
  // Each challenge's commissioner, which its log entry carries.
  std::map<std::string_view, std::string> raised;
  for (const Challenge& c : challenges->items) raised.emplace(c.id, c.commissioner.ToString());
  std::string unknown;
  size_t unknown_count = 0;
  for (const std::string& id : ids) {
    if (raised.count(id)) continue;
    if (++unknown_count <= 5) unknown += (unknown.empty() ? "" : ", ") + id;
  }
  if (unknown_count > 0)
    return Bad("no challenge " + unknown + (unknown_count > 5 ? " (and " + std::to_string(unknown_count - 5) + " more)" : "") +
               " for " + scope.commissioner_label + " in " + scope.year.ToString() + "; nothing was recorded");
  const std::string at = store::Env::Default().NowUtc();
  // A CCG's request writes on its tenant connection (row-level security
  // checks each entry's commissioner); the whole CSU's, on the owner's.
  const std::string scope_ccg = ScopeCcg(scope);
  for (const std::string& id : ids) {
    const std::string& ccg = raised.at(id);
    if (Status s = WithContracts(scope_ccg.empty() ? "" : ccg, true,
                                 [&](contracts::ContractStore& db) {
                                   return db.SetChallengeStatus(id, ccg, *parsed, note, at, actor);
                                 });
        !s.ok())
      return s;
  }
  return Status::Ok();
}

Result<ViewResult> CommissioningViews::Build(const ViewRequest& r) const {
  const auto& names = ViewNames();
  const bool all = r.view == "all";
  if (!all && std::find(names.begin(), names.end(), r.view) == names.end())
    return Bad("\"" + r.view + "\" is not a view (summary, monitoring, nca, challenges, spend, flows, practices, ae, "
                 "readmissions, records or all)");
  ViewResult out;
  ActivityCube cube;
  CSU_ASSIGN_OR_RETURN(resolved, ScopeFor(r, cube));
  out.scope = resolved;
  const ViewScope& scope = out.scope;

  const auto wants = [&](const char* v) { return all || r.view == v; };
  if (wants("summary") || wants("monitoring") || wants("nca")) {
    Result<std::vector<contracts::Contract>> contracts = ContractsFor(scope);
    if (!contracts.ok()) return contracts.error();
    const Monitoring m = Monitor(cube, activity_, Readmitted(), contracts.value(), scope.month, scope.commissioner);
    if (wants("summary")) out.tables.push_back(MonitoringSummaryTable(m, scope, r.rag));
    if (wants("monitoring")) out.tables.push_back(MonitoringTable(m, scope));
    if (wants("nca")) out.tables.push_back(NonContractTable(m, scope));
  }
  if (wants("challenges")) {
    ChallengeOptions o;
    o.year = scope.year;
    o.commissioner = scope.commissioner;
    o.month = scope.month;
    o.fu_ratio_limit_milli = r.fu_ratio_limit_milli;
    std::map<std::string, contracts::ChallengeLogEntry> log;
    if (Status s = WithContracts(ScopeCcg(scope), false,
                                 [&](contracts::ContractStore& db) -> Status {
                                   CSU_ASSIGN_OR_RETURN(got, db.ChallengeStatuses());
                                   log = std::move(got);
                                   return Status::Ok();
                                 });
        !s.ok())
      return s.error();
    const auto found = ChallengesFor(o);
    out.tables.push_back(r.shared ? ChallengeSummaryTable(*found, scope) : ChallengesTable(*found, log, scope));
  }
  if (wants("spend")) out.tables.push_back(SpendTable(activity_, scope));
  if (wants("flows")) out.tables.push_back(FlowsTable(activity_, scope));
  if (wants("practices")) out.tables.push_back(PracticeRatesTable(activity_, scope));
  if (wants("ae")) out.tables.push_back(AeTable(activity_, scope));
  if (wants("readmissions")) out.tables.push_back(ReadmissionRatesTable(activity_, Readmitted(), scope));
  if (r.view == "records") {
    if (r.shared) return Bad("records lists single records, which cannot be shared: share an aggregate view instead");
    if (r.provider.empty()) return Bad("records drills down to one provider: name the provider");
    // A provider with no loaded activity at all answers like one with only
    // other CCGs' activity: an empty list, not an error (which would tell
    // a CCG which providers other CCGs use).
    out.tables.push_back(RecordsTable(activity_, scope, ToUpper(r.provider), r.pod, r.month_only,
                                      r.first_record, r.max_records, &out.records_matching, r.explain));
  }
  if (r.shared) {
    for (report::ReportTable& t : out.tables) {
      t = report::ApplyDisclosureControl(std::move(t)).table();
      // A status is a text computed from the variance: where the published
      // variance % is hidden, so is the status (it would say how large the
      // hidden figure is).
      const size_t status = t.ColumnIndex("status"), pct = t.ColumnIndex("variance_pct");
      if (t.title != "Contract monitoring summary" || status == t.columns.size() || pct == t.columns.size()) continue;
      for (auto& row : t.rows)
        if (row[pct].kind == report::Cell::Kind::kSuppressed) row[status] = report::Cell::Suppressed();
    }
  }
  return out;
}

}  // namespace csu::analytics
