// libFuzzer target: one reference data file of the kind its first byte picks, checked by CheckRefDataFile in fuzz/refdata_file_checks.h. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "refdata_file_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckRefDataFile(input);
  if (!problem.empty()) {
    std::fprintf(stderr, "refdata_file invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
