// Replays the checked-in HTTP fuzz corpus (fuzz/corpus/http_request/)
// through the fuzz target's invariant checks, so the default suite guards
// the parser against regressions without clang. A crash scripts/fuzz.sh
// finds goes into that folder once fixed and is checked here from then on.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../../fuzz/http_checks.h"

namespace csu::http {
namespace {

namespace fs = std::filesystem;

TEST(RequestParserCorpusTest, CorpusHoldsItsInvariants) {
  fs::path dir = fs::path(CSU_SOURCE_DIR) / "fuzz" / "corpus" / "http_request";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 20u);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(fuzz::CheckRequestParser(data), "") << path;
    // Every prefix too: truncation reaches the incomplete-input paths.
    for (size_t n = 0; n < data.size(); ++n) {
      ASSERT_EQ(fuzz::CheckRequestParser(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
    }
  }
}

// The checks catch what they claim to: a smuggling-shaped stream is refused,
// and a well-formed one is described the same whole and byte by byte.
TEST(RequestParserCorpusTest, ChecksSeeOneRequestPerFraming) {
  std::vector<std::string> out;
  EXPECT_EQ(fuzz::ParseStream("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                              0, ParserLimits{}, &out, nullptr),
            "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "error 400");
  EXPECT_EQ(fuzz::CheckRequestParser("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"), "");
}

}  // namespace
}  // namespace csu::http
