// Replays fuzz/corpus/billing through the billing_text fuzz target's checks
// (fuzz/billing_checks.h), so the default suite keeps every input the fuzzer
// ever needed fixed, without clang.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/billing_checks.h"

namespace csu::billing {
namespace {

TEST(BillingFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("billing");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckBillingText(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

}  // namespace
}  // namespace csu::billing
