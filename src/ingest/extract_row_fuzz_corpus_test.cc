// Replays fuzz/corpus/extract_row through the extract_row fuzz target's
// checks (fuzz/extract_row_checks.h), so the default suite keeps every input
// the fuzzer ever needed fixed, without clang; and shows that each check
// rejects a wrong outcome, so a check that cannot fail is caught here.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/extract_row_checks.h"
#include "refdata/refdata_for_tests.h"

namespace csu::ingest {
namespace {

TEST(ExtractRowFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("extract_row");
  ASSERT_GE(inputs.size(), 7u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckExtractRow(refdata::TestRefData(), std::string_view(data).substr(0, n)), "")
          << path << " prefix " << n;
  }
}

TEST(ExtractRowFuzzCorpus, EachCheckRejectsAWrongOutcome) {
  const RowProblem problem{Column::kHrg, "not in the tariff", "'XX99Z'"};
  EXPECT_EQ(fuzz::CheckOutcome(true, {problem}, "S1"), "verdict and problems disagree");
  EXPECT_EQ(fuzz::CheckOutcome(false, {}, "S1"), "verdict and problems disagree");
  EXPECT_EQ(fuzz::CheckOutcome(true, {}, "RBT-9434765919"), "accepted an identifier holding an NHS number");
  const RowProblem echoing{Column::kSpellId, "bad", "'943 476 5919'"};
  EXPECT_EQ(fuzz::CheckOutcome(false, {echoing}, ""), "a problem repeats an NHS number: bad");
  EXPECT_EQ(fuzz::CheckOutcome(true, {}, "RBT-9434765918"), "");  // not a valid NHS number
  EXPECT_EQ(fuzz::CheckOutcome(false, {problem}, ""), "");
}

}  // namespace
}  // namespace csu::ingest
