// libFuzzer target: the cube partials' reader (what a node reads from another
// node's internal endpoint) over arbitrary bytes, checked by
// fuzz::CheckCubePartials. Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "cube_partials_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("cube_partials", data, size, csu::fuzz::CheckCubePartials);
}
