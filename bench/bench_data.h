// Data shared by benchmarks: the demo CSU's synthetic year (CCGs 27D, 02E,
// 12F, seed 1), generated once per benchmark run into a temporary folder
// that is removed at exit.
#pragma once

#include <cstdint>
#include <string>

namespace csu::refdata {
class RefData;
}

namespace csu::bench {

struct DemoData {
  std::string dir;
  std::string apc_path, op_path, ae_path;
  int64_t apc_rows = 0, op_rows = 0, ae_rows = 0;
  uint64_t apc_bytes = 0;
  const refdata::RefData& ref() const;
};

// Generates on first use (a few seconds); aborts if generation fails.
const DemoData& Demo();

}  // namespace csu::bench
