// The CHC provider invoices file (docs/formats/chc-invoices-v1.md): invoices
// from care providers to be checked against the packages. ReadInvoices
// checks every row's form and returns either all invoices or every problem
// (line and field, never a value). Whether an invoice matches a package is
// not a problem of the file: invoice_check.h decides that. Pure.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/fixed_csv.h"
#include "core/money.h"

namespace csu::chc {

struct ProviderInvoice {
  int64_t line = 0;
  std::string ccg, provider, invoice_ref;
  std::optional<int64_t> case_id;  // the case by number, or
  std::string pseudonym;           // by pseudonym (64 lower-case hex digits)
  Date from, to;
  Money amount;
  // The case as the file gave it, for lists ("17" or the pseudonym).
  std::string CaseRef() const { return case_id ? std::to_string(*case_id) : pseudonym; }
};

struct InvoiceFile {
  std::vector<ProviderInvoice> rows;  // empty when there are problems
  std::vector<FileProblem> problems;
};

// `is_ccg` answers whether a (capitalised) code is a CCG; null accepts any
// well-formed code (for the fuzz target).
InvoiceFile ReadInvoices(std::string_view text, const std::function<bool(const std::string&)>& is_ccg);

inline constexpr std::string_view kInvoicesHeader = "ccg,provider,invoice_ref,case,period_from,period_to,amount";

}  // namespace csu::chc
