// The time source of sign-in, sessions, tokens and the throttle. Injected so
// tests can move time by hours without sleeping (session expiry, lockout
// windows, TOTP steps). Implementations must be thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace csu::tenancy {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since 1970-01-01T00:00:00Z.
  virtual int64_t NowUnixSeconds() = 0;
  // The real clock (CLOCK_REALTIME). Lives for the whole program.
  static Clock& System();
};

// A clock that moves only when told. For tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_unix_seconds) : now_(start_unix_seconds) {}
  int64_t NowUnixSeconds() override { return now_.load(); }
  void Advance(int64_t seconds) { now_ += seconds; }
  void Set(int64_t unix_seconds) { now_ = unix_seconds; }

 private:
  std::atomic<int64_t> now_;
};

// "2024-05-01T10:22:03Z" for a time in seconds since the epoch (UTC).
std::string IsoUtc(int64_t unix_seconds);

}  // namespace csu::tenancy
