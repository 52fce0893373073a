// Invariant checks for the HTTP request parser (src/http/request_parser.h),
// shared by the libFuzzer target fuzz/http_request_fuzz.cc and by
// src/http/request_parser_corpus_test.cc, which replays the checked-in corpus
// (fuzz/corpus/http_request/) in the default suite without clang.
//
// Like fuzz_checks.h: header-only, never prints, returns "" when every
// invariant held or a description of the first that did not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "http/request_parser.h"

namespace csu::fuzz {

// Small limits, so short fuzz inputs reach every limit's code path too.
inline http::ParserLimits SmallHttpLimits() {
  http::ParserLimits l;
  l.max_request_line_bytes = 200;
  l.max_header_line_bytes = 120;
  l.max_header_bytes = 600;
  l.max_header_count = 12;
  l.max_body_bytes = 300;
  l.max_query_params = 8;
  return l;
}

// Everything a handler can see of a request, as one comparable string.
inline std::string DescribeRequest(const http::Request& r) {
  std::string d;
  d += http::MethodName(r.method);
  d += "|1." + std::to_string(r.version_minor) + "|" + r.target + "|" + r.raw_path + "|" + r.path + "|";
  for (const auto& s : r.segments) d += s + "\x1f";
  d += "|";
  for (const auto& [k, v] : r.query) d += k + "=" + v + "\x1f";
  d += "|";
  for (const auto& [k, v] : r.headers.fields()) d += k + ":" + v + "\x1f";
  d += "|" + std::to_string(r.body.size()) + ":" + r.body;
  return d;
}

// Writes a parsed request back as wire bytes (always with Content-Length
// when the original had one, in the original field order).
inline std::string ReserializeRequest(const http::Request& r) {
  std::string w;
  w += http::MethodName(r.method);
  w += " " + r.target + " HTTP/1." + std::to_string(r.version_minor) + "\r\n";
  for (const auto& [k, v] : r.headers.fields()) w += k + ": " + v + "\r\n";
  w += "\r\n" + r.body;
  return w;
}

// Parses `data` as a stream of pipelined requests, feeding it in pieces of
// `chunk` bytes (0: all at once). Appends one entry per request: its
// description, or "error <status>" (after which the stream stops).
inline std::string ParseStream(std::string_view data, size_t chunk, const http::ParserLimits& limits,
                               std::vector<std::string>* out, std::vector<http::Request>* requests) {
  http::RequestParser p(limits);
  size_t at = 0;
  size_t guard = 0;
  while (at <= data.size()) {
    if (++guard > data.size() * 4 + 16) return "no progress: the parser loops";
    size_t n = chunk == 0 ? data.size() - at : std::min(chunk, data.size() - at);
    size_t used = p.Feed(data.substr(at, n));
    if (used > n) return "Feed consumed more than it was given";
    at += used;
    if (p.state() == http::RequestParser::State::kError) {
      out->push_back("error " + std::to_string(p.error().status));
      return "";
    }
    if (p.state() == http::RequestParser::State::kComplete) {
      out->push_back(DescribeRequest(p.request()));
      if (requests != nullptr) requests->push_back(p.request());
      p.Reset();
      continue;
    }
    if (used < n) return "an incomplete parser left bytes unconsumed";
    if (at == data.size()) break;
  }
  return "";
}

inline std::string CheckParsedRequest(const http::Request& r, const http::ParserLimits& limits) {
  if (r.headers.Has("transfer-encoding")) return "a request with Transfer-Encoding was accepted";
  if (r.headers.Count("content-length") > 1) return "two Content-Length fields were accepted";
  if (r.version_minor == 1 && r.headers.Count("host") != 1) return "HTTP/1.1 without exactly one Host";
  if (r.body.size() > limits.max_body_bytes) return "a body over the limit was accepted";
  if (!r.body.empty() && !r.headers.Has("content-length")) return "a body without Content-Length";
  if (auto cl = r.headers.Get("content-length"); cl && std::stoull(std::string(*cl)) != r.body.size()) {
    return "the body length differs from Content-Length";
  }
  if (r.headers.size() > limits.max_header_count) return "more header fields than the limit";
  if (r.query.size() > limits.max_query_params) return "more query parameters than the limit";
  if (r.target.empty() || r.target[0] != '/') return "a target not starting with '/'";
  for (char c : r.raw_path) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      return "raw_path holds a byte that is not printable ASCII";
    }
  }
  std::string joined;
  for (const auto& s : r.segments) {
    if (s == "." || s == "..") return "a dot segment survived";
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F || c == '/' || c == '\\') return "a segment holds a separator or control byte";
    }
    joined += "/" + s;
  }
  if (joined.empty()) joined = "/";
  if (joined != r.path) return "segments do not join to the path";
  if (!IsValidUtf8(r.path)) return "the path is not UTF-8";
  for (const auto& [k, v] : r.query) {
    if (!IsValidUtf8(k) || !IsValidUtf8(v)) return "a query parameter is not UTF-8";
    if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos) return "NUL in the query";
  }
  for (const auto& [k, v] : r.headers.fields()) {
    for (char c : k) {
      if (c >= 'A' && c <= 'Z') return "a header name is not lower-cased";
    }
    for (char c : v) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) return "a header value holds a control byte";
    }
  }
  return "";
}

// The parser over arbitrary bytes. Invariants:
//  - it terminates and never consumes more than it is given;
//  - the result does not depend on how the bytes are split (whole, 1 byte
//    at a time, 7 at a time): one reading of where each request ends, the
//    property request smuggling breaks;
//  - an error is one of the statuses the parser documents;
//  - an accepted request obeys every rule the parser promises (no
//    Transfer-Encoding, one Content-Length matching the body, no dot
//    segments, UTF-8 path and query, no control bytes in header values);
//  - an accepted request written back out parses to the same request.
inline std::string CheckRequestParser(std::string_view data) {
  for (const http::ParserLimits& limits : {http::ParserLimits{}, SmallHttpLimits()}) {
    std::vector<std::string> whole, bytewise, sevens;
    std::vector<http::Request> requests;
    if (auto p = ParseStream(data, 0, limits, &whole, &requests); !p.empty()) return p;
    if (auto p = ParseStream(data, 1, limits, &bytewise, nullptr); !p.empty()) return p;
    if (auto p = ParseStream(data, 7, limits, &sevens, nullptr); !p.empty()) return p;
    if (whole != bytewise || whole != sevens) return "the outcome depends on how the input is split";
    for (const auto& entry : whole) {
      if (entry.rfind("error ", 0) != 0) continue;
      const std::string status = entry.substr(6);
      if (status != "400" && status != "411" && status != "413" && status != "414" && status != "417" &&
          status != "431" && status != "501" && status != "505") {
        return "an undocumented error status " + status;
      }
    }
    for (const auto& r : requests) {
      if (auto p = CheckParsedRequest(r, limits); !p.empty()) return p;
      // The rewrite writes "name: value", one byte longer per field than
      // the tightest original "name:value"; allow for exactly that.
      http::ParserLimits relaxed = limits;
      relaxed.max_header_line_bytes += 1;
      relaxed.max_header_bytes += r.headers.size();
      std::vector<std::string> again;
      const std::string wire = ReserializeRequest(r);
      if (auto p = ParseStream(wire, 0, relaxed, &again, nullptr); !p.empty()) return p;
      if (again.size() != 1 || again[0] != DescribeRequest(r)) {
        return "a request written back out parses differently";
      }
    }
  }
  return "";
}

}  // namespace csu::fuzz
