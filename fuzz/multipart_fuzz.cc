// libFuzzer target: a boundary line and a multipart/form-data body, checked by CheckMultipart in
// fuzz/multipart_checks.h. Built and run by scripts/fuzz.sh (which runs it from the repository's root).
#include "fuzz_target.h"
#include "multipart_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("multipart", data, size, csu::fuzz::CheckMultipart);
}
