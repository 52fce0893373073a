#include "web/partition_gather.h"

#include <algorithm>
#include <functional>

namespace csu::web {

std::string PartialsTarget(const std::string& group, FinancialYear year) {
  // Group names are a-z, 0-9 and '-', years "2018/19": nothing to encode
  // but the slash.
  std::string y = year.ToString();
  y.replace(4, 1, "%2F");
  return "/internal/v1/partials?group=" + group + "&year=" + y;
}

namespace {

// Asks the owners of `g` in order, this node first when it is one: `ask`
// gets each owner (and its node, nullptr for this node) and returns an
// error to move on to the next. The owner that answered, or an error
// giving each owner's reason.
Result<std::string> AskOwners(const store::PartitionMap& map, const store::PartitionGroup& g, const std::string& self,
                              const std::function<Status(const std::string& owner, const store::PartitionNode* node)>& ask) {
  std::vector<std::string> order(g.owners.begin(), g.owners.end());
  if (order[1] == self) std::swap(order[0], order[1]);
  std::string failures;
  for (const std::string& owner : order) {
    const store::PartitionNode* node = owner == self ? nullptr : map.Node(owner);
    if (owner != self && node == nullptr) {
      failures += "; " + owner + ": not in the map";
      continue;
    }
    const Status s = ask(owner, node);
    if (s.ok()) return owner;
    failures += "; " + owner + ": " + s.error().ToString();
  }
  return MakeError("partition gather", "group " + g.name + ": neither owner answered (" + failures.substr(2) + ")");
}

}  // namespace

Result<Gathered> GatherPartials(const store::PartitionMap& map, const std::string& self, FinancialYear year,
                                const std::set<std::string>& wanted, const LocalPartials& local,
                                const PartialsFetch& fetch) {
  Gathered out;
  out.partials.year = year;
  for (const store::PartitionGroup& g : map.groups) {
    const std::set<std::string> members(g.commissioners.begin(), g.commissioners.end());
    if (!wanted.empty() && std::none_of(members.begin(), members.end(), [&](const auto& c) { return wanted.count(c); }))
      continue;
    analytics::CubePartials part;
    auto owner = AskOwners(map, g, self, [&](const std::string& name, const store::PartitionNode* node) -> Status {
      if (node == nullptr && local) {
        part = local(year, members);
        return Status::Ok();
      }
      if (node == nullptr) return MakeError(name, "this node cannot read its own partials");
      auto body = fetch(*node, PartialsTarget(g.name, year));
      if (!body.ok()) return body.error();
      auto parsed = analytics::PartialsFromJson(body.value(), "node " + name);
      if (!parsed.ok()) return parsed.error();
      // A node answering for other commissioners, or another year, would
      // count records twice or wrongly: refused like a failed node.
      if (parsed.value().year != year) return MakeError("node " + name, "answered for " + parsed.value().year.ToString());
      const auto& cells = parsed.value().cells;
      const auto stray = std::find_if(cells.begin(), cells.end(), [&](const auto& kv) { return !members.count(kv.first.first); });
      if (stray != cells.end())
        return MakeError("node " + name, "answered for commissioner " + stray->first.first + ", not in group " + g.name);
      part = std::move(parsed).value();
      return Status::Ok();
    });
    if (!owner.ok()) return owner.error();
    if (Status s = out.partials.Merge(part); !s.ok()) return s.error();
    out.answered_by.push_back(g.name + "=" + owner.value());
  }
  return out;
}

std::string OverviewTarget(const std::string& group, FinancialYear year) {
  std::string y = year.ToString();
  y.replace(4, 1, "%2F");
  return "/internal/v1/overview?group=" + group + "&year=" + y;
}

GatheredOverview GatherOverview(const store::PartitionMap& map, const std::string& self, FinancialYear year,
                                const std::set<std::string>& wanted, const PartialsFetch& fetch) {
  GatheredOverview out;
  for (const store::PartitionGroup& g : map.groups) {
    if (g.owners[0] == self || g.owners[1] == self) continue;
    const std::set<std::string> members(g.commissioners.begin(), g.commissioners.end());
    if (std::none_of(members.begin(), members.end(), [&](const auto& c) { return wanted.count(c); })) continue;
    analytics::OverviewByCcg figures;
    auto owner = AskOwners(map, g, self, [&](const std::string& name, const store::PartitionNode* node) -> Status {
      if (node == nullptr) return MakeError(name, "this node does not own the group");
      auto body = fetch(*node, OverviewTarget(g.name, year));
      if (!body.ok()) return body.error();
      auto parsed = analytics::OverviewFromJson(body.value(), "node " + name, year, g.name, members);
      if (!parsed.ok()) return parsed.error();
      figures = std::move(parsed).value();
      return Status::Ok();
    });
    if (!owner.ok()) {
      out.missing.push_back({&g, owner.error().why});
      continue;
    }
    for (auto& [ccg, f] : figures)
      if (wanted.count(ccg)) out.figures.emplace(ccg, f);
    out.answered_by.push_back(g.name + "=" + owner.value());
  }
  return out;
}

}  // namespace csu::web
