// libFuzzer target: the ledger's journal and CSV readers and amounts over
// arbitrary bytes, checked by fuzz::CheckLedgerText (no crash; what is read
// balances and writes back to itself). Built and run by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckLedgerText(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "ledger invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
