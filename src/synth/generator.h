// `csu synth`: a year of synthetic hospital activity for the registered
// patients of real GP practices, written as apc.csv, op.csv and ae.csv in
// the activity extract format v1, and the CCGs' contracts with their main
// providers for the year, planned near that activity priced at tariff, as
// contracts.csv in the contract plans format v1 (synth/contract_plans.h).
//
// Practices are generated one at a time in the order of the national
// practice list; each has its own random stream derived from (seed, practice
// code), so a practice's rows do not depend on which other CCGs were chosen
// (and practices could be generated in parallel). Rows are grouped by
// practice and sorted by date within it. Memory is bounded by the largest
// practice (a few MB), so England scale streams to disk.
//
// Same reference data and options -> byte-identical files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/result.h"
#include "synth/summary.h"

namespace csu::refdata {
class RefData;
}

namespace csu::synth {

struct SynthOptions {
  std::string out_dir;
  uint64_t seed = 1;
  FinancialYear year{2018};
  // CCGs to cover; empty means the default CSU (DefaultCcgs()) unless
  // `england` is set.
  std::vector<OdsCode> ccgs;
  bool england = false;
  // Only these practices (of the chosen CCGs); empty = all. For tests.
  std::vector<OdsCode> practices;
  int64_t defects = 0;
  bool progress = true;  // a status line on a terminal (never in pipes)
};

// NHS Cheshire, Warrington and Wirral: Cheshire, Warrington, Wirral CCGs.
std::vector<OdsCode> DefaultCcgs();

// Generates and writes the four files into options.out_dir (created if
// missing). Errors: unknown CCG or practice, a year without a tariff,
// unwritable directory. On error no file appears under a final name.
// Not thread-safe per call; reads `refdata` only.
Result<SynthSummary> Generate(const refdata::RefData& refdata, const SynthOptions& options);

}  // namespace csu::synth
