#include "http/access_log.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "core/text.h"
#include "http/response.h"

namespace csu::http {

std::string LogTimestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto since_epoch = time.time_since_epoch();
  const std::time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis = duration_cast<milliseconds>(since_epoch).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return stamp;
}

std::string FormatAccessLogLine(const AccessLogEntry& entry) {
  std::string line = "{\"time\":\"";
  line += LogTimestamp(entry.time);
  line += "\",\"id\":\"" + JsonEscape(entry.request_id);
  line += "\",\"method\":\"" + JsonEscape(entry.method);
  line += "\",\"path\":\"" + JsonEscape(entry.path);
  line += "\",\"status\":" + std::to_string(entry.status);
  line += ",\"bytes\":" + std::to_string(entry.bytes);
  line += ",\"duration_us\":" + std::to_string(entry.duration_us);
  line += "}";
  return line;
}

AccessLogSink StderrAccessLog() {
  return [](std::string_view line) {
    std::string out(line);
    out += '\n';
    // A failed log write must not fail the request; there is nowhere better to report it.
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, out.data(), out.size());
  };
}

}  // namespace csu::http
