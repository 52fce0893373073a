#include "billing/billing_summary.h"

#include <algorithm>

#include "billing/billing_views.h"
#include "refdata/refdata.h"

namespace csu::billing {
namespace {

Period LatestInvoiced(const std::vector<Invoice>& docs, Period fallback) {
  if (docs.empty()) return fallback;
  Period latest = docs.front().period;
  for (const Invoice& d : docs) latest = std::max(latest, d.period);
  return latest;
}

}  // namespace

Result<CcgBilling> CcgBillingFor(BillingStore& db, const refdata::RefData& ref, const std::string& ccg, Date today) {
  CSU_ASSIGN_OR_RETURN(catalogue, db.LoadCatalogue());
  CSU_ASSIGN_OR_RETURN(subs, db.Subscriptions());
  CSU_ASSIGN_OR_RETURN(updates, db.PopulationUpdates());
  CSU_ASSIGN_OR_RETURN(docs, db.Documents(ccg));
  CSU_ASSIGN_OR_RETURN(usage, db.Usage(ccg));
  CcgBilling out;
  out.ccg = ccg;
  out.ccg_name = CcgName(ref, ccg);
  out.population = PopulationIn(ccg, Period::Of(today), updates, ref);
  out.through = LatestInvoiced(docs, Period::Of(today).AddMonths(-1));
  auto population_of = [&](const std::string& who) { return PopulationIn(who, out.through, updates, ref); };
  out.cost_per_head = CostPerHeadTable(docs, out.through, population_of);
  if (!out.cost_per_head.rows.empty()) {  // one row: this CCG's
    const report::ReportTable& t = out.cost_per_head;
    out.months_invoiced = t.Find(0, "months_invoiced")->number;
    out.net_12_months = Money::FromPence(t.Find(0, "net_charges")->number);
    if (!t.Find(0, "per_head")->empty()) out.per_head_pence = t.Find(0, "per_head")->number;
  }
  out.subscriptions = SubscriptionsTable(subs, catalogue, ccg, today);
  out.usage = UsageTable(usage);
  out.documents = DocumentsTable(docs);
  return out;
}

Result<CsuBilling> CsuBillingFor(BillingStore& db, const refdata::RefData& ref, const CsuBillingOptions& options) {
  CSU_ASSIGN_OR_RETURN(catalogue, db.LoadCatalogue());
  CSU_ASSIGN_OR_RETURN(subs, db.Subscriptions());
  CSU_ASSIGN_OR_RETURN(updates, db.PopulationUpdates());
  CSU_ASSIGN_OR_RETURN(docs, db.Documents(""));
  CsuBilling out;
  out.through = options.through.value_or(LatestInvoiced(docs, Period::Of(options.today).AddMonths(-1)));
  const Period from = out.through.AddMonths(-11);
  const Date as_of = options.as_of.value_or(docs.empty() ? options.today : LatestInvoiced(docs, out.through).AddMonths(1).first_day());
  out.as_of = as_of;
  auto pop_through = [&](const std::string& ccg) { return PopulationIn(ccg, out.through, updates, ref); };
  auto pop_now = [&](const std::string& ccg) { return PopulationIn(ccg, Period::Of(as_of), updates, ref); };
  out.cost_per_head = CostPerHeadTable(docs, out.through, pop_through);
  out.revenue_by_service = RevenueByServiceTable(docs, catalogue, from, out.through);
  out.revenue_by_customer = RevenueByCustomerTable(docs, from, out.through, pop_through);
  out.renewals = RenewalsTable(subs, catalogue, as_of, options.months_ahead, pop_now);
  out.forecast = ForecastTable(subs, catalogue, Period::Of(as_of), options.months_ahead, pop_now);
  out.catalogue = CatalogueTable(catalogue, as_of);
  return out;
}

}  // namespace csu::billing
