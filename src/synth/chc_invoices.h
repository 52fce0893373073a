// Synthetic provider invoices for the demo's continuing healthcare packages,
// in the invoices format (docs/formats/chc-invoices-v1.md), so the demo checks
// them through `csu chc check-invoices` as a CCG would a provider's bills.
// One invoice per package live in the month, for the days it is live, at the
// package's own cost (chc/package_cost.h) — most are payable. So that the
// checks have something to find, a few are wrong in the ways providers' bills
// are: every 7th is £25.00 too high (a rate not yet agreed), every 11th is
// sent twice under the same reference, and every 13th starts a week before the
// package did (care billed before it was commissioned), where that is possible.
// The same packages and month give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chc/package_cost.h"
#include "core/date.h"

namespace csu::synth {

struct ChcInvoiceStats {
  int64_t invoices = 0, overcharged = 0, duplicates = 0, before_package = 0;
};

// The file's text for the invoices of `month` (any day in it) over
// `packages` (every CCG's), ordered by CCG then package.
std::string GenerateChcInvoices(const std::vector<chc::Package>& packages, Date month, ChcInvoiceStats* stats = nullptr);

}  // namespace csu::synth
