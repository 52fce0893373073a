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

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/report_views.h"
#include "core/date.h"
#include "core/result.h"
#include "pricing/price.h"

namespace csu::contracts {
class ContractStore;
}

namespace csu::analytics {

struct Readmissions;

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
  // records only
  std::string provider;              // ODS code, required
  std::optional<pricing::Pod> pod;   // none = every POD; Pod::kNone = not priced
  bool month_only = false;           // the month alone rather than the year to date
};

struct ViewResult {
  ViewScope scope;
  std::vector<report::ReportTable> tables;
};

class CommissioningViews {
 public:
  // All three are borrowed and must outlive this object.
  CommissioningViews(const pricing::PricedActivity& activity, const refdata::RefData& ref,
                     contracts::ContractStore& contracts);
  ~CommissioningViews();

  // Errors say what is wrong with the request in words a user can act on
  // (an unknown view, a CCG with no activity loaded, a month out of range).
  Result<ViewResult> Build(const ViewRequest& request) const;

  // The commissioner's dictionary id, if any activity is loaded for it.
  std::optional<uint16_t> CommissionerId(std::string_view code) const;
  const pricing::PricedActivity& activity() const { return activity_; }

 private:
  const Readmissions& Readmitted() const;

  const pricing::PricedActivity& activity_;
  const refdata::RefData& ref_;
  contracts::ContractStore& contracts_;
  mutable std::mutex contracts_mutex_;
  mutable std::once_flag readmissions_once_;
  mutable std::unique_ptr<Readmissions> readmissions_;
};

}  // namespace csu::analytics
