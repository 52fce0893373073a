// Test helper: the project's own reference data (data/refdata), loaded once
// per test binary and shared read-only by every test that needs it. Aborts
// the binary with the loader's message if the data does not load, since
// every such test would fail anyway.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "refdata/refdata.h"

namespace csu::refdata {

inline const RefData& TestRefData() {
  static const RefData* ref = [] {
    auto loaded = RefData::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata");
    if (!loaded.ok()) {
      std::fprintf(stderr, "reference data does not load: %s\n", loaded.error().ToString().c_str());
      std::abort();
    }
    return new RefData(std::move(loaded).value());
  }();
  return *ref;
}

}  // namespace csu::refdata
