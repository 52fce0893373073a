// libFuzzer target: the ledger's journal and CSV readers and amounts over
// arbitrary bytes, checked by fuzz::CheckLedgerText (no crash; what is read
// balances and writes back to itself). Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "ledger_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("ledger", data, size, csu::fuzz::CheckLedgerText);
}
