// A month's invoice run: for every CCG with a subscription covering the
// month, compute its invoice from the stored catalogue, subscriptions,
// population and usage, and issue it unless the CCG already has a live one
// for the month (docs/billing.md, "Invoices and credit notes").
#pragma once

#include <functional>
#include <optional>
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

// Server mode's invoice run is a singleton job (docs/server-mode.md,
// "Singleton jobs"): `csu invoice run --database` holds this session-level
// advisory lock (pg::JobLock) for the whole run, so two runs on different
// machines never both run; each invoice is still numbered under
// store::kBillingWriteLock. Listed with the other keys in store/sql.h.
inline constexpr int64_t kInvoiceRunJobLock = 0x4f70656e435355'0e;

struct InvoiceRunOptions {
  int64_t vat_rate_bp = 2000;  // the standard rate, 20 %
  Date today;                  // the platform clock: only ended months are invoiced
  bool dry_run = false;        // compute and report, issue nothing
};

// Asked before each invoice is issued (server mode: that the run still holds
// its job lock). An Error stops the run there: the invoices issued before it
// stay issued and are returned, with the Error in InvoiceRunResult::stopped.
using MayContinue = std::function<Status()>;

struct InvoiceRunResult {
  std::vector<Invoice> issued;          // (dry run: computed) in CCG order
  std::vector<std::string> already;     // live invoices left as they were
  std::vector<std::string> nothing_to_charge;  // CCGs whose lines were all £0.00: no invoice
  std::optional<Error> stopped;         // MayContinue's refusal: the run did not finish
};

// Issues each invoice in its own transaction, so a failure part-way keeps the
// ones already issued (numbered without gaps) and a re-run completes the rest.
// Errors: a month not ended, a per-head charge for a CCG with no population,
// a damaged catalogue, a double charge.
Result<InvoiceRunResult> RunInvoices(BillingStore& db, const refdata::RefData& ref, Period period,
                                     const InvoiceRunOptions& options, const Actor& actor,
                                     const MayContinue& may_continue = nullptr);

// The invoice `ccg` would get for `period` now (nothing issued), from the
// catalogue, subscriptions, population and usage held: what RunInvoices
// issues, and what --dry-run shows.
Result<Invoice> PreviewInvoice(BillingStore& db, const refdata::RefData& ref, const std::string& ccg, Period period,
                               int64_t vat_rate_bp);

}  // namespace csu::billing
