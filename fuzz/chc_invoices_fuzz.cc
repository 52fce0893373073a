// libFuzzer target: the CHC provider invoices reader over arbitrary bytes,
// checked by fuzz::CheckInvoices. Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "chc_invoices_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("chc invoices", data, size, csu::fuzz::CheckInvoices);
}
