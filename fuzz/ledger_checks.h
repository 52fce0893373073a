// Invariant checks for the ledger's text readers: the journal syntax and
// the ledger CSV (docs/formats/ledger-journal-v1.md) and amounts in pounds.
// Shared by fuzz/ledger_journal_fuzz.cc and
// src/ledger/ledger_fuzz_corpus_test.cc, which replays fuzz/corpus/ledger in
// the default suite. Header-only, like fuzz_checks.h.
#pragma once

#include <string>
#include <string_view>

#include "ledger/journal_format.h"
#include "ledger/ledger_types.h"

namespace csu::fuzz {

// Returns "" when every invariant held for `data` read as a journal, as a
// ledger CSV and as an amount.
inline std::string CheckLedgerText(std::string_view data) {
  // An amount that parses formats back (as the journal writer does) to the same pence.
  if (auto m = ledger::ParsePounds(data); m.ok()) {
    auto again = ledger::ParsePounds(m.value().ToDecimal());
    if (!again.ok() || again.value() != m.value()) return "amount did not survive formatting";
  }
  // A journal: either an Error naming a line of the file, or transactions
  // that balance and that the writer writes back to the same transactions.
  auto j = ledger::ParseJournal(data, "f.journal");
  if (!j.ok()) {
    if (j.error().where.rfind("f.journal:", 0) != 0) return "journal error names no line: " + j.error().ToString();
    if (j.error().why.empty()) return "journal error says nothing";
  } else {
    std::string text;
    for (const ledger::Transaction& t : j.value()) {
      if (!ledger::CheckBalanced(t, "").ok()) return "a journal transaction read does not balance";
      ledger::AppendJournalText(t, text);
    }
    auto back = ledger::ParseJournal(text, "written.journal");
    if (!back.ok()) return "the written journal does not read back: " + back.error().ToString();
    if (back.value().size() != j.value().size()) return "the written journal has a different number of transactions";
    for (size_t i = 0; i < back.value().size(); ++i) {
      ledger::Transaction a = j.value()[i], b = back.value()[i];
      a.line = b.line = 0;
      if (!(a == b)) return "transaction " + std::to_string(i) + " changed when written and read back";
    }
  }
  auto c = ledger::ParseLedgerCsv(data, "f.csv");
  if (!c.ok()) {
    if (c.error().where.rfind("f.csv:", 0) != 0) return "CSV error names no line: " + c.error().ToString();
  } else {
    for (const ledger::Transaction& t : c.value())
      if (!ledger::CheckBalanced(t, "").ok()) return "a CSV transaction read does not balance";
  }
  return "";
}

}  // namespace csu::fuzz
