// libFuzzer target: every text parser of core (Money, Date, DateTime,
// FinancialYear, NHS number, ParseInt/ParseScaled, codes) over arbitrary
// bytes, checked by fuzz::CheckParsers (no crash, values format back and
// re-parse to themselves). Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("parser", data, size, csu::fuzz::CheckParsers);
}
