// Crash safety (research/security.md R1, in-process): a forked child commits
// batches and reports "ACK <id> <n>" on a pipe after each CommitBatch
// returns; the parent SIGKILLs it and then checks, with a fresh Store:
// catalog integrity and audit chain ok (Verify), every ACKed batch present
// and complete, no partial batch visible, orphans cleaned by Open, and that
// a final clean run converges to exactly one copy of every batch.
//
// Two ways of choosing the moment: at every mutating I/O operation of a
// commit in turn (deterministic, FaultPlan::crash), and after a random delay
// (fixed seed). The default suite does ~20 random kills; the *Slow* suite
// several hundred.
//
// Note: SIGKILL leaves the OS page cache intact, so this proves atomicity
// and recovery, not fsync ordering under power loss.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "store/env.h"
#include "store/fault_env.h"
#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

// Batch n (1-based) holds APC records [1000n, 1000n + rows): with rows =
// 2000 each batch restates the second half of the one before.
constexpr uint64_t kStride = 1000;

std::string BatchName(int n) { return "apc_" + std::to_string(n) + ".csv"; }

// The child: commits batches 1..count that are not yet in the store,
// writing "ACK <id> <n>\n" to `fd` after each. Never returns.
[[noreturn]] void ChildCommits(const std::string& state, int count, int rows, int fd, const FaultPlan& plan) {
  FaultInjectionEnv env(Env::Default());
  env.SetPlan(plan);
  auto store = Store::Open(state, testing::kFingerprint, StoreOptions{&env});
  if (!store.ok()) _exit(3);
  for (int n = 1; n <= count; ++n) {
    auto found = store.value()->FindByContent(ExtractKind::kApc, Sha256Hex(BatchName(n)));
    if (!found.ok()) _exit(4);
    if (found.value()) continue;
    auto b = store.value()->NewBatch(ExtractKind::kApc);
    if (!b.ok()) _exit(5);
    for (uint64_t i = 0; i < static_cast<uint64_t>(rows); ++i) b.value()->AddApc(testing::MakeApc(kStride * n + i));
    BatchInfo info;
    info.file_name = BatchName(n);
    info.content_sha256 = Sha256Hex(BatchName(n));
    info.loaded_by = "crash-test";
    auto committed = store.value()->CommitBatch(std::move(b).value(), info);
    if (!committed.ok()) _exit(6);
    char line[64];
    int len = std::snprintf(line, sizeof line, "ACK %lld %d\n", static_cast<long long>(committed.value().id), n);
    if (write(fd, line, static_cast<size_t>(len)) != len) _exit(7);
  }
  _exit(0);
}

struct ChildRun {
  bool killed = false;  // died of SIGKILL (rather than finishing)
  int exit_code = 0;
  std::map<int64_t, int> acked;  // batch id -> batch number
};

// Forks a child that commits; kills it after `delay` unless `plan` kills it
// first (or it finishes). Returns what it acknowledged.
ChildRun RunChild(const std::string& state, int count, int rows, const FaultPlan& plan,
                  std::optional<std::chrono::microseconds> delay) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  std::fflush(nullptr);  // no buffered output duplicated into the child
  pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    close(fds[0]);
    ChildCommits(state, count, rows, fds[1], plan);
  }
  close(fds[1]);
  if (delay) {
    std::this_thread::sleep_for(*delay);
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ChildRun run;
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  std::istringstream in(text);
  std::string word;
  long long id;
  int number;
  while (in >> word >> id >> number) run.acked[id] = number;
  return run;
}

// Rows a load must return when batches `present` (numbers) are in.
size_t ExpectedRows(const std::set<int>& present, int rows) {
  std::set<uint64_t> spells;
  for (int n : present) {
    for (uint64_t i = 0; i < static_cast<uint64_t>(rows); ++i) spells.insert(kStride * n + i);
  }
  return spells.size();
}

