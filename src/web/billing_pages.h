// The billing pages' content (docs/billing.md, "Views"; docs/web.md): a
// CCG's page — what it buys, uses and pays, and its cost per head against
// the benchmarks — and the CSU's commercial overview with the catalogue
// editor. Bodies only: WebApp checks who may see them and frames them.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "billing/billing_summary.h"

namespace csu::web {

// The CCG's billing page body; invoice numbers link to
// /ccg/{ccg}/invoices/{number}.
std::string CcgBillingHtml(const billing::CcgBilling& b);
nlohmann::json CcgBillingJson(const billing::CcgBilling& b);

// The CSU's billing page body. With `csrf_token` non-empty (an administrator)
// it ends with the form that adds a catalogue price version; `notice` is a
// message to show above everything (the result of the last change).
std::string CsuBillingHtml(const billing::CsuBilling& b, const std::string& csrf_token, const std::string& notice);
nlohmann::json CsuBillingJson(const billing::CsuBilling& b);

}  // namespace csu::web
