// The activity cube as partials that merge exactly across nodes
// (docs/server-mode.md, "Partitions"): per commissioner × provider (ODS
// codes, not a node's dictionary ids, which differ between nodes), month
// and cube slot, the count of records and the sum of pence. Only sums and
// counts travel, never an average or a ratio, so merging the partials of
// disjoint sets of records gives exactly the partial of their union, and a
// view computed from merged partials is the view one node holding every
// record would compute.
//
//   CubePartials p = PartialsOf(cube, priced.tables.codes, {"02E", "03F"});
//   Status s = p.Merge(other_node_partials);
//   std::string wire = PartialsToJson(p);        // docs/formats/cube-partials-v1.md
//   auto back = PartialsFromJson(wire, "node b");
//
// The cross-CCG activity view (CrossCcgActivityJson, CrossCcgActivityTable)
// reads only partials, so a single node and a gather render it through the
// same code.
#pragma once

#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analytics/activity_cube.h"
#include "core/date.h"
#include "core/result.h"
#include "report/report_table.h"

namespace csu::store {
class CodeDictionaries;
}

namespace csu::analytics {

// Months 1..12 × kCubeSlots cells of one commissioner × provider pair.
using PartialCells = std::array<CubeCell, 12 * kCubeSlots>;
inline size_t PartialIndex(int month, int slot) { return static_cast<size_t>(month - 1) * kCubeSlots + slot; }

struct CubePartials {
  FinancialYear year{2018};
  // (commissioner, provider) -> cells; ordered, so every rendering of the
  // same partials is the same bytes.
  std::map<std::pair<std::string, std::string>, PartialCells> cells;

  // Adds `other`'s cells (same year, else an error and nothing changes).
  // Exact: int64 sums; an overflow is an error, never a wrapped total.
  Status Merge(const CubePartials& other);
};

// The partials of `cube` (built over tables whose dictionaries are
// `codes`), for the commissioners in `only` (all when empty).
CubePartials PartialsOf(const ActivityCube& cube, const store::CodeDictionaries& codes,
                        const std::set<std::string>& only = {});

// The wire form (docs/formats/cube-partials-v1.md): one JSON object, cells
// sorted, zero cells left out.
std::string PartialsToJson(const CubePartials& p);
// Reads the wire form; errors name `where` and the cell at fault.
Result<CubePartials> PartialsFromJson(std::string_view text, std::string_view where);

// The cross-CCG activity view (docs/server-mode.md, "The cross-CCG view"):
// activity and pence year to date by CCG × provider × point of delivery,
// and per CCG, for the CCGs in `ccgs` (others are left out). `month` 0
// means the last month with activity in the partials.
int CrossCcgMonth(const CubePartials& p, int month);
std::string CrossCcgActivityJson(const CubePartials& p, int month, const std::set<std::string>& ccgs);
report::ReportTable CrossCcgActivityTable(const CubePartials& p, int month, const std::set<std::string>& ccgs);

}  // namespace csu::analytics
