// Replays fuzz/corpus/procurement_files through the procurement_files fuzz
// target's checks (fuzz/procurement_checks.h), and shows that the checks
// catch a wrong evaluation: a check that passed everything would make the
// fuzzing worthless.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/procurement_checks.h"

namespace csu::procurement {
namespace {

TEST(ProcurementFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("procurement_files");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs)
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckProcurementFiles(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
}

TEST(ProcurementFuzzCorpus, ChecksRejectAWrongEvaluation) {
  Evaluation ev;
  BidResult a, b;
  a.bid = "A";
  a.total = Rational(50);
  a.non_price = Rational(50);
  a.criteria.push_back({});
  a.criteria.back().weighted = Rational(50);
  b.bid = "B";
  b.total = Rational(60);
  b.non_price = Rational(60);
  b.criteria.push_back({});
  b.criteria.back().weighted = Rational(60);
  ev.bids = {a, b};  // out of order
  EXPECT_EQ(fuzz::CheckEvaluation(ev), "ranking out of order");
  ev.bids = {b, a};
  EXPECT_EQ(fuzz::CheckEvaluation(ev), "");
  ev.bids[0].total = Rational(61);
  EXPECT_EQ(fuzz::CheckEvaluation(ev), "total is not quality plus price");
  EXPECT_EQ(fuzz::CheckRefusal(Error{"", "x"}), "refusal without a place or reason");
}

}  // namespace
}  // namespace csu::procurement
