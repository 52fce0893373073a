// libFuzzer target: the primary care list-size and adjustments files and the
// global sum over accepted lists, checked by fuzz::CheckPrimaryCareFiles.
// Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "primary_care_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("primary_care", data, size, csu::fuzz::CheckPrimaryCareFiles);
}
