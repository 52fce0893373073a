#include "store/partition_map.h"

#include <algorithm>
#include <map>

namespace csu::store {
namespace {

constexpr const char* kTables = R"sql(
CREATE TABLE IF NOT EXISTS partition_nodes(
  name TEXT PRIMARY KEY,
  base_url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS partition_groups(
  name TEXT PRIMARY KEY,
  first_node TEXT NOT NULL REFERENCES partition_nodes(name),
  second_node TEXT NOT NULL REFERENCES partition_nodes(name),
  CHECK (first_node <> second_node));
CREATE TABLE IF NOT EXISTS partition_members(
  commissioner TEXT PRIMARY KEY,
  group_name TEXT NOT NULL REFERENCES partition_groups(name));
)sql";

bool GoodName(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// An ODS code as commissioners are: 3 to 5 of A-Z and 0-9.
bool GoodOds(const std::string& s) {
  if (s.size() < 3 || s.size() > 5) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// http://HOST:PORT or https://HOST:PORT with a port of 1-65535 and a host
// of letters, digits, '.', '-' (or an IPv6 literal in brackets); no path,
// user or query.
bool GoodBaseUrl(const std::string& u) {
  const size_t after = u.rfind("https://", 0) == 0 ? 8 : u.rfind("http://", 0) == 0 ? 7 : 0;
  if (after == 0) return false;
  const std::string rest = u.substr(after);
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= rest.size() || rest.size() - colon - 1 > 5) return false;
  const std::string host = rest.substr(0, colon), port = rest.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  if (const long p = std::stol(port); p < 1 || p > 65535) return false;
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']' &&
           std::all_of(host.begin() + 1, host.end() - 1, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; });
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

void Sort(PartitionMap& map) {
  std::sort(map.nodes.begin(), map.nodes.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(map.groups.begin(), map.groups.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (PartitionGroup& g : map.groups) std::sort(g.commissioners.begin(), g.commissioners.end());
}

}  // namespace

const PartitionNode* PartitionMap::Node(const std::string& name) const {
  for (const PartitionNode& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const PartitionGroup* PartitionMap::Group(const std::string& name) const {
  for (const PartitionGroup& g : groups)
    if (g.name == name) return &g;
  return nullptr;
}

const PartitionGroup* PartitionMap::GroupOf(const std::string& commissioner) const {
  for (const PartitionGroup& g : groups)
    if (std::find(g.commissioners.begin(), g.commissioners.end(), commissioner) != g.commissioners.end()) return &g;
  return nullptr;
}

std::vector<const PartitionGroup*> PartitionMap::GroupsOf(const std::string& node) const {
  std::vector<const PartitionGroup*> out;
  for (const PartitionGroup& g : groups)
    if (g.owners[0] == node || g.owners[1] == node) out.push_back(&g);
  return out;
}

std::set<std::string> PartitionMap::CommissionersOf(const std::string& node) const {
  std::set<std::string> out;
  for (const PartitionGroup* g : GroupsOf(node)) out.insert(g->commissioners.begin(), g->commissioners.end());
  return out;
}

Status CheckPartitionMap(const PartitionMap& map) {
  const std::string where = "partition map";
  std::set<std::string> names;
  for (const PartitionNode& n : map.nodes) {
    if (!GoodName(n.name)) return MakeError(where, "node '" + n.name + "': a name is 1 to 32 of a-z, 0-9 and '-'");
    if (!GoodBaseUrl(n.base_url))
      return MakeError(where, "node " + n.name + ": the base URL must be http://HOST:PORT or https://HOST:PORT with no path (got '" +
                                  n.base_url + "')");
    if (!names.insert(n.name).second) return MakeError(where, "node " + n.name + " is named twice");
  }
  std::set<std::string> groups;
  std::map<std::string, std::string> group_of;
  for (const PartitionGroup& g : map.groups) {
    if (!GoodName(g.name)) return MakeError(where, "group '" + g.name + "': a name is 1 to 32 of a-z, 0-9 and '-'");
    if (!groups.insert(g.name).second) return MakeError(where, "group " + g.name + " is named twice");
    for (const std::string& owner : g.owners)
      if (!names.count(owner)) return MakeError(where, "group " + g.name + ": no node named '" + owner + "'");
    if (g.owners[0] == g.owners[1])
      return MakeError(where, "group " + g.name + ": its two owners must be different nodes (each group is on two)");
    if (g.commissioners.empty()) return MakeError(where, "group " + g.name + " has no commissioners");
    for (const std::string& c : g.commissioners) {
      if (!GoodOds(c)) return MakeError(where, "group " + g.name + ": '" + c + "' is not an ODS code (3 to 5 of A-Z, 0-9)");
      auto [it, fresh] = group_of.emplace(c, g.name);
      if (!fresh) return MakeError(where, "commissioner " + c + " is in two groups (" + it->second + " and " + g.name + ")");
    }
  }
  return Status::Ok();
}

Result<PartitionMap> ParsePartitionArgs(const std::vector<std::string>& nodes, const std::vector<std::string>& groups) {
  PartitionMap map;
  for (const std::string& n : nodes) {
    const size_t eq = n.find('=');
    if (eq == std::string::npos) return MakeError("--node " + n, "expected NAME=http://HOST:PORT or NAME=https://HOST:PORT");
    map.nodes.push_back({n.substr(0, eq), n.substr(eq + 1)});
  }
  for (const std::string& g : groups) {
    const std::vector<std::string> parts = SplitOn(g, ':');
    if (parts.size() != 3) return MakeError("--group " + g, "expected NAME:NODE1,NODE2:CCG[,CCG...]");
    const std::vector<std::string> owners = SplitOn(parts[1], ',');
    if (owners.size() != 2) return MakeError("--group " + g, "a group has exactly two owners (NODE1,NODE2)");
    map.groups.push_back({parts[0], {owners[0], owners[1]}, SplitOn(parts[2], ',')});
  }
  Sort(map);
  if (Status s_ = CheckPartitionMap(map); !s_.ok()) return s_.error();
  return map;
}

Status EnsurePartitionTables(SqlConnection& db) {
  return InWriteTransaction(db, kPartitionsWriteLock, [&]() -> Status { return db.Exec(kTables); });
}

Result<PartitionMap> ReadPartitionMap(SqlConnection& db) {
  if (Status s_ = EnsurePartitionTables(db); !s_.ok()) return s_.error();
  PartitionMap map;
  CSU_ASSIGN_OR_RETURN(nodes, db.Prepare("SELECT name, base_url FROM partition_nodes ORDER BY name"));
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, nodes.Step());
    if (!row) break;
    map.nodes.push_back({nodes.Text(0), nodes.Text(1)});
  }
  CSU_ASSIGN_OR_RETURN(groups, db.Prepare("SELECT name, first_node, second_node FROM partition_groups ORDER BY name"));
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, groups.Step());
    if (!row) break;
    map.groups.push_back({groups.Text(0), {groups.Text(1), groups.Text(2)}, {}});
  }
  CSU_ASSIGN_OR_RETURN(members, db.Prepare("SELECT commissioner, group_name FROM partition_members ORDER BY commissioner"));
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, members.Step());
    if (!row) break;
    const std::string group = members.Text(1);
    auto it = std::find_if(map.groups.begin(), map.groups.end(), [&](const auto& g) { return g.name == group; });
    if (it == map.groups.end()) return MakeError(db.Name(), "partition_members names group " + group + ", which does not exist");
    it->commissioners.push_back(members.Text(0));
  }
  Sort(map);
  if (Status s = CheckPartitionMap(map); !s.ok()) return MakeError(db.Name(), "the stored " + s.error().ToString());
  return map;
}

