// Registered population per CCG for per-head charges: the latest update in
// force on the first day of the billing month, else the reference GP
// practice lists (docs/billing.md, "Registered population").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "billing/period.h"
#include "core/date.h"

namespace csu::refdata {
class RefData;
}

namespace csu::billing {

// A CCG code as the platform keys everything by it: trimmed and upper case
// ("02e " -> "02E"), so "02e" and "02E" are never two customers. Text that is
// not an ODS code comes back unchanged (and matches no CCG).
std::string CanonicalCcg(std::string_view text);

// The CCG's name from the reference data, or the code when it has none.
std::string CcgName(const refdata::RefData& ref, const std::string& ccg);

struct PopulationUpdate {
  std::string ccg;
  Date effective_from;
  int64_t patients = 0;
  std::string set_at;
  std::string set_by;
};

// The population in force for `ccg` in `p`; nullopt when there is no update
// in force and the reference data has no list size for it.
std::optional<int64_t> PopulationIn(const std::string& ccg, Period p, const std::vector<PopulationUpdate>& updates,
                                    const refdata::RefData& ref);

}  // namespace csu::billing
