#include "web/health_log.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "http/access_log.h"

namespace csu::web {

void HealthLog::Observe(const Status& health) {
  std::lock_guard<std::mutex> lock(mu_);
  if (health.ok() != failing_) return;  // no change
  failing_ = !health.ok();
  if (!sink_) return;
  // nlohmann's dump escapes control characters, so a reason cannot forge a line.
  nlohmann::ordered_json line = {{"time", http::LogTimestamp(std::chrono::system_clock::now())}};
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
