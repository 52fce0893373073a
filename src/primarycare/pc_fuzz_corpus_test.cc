// Replays fuzz/corpus/primary_care_files through the primary_care_files fuzz
// target's checks (fuzz/primary_care_checks.h), and shows that those checks
// catch a wrong global sum and a refusal that names no file.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/primary_care_checks.h"

namespace csu::primarycare {
namespace {

TEST(PrimaryCareFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("primary_care_files");
  ASSERT_GE(inputs.size(), 6u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckPrimaryCareFiles(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

TEST(PrimaryCareFuzzCorpus, ChecksRejectWrongFigures) {
  // 8,000.0016 weighted × £112.50 ÷ 12 = £75,000.015: half a penny, up.
  EXPECT_EQ(fuzz::CheckGlobalSum(8'000'001'600, 11250, 7'500'002), "");
  EXPECT_EQ(fuzz::CheckGlobalSum(8'000'001'600, 11250, 7'500'001),
            "global sum not rounded half up from the exact figure");
  EXPECT_NE(fuzz::CheckRefusal(Error{"", "bad"}, "lists.csv"), "");
  EXPECT_NE(fuzz::CheckRefusal(Error{"lists.csv:2", ""}, "lists.csv"), "");
  EXPECT_EQ(fuzz::CheckRefusal(Error{"lists.csv:2: weighted", "bad"}, "lists.csv"), "");
}

}  // namespace
}  // namespace csu::primarycare
