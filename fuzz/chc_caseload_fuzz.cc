// libFuzzer target: the CHC caseload reader over arbitrary bytes, checked by
// fuzz::CheckCaseload. Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "chc_caseload_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("chc caseload", data, size, csu::fuzz::CheckCaseload);
}
