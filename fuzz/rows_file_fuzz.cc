// libFuzzer target: a retained rows file, compressed or as text, of the kind its first byte picks, checked by CheckRowsFile in fuzz/store_file_checks.h. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store_file_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckRowsFile(input);
  if (!problem.empty()) {
    std::fprintf(stderr, "rows_file invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
