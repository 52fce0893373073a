// libFuzzer target: the procurement criteria and scores CSV readers and the
// evaluation over them, checked by fuzz::CheckProcurementFiles. Built and run
// by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "procurement_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("procurement", data, size, csu::fuzz::CheckProcurementFiles);
}
