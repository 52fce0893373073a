// libFuzzer target: the enhanced-service claim rules over arbitrary form
// text (periods, units, fees, caps, windows, codes, free text), checked by
// fuzz::CheckClaimRules. Built and run by scripts/fuzz.sh.
#include "claims_checks.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("claims_rules", data, size, csu::fuzz::CheckClaimRules);
}
