// Replays fuzz/corpus/cube_partials through the cube_partials fuzz target's
// checks (fuzz/cube_partials_checks.h), so the default suite keeps every
// input the fuzzer ever needed fixed, without clang.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/cube_partials_checks.h"

namespace csu::analytics {
namespace {

TEST(CubePartialsFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("cube_partials");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size(), 0))
      ASSERT_EQ(fuzz::CheckCubePartials(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

}  // namespace
}  // namespace csu::analytics
