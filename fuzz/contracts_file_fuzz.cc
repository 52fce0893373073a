// libFuzzer target: a contract plans file, checked by
// fuzz::CheckContractsFile (fuzz/contracts_file_checks.h) against the
// reference data in data/refdata, loaded once. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include "fuzz_target.h"
#include "contracts_file_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const csu::refdata::RefData* ref = [] {
    auto loaded = csu::refdata::RefData::Load("data/refdata");
    if (!loaded.ok()) {
      std::fprintf(stderr, "reference data: %s\n", loaded.error().ToString().c_str());
      std::abort();
    }
    return new csu::refdata::RefData(std::move(loaded).value());
  }();
  return csu::fuzz::RunTarget("contracts_file", data, size,
                              [](std::string_view text) { return csu::fuzz::CheckContractsFile(*ref, text); });
}
