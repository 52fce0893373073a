// Replays fuzz/corpus/pg_placeholders through the pg_placeholders fuzz
// target's checks (fuzz/pg_placeholders_checks.h), so the default suite
// keeps every input the fuzzer ever needed fixed, without clang.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/pg_placeholders_checks.h"

namespace csu::pg {
namespace {

TEST(PgPlaceholdersFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("pg_placeholders");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size(), 0))
      ASSERT_EQ(fuzz::CheckPgPlaceholders(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

}  // namespace
}  // namespace csu::pg
