// libFuzzer target: CsvReader over arbitrary bytes, checked by
// fuzz::CheckCsvReader (termination, views, line numbers, round trip).
// Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("csv_reader", data, size, csu::fuzz::CheckCsvReader);
}
