// libFuzzer target: the billing module's text parsers (catalogue file rows,
// billing periods, percentages) over arbitrary bytes, checked by
// fuzz::CheckBillingText. Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "billing_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("billing", data, size, csu::fuzz::CheckBillingText);
}
