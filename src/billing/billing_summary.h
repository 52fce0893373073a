// Everything a billing page shows, gathered from the billing database in one
// call: a CCG's page (what it buys, uses and pays, and its cost per head) and
// the CSU's (revenue, renewals, forecast). The command line's
// `csu billing report`, the web pages and their JSON twins all use these, so
// they agree.
#pragma once

#include <optional>
#include <string>

#include "billing/billing_store.h"
#include "core/date.h"
#include "core/result.h"
#include "report/report_table.h"

namespace csu::refdata {
class RefData;
}

namespace csu::billing {

struct CcgBilling {
  std::string ccg;
  std::string ccg_name;
  std::optional<int64_t> population;  // in force this month
  Period through;                     // the latest month invoiced (or last month)
  // Net charged over the twelve months to `through` (less credit notes),
  // the months invoiced in them, and a year at that rate per head.
  Money net_12_months;
  int64_t months_invoiced = 0;
  std::optional<int64_t> per_head_pence;
  report::ReportTable subscriptions, usage, documents, cost_per_head;
};

// `today` is the platform's date (periods still open show usage so far).
Result<CcgBilling> CcgBillingFor(BillingStore& db, const refdata::RefData& ref, const std::string& ccg, Date today);

struct CsuBillingOptions {
  Date today;
  std::optional<Period> through;  // default: the latest invoiced month
  // Renewals and the forecast look ahead from here. Default: the first day
  // after the latest invoiced month (in production, about today; on a
  // state folder of past data, the end of its invoicing), else today.
  std::optional<Date> as_of;
  int32_t months_ahead = 12;
};

struct CsuBilling {
  Period through;
  Date as_of;
  report::ReportTable cost_per_head, revenue_by_service, revenue_by_customer, renewals, forecast, catalogue;
};

Result<CsuBilling> CsuBillingFor(BillingStore& db, const refdata::RefData& ref, const CsuBillingOptions& options);

}  // namespace csu::billing
