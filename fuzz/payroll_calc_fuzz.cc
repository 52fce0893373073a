// libFuzzer target: the payroll calculator's cases file and its arithmetic
// over arbitrary bytes, checked by fuzz::CheckPayrollCalc. Built and run by
// scripts/fuzz.sh.
#include "fuzz_target.h"
#include "payroll_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("payroll", data, size, csu::fuzz::CheckPayrollCalc);
}
