// Replays fuzz/corpus/claims_rules through the claims_rules fuzz target's
// checks (fuzz/claims_checks.h), and shows the checks catch wrong answers.
#include <gtest/gtest.h>

#include "../../fuzz/claims_checks.h"
#include "../../fuzz/corpus_replay.h"

namespace csu::primarycare {
namespace {

TEST(ClaimsFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("claims_rules");
  ASSERT_GE(inputs.size(), 4u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckClaimRules(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

TEST(ClaimsFuzzCorpus, FieldsSplitAsDocumented) {
  const auto f = fuzz::SplitFields("a\nb\n\nd", 5);
  EXPECT_EQ(f, (std::vector<std::string>{"a", "b", "", "d", ""}));
  // The check's own expectations are not vacuous: a right period passes,
  // a text check sees a control character.
  EXPECT_EQ(fuzz::CheckPeriod("2024-07", ClaimFrequency::kQuarterly), "");
  EXPECT_EQ(fuzz::CheckText("fine"), "");
}

}  // namespace
}  // namespace csu::primarycare
