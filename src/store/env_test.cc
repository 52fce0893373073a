#include "store/env.h"

#include <gtest/gtest.h>

#include <cstdint>
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
