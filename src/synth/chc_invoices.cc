// Synthetic CHC provider invoices: see chc_invoices.h.
#include "synth/chc_invoices.h"

#include <algorithm>

#include <fmt/format.h>

namespace csu::synth {
namespace {

std::string Pounds(int64_t pence) { return fmt::format("{}.{:02}", pence / 100, pence % 100); }

}  // namespace

std::string GenerateChcInvoices(const std::vector<chc::Package>& packages, Date month, ChcInvoiceStats* stats) {
  const Date first = Date::FromYmd(month.year(), month.month(), 1);
  const Date last = first.AddDays(Date::DaysInMonth(month.year(), month.month()) - 1);
  std::vector<const chc::Package*> order;
  for (const chc::Package& p : packages)
    if (!p.versions.empty()) order.push_back(&p);
  std::sort(order.begin(), order.end(), [](const chc::Package* a, const chc::Package* b) {
    return a->ccg != b->ccg ? a->ccg < b->ccg : a->id < b->id;
  });
  ChcInvoiceStats st;
  std::string out = "ccg,provider,invoice_ref,case,period_from,period_to,amount\n";
  for (const chc::Package* p : order) {
    // One invoice per version in force in the month: a provider bills for its own days.
    for (const chc::Span& span : chc::Spans(*p)) {
      const Date from = std::max(first, span.from);
      const Date to = span.to ? std::min(last, *span.to) : last;
      if (from > to) continue;
      ++st.invoices;
      const int64_t n = st.invoices;
      Date billed_from = from;
      int64_t pence = chc::CostForDays(*span.version, to - from + 1).pence();
      if (n % 13 == 0 && span.version == &p->versions.front() && from == span.from) {
        billed_from = from.AddDays(-7);  // before the package was commissioned
        ++st.before_package;
      } else if (n % 7 == 0) {
        pence += 2500;  // a rate the CCG has not agreed
        ++st.overcharged;
      }
      const std::string line =
          fmt::format("{},{},{}-{:04}{:02}-{},{},{},{},{}\n", p->ccg, span.version->provider, span.version->provider,
                      first.year(), first.month(), p->id, p->case_id, billed_from.ToString(), to.ToString(),
                      Pounds(pence));
      out += line;
      if (n % 11 == 0) {
        out += line;  // sent twice under the same reference
        ++st.duplicates;
      }
    }
  }
  if (stats) *stats = st;
  return out;
}

}  // namespace csu::synth
