// Replays fuzz/corpus/evidence through the evidence_file fuzz target's
// checks (fuzz/evidence_checks.h), and shows the checks are not vacuous.
#include <gtest/gtest.h>

#include <set>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/evidence_checks.h"

namespace csu::primarycare {
namespace {

TEST(EvidenceFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("evidence");
  ASSERT_GE(inputs.size(), 6u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckEvidenceFile(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

TEST(EvidenceFuzzCorpus, TheCorpusReachesEveryType) {
  // Each accepted type and a refusal are in the corpus, so the replay above
  // exercises every branch of the second route.
  std::set<std::string> types;
  for (const auto& [path, data] : fuzz::CorpusFiles("evidence")) {
    const size_t nl = data.find('\n');
    auto e = CheckEvidence(data.substr(0, nl), data.substr(nl + 1));
    types.insert(e.ok() ? e.value().media_type : "refused");
  }
  EXPECT_EQ(types.size(), 6u);
}

}  // namespace
}  // namespace csu::primarycare
