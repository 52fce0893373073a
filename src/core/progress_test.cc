#include "core/progress.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

namespace csu {
namespace {

// Sets or unsets an environment variable for one scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Points stderr (fd 2) at another file descriptor for one scope.
class ScopedStderr {
 public:
  explicit ScopedStderr(int fd) {
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
  }
  ~ScopedStderr() {
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

TEST(ProgressTest, SilentWhenStderrIsNotATerminal) {
  ScopedEnv no_ci("CI", nullptr);
  ::testing::internal::CaptureStderr();  // fd 2 becomes a file
  {
    Progress p("apc.csv", "rows");
    EXPECT_FALSE(p.enabled());
    for (uint64_t i = 0; i < 20000; ++i) p.Update(i, static_cast<double>(i) / 20000);
    p.Finish();
    p.Finish();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(ProgressTest, ElapsedSecondsCounts) {
  Progress p("x", "rows");
  double a = p.elapsed_seconds();
  EXPECT_GE(a, 0.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GT(p.elapsed_seconds(), a);
}

// A pseudo-terminal stands in for a user's terminal.
class PtyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) GTEST_SKIP() << "no pty";
    const char* name = ::ptsname(master_);
    if (name == nullptr) GTEST_SKIP() << "no pty";
    slave_ = ::open(name, O_RDWR | O_NOCTTY);
    if (slave_ < 0) GTEST_SKIP() << "no pty";
    ::fcntl(master_, F_SETFL, O_NONBLOCK);
  }
  void TearDown() override {
    if (slave_ >= 0) ::close(slave_);
    if (master_ >= 0) ::close(master_);
  }
  std::string Drain() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(master_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  int master_ = -1;
  int slave_ = -1;
};

TEST_F(PtyTest, SilentInCiEvenOnATerminal) {
  ScopedEnv ci("CI", "true");
  ScopedStderr to_pty(slave_);
  Progress p("apc.csv", "rows");
  EXPECT_FALSE(p.enabled());
}

TEST_F(PtyTest, DrawsAndClearsOnATerminal) {
  std::string out;
  {
    ScopedEnv no_ci("CI", nullptr);
    ScopedStderr to_pty(slave_);
    Progress p("apc.csv", "rows");
    EXPECT_TRUE(p.enabled());
    std::this_thread::sleep_for(std::chrono::milliseconds(130));
    // The clock is checked on every 4096th call.
    for (uint64_t i = 1; i <= 4096; ++i) p.Update(1234567, 0.43);
    p.Finish();
  }
  out = Drain();
  EXPECT_NE(out.find("apc.csv  1,234,567 rows"), std::string::npos) << out;
  EXPECT_NE(out.find("rows/s"), std::string::npos) << out;
  EXPECT_NE(out.find("43%"), std::string::npos) << out;
  // Finish() leaves the line cleared.
  ASSERT_GE(out.size(), 5u);
  EXPECT_EQ(out.substr(out.size() - 5), "\r\x1b[2K");
}

}  // namespace
}  // namespace csu
