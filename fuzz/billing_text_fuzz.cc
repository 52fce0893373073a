// libFuzzer target: the billing module's text parsers (catalogue file rows,
// billing periods, percentages) over arbitrary bytes, checked by
// fuzz::CheckBillingText. Built and run by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "billing_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckBillingText(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "billing invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
