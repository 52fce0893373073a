// libFuzzer target: the budget file reader (docs/formats/ledger-budget-v1.md) over
// arbitrary bytes, checked by fuzz::CheckBudgetText (no crash; what is read
// writes back to the same lines). Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "ledger_budget_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("budget", data, size, csu::fuzz::CheckBudgetText);
}
