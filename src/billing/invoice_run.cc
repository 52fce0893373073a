#include "billing/invoice_run.h"

#include <set>

#include "refdata/refdata.h"

namespace csu::billing {
Result<Invoice> PreviewInvoice(BillingStore& db, const refdata::RefData& ref, const std::string& ccg, Period period,
                               int64_t vat_rate_bp) {
  CSU_ASSIGN_OR_RETURN(catalogue, db.LoadCatalogue());
  CSU_ASSIGN_OR_RETURN(subs, db.Subscriptions());
  CSU_ASSIGN_OR_RETURN(updates, db.PopulationUpdates());
  CSU_ASSIGN_OR_RETURN(usage, db.UsageTotals(ccg, period));
  InvoiceInputs in;
  in.catalogue = &catalogue;
  in.subscriptions = std::move(subs);
  in.vat_rate_bp = vat_rate_bp;
  in.population = PopulationIn(ccg, period, updates, ref);
  in.usage = std::move(usage);
  CSU_ASSIGN_OR_RETURN(inv, ComputeInvoice(ccg, period, in));
  inv.ccg_name = CcgName(ref, ccg);
  return inv;
}

Result<InvoiceRunResult> RunInvoices(BillingStore& db, const refdata::RefData& ref, Period period,
                                     const InvoiceRunOptions& options, const Actor& actor,
                                     const MayContinue& may_continue) {
  if (period.last_day() >= options.today)
    return MakeError(period.ToString(), "the month has not ended yet (today is " + options.today.ToString() +
                                            "): a month is invoiced once its usage is complete");
  if (options.vat_rate_bp < 0 || options.vat_rate_bp > 10000) return MakeError("--vat-rate", "must be 0–100%");
  CSU_ASSIGN_OR_RETURN(subs, db.Subscriptions());
  std::set<std::string> ccgs;
  for (const Subscription& s : subs)
    if (s.Covers(period)) ccgs.insert(s.ccg);

  InvoiceRunResult out;
  for (const std::string& ccg : ccgs) {
    CSU_ASSIGN_OR_RETURN(live, db.LiveInvoice(ccg, period));
    if (live) {
      out.already.push_back(live->number);
      continue;
    }
    // Read afresh inside IssueInvoice's transaction: the invoice bills what
    // is held when it is numbered, whatever changed since the run began.
    auto compute = [&]() { return PreviewInvoice(db, ref, ccg, period, options.vat_rate_bp); };
    if (options.dry_run) {
      CSU_ASSIGN_OR_RETURN(inv, compute());
      out.issued.push_back(std::move(inv));
      continue;
    }
    if (may_continue) {
      if (Status s = may_continue(); !s.ok()) {
        out.stopped = s.error();
        return out;
      }
    }
    CSU_ASSIGN_OR_RETURN(issued, db.IssueInvoice(ccg, period, compute, actor));
    if (issued) out.issued.push_back(std::move(*issued));
    else out.nothing_to_charge.push_back(ccg);
  }
  return out;
}

}  // namespace csu::billing
