// Plain-text accounting journals in the common hledger/ledger syntax, and
// the ledger's CSV (docs/formats/ledger-journal-v1.md), read into
// Transactions and written back. Pure functions, thread-safe.
//
// What is read (the subset of https://hledger.org/1.25/hledger.html#journal-format
// that a double-entry ledger in pounds needs):
//   2018-09-30 * (ACC-09) Acute accrual  ; reverse:next-period
//       expenses:programme:acute     £1,250,000.00  ; cost-centre:CC110, counterparty:RWE
//       liabilities:current:accruals
// Dates YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD (month and day may be one
// digit); a status mark '*' or '!'; a code in brackets; a description;
// postings indented by spaces or a tab, the amount two or more spaces (or a
// tab) after the account; amounts in £ with thousands separators and a sign
// before or after the '£'; one posting per transaction may leave its amount
// out; ';' comments after a header or posting, and ';', '#' or '*' comment
// lines, and comment ... end comment blocks. Tags in comments carry the
// ledger's own fields: cost-centre:CODE and counterparty:ODS on a posting,
// reverse:next-period on a transaction (an accrual).
// `account` and `commodity £` directives are accepted and ignored. Anything
// else (other directives, include, secondary dates, balance assertions,
// prices, virtual postings, other currencies) is refused, naming the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ledger/ledger_types.h"

namespace csu::ledger {

// Reads a whole journal. The first malformed or unbalanced transaction
// stops it: the Error's where is "file:line" of the offending line, and no
// transaction is returned. An elided amount is filled in, so every
// returned transaction balances (CheckBalanced).
Result<std::vector<Transaction>> ParseJournal(std::string_view text, const std::string& file);

// Reads the ledger CSV: header date,reference,description,account,amount
// then optionally cost_centre,counterparty,comment,reverse (any order of the
// optional ones, each at most once). Consecutive rows with the same
// reference form one transaction and must share date and description;
// reverse is "yes" on every row of an accrual or empty. All or nothing, as
// ParseJournal.
Result<std::vector<Transaction>> ParseLedgerCsv(std::string_view text, const std::string& file);

// Writes one transaction in the syntax above, every amount explicit as
// "£1234.56" (no separators, so hledger shows balances the same way),
// accounts padded so amounts line up, then a blank line.
void AppendJournalText(const Transaction& t, std::string& out);

}  // namespace csu::ledger
