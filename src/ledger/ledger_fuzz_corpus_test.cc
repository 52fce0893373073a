// Replays fuzz/corpus/ledger through the ledger_journal fuzz target's checks
// (fuzz/ledger_checks.h), so the default suite keeps every input the fuzzer
// ever needed fixed, without clang.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/ledger_checks.h"

namespace csu::ledger {
namespace {

TEST(LedgerFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("ledger");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size(), 0))
      ASSERT_EQ(fuzz::CheckLedgerText(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

}  // namespace
}  // namespace csu::ledger
