// Replays fuzz/corpus/overview_figures through the overview_figures fuzz
// target's checks (fuzz/overview_figures_checks.h), so the default suite
// keeps every input the fuzzer ever needed fixed, without clang.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/overview_figures_checks.h"

namespace csu::analytics {
namespace {

TEST(OverviewFiguresFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("overview_figures");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size(), 0))
      ASSERT_EQ(fuzz::CheckOverviewFigures(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

}  // namespace
}  // namespace csu::analytics
