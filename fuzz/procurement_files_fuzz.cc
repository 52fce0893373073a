// libFuzzer target: the procurement criteria and scores CSV readers and the
// evaluation over them, checked by fuzz::CheckProcurementFiles. Built and run
// by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "procurement_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckProcurementFiles(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "procurement invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
