// libFuzzer target: CsvReader over arbitrary bytes, checked by
// fuzz::CheckCsvReader (termination, views, line numbers, round trip).
// Built and run by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A view of libFuzzer's own exactly-sized buffer, so a read one past the
  // end of the input is caught by AddressSanitizer.
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckCsvReader(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "csv_reader invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
