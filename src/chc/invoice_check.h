// A provider's invoice checked against the CCG's care packages (docs/chc.md,
// "Provider invoices"): payable when the package cost over the invoice's
// period is the amount to the penny, the cost being package_cost.h's
// (each version's days in the period, rounded once); otherwise queried with
// the first reason that applies, in the order of
// docs/formats/chc-invoices-v1.md: a duplicate, no such case, no live
// package, the period outside the package, the amount differing. Pure: the
// caller gives what is already stored and stores the outcomes.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "chc/invoice_file.h"
#include "chc/package_cost.h"

namespace csu::chc {

// An invoice as checked and stored (chc.sqlite provider_invoices).
struct CheckedInvoice {
  int64_t id = 0;
  std::string ccg, provider, invoice_ref, case_ref;
  std::optional<int64_t> case_id;  // the case it was matched to, if found
  Date from, to;
  Money amount;
  std::optional<Money> expected;  // the package cost over the period, where there was a package
  bool payable = false;
  std::string reason;  // "" when payable
  std::string source;  // file name and line
  std::string checked_at, checked_by;
};

// What earlier checks make a duplicate: every (provider, invoice_ref)
// checked, and every (provider, case, from, to) found payable.
class InvoiceHistory {
 public:
  explicit InvoiceHistory(const std::vector<CheckedInvoice>& stored);
  // The reason `inv` (matched to `case_id`) is a duplicate, or "".
  std::string Duplicate(const ProviderInvoice& inv, std::optional<int64_t> case_id) const;
  void Add(const CheckedInvoice& c);

 private:
  std::set<std::pair<std::string, std::string>> refs_;
  std::set<std::tuple<std::string, int64_t, int32_t, int32_t>> paid_periods_;
};

// Checks `inv` whose case (of the invoice's CCG) is `case_id` (nullopt: not
// found) with that case's `packages`, against `history` (which it does not
// change). The returned value has no id, time or actor yet.
CheckedInvoice CheckInvoice(const ProviderInvoice& inv, std::optional<int64_t> case_id,
                            const std::vector<Package>& packages, const InvoiceHistory& history);

}  // namespace csu::chc
