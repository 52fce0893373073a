// The access log: one JSON line per request the server answered (including
// the ones it refused: 400, 408, 413, 503, ...).
//
// Fields: time (UTC, milliseconds), id (the request id, also sent to the
// client as X-Request-Id so a user can quote it), method, path, status,
// bytes (body bytes sent), duration_us (from the request being complete to
// the response written; for refusals, from the refusal to the answer).
//
// Deliberately absent: the query string, headers (cookies, tokens), bodies
// and the client address. Query strings and bodies carry search terms and
// record identifiers; cookies carry sessions. An access log is copied,
// shipped and kept far longer than data should be, so it holds nothing that
// identifies a person or grants access. The path is written still
// percent-encoded, which keeps the line pure ASCII; JSON escaping makes log
// injection impossible even so.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace csu::http {

struct AccessLogEntry {
  std::chrono::system_clock::time_point time;
  std::string_view request_id;
  std::string_view method;  // "-" when the request line never parsed
  std::string_view path;    // raw path without the query; "-" when unknown
  int status = 0;
  uint64_t bytes = 0;
  int64_t duration_us = 0;
};

// "2026-11-22T21:16:14.123Z": UTC with milliseconds, the time of every log
// line the platform writes.
std::string LogTimestamp(std::chrono::system_clock::time_point time);

// Receives finished lines (without the newline). Called from several server
// threads at once: a sink must be thread-safe.
using AccessLogSink = std::function<void(std::string_view line)>;

// {"time":"2026-11-22T21:16:14.123Z","id":"...","method":"GET","path":"/healthz",
//  "status":200,"bytes":15,"duration_us":87}
std::string FormatAccessLogLine(const AccessLogEntry& entry);

// Writes each line plus '\n' to stderr with one write(2), so lines from
// different threads never interleave.
AccessLogSink StderrAccessLog();

}  // namespace csu::http
