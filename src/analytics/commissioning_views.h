// Every commissioning view (`csu report VIEW`, the web pages and their JSON
// twins) built from one place, so the command line, the pages and the API
// show the same figures for the same request. Holds borrowed loaded data and
// computes what a request needs: the cube for the scope, monitoring, the
// challenges, the intelligence tables (report_views.h).
//
//   CommissioningViews views(priced, ref, contract_store);
//   ViewRequest r{.view = "monitoring", .commissioner = "02E", .year = FinancialYear(2018)};
//   CSU_ASSIGN_OR_RETURN(result, views.Build(r));   // result.tables, result.scope
//
// Thread-safety: Build() may be called from many threads at once (the web
// server's workers); the contract store is used under a mutex and the
// readmission linkage is computed once, on first need.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "analytics/report_views.h"
#include "core/codes.h"
#include "core/date.h"
#include "core/result.h"
#include "pricing/price.h"

namespace csu::contracts {
class ContractStore;
struct Contract;
struct ChallengeLogEntry;
}

namespace csu::analytics {

struct Readmissions;
struct Challenges;
struct ChallengeOptions;
class ActivityCube;

// Server mode with an application role (docs/server-mode.md, "Row-level
// security"): the contract store on a connection that sees only one CCG's
// rows, for the requests scoped to one CCG: its contracts and plans, and
// its challenges' statuses read and written. The requests for the whole CSU
// use the store the views were made with.
struct TenantContractAccess {
  std::function<Status(const std::string& ccg, const std::function<Status(contracts::ContractStore&)>&)> read;
  std::function<Status(const std::string& ccg, const std::function<Status(contracts::ContractStore&)>&)> write;
};

// The views, in the order `all` shows them; "records" (the drill-down) is
// never part of `all`.
const std::vector<std::string>& ViewNames();
// Views showing pseudonymised records rather than aggregates: the records
// behind a figure, and challenges (one row per challenged record).
bool IsRecordLevel(std::string_view view);

struct ViewRequest {
  std::string view;          // one of ViewNames(), or "all"
  std::string commissioner;  // a CCG's ODS code, or "all" for the whole CSU
  FinancialYear year{2018};
  int month = 0;             // 1 (April) .. 12; 0 = the latest month with activity
  int64_t fu_ratio_limit_milli = 3000;
  RagThresholds rag;  // summary only: the status thresholds of the installation
  // records only
  std::string provider;              // ODS code, required
  std::optional<pricing::Pod> pod;   // none = every POD; Pod::kNone = not priced
  bool month_only = false;           // the month alone rather than the year to date
  // For sharing beyond the commissioner: every table goes through disclosure
  // control (report/disclosure.h), challenges are shown by provider and rule
  // rather than record by record, and the records view is refused (record
  // level data cannot be made safe by rounding counts).
  bool shared = false;
  // records only: which of the matching records to return (a page). Only
  // these rows are built, so one answer costs memory for the page, not for
  // every matching record.
  size_t first_record = 0;
  size_t max_records = SIZE_MAX;
  // records only: each record's price explanation too (RecordsTable).
  bool explain = false;
};

struct ViewResult {
  ViewScope scope;
  std::vector<report::ReportTable> tables;
  size_t records_matching = 0;  // records only: how many match, whatever the page
};

// The month's headline for a commissioner (or the CSU): the figures a CCG
// home page opens with. Money in pence; "ytd" is April to the month.
struct Headline {
  ViewScope scope;
  int contracts = 0;
  int64_t plan_ytd_pence = 0, actual_ytd_pence = 0, payable_ytd_pence = 0;
  int64_t annual_plan_pence = 0;
  int64_t forecast_run_rate_pence = 0, forecast_profiled_pence = 0;  // net of the contract rules
  int64_t non_contract_ytd_pence = 0;
  struct Variance {
    OdsCode provider;
    pricing::Pod pod = pricing::Pod::kNone;
    int64_t plan_ytd_pence = 0, actual_ytd_pence = 0;
    int64_t variance_pence() const { return actual_ytd_pence - plan_ytd_pence; }
  };
  std::vector<Variance> top_variances;  // contract lines, largest |variance| first, at most 5
  int64_t challenges = 0, challenges_at_stake_pence = 0;
};

// One point of a measure over time (for SPC charts).
struct MeasurePoint {
  std::string period;  // "2018-04-02": the week's Monday, or "2018-04" for a month
  int64_t numerator = 0, denominator = 0;
  double value() const { return denominator == 0 ? 0.0 : 100.0 * double(numerator) / double(denominator); }
};

// One month of a contract line: its activity and £ (for an XmR chart).
struct LineMonth {
  std::string period;  // "2018-04"
  int64_t activity = 0, pence = 0;
};

class CommissioningViews {
 public:
  // All three are borrowed and must outlive this object.
  // `contracts_mutex`: the lock of the contract store when more than one
  // views object uses it at once (the web server's snapshot before and after
  // an upload); each object's own when null.
  CommissioningViews(const pricing::PricedActivity& activity, const refdata::RefData& ref,
                     contracts::ContractStore& contracts, std::mutex* contracts_mutex = nullptr,
                     const TenantContractAccess* tenant = nullptr);
  ~CommissioningViews();

