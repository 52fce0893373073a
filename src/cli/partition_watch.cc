#include "cli/partition_watch.h"

#include <cstdio>
#include <memory>

#include "pg/pg_connection.h"

namespace csu::cli {

MapDecision DecideMap(const store::PartitionMap& served, const store::PartitionMap& read, const std::string& self) {
  MapDecision d;
  if (read == served) return d;
  // A map without this node, or giving it nothing, would leave it serving
  // nobody: it keeps what it has and says so until someone stops it or
  // gives it a group (a node cannot be retired by the map alone).
  const store::PartitionNode* me = read.Node(self);
  if (me == nullptr) {
    d.action = MapDecision::kRefuse;
    d.why = "the new partition map does not name node " + self + "; it keeps the map it has: stop this node, or "
            "put it back in the map";
    return d;
  }
  if (read.CommissionersOf(self).empty()) {
    d.action = MapDecision::kRefuse;
    d.why = "the new partition map gives node " + self + " no group; it keeps the map it has: stop this node, or "
            "give it a group";
    return d;
  }
  d.action = MapDecision::kReload;
  const store::PartitionNode* was = served.Node(self);
  if (was != nullptr && was->base_url != me->base_url)
    d.note = "this node's address in the map is now " + me->base_url + " (it was " + was->base_url +
             "); it listens where it did until restarted with the new --listen";
  return d;
}

PartitionMapWatcher::PartitionMapWatcher(Options options, std::function<void(const store::PartitionMap&)> on_read)
    : options_(std::move(options)), on_read_(std::move(on_read)) {}

PartitionMapWatcher::~PartitionMapWatcher() { Stop(); }

void PartitionMapWatcher::Start() { thread_ = std::thread([this] { Run(); }); }

void PartitionMapWatcher::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void PartitionMapWatcher::Run() {
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<store::SqlConnection> db;
  std::string last_problem;
  auto report = [&last_problem](const std::string& problem) {
    // Once per distinct problem, not once per poll.
    if (problem == last_problem) return;
    last_problem = problem;
    if (!problem.empty()) std::fprintf(stderr, "csu: the partition map: %s\n", problem.c_str());
  };
  Clock::time_point next = Clock::now() + options_.poll;
  while (!stop_) {
    // Short sleeps, so Stop does not wait a whole poll.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop_ || Clock::now() < next) continue;
    next = Clock::now() + options_.poll;
    if (!db) {
      auto c = pg::Connect(options_.url);
      if (!c.ok()) {
        report(c.error().ToString());
        continue;
      }
      db = std::move(c).value();
    }
    auto map = store::ReadPartitionMap(*db);
    if (!map.ok()) {
      report(map.error().ToString());
      db.reset();  // a new connection next time: this one may be to a demoted primary
      continue;
    }
    report("");
    on_read_(map.value());
  }
}

}  // namespace csu::cli
