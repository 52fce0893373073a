// The benchmark runner behind `make bench`.
//
// Every benchmark is named "group/case" and every group has one case named
// "baseline-..." that measures the physical floor of the same work (e.g. a
// memchr scan of the same bytes). The table printed at the end gives each
// case's time, throughput and its ratio to the group's baseline measured in
// the same run, so results compare across machines. Benchmarks check their
// own answers and abort on a wrong one rather than report a fast wrong result.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Row {
  std::string group;
  std::string name;
  double ns_per_iter = 0;
  double items_per_second = 0;
  double bytes_per_second = 0;
  std::vector<std::pair<std::string, double>> per_record;  // counters named *_per_record
};

class TableReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      std::string full = run.benchmark_name();
      size_t slash = full.find('/');
      Row row;
      row.group = full.substr(0, slash);
      row.name = slash == std::string::npos ? "" : full.substr(slash + 1);
      // Drop Google Benchmark's suffixes ("/min_time:1.000", "/real_time").
      row.name = row.name.substr(0, row.name.find('/'));
      row.ns_per_iter = run.GetAdjustedRealTime() * 1e9 / benchmark::GetTimeUnitMultiplier(run.time_unit);
      // Rates from wall time, so work done in child processes (the sqlite3
      // shell) and waiting on the disk count the same as CPU work.
      double seconds = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      auto items = run.counters.find("items_per_second");
      auto bytes = run.counters.find("bytes_per_second");
      if (seconds > 0 && items != run.counters.end()) {
        row.items_per_second = items->second * run.GetAdjustedCPUTime() / run.GetAdjustedRealTime();
      }
      if (seconds > 0 && bytes != run.counters.end()) {
        row.bytes_per_second = bytes->second * run.GetAdjustedCPUTime() / run.GetAdjustedRealTime();
      }
      for (const auto& [name, counter] : run.counters) {
        if (name.size() > 11 && name.ends_with("_per_record")) row.per_record.emplace_back(name, counter.value);
      }
      rows_.push_back(row);
    }
  }
  const std::vector<Row>& rows() const { return rows_; }

 private:
  std::vector<Row> rows_;
};

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

std::string Human(double v, const char* unit) {
  const char* prefix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (v >= 1000 && i < 4) {
    v /= 1000;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s%s", v, prefix[i], unit);
  return buf;
}

std::string Time(double ns) {
  char buf[64];
  if (ns < 1e3) std::snprintf(buf, sizeof buf, "%.1f ns", ns);
  else if (ns < 1e6) std::snprintf(buf, sizeof buf, "%.1f us", ns / 1e3);
  else if (ns < 1e9) std::snprintf(buf, sizeof buf, "%.1f ms", ns / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f s", ns / 1e9);
  return buf;
}

// Pairs compared in a closing section: "X is N times as fast as Y". Used
// where the interesting yardstick is another tool rather than a floor.
struct Comparison {
  const char* ours;
  const char* theirs;
  const char* label;
};
constexpr Comparison kComparisons[] = {
    {"ingest_apc/end-to-end-durable", "ingest_apc/sqlite3-shell-import",
     "durable ingest (validated, pseudonymised) vs the sqlite3 shell's .import (neither)"},
    {"pricing_apc/columns-no-explanation", "pricing_apc/sqlite-join-case", "column pricing vs SQLite join + CASE"},
    {"monitoring/cube-demo-apc", "monitoring/sqlite-group-by-demo-apc",
     "contract monitoring aggregation vs the same GROUP BY in SQLite"},
    {"ledger_tb/csu-trial-balance", "ledger_tb/hledger-balance", "trial balance vs hledger balance, same journal"},
    {"ledger_import/csu-import-durable", "ledger_import/hledger-stats",
     "journal import (parsed, checked, stored durably) vs hledger reading it (stats)"},
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  TableReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::map<std::string, double> baseline_ns;
  for (const Row& r : reporter.rows()) {
    if (r.name.rfind("baseline", 0) == 0) baseline_ns[r.group] = r.ns_per_iter;
  }
  std::printf("\nOpenCSU benchmarks on %s, %u hardware threads\n", CpuModel().c_str(),
              std::thread::hardware_concurrency());
  std::printf("ratio = time / time of the group's baseline in this same run (lower is better)\n\n");
  std::printf("%-18s %-34s %12s %16s %14s %8s\n", "group", "case", "time/iter", "items/s", "bytes/s", "ratio");
  std::string last;
  for (const Row& r : reporter.rows()) {
    auto base = baseline_ns.find(r.group);
    char ratio[32] = "-";
    if (base != baseline_ns.end() && base->second > 0) std::snprintf(ratio, sizeof ratio, "%.2fx", r.ns_per_iter / base->second);
    std::printf("%-18s %-34s %12s %16s %14s %8s\n", r.group == last ? "" : r.group.c_str(), r.name.c_str(),
                Time(r.ns_per_iter).c_str(), r.items_per_second > 0 ? Human(r.items_per_second, "").c_str() : "-",
                r.bytes_per_second > 0 ? Human(r.bytes_per_second, "B").c_str() : "-", ratio);
    last = r.group;
  }
  // Sizes a benchmark measured (counters named *_per_record), e.g. the bytes
  // a loaded record holds in memory.
  bool sizes = false;
  for (const Row& r : reporter.rows()) {
    for (const auto& [name, value] : r.per_record) {
      if (!sizes) std::printf("\nsizes measured in this run\n");
      sizes = true;
      std::printf("  %-52s %-30s %10.4g\n", (r.group + "/" + r.name).c_str(), name.c_str(), value);
    }
  }
  bool header = false;
  for (const Comparison& c : kComparisons) {
    const Row* ours = nullptr;
    const Row* theirs = nullptr;
    for (const Row& r : reporter.rows()) {
      if (r.group + "/" + r.name == c.ours) ours = &r;
      if (r.group + "/" + r.name == c.theirs) theirs = &r;
    }
    if (ours == nullptr || theirs == nullptr || ours->ns_per_iter <= 0) continue;
    if (!header) std::printf("\nspeed ratios against other tools, same run (higher is better)\n");
    header = true;
    std::printf("  %-80s %6.2fx\n", c.label, theirs->ns_per_iter / ours->ns_per_iter);
  }
  return 0;
}
