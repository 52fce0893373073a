// libFuzzer target: every text parser of core (Money, Date, DateTime,
// FinancialYear, NHS number, ParseInt/ParseScaled, codes) over arbitrary
// bytes, checked by fuzz::CheckParsers (no crash, values format back and
// re-parse to themselves). Built and run by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckParsers(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "parser invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
