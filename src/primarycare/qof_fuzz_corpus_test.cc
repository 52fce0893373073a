// Replays fuzz/corpus/qof_files through the qof_files fuzz target's checks
// (fuzz/qof_checks.h), and shows that those checks catch wrong figures: a
// check that passed everything would make the fuzzing worthless.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/qof_checks.h"

namespace csu::primarycare {
namespace {

TEST(QofFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("qof_files");
  ASSERT_GE(inputs.size(), 3u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckQofFiles(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

TEST(QofFuzzCorpus, ChecksRejectWrongFigures) {
  const QofPractice p{"N81001", "2024/25", 8000, 9964, Money::FromPence(22062), std::nullopt};
  QofIndicator i;
  i.practice_code = "N81001";
  i.indicator = "DM012";
  i.points_available = 4;
  i.lower_threshold = 50 * kPercentScale;
  i.upper_threshold = 90 * kPercentScale;
  i.numerator = 45;
  i.denominator = 60;
  i.pcas = 5;
  i.register_size = 600;
  i.national_prevalence = 7'500'000;
  i.prevalence_adjusted = true;
  const QofResult right = CalculateQof(p, i);
  EXPECT_EQ(fuzz::CheckQofResult(p, i, right), "");
  QofResult wrong = right;
  wrong.payment = wrong.payment + Money::FromPence(1);  // a penny out
  EXPECT_EQ(fuzz::CheckQofResult(p, i, wrong), "payment not rounded half up from the exact figure");
  wrong = right;
  wrong.points_hundredths = 319;  // 3.1818 rounded the wrong way
  EXPECT_EQ(fuzz::CheckQofResult(p, i, wrong), "points not rounded half up from the exact figure");
  wrong = right;
  wrong.achievement_hundredths = 8181;  // truncated, not rounded
  EXPECT_EQ(fuzz::CheckQofResult(p, i, wrong), "achievement not rounded from the exact ratio");
}

}  // namespace
}  // namespace csu::primarycare
