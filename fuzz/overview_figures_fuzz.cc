// libFuzzer target: the CSU overview figures' reader (what a node reads from
// another node's internal endpoint) over arbitrary bytes, checked by
// fuzz::CheckOverviewFigures. Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "overview_figures_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("overview_figures", data, size, csu::fuzz::CheckOverviewFigures);
}
