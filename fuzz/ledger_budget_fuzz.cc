// libFuzzer target: the budget file reader (docs/formats/ledger-budget-v1.md) over
// arbitrary bytes, checked by fuzz::CheckBudgetText (no crash; what is read
// writes back to the same lines). Built and run by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger_budget_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckBudgetText(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "budget invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
