// Invoices and credit notes: the lines of a CCG's month from its
// subscriptions, population and metered usage, and their totals. Rules, each
// worked by hand in the golden tests: docs/billing.md ("Invoice lines", "VAT").
//
// Pure functions over values; the store issues and keeps them
// (billing_store.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "billing/catalogue.h"
#include "billing/period.h"
#include "billing/subscription.h"
#include "core/money.h"
#include "core/result.h"

namespace csu::billing {

enum class DocumentKind : uint8_t { kInvoice, kCreditNote };
std::string_view DocumentKindName(DocumentKind k);  // "invoice", "credit_note"

struct InvoiceLine {
  std::string item;         // catalogue code
  std::string description;  // what the customer reads
  std::string basis;        // how the amount was worked: "220,471 × £26.76 ÷ 12"
  int64_t quantity = 0;
  Money unit_price;         // per `per` units
  int64_t per = 1;
  Money amount;             // rounded once
  Vat vat = Vat::kStandard;
  int64_t subscription_id = 0;

  bool operator==(const InvoiceLine&) const = default;
};

// Who invoices, as printed on every document (a UK VAT invoice names its
// supplier, address and VAT registration number). Set with
// `csu invoice settings`; stamped on each document when it is issued, so a
// later change of address never alters an issued invoice.
struct Supplier {
  std::string name;
  std::string address;     // lines separated by ", " or newlines
  std::string vat_number;  // e.g. "GB 123 4567 89"; empty when not registered
  int32_t payment_days = 30;
  // How to pay: the CSU's bank, sort code and account as it configures them
  // (`csu invoice settings --remittance`); printed as given, never checked.
  std::string remittance;

  bool operator==(const Supplier&) const = default;
};

struct Invoice {
  std::string number;  // "INV-000001" / "CN-000001"; empty until issued
  DocumentKind kind = DocumentKind::kInvoice;
  std::string ccg;
  std::string ccg_name;
  Period period;
  std::string issued_at;
  std::string issued_by;
  Supplier supplier;  // stamped at issue
  // The customer's purchase-order number(s) from the subscriptions billed
  // ("no PO, no pay"), "; "-separated; a credit note keeps its invoice's.
  std::string purchase_order;
  std::string customer_address;  // the CCG's invoice address, stamped at issue
  std::string credits;  // credit notes: the invoice number they reverse
  std::string reason;   // credit notes: why
  int64_t vat_rate_bp = 2000;
  int64_t population = 0;  // in force for the period
  std::vector<InvoiceLine> lines;
  // Totals, from the lines (SetTotals).
  Money net_standard, net_zero, net_exempt;
  Money net, vat, total;
  std::string sha256;  // of CanonicalJson, set when issued

  bool operator==(const Invoice&) const = default;
};

// What ComputeInvoice needs for one CCG and period.
struct InvoiceInputs {
  const Catalogue* catalogue = nullptr;
  std::vector<Subscription> subscriptions;  // the CCG's (any period; those covering it are used)
  std::optional<int64_t> population;  // needed only by per-head lines
  std::map<std::string, int64_t, std::less<>> usage;  // meter -> quantity in the period
  int64_t vat_rate_bp = 2000;
};

// The CCG's invoice for `period`, unnumbered. No subscription covering the
// period gives an invoice with no lines (the caller issues nothing). Errors
// when a subscription's item has no version in force (a damaged catalogue).
Result<Invoice> ComputeInvoice(const std::string& ccg, Period period, const InvoiceInputs& in);

// Sets the net subtotals per VAT treatment, the VAT and the totals from the
// lines and the rate (VAT once per invoice on the standard-rated net).
void SetTotals(Invoice& inv);

// The document's date and tax point: the UK civil date of `issued_at` (a
// UTC timestamp), as YYYY-MM-DD; "" before issue. UK, like the billing month
// (docs/billing.md): an invoice for July issued at 23:30 UTC on 31 July is
// issued on 1 August, after the month it bills has ended.
std::string IssueDate(const Invoice& inv);

// The date payment is due: the issue date plus the supplier's payment days
// ("" before issue).
std::string DueDate(const Invoice& inv);

// A credit note reversing every line of `inv` in full.
Invoice CreditNoteFor(const Invoice& inv, const std::string& reason);

// The document as canonical JSON (fixed key order, amounts in pence, no
// whitespace): what `csu invoice show --format json` prints and what the
// stored SHA-256 covers (every field but sha256).
std::string CanonicalJson(const Invoice& inv);

}  // namespace csu::billing
