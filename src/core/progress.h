// Progress and throughput for long commands. On a terminal (stderr is a TTY)
// it redraws one status line at most ~8 times a second: "apc.csv  1,234,567
// rows  412,000 rows/s  43%". In pipes and CI (stderr not a TTY, or CI set in
// the environment) it prints nothing, so logs stay clean. Not thread-safe:
// one reporter per command, updated from the thread doing the work.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace csu {

class Progress {
 public:
  // `label` heads the line; `unit` names what is counted ("rows").
  Progress(std::string label, std::string unit);
  ~Progress();

  // Sets the count done and, when known, the fraction complete (0..1, or <0
  // for unknown). Cheap to call per row: it checks the clock every 4096 calls.
  void Update(uint64_t done, double fraction = -1.0);
  // Clears the status line; safe to call more than once.
  void Finish();
  // Seconds since construction.
  double elapsed_seconds() const;
  bool enabled() const { return enabled_; }

 private:
  void Draw(uint64_t done, double fraction);

  std::string label_;
  std::string unit_;
  bool enabled_;
  bool drawn_ = false;
  uint32_t calls_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace csu
