// The CSU overview's figures of a group's CCGs, as one node answers another
// (docs/formats/overview-figures-v1.md; docs/server-mode.md, "Partitions").
// A partitioned node shows every CCG's row on the CSU overview page: its own
// CCGs' figures it works out, the others it asks of their group's owner.
// A CCG is held whole by each owner of its group, so the figures travel as
// the owner computed them: nothing is merged or rounded on the way.
//
//   std::string wire = OverviewToJson(year, "g1", {{"02E", figures}});
//   auto back = OverviewFromJson(wire, "node b", year, "g1", {"02E", "27D"});
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"

namespace csu::analytics {

struct OverviewFigures {
  int month = 0;  // the last financial month with activity: the figures are April to it
  int64_t plan_ytd_pence = 0, actual_ytd_pence = 0, forecast_profiled_pence = 0;
  bool operator==(const OverviewFigures&) const = default;
};

// By CCG (ODS code).
using OverviewByCcg = std::map<std::string, OverviewFigures>;

std::string OverviewToJson(FinancialYear year, const std::string& group, const OverviewByCcg& figures);

// Reads an answer to a request for `group` in `year`. Errors name `where`
// (the node) and say why; an answer for another year or group, for a CCG
// not in `members`, or naming a CCG twice is refused whole.
Result<OverviewByCcg> OverviewFromJson(std::string_view text, std::string_view where, FinancialYear year,
                                       const std::string& group, const std::set<std::string>& members);

}  // namespace csu::analytics
