// Replays fuzz/corpus/ledger through the ledger_journal fuzz target's checks
// (fuzz/ledger_checks.h), so the default suite keeps every input the fuzzer
// ever needed fixed, without clang.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../../fuzz/ledger_checks.h"

namespace csu::ledger {
namespace {

TEST(LedgerFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/ledger"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t n = 0; n <= data.size(); ++n)
      ASSERT_EQ(fuzz::CheckLedgerText(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

}  // namespace
}  // namespace csu::ledger
