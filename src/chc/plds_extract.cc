#include "chc/plds_extract.h"

#include <algorithm>
#include <map>

namespace csu::chc {
namespace {

using report::Cell;
using report::ColumnType;

std::string D(const std::optional<Date>& d) { return d ? d->ToString() : ""; }
bool In(const std::optional<Date>& d, Date from, Date to) { return d && *d >= from && *d <= to; }

// The care setting as the platform records it, in the data set's words.
std::string SettingText(Setting s) {
  switch (s) {
    case Setting::kCareHomeNursing: return "Care Home With Nursing";
    case Setting::kCareHome: return "Care Home Without Nursing";
    case Setting::kDomiciliary: return "Own home (domiciliary care)";
    case Setting::kPersonalHealthBudget: return "Personal health budget";
  }
  return "";
}

}  // namespace

std::vector<report::ReportTable> PldsExtract(const PldsInput& in) {
  const Date from = in.quarter.first_day(), to = in.quarter.last_day();
  report::ReportTable header("NHS CHC Patient Level Data Set: header",
                             {{"data_set_version_number", ColumnType::kText, "DATA SET VERSION NUMBER"},
                              {"code_of_commissioner", ColumnType::kText, "ORGANISATION IDENTIFIER (CODE OF COMMISSIONER)"},
                              {"code_of_submitting_organisation", ColumnType::kText,
                               "ORGANISATION IDENTIFIER (CODE OF SUBMITTING ORGANISATION)"},
                              {"primary_data_collection_system", ColumnType::kText,
                               "PRIMARY DATA COLLECTION SYSTEM IN USE (NHS CONTINUING HEALTHCARE)"},
                              {"reporting_period_start_date", ColumnType::kText, "REPORTING PERIOD START DATE"},
                              {"reporting_period_end_date", ColumnType::kText, "REPORTING PERIOD END DATE"},
                              {"date_time_created", ColumnType::kText, "DATE AND TIME DATA SET CREATED"}});
  header.AddRow({Cell::Text(kPldsVersion), Cell::Text(in.ccg), Cell::Text(in.submitter), Cell::Text("OpenCSU"),
                 Cell::Text(from.ToString()), Cell::Text(to.ToString()), Cell::Text(in.created_at)});
  header.notes.push_back("DCB3085 NHS Continuing Healthcare Patient Level Data Set v1.0, HEADER group; the national "
                         "code for the collection system is not known here, so the system is named (docs/chc.md).");

  report::ReportTable t("NHS CHC Patient Level Data Set: records " + in.ccg + " " + in.quarter.ToString(),
                        {{"local_patient_identifier", ColumnType::kText, "LOCAL PATIENT IDENTIFIER (EXTENDED)"},
                         {"case", ColumnType::kInteger, "Case"},
                         {"route", ColumnType::kText, "Route (standard or Fast Track)"},
                         {"referral_date", ColumnType::kText, "Referral received"},
                         {"checklist_date", ColumnType::kText, "Checklist received"},
                         {"checklist_outcome", ColumnType::kText, "Checklist outcome"},
                         {"dst_date", ColumnType::kText, "DST completed"},
                         {"dst_in_acute_hospital", ColumnType::kText, "DST in an acute hospital"},
                         {"eligibility_decision_date", ColumnType::kText, "Eligibility decision"},
                         {"eligibility_outcome", ColumnType::kText, "Eligibility outcome"},
                         {"days_to_decision", ColumnType::kInteger, "Days, Checklist to decision"},
                         {"fast_track_received", ColumnType::kText, "Fast Track received"},
                         {"fast_track_in_place", ColumnType::kText, "Fast Track package in place"},
                         {"care_setting", ColumnType::kText, "Care setting (latest package)"},
                         {"care_package_start_date", ColumnType::kText, "Care package start"},
                         {"care_package_end_date", ColumnType::kText, "Care package end"},
                         {"care_package_weekly_cost", ColumnType::kMoney, "Weekly cost at quarter end"},
                         {"care_package_changes", ColumnType::kInteger, "Package versions in quarter"},
                         {"last_review_date", ColumnType::kText, "Last review"},
                         {"local_resolution_received", ColumnType::kText, "Local resolution requested"},
                         {"local_resolution_outcome", ColumnType::kText, "Local resolution outcome"},
                         {"case_closed_date", ColumnType::kText, "Eligibility ended"}});
  std::map<int64_t, const CaseFacts*> facts;
  for (const CaseFacts& f : in.facts) facts[f.id] = &f;
  std::map<int64_t, std::vector<const Package*>> packages;
  for (const Package& p : in.packages) packages[p.case_id].push_back(&p);
  std::map<int64_t, const ChcStore::Appeal*> local;  // the latest local resolution of each case
  for (const ChcStore::Appeal& a : in.appeals)
    if (a.stage == "local_resolution" && a.received_on <= to) local[a.case_id] = &a;

  for (const CaseRow& c : in.cases) {
    if (c.referred_on > to) continue;
    // In the extract: activity in the quarter, or eligible on some day of it.
    const bool eligible_in_quarter = c.eligible.value_or(false) && c.decided_on && *c.decided_on <= to &&
                                     !(c.closed_on && *c.closed_on < from);
    std::optional<Date> dst;
    bool dst_acute = false;
    if (auto f = facts.find(c.id); f != facts.end())
      for (const auto& [on, acute] : f->second->assessments)
        if (on <= to && (!dst || on >= *dst)) dst = on, dst_acute = acute;
    const bool activity = In(c.referred_on, from, to) || In(c.checklist_received, from, to) || In(dst, from, to) ||
                          In(c.decided_on, from, to) || In(c.last_review, from, to) || In(c.closed_on, from, to);
    if (!activity && !eligible_in_quarter) continue;
    // The latest package started by the quarter's end, its version in force then.
    const Package* latest = nullptr;
    const PackageVersion* at_end = nullptr;
    int64_t changes = 0;
    for (const Package* p : packages[c.id]) {
      if (p->versions.empty() || p->versions.front().start > to) continue;
      if (!latest || p->versions.front().start >= latest->versions.front().start) latest = p;
    }
    if (latest) {
      for (const Span& s : Spans(*latest)) {
        if (s.from <= to && (!s.to || *s.to >= to)) at_end = s.version;
        if (In(s.from, from, to)) ++changes;
      }
    }
    const bool decided_in_time = c.checklist_received && c.decided_on && !c.fast_track;
    const ChcStore::Appeal* lr = local.count(c.id) ? local[c.id] : nullptr;
    const bool decided_by_end = c.decided_on && *c.decided_on <= to;
    t.AddRow({Cell::Text(c.pseudonym), Cell::Integer(c.id), Cell::Text(c.fast_track ? "fast_track" : "standard"),
              Cell::Text(c.referred_on.ToString()),
              Cell::Text(c.checklist_received && *c.checklist_received <= to ? c.checklist_received->ToString() : ""),
              Cell::Text(c.checklist_received && *c.checklist_received <= to
                             ? (c.checklist_positive.value_or(false) ? "positive" : "negative")
                             : ""),
              Cell::Text(D(dst)), Cell::Text(dst ? (dst_acute ? "yes" : "no") : ""),
              Cell::Text(decided_by_end ? c.decided_on->ToString() : ""),
              Cell::Text(decided_by_end ? (c.eligible.value_or(false) ? "eligible" : "not_eligible") : ""),
              decided_in_time && decided_by_end ? Cell::Integer(*c.decided_on - *c.checklist_received) : Cell{},
              Cell::Text(c.ft_received ? c.ft_received->ToString() : ""),
              Cell::Text(c.ft_in_place ? c.ft_in_place->ToString() : ""),
              Cell::Text(at_end ? SettingText(at_end->setting) : ""),
              Cell::Text(latest ? latest->versions.front().start.ToString() : ""),
              Cell::Text(latest && latest->end && *latest->end <= to ? latest->end->ToString() : ""),
              at_end ? Cell::Money(WeeklyCost(*at_end)) : Cell{}, latest ? Cell::Integer(changes) : Cell{},
              Cell::Text(c.last_review && *c.last_review <= to ? c.last_review->ToString() : ""),
              Cell::Text(lr ? lr->received_on.ToString() : ""),
              Cell::Text(lr && lr->decided_on && *lr->decided_on <= to ? lr->outcome : ""),
              Cell::Text(c.closed_on && *c.closed_on <= to ? c.closed_on->ToString() : "")});
  }
  t.notes.push_back("Pseudonymised: LOCAL PATIENT IDENTIFIER (EXTENDED) carries the keyed HMAC of the NHS number; NHS "
                    "number, date of birth, postcode and the other personal elements are not written (docs/chc.md).");
  t.notes.push_back("Columns named in capitals are DCB3085 v1.0 data elements; the others are the platform's fields "
                    "that carry the same facts, named in docs/chc.md with the elements they stand for.");
  return {header, t};
}

}  // namespace csu::chc