  // Errors say what is wrong with the request in words a user can act on
  // (an unknown view, a CCG with no activity loaded, a month out of range).
  Result<ViewResult> Build(const ViewRequest& request) const;

  // Headline figures for a request's commissioner, year and month (the view
  // is ignored). Same errors as Build().
  Result<Headline> HeadlineFor(const ViewRequest& request) const;
  // Contract monitoring of a request's commissioner, year and month (the
  // figures the monitoring view shows; the view is ignored): what the
  // ledger's month-end activity accruals are proposed from. Same errors.
  Result<Monitoring> MonitoringFor(const ViewRequest& request) const;
  // A&E attendances seen within 4 hours, per cent, by week (Monday to
  // Sunday, weeks starting in the year) for the scope's commissioner.
  std::vector<MeasurePoint> AeFourHourWeekly(const ViewScope& scope) const;
  // A line's activity and £ in each month from April to the request's month
  // (its commissioner, request.provider and request.pod; no pod = every
  // POD's £ and no activity, which would add currencies). Months without
  // activity are 0. Errors as Build(); an unknown provider gives zeros.
  Result<std::vector<LineMonth>> LineMonthly(const ViewRequest& request) const;

  // Records a status for one of a commissioner's challenges in the
  // challenge log. Error if `id` is not among the challenges the rules raise
  // for that commissioner in the year (so a CCG cannot touch another's), or
  // if the log refuses it (agreed and rejected need a note).
  Status SetChallengeStatus(const ViewRequest& scope, const std::string& id, std::string_view status,
                            const std::string& note, const std::string& actor) const;
  // The same for a selection, with one note: every id is checked first, and
  // an unknown one (or none at all, or agreed/rejected without a note)
  // refuses the whole selection before anything is recorded.
  Status SetChallengeStatuses(const ViewRequest& scope, const std::vector<std::string>& ids, std::string_view status,
                              const std::string& note, const std::string& actor) const;

  // The commissioner's dictionary id, if any activity is loaded for it
  // (`code` as stored: upper case).
  std::optional<uint16_t> CommissionerId(std::string_view code) const;
  const pricing::PricedActivity& activity() const { return activity_; }

 private:
  // "; loaded: 02E, 27D": the commissioners with activity, for errors.
  std::string LoadedCommissioners() const;
  const Readmissions& Readmitted() const;
  // FindChallenges over the loaded activity, kept per (year, commissioner,
  // month, follow-up limit): the activity does not change while this object
  // lives, so the challenges of a CCG-month are found once, not on every
  // view of the challenge list (only their statuses, joined at each build,
  // change). The limit-by-TFC option is not used by the views.
  std::shared_ptr<const Challenges> ChallengesFor(const ChallengeOptions& o) const;
  // Runs `fn` on the contract store for `ccg` (a CCG's code: on the tenant
  // connection when there is one) or, for "", the whole CSU (the store the
  // views were made with, under its mutex).
  Status WithContracts(const std::string& ccg, bool write,
                       const std::function<Status(contracts::ContractStore&)>& fn) const;
  // The CCG's code of a scope, or "" for the whole CSU.
  std::string ScopeCcg(const ViewScope& scope) const;
  Result<std::vector<contracts::Contract>> ContractsFor(const ViewScope& scope) const;
  // Scope (commissioner, month) of a request; the cube is built as a side effect.
  Result<ViewScope> ScopeFor(const ViewRequest& request, ActivityCube& cube) const;

  const pricing::PricedActivity& activity_;
  const refdata::RefData& ref_;
  contracts::ContractStore& contracts_;
  mutable std::mutex own_contracts_mutex_;
  std::mutex& contracts_mutex_;  // own_contracts_mutex_, or the one shared with other views objects
  const TenantContractAccess* tenant_;  // may be null: every request uses contracts_
  mutable std::once_flag readmissions_once_;
  mutable std::unique_ptr<Readmissions> readmissions_;
  mutable std::mutex challenges_mutex_;
  mutable std::map<std::tuple<int, int, int, int64_t>, std::shared_ptr<const Challenges>> challenges_;
};

}  // namespace csu::analytics
