#include "web/health_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace csu::web {
namespace {

// UTC with milliseconds, as the access log writes it.
std::string NowMillisUtc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

void HealthLog::Observe(const Status& health) {
  std::lock_guard<std::mutex> lock(mu_);
  if (health.ok() != failing_) return;  // no change
  failing_ = !health.ok();
  if (!sink_) return;
  // nlohmann's dump escapes control characters, so a reason cannot forge a line.
  nlohmann::ordered_json line = {{"time", NowMillisUtc()}};
  if (failing_) {
    line["event"] = "store.fault";
    line["where"] = health.error().where;
    line["why"] = health.error().why;
  } else {
    line["event"] = "store.recovered";
  }
  sink_(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace csu::web
