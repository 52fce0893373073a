// Replays fuzz/corpus/billing through the billing_text fuzz target's checks
// (fuzz/billing_checks.h), so the default suite keeps every input the fuzzer
// ever needed fixed, without clang.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../../fuzz/billing_checks.h"

namespace csu::billing {
namespace {

TEST(BillingFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/billing"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t n = 0; n <= data.size(); n += std::max<size_t>(1, data.size() / 16))
      ASSERT_EQ(fuzz::CheckBillingText(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
    EXPECT_EQ(fuzz::CheckBillingText(data), "") << path;
  }
}

}  // namespace
}  // namespace csu::billing
