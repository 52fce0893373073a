// libFuzzer target: one extract row through the row validator of every
// kind, checked by fuzz::CheckExtractRow (fuzz/extract_row_checks.h). The
// reference data is loaded once from data/refdata (scripts/fuzz.sh runs from
// the repository's root). Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "extract_row_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const csu::refdata::RefData* ref = [] {
    auto loaded = csu::refdata::RefData::Load("data/refdata");
    if (!loaded.ok()) {
      std::fprintf(stderr, "reference data: %s\n", loaded.error().ToString().c_str());
      std::abort();
    }
    return new csu::refdata::RefData(std::move(loaded).value());
  }();
  return csu::fuzz::RunTarget("extract row", data, size,
                                [](std::string_view text) { return csu::fuzz::CheckExtractRow(*ref, text); });
}
