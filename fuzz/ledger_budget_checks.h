// Invariant checks for the budget file reader
// (docs/formats/ledger-budget-v1.md). Shared by fuzz/ledger_budget_fuzz.cc
// and src/ledger/ledger_budget_fuzz_corpus_test.cc, which replays
// fuzz/corpus/ledger_budget in the default suite. Header-only.
#pragma once

#include <string>
#include <string_view>

#include "ledger/budget_file.h"

namespace csu::fuzz {

// Returns "" when every invariant held for `data` read as a budget file:
// either an error naming a line of the file and saying why, or lines whose
// months are each within 0..the largest amount, that appear once each, and
// that write back to a file reading to the same lines.
inline std::string CheckBudgetText(std::string_view data) {
  auto r = ledger::ParseBudgetFile(data, "b.csv");
  if (!r.ok()) {
    if (r.error().where.rfind("b.csv:", 0) != 0) return "budget error names no line: " + r.error().ToString();
    if (r.error().why.empty()) return "budget error says nothing";
    return "";
  }
  for (const ledger::BudgetLine& l : r.value()) {
    if (l.cost_centre.empty() || l.account.empty()) return "a line without a cost centre or account was read";
    for (int64_t m : l.months)
      if (m < 0 || m > ledger::kMaxBudgetPence) return "a month out of range was read";
  }
  auto back = ledger::ParseBudgetFile(ledger::WriteBudgetFile(r.value()), "w.csv");
  if (!back.ok()) return "the written budget does not read back: " + back.error().ToString();
  if (back.value().size() != r.value().size()) return "the written budget has a different number of lines";
  for (size_t i = 0; i < back.value().size(); ++i) {
    const ledger::BudgetLine &a = r.value()[i], &b = back.value()[i];
    if (a.cost_centre != b.cost_centre || a.account != b.account || a.months != b.months)
      return "line " + std::to_string(i) + " changed when written and read back";
  }
  return "";
}

}  // namespace csu::fuzz
