// A partitioned node's watch on the partition map (docs/server-mode.md,
// "Partitions": changing the map). `csu partitions set` replaces the map in
// the database; every node reads it every few seconds on a connection of its
// own and hands what it read to `on_read`, which reloads the node's share
// when the map differs from the one its pages serve. A failed read (the
// database restarting, a failover) is reported once on standard error and
// tried again at the next poll; the node keeps serving the map it has.
//
//   PartitionMapWatcher w({url, std::chrono::seconds(2)}, [&](const store::PartitionMap& m) { ... });
//   w.Start();  // ... w.Stop() (or destruction) before what on_read uses goes
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/partition_map.h"

namespace csu::cli {

// The share a partitioned node loads (its groups' commissioners) and the
// map it comes from. Read by every reload (new batches, an upload, a new
// map) and replaced when the map changes. Thread-safe.
class NodeShare {
 public:
  struct Now {
    std::vector<std::string> commissioners;  // sorted; empty: not partitioned, load everything
    std::shared_ptr<const store::PartitionMap> map;  // null when not partitioned
  };
  Now Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Set(Now now) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = std::move(now);
  }

 private:
  mutable std::mutex mu_;
  Now now_;
};

// What node `self` does with a map it read while serving `served`.
struct MapDecision {
  enum Action { kKeep, kReload, kRefuse } action = kKeep;
  std::string why;  // kRefuse: what is wrong with the new map for this node (for its log)
  std::string note;  // kReload: a caution for the log (the node's own address changed), or empty
};
MapDecision DecideMap(const store::PartitionMap& served, const store::PartitionMap& read, const std::string& self);

class PartitionMapWatcher {
 public:
  struct Options {
    std::string url;                       // the database holding the map
    std::chrono::milliseconds poll{2000};  // how often it is read
  };
  // `on_read` runs on the watcher's thread after each successful read.
  PartitionMapWatcher(Options options, std::function<void(const store::PartitionMap&)> on_read);
  ~PartitionMapWatcher();
  void Start();
  void Stop();

 private:
  void Run();

  Options options_;
  std::function<void(const store::PartitionMap&)> on_read_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace csu::cli
