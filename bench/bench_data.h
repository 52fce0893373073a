// Data shared by benchmarks: the demo CSU's synthetic year (CCGs 27D, 02E,
// 12F, seed 1), generated once per benchmark run into a temporary folder
// that is removed at exit, and its admitted care extract ingested into a
// state folder there and loaded back as column tables.
#pragma once

#include <cstdint>
#include <string>

namespace csu::refdata {
class RefData;
}
namespace csu::store {
struct ActivityTables;
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

// The demo year's apc.csv ingested (validated, pseudonymised, committed)
// into a fresh state folder and loaded: tables.apc holds every spell.
// Built on first use (a few seconds more); aborts on any failure.
const store::ActivityTables& DemoApcTables();

}  // namespace csu::bench
