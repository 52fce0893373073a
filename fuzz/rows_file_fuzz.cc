// libFuzzer target: a retained rows file, compressed or as text, of the kind its first byte picks, checked by CheckRowsFile in fuzz/store_file_checks.h. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include "fuzz_target.h"
#include "store_file_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("rows_file", data, size, csu::fuzz::CheckRowsFile);
}
