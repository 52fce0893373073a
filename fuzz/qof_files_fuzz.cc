// libFuzzer target: the QOF calculator's two input files and its arithmetic
// over arbitrary bytes, checked by fuzz::CheckQofFiles. Built and run by
// scripts/fuzz.sh.
#include "fuzz_target.h"
#include "qof_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("qof", data, size, csu::fuzz::CheckQofFiles);
}
