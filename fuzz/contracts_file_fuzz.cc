// libFuzzer target: a contract plans file, checked by
// fuzz::CheckContractsFile (fuzz/contracts_file_checks.h) against the
// reference data in data/refdata, loaded once. Built and run by
// scripts/fuzz.sh (which runs it from the repository's root).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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
  std::string problem = csu::fuzz::CheckContractsFile(*ref, std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "contracts_file invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
