#include "store/env.h"

#include <gtest/gtest.h>

#include "store/store_testing.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace csu::store {
namespace {

// The real environment with its clock stopped at `now`.
class StoppedClockEnv final : public Env {
 public:
  explicit StoppedClockEnv(std::string now) : now_(std::move(now)) {}
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return base_.NewWritableFile(p);
  }
  Result<std::string> ReadFile(const std::string& p) override { return base_.ReadFile(p); }
  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& p) override { return base_.MapFile(p); }
  bool FileExists(const std::string& p) override { return base_.FileExists(p); }
  Result<std::vector<std::string>> ListDir(const std::string& d) override { return base_.ListDir(d); }
  Status CreateDir(const std::string& d) override { return base_.CreateDir(d); }
  Status RenameFile(const std::string& f, const std::string& t) override { return base_.RenameFile(f, t); }
  Status RemoveFile(const std::string& p) override { return base_.RemoveFile(p); }
  Status SyncDir(const std::string& d) override { return base_.SyncDir(d); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override { return base_.LockFile(p); }
  std::string NowUtc() override { return now_; }
  uint64_t RandomU64() override { return base_.RandomU64(); }

 private:
  Env& base_ = Env::Default();
  std::string now_;
};

TEST(EnvTest, TodayUkIsTheUkCivilDateOfTheClock) {
  // 23:30 UTC on 30 June is 00:30 BST on 1 July: a July day for billing.
  StoppedClockEnv summer("2018-06-30T23:30:59Z");
  EXPECT_EQ(summer.TodayUk().ToString(), "2018-07-01");
  // In winter the UK keeps GMT: the UTC date.
  StoppedClockEnv winter("2018-12-31T23:30:00Z");
  EXPECT_EQ(winter.TodayUk().ToString(), "2018-12-31");
}

}  // namespace
}  // namespace csu::store

namespace csu::store {
namespace {

// Runs `check` (which returns an exit code, 0 for success) as a user who
// may not write `dir`: in this process when it is not root (after making
// `dir` read-only), else in a child that gives `dir` to the unprivileged
// "nobody" (uid 65534) and becomes that user, since chmod does not stop
// root. Returns the exit code, or -1 when the child could not drop root.
int AsUserWhoCannotWrite(const std::string& dir, const std::function<int()>& check) {
  if (::geteuid() != 0) {
    ::chmod(dir.c_str(), 0500);
    const int rc = check();
    ::chmod(dir.c_str(), 0700);
    return rc;
  }
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (::chown(e.path().c_str(), 65534, 65534) != 0) return -1;
  if (::chown(dir.c_str(), 65534, 65534) != 0 || ::chmod(dir.c_str(), 0500) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(100);
    if (::access(dir.c_str(), R_OK | X_OK) != 0) ::_exit(100);  // a parent folder keeps nobody out
    ::_exit(check());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::chmod(dir.c_str(), 0700);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 100) return -1;
  return WEXITSTATUS(status);
}

// Issue 15: on a read-only state folder even read-only commands failed,
// because opening LOCK asked for write access. flock needs none: an existing
// LOCK that cannot be opened for writing is opened for reading and locked.
TEST(EnvTest, ALockFileInAReadOnlyFolderIsLockedForReading) {
  testing::ScratchDir dir("readonly-lock");
  ASSERT_TRUE(Env::Default().CreateDir(dir.path()).ok());
  const std::string lock = dir.path() + "/LOCK";
  ASSERT_TRUE(Env::Default().LockFile(lock).ok());  // creates it; released at once
  ASSERT_EQ(::chmod(lock.c_str(), 0400), 0);         // and nobody may write it either
  const int rc = AsUserWhoCannotWrite(dir.path(), [&] {
    if (::access(lock.c_str(), W_OK) == 0) return 3;  // the set-up did not take
    auto held = Env::Default().LockFile(lock);
    if (!held.ok()) {
      std::fprintf(stderr, "%s\n", held.error().ToString().c_str());
      return 1;
    }
    // The lock is real: a second open of the same file cannot take it.
    auto again = Env::Default().LockFile(lock);
    if (again.ok() || again.error().why.find("in use by another csu process") == std::string::npos) return 2;
    return 0;
  });
  if (rc == -1) GTEST_SKIP() << "could not run as a user without write access";
  EXPECT_EQ(rc, 0);
}

TEST(EnvTest, AMissingLockFileInAReadOnlyFolderIsNamedAsSuch) {
  testing::ScratchDir dir("readonly-nolock");
  ASSERT_TRUE(Env::Default().CreateDir(dir.path()).ok());
  const std::string lock = dir.path() + "/LOCK";
  const int rc = AsUserWhoCannotWrite(dir.path(), [&] {
    auto held = Env::Default().LockFile(lock);
    if (held.ok()) return 1;
    return held.error().why.find("cannot create lock file in a read-only state folder") == 0 ? 0 : 2;
  });
  if (rc == -1) GTEST_SKIP() << "could not run as a user without write access";
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace csu::store
