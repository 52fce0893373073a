// libFuzzer target: one reference data file of the kind its first byte picks, checked by CheckRefDataFile in fuzz/refdata_file_checks.h. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include "fuzz_target.h"
#include "refdata_file_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("refdata_file", data, size, csu::fuzz::CheckRefDataFile);
}
