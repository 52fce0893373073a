// libFuzzer target: the pay run period file and everything a run produces
// from it (payslips, bank file, FPS), checked by fuzz::CheckPayRunFile.
// Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "pay_run_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("pay_run_file", data, size, csu::fuzz::CheckPayRunFile);
}
