#include "chc/invoice_check.h"

#include <algorithm>

namespace csu::chc {

InvoiceHistory::InvoiceHistory(const std::vector<CheckedInvoice>& stored) {
  for (const CheckedInvoice& c : stored) Add(c);
}

void InvoiceHistory::Add(const CheckedInvoice& c) {
  refs_.insert({c.provider, c.invoice_ref});
  if (c.payable && c.case_id) paid_periods_.insert({c.provider, *c.case_id, c.from.days(), c.to.days()});
}

std::string InvoiceHistory::Duplicate(const ProviderInvoice& inv, std::optional<int64_t> case_id) const {
  if (refs_.count({inv.provider, inv.invoice_ref}))
    return "duplicate: invoice " + inv.invoice_ref + " of " + inv.provider + " was already checked";
  if (case_id && paid_periods_.count({inv.provider, *case_id, inv.from.days(), inv.to.days()}))
    return "duplicate: " + inv.provider + " was already found payable for case " + std::to_string(*case_id) + " " +
           inv.from.ToString() + " to " + inv.to.ToString();
  return "";
}

CheckedInvoice CheckInvoice(const ProviderInvoice& inv, std::optional<int64_t> case_id,
                            const std::vector<Package>& packages, const InvoiceHistory& history) {
  CheckedInvoice c;
  c.ccg = inv.ccg, c.provider = inv.provider, c.invoice_ref = inv.invoice_ref, c.case_ref = inv.CaseRef();
  c.case_id = case_id, c.from = inv.from, c.to = inv.to, c.amount = inv.amount;
  if (std::string d = history.Duplicate(inv, case_id); !d.empty()) {
    c.reason = d;
    return c;
  }
  if (!case_id) {
    c.reason = "no such case: " + inv.CaseRef() + " is not a case of " + inv.ccg;
    return c;
  }
  // The days of the period some version with this provider is in force,
  // and their cost: each (version, period) overlap rounded once.
  const int32_t days = (inv.to - inv.from) + 1;
  std::vector<bool> covered(static_cast<size_t>(days), false);
  Money expected;
  int64_t covered_days = 0;
  for (const Package& p : packages) {
    if (p.case_id != *case_id) continue;
    for (const Span& s : Spans(p)) {
      if (s.version->provider != inv.provider) continue;
      Date a = std::max(inv.from, s.from);
      Date b = s.to ? std::min(inv.to, *s.to) : inv.to;
      if (b < a) continue;
      expected += CostForDays(*s.version, (b - a) + 1);
      for (Date d = a; d <= b; d = d.AddDays(1)) {
        auto i = static_cast<size_t>(d - inv.from);
        if (!covered[i]) covered[i] = true, ++covered_days;
      }
    }
  }
  if (covered_days == 0) {
    c.reason = "no live package: case " + std::to_string(*case_id) + " has no package with " + inv.provider +
               " between " + inv.from.ToString() + " and " + inv.to.ToString();
    return c;
  }
  c.expected = expected;
  if (covered_days < days) {
    size_t first = 0;
    while (covered[first]) ++first;
    c.reason = "period outside the package: " + std::to_string(days - covered_days) + " of " +
               std::to_string(days) + " days have no package with " + inv.provider + " (first " +
               inv.from.AddDays(static_cast<int32_t>(first)).ToString() + ")";
    return c;
  }
  if (inv.amount != expected) {
    c.reason = "amount differs by " + (inv.amount - expected).ToString() + ": the package cost over the period is " +
               expected.ToString();
    return c;
  }
  c.payable = true;
  return c;
}

}  // namespace csu::chc
