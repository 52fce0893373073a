// Metering is exact under crashes (docs/billing.md, "Metering"): a child
// process counts events and acknowledges each one on a pipe after its count
// is committed; the test kills it (SIGKILL) at a random moment, then replays
// every event as a client retry would. Keyed events must end counted exactly
// once each; unkeyed counts must hold every acknowledged event and at most
// the one in flight.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "billing/billing_store.h"
#include "billing/meter.h"
#include "synth/synth_testing.h"

namespace csu::billing {
namespace {

using synth::testing::TempDir;

constexpr int kEvents = 400;
const Period kJune(2018, 6);

std::string Key(int i) { return "batch:" + std::to_string(i); }

// The child: counts every event, writing one byte per acknowledged event.
[[noreturn]] void Child(const std::string& dir, int ack_fd, bool keyed) {
  auto meter = Meter::Open(dir);
  if (!meter.ok()) _exit(3);
  for (int i = 0; i < kEvents; ++i) {
    if (keyed) {
      auto r = meter.value()->CountOnce(Key(i), "02E", kJune, "records_loaded", "", 10, "t", "test");
      if (!r.ok()) _exit(4);
    } else if (!meter.value()->Count("02E", kJune, "api_calls", "").ok()) {
      _exit(4);
    }
    char ack = 'a';
    if (write(ack_fd, &ack, 1) != 1) _exit(5);
  }
  _exit(0);
}

// Runs the child, killing it after `delay`; returns the events it acknowledged.
int RunAndKill(const std::string& dir, bool keyed, std::chrono::microseconds delay, bool* killed) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    close(fds[0]);
    Child(dir, fds[1], keyed);
  }
  close(fds[1]);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  *killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  int acked = 0;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) acked += static_cast<int>(n);
  close(fds[0]);
  return acked;
}

int64_t Total(const std::string& dir, const std::string& meter) {
  auto db = BillingStore::Open(dir);
  auto usage = db.value()->UsageTotals("02E", kJune);
  auto it = usage.value().find(meter);
  return it == usage.value().end() ? 0 : it->second;
}

TEST(MeterCrash, KeyedEventsAreCountedExactlyOnceAfterKillsAndRetries) {
  std::mt19937 rng(20261123);
  int kills = 0;
  for (int round = 0; round < 12; ++round) {
    TempDir dir("meter-crash-keyed-" + std::to_string(round));
    std::filesystem::create_directories(dir.path());
    ASSERT_TRUE(Meter::Open(dir.path()).ok());  // schema in place before the race
    bool killed = false;
    const int acked = RunAndKill(dir.path(), true, std::chrono::microseconds(rng() % 60000), &killed);
    kills += killed ? 1 : 0;
    // Every acknowledged event is in.
    EXPECT_GE(Total(dir.path(), "records_loaded"), int64_t{acked} * 10) << "round " << round;
    // The client retries everything: each key must end counted once.
    auto meter = Meter::Open(dir.path());
    ASSERT_TRUE(meter.ok());
    int fresh = 0;
    for (int i = 0; i < kEvents; ++i) {
      auto r = meter.value()->CountOnce(Key(i), "02E", kJune, "records_loaded", "", 10, "t", "retry");
      ASSERT_TRUE(r.ok());
      fresh += r.value() ? 1 : 0;
    }
    EXPECT_LE(fresh, kEvents - acked) << "an acknowledged event was counted again";
    EXPECT_EQ(Total(dir.path(), "records_loaded"), int64_t{kEvents} * 10) << "round " << round;
  }
  EXPECT_GT(kills, 0) << "no child was killed mid-way: the test proved nothing";
  std::printf("[ crash    ] %d of 12 metering children killed mid-way, every key counted once\n", kills);
}

TEST(MeterCrash, UnkeyedCountsKeepEveryAcknowledgedEvent) {
  std::mt19937 rng(7);
  for (int round = 0; round < 8; ++round) {
    TempDir dir("meter-crash-count-" + std::to_string(round));
    std::filesystem::create_directories(dir.path());
    ASSERT_TRUE(Meter::Open(dir.path()).ok());
    bool killed = false;
    const int acked = RunAndKill(dir.path(), false, std::chrono::microseconds(rng() % 40000), &killed);
    const int64_t total = Total(dir.path(), "api_calls");
    EXPECT_GE(total, acked) << "round " << round;
    EXPECT_LE(total, acked + 1) << "round " << round << ": more counted than happened";
  }
}

}  // namespace
}  // namespace csu::billing
