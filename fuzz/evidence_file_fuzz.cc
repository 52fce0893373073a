// libFuzzer target: the evidence file check over arbitrary uploads (a name
// line, then the bytes), checked by fuzz::CheckEvidenceFile. Built and run
// by scripts/fuzz.sh.
#include "evidence_checks.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("evidence_file", data, size, csu::fuzz::CheckEvidenceFile);
}
