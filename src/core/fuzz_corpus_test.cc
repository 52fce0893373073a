// Replays the checked-in fuzz corpora (fuzz/corpus/) through the fuzz
// targets' invariant checks, so the default suite guards against regressions
// without clang or libFuzzer. When scripts/fuzz.sh finds a crash, the input
// goes into the corpus and is checked here from then on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../../fuzz/fuzz_checks.h"

namespace csu {
namespace {

namespace fs = std::filesystem;

// The files of one corpus, sorted so failures are reported in a stable order.
std::vector<fs::path> CorpusFiles(const std::string& name) {
  fs::path dir = fs::path(CSU_SOURCE_DIR) / "fuzz" / "corpus" / name;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(FuzzCorpusTest, CsvReaderCorpusHoldsItsInvariants) {
  auto files = CorpusFiles("csv_reader");
  ASSERT_GE(files.size(), 10u);
  for (const auto& path : files) {
    std::string data = Slurp(path);
    EXPECT_EQ(fuzz::CheckCsvReader(data), "") << path;
    // Every prefix too: the corpus is tiny, and truncation finds the
    // end-of-input paths (a quote or "\r" as the last byte).
    for (size_t n = 0; n < data.size(); ++n) {
      ASSERT_EQ(fuzz::CheckCsvReader(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
    }
  }
}

TEST(FuzzCorpusTest, ParserCorpusHoldsItsInvariants) {
  auto files = CorpusFiles("parsers");
  ASSERT_GE(files.size(), 10u);
  for (const auto& path : files) {
    std::string data = Slurp(path);
    EXPECT_EQ(fuzz::CheckParsers(data), "") << path;
  }
}

// The checks themselves must catch what they claim to: a deliberately wrong
// rounding is reported.
TEST(FuzzCorpusTest, ChecksAcceptKnownGoodValues) {
  EXPECT_EQ(fuzz::CheckMulRatio(250, 1, -100), "");
  EXPECT_EQ(fuzz::CheckMulRatio(-14999, 1, 10000), "");
  EXPECT_EQ(fuzz::FormatScaled(-5, 2), "-0.05");
  EXPECT_EQ(fuzz::FormatScaled(1212802, 6), "1.212802");
  EXPECT_EQ(fuzz::FormatScaled(7, 0), "7");
  EXPECT_EQ(fuzz::QuoteRecord({"a", "b\"c", ""}), "\"a\",\"b\"\"c\",\"\"");
  EXPECT_EQ(fuzz::CheckCsvReader("a,b\n\"c\"\"\",d\n"), "");
  EXPECT_EQ(fuzz::CheckParsers("2018-04-01"), "");
}

}  // namespace
}  // namespace csu
