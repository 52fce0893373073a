// The commissioning reports as report::ReportTable values, built from the
// analytics results: what `csu report` prints and exports and what the web
// pages will show, so every output carries the same figures. Each function
// is pure; the scope says which commissioner (or all), year and month.
//
//   ViewScope scope{year, month, commissioner_id, &ref};
//   report::ReportTable t = MonitoringTable(monitoring, scope);
//   std::fputs(report::RenderText(t).c_str(), stdout);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "pricing/price.h"
#include "report/report_table.h"

namespace csu::pricing {
struct PricedActivity;
}
namespace csu::refdata {
class RefData;
}
namespace csu::contracts {
struct ChallengeLogEntry;
}

namespace csu::analytics {

struct Monitoring;
struct Challenges;
struct Readmissions;

// Red, amber or green status of a contract, by the size of its variance to
// plan to date as a share of that plan, over or under (docs/monitoring.md,
// "Summary and status"). In basis points (1/100 of a per cent), so 2.5% is
// exact. Configured per installation (`csu serve --rag AMBER,RED`).
struct RagThresholds {
  int64_t amber_basis_points = 200;  // |variance| >= 2% of plan: amber
  int64_t red_basis_points = 500;    // |variance| >= 5% of plan: red
};
// "AMBER,RED" in per cent ("2,5", "2.5,7.5"; at most two decimals), as
// `--rag` takes it. Errors say what is wrong: not two numbers, amber not
// below red, a negative threshold.
Result<RagThresholds> ParseRagThresholds(std::string_view text);
// "Red", "Amber" or "Green" for a variance against a plan (pence). With no
// plan, any spend is red and none is green.
std::string RagStatus(int64_t variance_pence, int64_t plan_pence, const RagThresholds& t);

struct ViewScope {
  FinancialYear year;
  int month = 12;                        // 1 (April) .. 12: the month reported, and the end of "to date"
  std::optional<uint16_t> commissioner;  // dictionary id; none = the whole CSU
  const refdata::RefData* ref = nullptr; // for names and registered populations
  std::string commissioner_label;        // "02E" or "all CCGs", for titles
};

// Plan against actual by provider × POD, with contract rules and totals
// per provider and overall.
report::ReportTable MonitoringTable(const Monitoring& m, const ViewScope& scope);
// The summary monitoring opens on: one row per contract (provider) with
// actual activity to date in each currency (spells, appointments,
// attendances: never added together), plan, actual after the contract rules,
// variance £ and %, forecast outturn (profiled, net of the rules) against
// the annual plan, and a red/amber/green status; an ALL total row.
report::ReportTable MonitoringSummaryTable(const Monitoring& m, const ViewScope& scope, const RagThresholds& rag);
// Non-contract activity by provider × POD.
report::ReportTable NonContractTable(const Monitoring& m, const ViewScope& scope);
// Every challenge with its status from the challenge log.
report::ReportTable ChallengesTable(const Challenges& c, const std::map<std::string, contracts::ChallengeLogEntry>& log,
                                    const ViewScope& scope);
// The challenges as an aggregate, for sharing beyond the commissioner: per
// provider and rule, how many and the £ at stake. The challenge list is one
// row per record, which disclosure control cannot make safe (every row is a
// count of 1), so shared output shows this instead.
report::ReportTable ChallengeSummaryTable(const Challenges& c, const ViewScope& scope);
// Year-to-date spend per provider and its share of the commissioner's spend.
report::ReportTable SpendTable(const pricing::PricedActivity& a, const ViewScope& scope);
// GP practice → provider flows (records and £, year to date).
report::ReportTable FlowsTable(const pricing::PricedActivity& a, const ViewScope& scope);
// Per GP practice: activity per 1,000 registered patients (year to date).
report::ReportTable PracticeRatesTable(const pricing::PricedActivity& a, const ViewScope& scope);
// A&E by provider × department type × month: attendances, 4-hour
// performance, conversion to admission.
report::ReportTable AeTable(const pricing::PricedActivity& a, const ViewScope& scope);
// Drill-down: the records behind one monitoring figure, a provider (and a
// POD, if given) for the scope's commissioner, year to date or the month
// only, one row per record with its batch and row, so a price can be
// explained (`csu price explain`). Record-level but pseudonymised: no
// identifiers; callers check the reader may see record-level data and
// audit the view.
// Only the matching records from the `first`-th (0-based) on, at most `max`
// of them, are rows; `*matching` (when given) gets how many match in all.
// `provider` is an ODS code; one no record has (never seen, or seen only in
// other commissioners' activity) gives the same empty table, so the answer
// does not tell which providers other CCGs use.
// With `explain`, each row also has its price explanation (column
// "explanation": the text of `csu price explain`, from the per-record
// pricer; needs scope.ref), built for the page's rows only.
report::ReportTable RecordsTable(const pricing::PricedActivity& a, const ViewScope& scope, std::string_view provider,
                                 std::optional<pricing::Pod> pod, bool month_only, size_t first = 0,
                                 size_t max = SIZE_MAX, size_t* matching = nullptr, bool explain = false);
// 30-day emergency readmission rate by provider × month of discharge.
report::ReportTable ReadmissionRatesTable(const pricing::PricedActivity& a, const Readmissions& r,
                                          const ViewScope& scope);

}  // namespace csu::analytics
