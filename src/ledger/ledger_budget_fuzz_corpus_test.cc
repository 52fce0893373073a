// Replays fuzz/corpus/ledger_budget through the ledger_budget fuzz target's
// checks (fuzz/ledger_budget_checks.h), so the default suite keeps every
// input the fuzzer ever needed fixed, without clang.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/ledger_budget_checks.h"

namespace csu::ledger {
namespace {

TEST(LedgerBudgetFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("ledger_budget");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size(), 0))
      ASSERT_EQ(fuzz::CheckBudgetText(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

}  // namespace
}  // namespace csu::ledger
