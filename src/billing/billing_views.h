// The billing figures as report tables (report/report_table.h), so the
// command line, the web pages, the JSON API and the exports show the same
// numbers (docs/billing.md, "Views").
//
// Pure functions over values read from the BillingStore; thread-compatible.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "billing/billing_store.h"
#include "billing/catalogue.h"
#include "billing/invoice.h"
#include "billing/subscription.h"
#include "report/report_table.h"

namespace csu::billing {

// Benchmarks the cost-per-head view compares with (docs/billing.md).
inline constexpr int64_t kTypicalLowPencePerHead = 500;     // £5 a head a year
inline constexpr int64_t kTypicalHighPencePerHead = 1500;   // £15
inline constexpr int64_t kFullServicePencePerHead = 2676;   // £26.76
inline constexpr int64_t kRunningCostAllowancePencePerHead = 2207;  // £22.07, 2015/16

// Items in force on `on`, with their current price and terms.
report::ReportTable CatalogueTable(const Catalogue& catalogue, Date on);
// Subscriptions (of one CCG when `ccg` is non-empty) with end, notice date
// and whether each is active on `today`.
report::ReportTable SubscriptionsTable(const std::vector<Subscription>& subs, const Catalogue& catalogue,
                                       const std::string& ccg, Date today);
// Invoices and credit notes, newest first, with totals.
report::ReportTable DocumentsTable(const std::vector<Invoice>& docs);
// The lines of one document.
report::ReportTable LinesTable(const Invoice& inv);
// Usage by month and meter (details summed), newest month first.
report::ReportTable UsageTable(const std::vector<UsageRow>& rows);

// Net charges (invoices less credit notes) of the twelve invoiced months up
// to and including `through`, per CCG, against population and benchmarks.
// `population_of` gives the population in force in `through`.
report::ReportTable CostPerHeadTable(const std::vector<Invoice>& docs, Period through,
                                     const std::function<std::optional<int64_t>(const std::string&)>& population_of);

// Revenue (net of credit notes) by service and by customer, in the periods
// [from, through].
report::ReportTable RevenueByServiceTable(const std::vector<Invoice>& docs, const Catalogue& catalogue, Period from,
                                          Period through);
report::ReportTable RevenueByCustomerTable(const std::vector<Invoice>& docs, Period from, Period through,
                                           const std::function<std::optional<int64_t>(const std::string&)>& population_of);

// Subscriptions ending within `months` of `today`, soonest first, with the
// notice date and their recurring charge a month (what leaving would lose).
report::ReportTable RenewalsTable(const std::vector<Subscription>& subs, const Catalogue& catalogue, Date today,
                                  int32_t months,
                                  const std::function<std::optional<int64_t>(const std::string&)>& population_of);

// Recurring revenue (per-head and fixed charges, before VAT, after
// discounts) per month from `from` for `months` months, at today's prices
// and populations, over the subscriptions' terms. Usage charges are not
// forecast (the note says so).
report::ReportTable ForecastTable(const std::vector<Subscription>& subs, const Catalogue& catalogue, Period from,
                                  int32_t months,
                                  const std::function<std::optional<int64_t>(const std::string&)>& population_of);

}  // namespace csu::billing
