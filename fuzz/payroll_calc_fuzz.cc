// libFuzzer target: the payroll calculator's cases file and its arithmetic
// over arbitrary bytes, checked by fuzz::CheckPayrollCalc. Built and run by
// scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "payroll_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckPayrollCalc(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "payroll invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
