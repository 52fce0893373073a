#include "tenancy/clock.h"

#include <ctime>

namespace csu::tenancy {
namespace {

class SystemClock : public Clock {
 public:
  int64_t NowUnixSeconds() override {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec);
  }
};

}  // namespace

Clock& Clock::System() {
  static SystemClock clock;
  return clock;
}

std::string IsoUtc(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  tm parts{};
  ::gmtime_r(&t, &parts);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buf;
}

}  // namespace csu::tenancy
