// The partition map of server mode (docs/store-format.md §11c,
// docs/server-mode.md "Partitions"): which `csu serve` nodes own which
// commissioner groups when a year of activity does not fit one node. A
// group is a named set of commissioners (ODS codes) owned by exactly two
// nodes, so every group survives the loss of one node; a commissioner is in
// at most one group. Nodes are named and reached at a base URL
// (http://HOST:PORT) on the private network the nodes share.
//
//   CSU_ASSIGN_OR_RETURN(map, ParsePartitionArgs({"a=http://10.0.0.1:8081", ...}, {"north:a,b:02E,03F", ...}));
//   Status s = WritePartitionMap(db, map);   // replaces the map in one transaction
//   CSU_ASSIGN_OR_RETURN(now, ReadPartitionMap(db));
//   std::set<std::string> mine = now.CommissionersOf("a");
//
// Written in the dialect both engines share (store/sql.h); in practice it
// lives in the PostgreSQL database every node of an installation opens.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/sql.h"

namespace csu::store {

// Writers of the map take this advisory lock (store/sql.h's scheme).
inline constexpr int64_t kPartitionsWriteLock = 0x4f70656e435355'07;

struct PartitionNode {
  std::string name;      // 1-32 of a-z, 0-9, '-'
  std::string base_url;  // http://HOST:PORT, no path
  bool operator==(const PartitionNode&) const = default;
};

struct PartitionGroup {
  std::string name;                     // 1-32 of a-z, 0-9, '-'
  std::array<std::string, 2> owners;    // two different nodes, asked in this order
  std::vector<std::string> commissioners;  // ODS codes, sorted, at least one
  bool operator==(const PartitionGroup&) const = default;
};

struct PartitionMap {
  std::vector<PartitionNode> nodes;    // sorted by name
  std::vector<PartitionGroup> groups;  // sorted by name

  const PartitionNode* Node(const std::string& name) const;
  const PartitionGroup* Group(const std::string& name) const;
  // The group holding `commissioner` (an upper-case ODS code), or nullptr.
  const PartitionGroup* GroupOf(const std::string& commissioner) const;
  // The groups `node` owns, and their commissioners.
  std::vector<const PartitionGroup*> GroupsOf(const std::string& node) const;
  std::set<std::string> CommissionersOf(const std::string& node) const;
  bool operator==(const PartitionMap&) const = default;
};

// The rules above; the error names the node, group or commissioner at fault.
Status CheckPartitionMap(const PartitionMap& map);

// `csu partitions set`'s arguments: nodes as NAME=URL, groups as
// NAME:NODE1,NODE2:CCG[,CCG...]. Sorted and checked.
Result<PartitionMap> ParsePartitionArgs(const std::vector<std::string>& nodes, const std::vector<std::string>& groups);

// Creates the tables when missing (under the lock; two nodes starting
// together create them once).
Status EnsurePartitionTables(SqlConnection& db);
// The whole map (empty when none was set).
Result<PartitionMap> ReadPartitionMap(SqlConnection& db);
// Checks `map` and replaces the stored one with it in one transaction:
// on any error nothing stored changes.
Status WritePartitionMap(SqlConnection& db, const PartitionMap& map);

}  // namespace csu::store
