// Invariants of the CHC provider invoices reader (src/chc/invoice_file.h)
// over arbitrary input, shared by the chc_invoices fuzz target and the test
// that replays its corpus (src/chc/chc_invoices_fuzz_corpus_test.cc).
// Header-only.
//
// CheckInvoices(text): the reader returns invoices or problems, never both
// and never neither; every problem names a line and a field of the format
// and says why in one of the reader's own sentences (so it cannot repeat a
// value); every accepted row keeps the format's rules.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "chc/invoice_file.h"
#include "file_problem_checks.h"

namespace csu::fuzz {

inline std::string CheckInvoiceRow(const chc::ProviderInvoice& r) {
  if (r.ccg.empty() || r.provider.empty() || r.provider.size() > 20) return "a row without a CCG or provider accepted";
  if (r.invoice_ref.empty() || r.invoice_ref.size() > 40) return "a bad invoice_ref accepted";
  if (r.case_id.has_value() == !r.pseudonym.empty()) return "a row naming its case both ways or neither";
  if (r.case_id && *r.case_id <= 0) return "a case number below 1 accepted";
  if (!r.case_id && r.pseudonym.size() != 64) return "a pseudonym not of 64 digits accepted";
  if (r.to < r.from || r.to - r.from > 366) return "a period out of order or too long accepted";
  if (r.amount.pence() <= 0) return "an amount of 0 or less accepted";
  return "";
}

inline const std::set<std::string>& InvoiceSentences() {
  static const std::set<std::string> s = {
      "has N fields, not N", "has no invoices", "is before period_from", "is longer than N characters",
      "is more than N days after period_from", "is neither a case number nor a pseudonym (N hexadecimal digits)",
      "is not a CCG in the reference data", "is not a case number (N or more)", "is not a date (YYYY-MM-DD)",
      "is not an ODS code", "is not an amount of pounds more than N", "is required",
      "no header row (docs/formats/chc-invoices-vN.md)",
      "not a well-formed CSV record (unterminated quoted field)",
      "not a well-formed CSV record (text after a closing quote)",
      "not a well-formed CSV record (quote inside an unquoted field)",
      "the header is not the N columns of docs/formats/chc-invoices-vN.md in order"};
  return s;
}

inline std::string CheckInvoices(std::string_view text) {
  chc::InvoiceFile f = chc::ReadInvoices(text, nullptr);
  if (!f.rows.empty() && !f.problems.empty()) return "both invoices and problems";
  if (f.rows.empty() && f.problems.empty()) return "neither invoices nor problems";
  static const std::set<std::string> kFields = {"",          "ccg",       "provider", "invoice_ref",
                                                "case",      "period_from", "period_to", "amount"};
  if (std::string e = CheckFileProblems(f.problems, kFields, InvoiceSentences()); !e.empty()) return e;
  for (const auto& r : f.rows)
    if (std::string e = CheckInvoiceRow(r); !e.empty()) return e;
  return "";
}

}  // namespace csu::fuzz
