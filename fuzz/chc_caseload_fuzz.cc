// libFuzzer target: the CHC caseload reader over arbitrary bytes, checked by
// fuzz::CheckCaseload. Built and run by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "chc_caseload_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckCaseload(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "chc caseload invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