// Checks every invariant after a kill; returns the batch numbers present.
std::set<int> CheckAfterKill(const std::string& state, const std::map<int64_t, int>& acked, int rows,
                             const std::string& context) {
  std::set<int> present;
  auto opened = Store::Open(state, testing::kFingerprint);
  EXPECT_TRUE(opened.ok()) << context << ": " << (opened.ok() ? "" : opened.error().ToString());
  if (!opened.ok()) return present;
  Store& store = *opened.value();
  // Verify covers PRAGMA integrity_check, the audit chain, every file's
  // checksum and structure, and orphans (Open must have removed them).
  auto problems = store.Verify();
  EXPECT_TRUE(problems.ok()) << context;
  for (const std::string& p : problems.value()) ADD_FAILURE() << context << ": " << p;
  auto batches = store.ListBatches().value();
  std::map<int64_t, int> by_id;
  for (const BatchInfo& b : batches) {
    int n = std::stoi(b.file_name.substr(4));
    EXPECT_EQ(b.rows_accepted, rows) << context << ": partial batch " << b.id;
    EXPECT_TRUE(present.insert(n).second) << context << ": batch " << n << " twice";
    by_id[b.id] = n;
  }
  for (const auto& [id, n] : acked) {
    auto it = by_id.find(id);
    EXPECT_TRUE(it != by_id.end() && it->second == n) << context << ": ACKed batch " << id << " is missing";
  }
  auto tables = store.Load(ExtractKind::kApc);
  EXPECT_TRUE(tables.ok()) << context;
  if (tables.ok()) {
    EXPECT_EQ(tables.value().apc.size(), ExpectedRows(present, rows)) << context;
  }
  EXPECT_EQ(store.Audit().value().size(), batches.size()) << context;
  return present;
}

// Finishes the job with no faults and checks it converged.
void FinalRun(const std::string& state, int count, int rows) {
  ChildRun last = RunChild(state, count, rows, FaultPlan{}, std::nullopt);
  ASSERT_EQ(last.exit_code, 0);
  std::set<int> present = CheckAfterKill(state, last.acked, rows, "final run");
  EXPECT_EQ(present.size(), static_cast<size_t>(count));
}

// Kills the child just before mutating operations of one commit (after a
// first batch is in), then checks and converges. `every` = all of them;
// otherwise one at each step of the protocol: every file operation, the
// first and last catalog page writes and the catalog's commit fsync.
void CrashAtOperations(int rows, bool every) {
  testing::ScratchDir dir("crash-ops");
  ASSERT_EQ(RunChild(dir.state(), 1, rows, FaultPlan{}, std::nullopt).exit_code, 0);
  // Record the operations of committing batch 2 on a copy.
  std::vector<std::string> log;
  {
    FaultInjectionEnv env(Env::Default());
    env.SetPlan({});
    env.set_recording(true);
    testing::ScratchDir probe("crash-probe");
    std::filesystem::copy(dir.path(), probe.path(), std::filesystem::copy_options::recursive);
    auto store = Store::Open(probe.state(), testing::kFingerprint, StoreOptions{&env});
    ASSERT_TRUE(store.ok());
    auto b = store.value()->NewBatch(ExtractKind::kApc);
    for (uint64_t i = 0; i < static_cast<uint64_t>(rows); ++i) b.value()->AddApc(testing::MakeApc(kStride * 2 + i));
    BatchInfo info;
    info.file_name = BatchName(2);
    info.content_sha256 = Sha256Hex(BatchName(2));
    ASSERT_TRUE(store.value()->CommitBatch(std::move(b).value(), info).ok());
    log = env.log();  // the child exits without closing: no checkpoint ops
  }
  ASSERT_GT(log.size(), 10u);
  std::vector<int64_t> targets;
  int64_t first_wal_write = 0, last_wal_write = 0, commit_sync = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    int64_t op = static_cast<int64_t>(i + 1);
    bool sqlite = log[i].find(" sqlite-") != std::string::npos;
    if (every || !sqlite) targets.push_back(op);
    if (log[i].find("sqlite-write catalog.sqlite-wal") != std::string::npos) {
      if (first_wal_write == 0) first_wal_write = op;
      last_wal_write = op;
      commit_sync = 0;
    } else if (log[i].find("sqlite-fsync catalog.sqlite-wal") != std::string::npos && commit_sync == 0) {
      commit_sync = op;
    }
  }
  if (!every) targets.insert(targets.end(), {first_wal_write, last_wal_write, commit_sync});
  int kills = 0;
  for (int64_t n : targets) {
    testing::ScratchDir work("crash-op");
    std::filesystem::copy(dir.path(), work.path(), std::filesystem::copy_options::recursive);
    ChildRun run = RunChild(work.state(), 2, rows, FaultPlan{n, 0, false, true}, std::nullopt);
    EXPECT_TRUE(run.killed) << "op " << log[static_cast<size_t>(n - 1)];
    kills += run.killed ? 1 : 0;
    std::map<int64_t, int> acked = run.acked;
    acked[1] = 1;
    CheckAfterKill(work.state(), acked, rows, "killed before op " + log[static_cast<size_t>(n - 1)]);
    FinalRun(work.state(), 2, rows);
    if (::testing::Test::HasFailure()) return;
  }
  std::printf("[ crash    ] %d kills, before %s of the %zu operations of a commit, 0 failures\n", kills,
              every ? "each" : "key steps", log.size());
}

