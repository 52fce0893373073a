// A month's invoice run: for every CCG with a subscription covering the
// month, compute its invoice from the stored catalogue, subscriptions,
// population and usage, and issue it unless the CCG already has a live one
// for the month (docs/billing.md, "Invoices and credit notes").
#pragma once

#include <string>
#include <vector>

#include "billing/billing_store.h"
#include "billing/invoice.h"
#include "billing/period.h"
#include "core/date.h"
#include "core/result.h"

namespace csu::refdata {
class RefData;
}

namespace csu::billing {

struct InvoiceRunOptions {
  int64_t vat_rate_bp = 2000;  // the standard rate, 20 %
  Date today;                  // the platform clock: only ended months are invoiced
  bool dry_run = false;        // compute and report, issue nothing
};

struct InvoiceRunResult {
  std::vector<Invoice> issued;          // (dry run: computed) in CCG order
  std::vector<std::string> already;     // live invoices left as they were
  std::vector<std::string> nothing_to_charge;  // CCGs whose lines were all £0.00: no invoice
};

// Issues each invoice in its own transaction, so a failure part-way keeps the
// ones already issued (numbered without gaps) and a re-run completes the rest.
// Errors: a month not ended, a per-head charge for a CCG with no population,
// a damaged catalogue, a double charge.
Result<InvoiceRunResult> RunInvoices(BillingStore& db, const refdata::RefData& ref, Period period,
                                     const InvoiceRunOptions& options, const Actor& actor);

// The invoice `ccg` would get for `period` now (nothing issued), from the
// catalogue, subscriptions, population and usage held: what RunInvoices
// issues, and what --dry-run shows.
Result<Invoice> PreviewInvoice(BillingStore& db, const refdata::RefData& ref, const std::string& ccg, Period period,
                               int64_t vat_rate_bp);

}  // namespace csu::billing