Status WritePartitionMap(SqlConnection& db, const PartitionMap& given) {
  PartitionMap map = given;
  Sort(map);
  if (Status s_ = CheckPartitionMap(map); !s_.ok()) return s_;
  if (Status s_ = EnsurePartitionTables(db); !s_.ok()) return s_;
  return InWriteTransaction(db, kPartitionsWriteLock, [&]() -> Status {
    if (Status s_ = db.Exec("DELETE FROM partition_members; DELETE FROM partition_groups; DELETE FROM partition_nodes;"); !s_.ok()) return s_;
    CSU_ASSIGN_OR_RETURN(n, db.Prepare("INSERT INTO partition_nodes(name, base_url) VALUES (?1, ?2)"));
    for (const PartitionNode& node : map.nodes) {
      n.Bind(1, node.name).Bind(2, node.base_url);
      if (Status s_ = n.Run(); !s_.ok()) return s_;
      n.Reset();
    }
    CSU_ASSIGN_OR_RETURN(g, db.Prepare("INSERT INTO partition_groups(name, first_node, second_node) VALUES (?1, ?2, ?3)"));
    CSU_ASSIGN_OR_RETURN(m, db.Prepare("INSERT INTO partition_members(commissioner, group_name) VALUES (?1, ?2)"));
    for (const PartitionGroup& group : map.groups) {
      g.Bind(1, group.name).Bind(2, group.owners[0]).Bind(3, group.owners[1]);
      if (Status s_ = g.Run(); !s_.ok()) return s_;
      g.Reset();
      for (const std::string& c : group.commissioners) {
        m.Bind(1, c).Bind(2, group.name);
        if (Status s_ = m.Run(); !s_.ok()) return s_;
        m.Reset();
      }
    }
    return Status::Ok();
  });
}

}  // namespace csu::store