// Kills the child at random moments while it commits `count` batches, until
// `kills` kills have happened; re-runs resume where the last one stopped.
// Delays are drawn uniformly from [0, `spread` x the time one clean run
// takes to commit its first batch here), so kills land inside commits however
// fast or loaded the machine is.
void RandomKills(int kills_wanted, int count, int rows, double spread, uint32_t seed) {
  testing::ScratchDir dir("crash-random");
  int64_t one_batch_us = 0;
  {
    testing::ScratchDir calibrate("crash-calibrate");
    auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(RunChild(calibrate.state(), 1, rows, FaultPlan{}, std::nullopt).exit_code, 0);
    one_batch_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  }
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> delay(0, static_cast<int64_t>(spread * static_cast<double>(one_batch_us)));
  std::map<int64_t, int> acked;
  int kills = 0, runs = 0, completions = 0, acks = 0, with_orphans = 0;
  while (kills < kills_wanted && runs < kills_wanted * 4) {
    ++runs;
    ChildRun run = RunChild(dir.state(), count, rows, FaultPlan{}, std::chrono::microseconds(delay(rng)));
    for (const auto& [id, n] : run.acked) acked[id] = n;
    acks += static_cast<int>(run.acked.size());
    // Files of an interrupted commit (temporaries, or renamed but not in the
    // catalog) are left behind for Open to clean.
    size_t files = 0, live = 0;
    if (std::filesystem::exists(dir.state() + "/batches")) {
      for (const auto& e : std::filesystem::directory_iterator(dir.state() + "/batches")) {
        (void)e;
        ++files;
      }
    }
    if (run.killed) {
      ++kills;
    } else {
      // It finished before the kill: start again from an empty folder so
      // later kills still land inside commits.
      ASSERT_EQ(run.exit_code, 0);
      ++completions;
    }
    std::set<int> present = CheckAfterKill(dir.state(), acked, rows, "run " + std::to_string(runs));
    live = present.size() * 2;
    with_orphans += files > live ? 1 : 0;
    if (::testing::Test::HasFailure()) return;
    if (!run.killed) {
      EXPECT_EQ(present.size(), static_cast<size_t>(count));
      std::filesystem::remove_all(dir.state());
      acked.clear();
    }
  }
  FinalRun(dir.state(), count, rows);
  std::printf("[ crash    ] %d random kills in %d runs (%d ran to completion; one batch took %lld us), %d ACKs, "
              "%d kills left orphans that Open removed, 0 failures\n",
              kills, runs, completions, static_cast<long long>(one_batch_us), acks, with_orphans);
  EXPECT_EQ(kills, kills_wanted);
}

TEST(StoreCrash, KilledAtEachStepOfTheCommitProtocol) { CrashAtOperations(/*rows=*/300, /*every=*/false); }

TEST(StoreCrash, TwentyRandomKills) {
  RandomKills(/*kills=*/20, /*batches=*/8, /*rows=*/1000, /*spread=*/1.5, /*seed=*/20240501);
}

TEST(StoreCrashSlow, KilledBeforeEveryOperationOfACommit) { CrashAtOperations(/*rows=*/300, /*every=*/true); }

// A commit big enough to write its rows file in several chunks and many
// catalog pages; key steps only, to keep the sanitizer build's slow tier in
// minutes.
TEST(StoreCrashSlow, KilledAtEachStepOfALargerCommit) { CrashAtOperations(/*rows=*/8000, /*every=*/false); }

TEST(StoreCrashSlow, ThreeHundredRandomKills) {
  RandomKills(/*kills=*/300, /*batches=*/8, /*rows=*/1000, /*spread=*/2.0, /*seed=*/7);
}

}  // namespace
}  // namespace csu::store
