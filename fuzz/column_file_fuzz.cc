// libFuzzer target: a batch column file, checked by CheckColumnFile in fuzz/store_file_checks.h. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store_file_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckColumnFile(input);
  if (!problem.empty()) {
    std::fprintf(stderr, "column_file invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
