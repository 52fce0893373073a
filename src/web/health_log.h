// The store's health in the server log: one JSON line when writes start
// failing (a failed catalog commit: a full disk, an I/O error) and one when
// they work again (docs/web.md, "When the store cannot write"), however many
// requests meet the fault in between, so a full disk neither goes unlogged
// nor floods the log.
//
//   {"time":"2026-11-22T21:16:14.123Z","event":"store.fault","where":".../catalog.sqlite","why":"..."}
//   {"time":"2026-11-22T21:19:02.004Z","event":"store.recovered"}
//
// `where` and `why` are the store's error (a path and an SQLite or OS
// reason): no request, user or record appears. Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "core/result.h"
#include "http/access_log.h"

namespace csu::web {

class HealthLog {
 public:
  // `sink` receives each line without its newline (http::StderrAccessLog()
  // in csu serve); it must be thread-safe.
  explicit HealthLog(http::AccessLogSink sink) : sink_(std::move(sink)) {}

  // Reports the store's current health (Store::Health()); writes a line
  // only when it changes between OK and failing.
  void Observe(const Status& health);

 private:
  http::AccessLogSink sink_;
  std::mutex mu_;
  bool failing_ = false;
};

}  // namespace csu::web
