// The sales and purchase ledgers (docs/ledger.md, "Invoices, receipts and
// payments"): the documents a ledger's journals post — invoices and credit
// notes, and the receipts and payments that settle them — kept beside the
// journals in ledger.sqlite (docs/store-format.md §13, table documents), and
// the reports made of them: aged debt, aged creditors and the agreement of
// balances between two entities kept on the platform.
//
// A document is stored by LedgerStore::RaiseDocument in the transaction
// that posts its journal, so the two land together or not at all,
// and its number is unique per entity, so posting it again is refused.
// Only documents whose journal is posted count (a receipt above the
// approval threshold counts once a second person approves it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ledger/ledger_store.h"
#include "report/report_table.h"

namespace csu::ledger {

std::string_view DocumentTypeName(DocumentType t);  // "invoice", "credit_note", "receipt", "payment", "accrual"
std::string_view DocumentSideName(DocumentSide s);  // "receivable", "payable"

// An invoice of an entity's sales (receivable) or purchase (payable) ledger
// with what is still owed on it as at a date.
struct OpenItem {
  DocumentLink invoice;
  Money credited;     // credit notes against it (≤ 0)
  Money settled;      // receipts or payments against it (≤ 0)
  Money outstanding;  // invoice.amount + credited + settled
  Date last_settled;  // the day the last receipt or payment moved money (meaningless when settled is 0)
};

// The entity's invoices on `side` dated up to `as_at`, with the credit notes,
// receipts and payments dated up to `as_at` set against them, by invoice
// date then number. `include_pending` counts documents whose journal waits
// for approval too (used before raising another settlement, so two pending
// receipts cannot together settle more than is owed).
Result<std::vector<OpenItem>> OpenItems(LedgerStore& db, const std::string& entity, DocumentSide side, Date as_at,
                                        bool include_pending = false);

// Aged debt (side receivable) or aged creditors (side payable) as at `as_at`:
// each invoice with an amount outstanding, in the column of its age in days
// from its invoice date (0–30, 31–60, 61–90, over 90), with a total row.
Result<report::ReportTable> AgedBalances(LedgerStore& db, const std::string& entity, DocumentSide side, Date as_at);

// The agreement of balances as at `as_at` between every pair of entities
// kept here that name each other: what the first's sales ledger says the
// second owes it against what the second's purchase ledger says it owes the
// first, invoice by invoice, each mismatch explained; then the balances of
// the receivables and payables accounts with that counterparty, and what of
// them no document explains (journals posted by hand). Rows that agree are
// listed too, so the table shows the whole balance.
Result<report::ReportTable> AgreementOfBalances(LedgerStore& db, Date as_at);

// The Better Payment Practice Code over the entity's purchase ledger: the
// invoices whose last payment is dated from..to and which nothing is
// outstanding on, and of them those paid on time: by the later of 30 days
// from the invoice date and its due date. By number and by value (what was
// paid on them), each as a share against the target of 95%. Two tables:
// the summary, then each invoice with its days to pay.
Result<std::vector<report::ReportTable>> Bppc(LedgerStore& db, const std::string& entity, Date from, Date to);

}  // namespace csu::ledger
