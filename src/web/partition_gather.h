// The gather of a view across CCGs under a partition map
// (docs/server-mode.md, "Partitions"): for each commissioner group holding
// a CCG the view needs, the partials of the cube come from one node that
// owns the group (this node itself when it is an owner, else the first
// owner, else the second when the first fails), and are merged exactly
// (analytics::CubePartials::Merge). A group whose two owners both fail
// makes the gather fail, naming the group and both nodes' errors: a view
// across CCGs is never shown with a group silently missing.
//
// The CSU overview page's rows of CCGs held elsewhere are gathered the same
// way (GatherOverview), as figures per CCG: each owner holds its CCGs whole.
//
// Pure over its two functions, so the tests drive it with fakes; `csu serve`
// gives it a signed HTTP GET (web/node_auth.h, http/client.h).
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "analytics/cube_partials.h"
#include "analytics/overview_figures.h"
#include "core/date.h"
#include "core/result.h"
#include "store/partition_map.h"

namespace csu::web {

// A signed GET of `target` from `node`: the body of a 200 answer, or an error.
using PartialsFetch = std::function<Result<std::string>(const store::PartitionNode& node, const std::string& target)>;
// This node's own partials for `commissioners` in `year`.
using LocalPartials = std::function<analytics::CubePartials(FinancialYear year, const std::set<std::string>& commissioners)>;

struct Gathered {
  analytics::CubePartials partials;
  std::vector<std::string> answered_by;  // "GROUP=NODE", in group order
};

// The internal endpoint's target for one group's partials.
std::string PartialsTarget(const std::string& group, FinancialYear year);

// Gathers the groups holding any of `wanted` (every group when empty).
Result<Gathered> GatherPartials(const store::PartitionMap& map, const std::string& self, FinancialYear year,
                                const std::set<std::string>& wanted, const LocalPartials& local,
                                const PartialsFetch& fetch);

// The CSU overview's figures (docs/formats/overview-figures-v1.md) of the
// CCGs in `wanted` that groups this node does not own hold, each group's
// from one owner (the first, else the second). A group neither owner
// answered is a problem, named with both reasons, and its CCGs are left
// out: the page shows their cells empty and says why, never zeros.
struct GatheredOverview {
  analytics::OverviewByCcg figures;
  std::vector<std::string> answered_by;  // "GROUP=NODE", in group order
  struct Missing {
    const store::PartitionGroup* group = nullptr;
    std::string detail;  // both owners' reasons, with their addresses: for the server's log
  };
  std::vector<Missing> missing;  // the groups neither owner answered
};
std::string OverviewTarget(const std::string& group, FinancialYear year);
GatheredOverview GatherOverview(const store::PartitionMap& map, const std::string& self, FinancialYear year,
                                const std::set<std::string>& wanted, const PartialsFetch& fetch);

}  // namespace csu::web
