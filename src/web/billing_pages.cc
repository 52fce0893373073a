#include "web/billing_pages.h"

#include <nlohmann/json.hpp>

#include "billing/billing_views.h"
#include "billing/subscription.h"
#include "core/text.h"
#include "report/render.h"
#include "web/html.h"

namespace csu::web {
namespace {

std::string Pounds(int64_t pence) { return Money::FromPence(pence).ToString(); }

}  // namespace

std::string CcgBillingHtml(const billing::CcgBilling& b) {
  std::string body = "<div class=\"cards\">";
  body += CardHtml("Charged, last 12 invoiced months", b.net_12_months.ToString(),
                   std::to_string(b.months_invoiced) + " months to " + b.through.Name() + ", net of credit notes, before VAT");
  if (b.per_head_pence) {
    const int64_t ph = *b.per_head_pence;
    const char* where = ph < billing::kTypicalLowPencePerHead    ? "below the £5–15 range CSUs charge"
                        : ph <= billing::kTypicalHighPencePerHead ? "within the £5–15 range CSUs charge"
                                                                  : "above the £5–15 range CSUs charge";
    body += CardHtml("Cost per head a year", Pounds(ph), where,
                     ph > billing::kTypicalHighPencePerHead ? "over" : "");
    const int64_t half_rca = billing::kRunningCostAllowancePencePerHead / 2;
    body += CardHtml("Against the running-cost allowance", Pounds(ph) + " of " + Pounds(billing::kRunningCostAllowancePencePerHead),
                     ph <= half_rca ? "under half the allowance: value for money"
                                    : "over half the allowance (" + Pounds(half_rca) + ")",
                     ph <= half_rca ? "under" : "over");
  } else {
    body += CardHtml("Cost per head a year", "—", "no invoice issued yet");
  }
  body += CardHtml("Registered patients", b.population ? WithThousands(*b.population) : "—",
                   "in force this month, from the GP practice lists or the latest update");
  body += "</div>\n";
  body += TableHtml(b.subscriptions);
  body += TableHtml(b.documents, [&b](const report::ReportTable& t, size_t row, size_t col) -> std::string {
    if (col != 0 || t.IsTotalRow(row)) return "";
    return "/ccg/" + b.ccg + "/invoices/" + t.rows[row][0].text;
  });
  body += TableHtml(b.usage);
  body += "<p class=\"note\">Usage is counted by the platform as it happens (users active, reports run, exports, API "
          "calls, records loaded) or recorded from the CSU's other systems (payslips, procurements, assessments).</p>";
  return body;
}

nlohmann::json CcgBillingJson(const billing::CcgBilling& b) {
  nlohmann::json j = {{"ccg", b.ccg},
                      {"name", b.ccg_name},
                      {"population", b.population ? nlohmann::json(*b.population) : nlohmann::json()},
                      {"through", b.through.ToString()},
                      {"net_12_months_pence", b.net_12_months.pence()},
                      {"months_invoiced", b.months_invoiced},
                      {"per_head_pence", b.per_head_pence ? nlohmann::json(*b.per_head_pence) : nlohmann::json()},
                      {"benchmarks",
                       {{"typical_low_pence_per_head", billing::kTypicalLowPencePerHead},
                        {"typical_high_pence_per_head", billing::kTypicalHighPencePerHead},
                        {"full_service_pence_per_head", billing::kFullServicePencePerHead},
                        {"running_cost_allowance_pence_per_head", billing::kRunningCostAllowancePencePerHead}}}};
  j["tables"] = report::RenderJson(std::vector<report::ReportTable>{b.subscriptions, b.documents, b.usage});
  return j;
}

std::string CsuBillingHtml(const billing::CsuBilling& b, const std::string& csrf_token, const std::string& notice) {
  std::string body;
  if (!notice.empty()) body += NoticePanel(notice, false);
  const Money revenue = Money::FromPence(b.revenue_by_customer.TotalOf("net"));
  const Money at_risk = Money::FromPence(b.renewals.TotalOf("monthly"));
  const Money forecast = Money::FromPence(b.forecast.TotalOf("recurring"));
  body += "<div class=\"cards\">";
  body += CardHtml("Revenue, 12 months", revenue.ToString(), "to " + b.through.Name() + ", net of credit notes");
  body += CardHtml("Recurring revenue ahead", forecast.ToString(), "per-head and fixed charges under contract");
  body += CardHtml("Recurring a month up for renewal", at_risk.ToString(), "subscriptions ending soon, not yet renewed",
                   at_risk.pence() > 0 ? "over" : "");
  body += "</div>\n";
  body += TableHtml(b.cost_per_head);
  body += TableHtml(b.revenue_by_customer);
  body += TableHtml(b.revenue_by_service);
  body += TableHtml(b.renewals);
  body += TableHtml(b.forecast);
  body += "<h2 id=\"catalogue\">Service catalogue</h2>\n" + TableHtml(b.catalogue);
  if (!csrf_token.empty()) {
    body += "<h2>Change a price</h2><p>Adds a version of a service or package from the first day of a month; "
            "invoices already issued keep their prices.</p>"
            "<form class=\"filters\" method=\"post\" action=\"/billing/catalogue\">" +
            CsrfField(csrf_token) + InputField("code", "code", "Code", "text", "", "required maxlength=\"24\"") +
            InputField("price", "price", "New price (£)", "text", "", "required inputmode=\"decimal\"") +
            InputField("from", "from", "From (first of a month)", "date", "", "required") +
            "<div><button class=\"primary\" type=\"submit\">Add price version</button></div></form>";
  }
  return body;
}

nlohmann::json CsuBillingJson(const billing::CsuBilling& b) {
  nlohmann::json j = {{"through", b.through.ToString()}, {"as_of", b.as_of.ToString()}};
  j["tables"] = report::RenderJson(std::vector<report::ReportTable>{
      b.cost_per_head, b.revenue_by_customer, b.revenue_by_service, b.renewals, b.forecast, b.catalogue});
  return j;
}

}  // namespace csu::web
