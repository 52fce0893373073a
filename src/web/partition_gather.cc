#include "web/partition_gather.h"

#include <algorithm>

namespace csu::web {

std::string PartialsTarget(const std::string& group, FinancialYear year) {
  // Group names are a-z, 0-9 and '-', years "2018/19": nothing to encode
  // but the slash.
  std::string y = year.ToString();
  y.replace(4, 1, "%2F");
  return "/internal/v1/partials?group=" + group + "&year=" + y;
}

Result<Gathered> GatherPartials(const store::PartitionMap& map, const std::string& self, FinancialYear year,
                                const std::set<std::string>& wanted, const LocalPartials& local,
                                const PartialsFetch& fetch) {
  Gathered out;
  out.partials.year = year;
  for (const store::PartitionGroup& g : map.groups) {
    const std::set<std::string> members(g.commissioners.begin(), g.commissioners.end());
    if (!wanted.empty() && std::none_of(members.begin(), members.end(), [&](const auto& c) { return wanted.count(c); }))
      continue;
    std::vector<std::string> order(g.owners.begin(), g.owners.end());
    if (order[1] == self) std::swap(order[0], order[1]);
    std::string failures;
    bool done = false;
    for (const std::string& owner : order) {
      analytics::CubePartials part;
      if (owner == self && local) {
        part = local(year, members);
      } else {
        const store::PartitionNode* node = map.Node(owner);
        if (node == nullptr) {
          failures += "; " + owner + ": not in the map";
          continue;
        }
        auto body = fetch(*node, PartialsTarget(g.name, year));
        if (!body.ok()) {
          failures += "; " + owner + ": " + body.error().ToString();
          continue;
        }
        auto parsed = analytics::PartialsFromJson(body.value(), "node " + owner);
        if (!parsed.ok()) {
          failures += "; " + owner + ": " + parsed.error().ToString();
          continue;
        }
        part = std::move(parsed).value();
        // A node answering for other commissioners, or another year, would
        // count records twice or wrongly: refused like a failed node.
        if (part.year != year) {
          failures += "; " + owner + ": answered for " + part.year.ToString();
          continue;
        }
        const auto stray = std::find_if(part.cells.begin(), part.cells.end(),
                                        [&](const auto& kv) { return !members.count(kv.first.first); });
        if (stray != part.cells.end()) {
          failures += "; " + owner + ": answered for commissioner " + stray->first.first + ", not in group " + g.name;
          continue;
        }
      }
      if (Status s = out.partials.Merge(part); !s.ok()) return s.error();
      out.answered_by.push_back(g.name + "=" + owner);
      done = true;
      break;
    }
    if (!done)
      return MakeError("partition gather", "group " + g.name + ": neither owner answered (" + failures.substr(2) + ")");
  }
  return out;
}

}  // namespace csu::web
