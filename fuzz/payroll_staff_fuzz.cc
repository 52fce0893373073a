// libFuzzer target: the payroll staff file reader over arbitrary bytes,
// checked by fuzz::CheckStaffFile. Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "payroll_staff_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("payroll staff", data, size, csu::fuzz::CheckStaffFile);
}
