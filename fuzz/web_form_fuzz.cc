// libFuzzer target: a form body and a Cookie header value, checked by CheckWebForm in fuzz/web_form_checks.h. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include "fuzz_target.h"
#include "web_form_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("web_form", data, size, csu::fuzz::CheckWebForm);
}
