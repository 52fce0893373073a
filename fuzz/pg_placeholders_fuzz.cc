// libFuzzer target: the `?N` to `$N` rewrite of src/pg over arbitrary bytes,
// checked by fuzz::CheckPgPlaceholders (no crash, errors name a byte, text
// outside placeholders unchanged). Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "pg_placeholders_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("pg_placeholders", data, size, csu::fuzz::CheckPgPlaceholders);
}
