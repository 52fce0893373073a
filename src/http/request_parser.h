// An incremental, strict, bounded HTTP/1.1 request parser (RFC 9112).
//
// Bytes arrive in any split (one at a time, several pipelined requests at
// once); Feed() consumes exactly one request's bytes and stops, leaving what
// follows for the next request, so pipelining needs no extra code. Memory is
// bounded by ParserLimits at every step: a line is refused as soon as it
// grows past its limit, before its end arrives (the cpp-httplib CVE-2025-53628
// class), and a body is refused from its Content-Length before a byte of it is
// read (CVE-2025-46728).
//
// Strictness, each rule chosen so that we and any proxy in front of us can
// never disagree about where a request ends (request smuggling) or what path
// it names (traversal):
//  - lines end in CRLF; a bare LF or bare CR is 400;
//  - request line is exactly "METHOD SP origin-form-target SP HTTP/1.x";
//    only "/"-rooted targets (no absolute-form, no "*"); target bytes are
//    RFC 3986 pchar / query characters only (no space, CTL, '#', '\', 8-bit);
//  - a method that is a token but not one we implement is 501; HTTP/2.0 and
//    other well-formed versions are 505;
//  - header lines starting with whitespace (obs-fold) are 400; so is
//    whitespace before the colon, a non-token name, or a CTL in a value;
//  - HTTP/1.1 needs exactly one Host (RFC 9112 §3.2);
//  - Content-Length must be 1-18 ASCII digits and appear once (no lists, no
//    sign, no duplicates even if equal) or 400; above the body limit, 413;
//  - Transfer-Encoding with Content-Length is 400 (the smuggling signature);
//    Transfer-Encoding alone is 501: we implement no transfer coding, and RFC
//    9112 §6.1 names 501 for a coding the server does not understand. 411
//    would tell the client to resend with a length, which is right only for
//    POST/PUT/PATCH sent with neither header, and that is what gets 411;
//  - Expect other than "100-continue" is 417;
//  - the path is percent-decoded segment by segment; a segment that decodes
//    to "." or "..", or holds '/', '\', NUL or another control character,
//    or a path that is not UTF-8, is 400; so is a malformed %-escape in the
//    path or query, and a query decoding to NUL or invalid UTF-8.
//
// Not thread-safe; one parser per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace csu::http {

struct ParserLimits {
  size_t max_request_line_bytes = 8 * 1024;  // without CRLF; 414 beyond
  size_t max_header_line_bytes = 8 * 1024;   // one field line without CRLF; 431 beyond
  size_t max_header_bytes = 32 * 1024;       // all field lines with CRLFs; 431 beyond
  size_t max_header_count = 100;             // 431 beyond
  size_t max_body_bytes = 1024 * 1024;       // Content-Length above it: 413
  size_t max_query_params = 256;             // 400 beyond (parameter floods)
  // Routes that take a larger body: a POST to exactly `path` may send up to
  // `max_bytes` (an extract upload, docs/http.md "Limits"). Every other
  // request keeps max_body_bytes; the body is still checked from its
  // Content-Length before a byte of it is read, and memory follows the bytes
  // that arrive.
  struct LargeBody {
    std::string path;  // decoded path, e.g. "/data/uploads"
    size_t max_bytes = 0;
  };
  std::vector<LargeBody> large_bodies;
};

// Why a request was refused: the status to answer and a short reason that
// names the rule broken. The reason never quotes request bytes, so it is safe
// to send to the client and to log.
struct ParseError {
  int status = 400;
  std::string reason;
};

class RequestParser {
 public:
  enum class State {
    kIncomplete,  // more bytes needed
    kComplete,    // request() holds a whole request; call Reset() for the next
    kError,       // error() says why; the connection must be closed after answering
  };

  explicit RequestParser(ParserLimits limits = {});

  // Consumes bytes of the current request from the front of `data` and
  // returns how many it consumed; it consumes nothing once the state is
  // kComplete or kError. Bytes not consumed belong to the next request.
  size_t Feed(std::string_view data);

  State state() const { return state_; }
  // True once the header section has been parsed (the body may be pending).
  // The server switches from its header deadline to its body deadline here.
  bool headers_complete() const { return phase_ == Phase::kBody || phase_ == Phase::kDone; }
  // True when the header section asked for "100 Continue" and the body is
  // still to come: the server sends the interim response once.
  bool expects_continue() const { return expect_continue_ && phase_ == Phase::kBody; }
  // True until the first byte of a request line arrives (blank lines before
  // a request are ignored, RFC 9112 §2.2). A connection that times out while
  // idle is closed silently; one that timed out mid-request gets 408.
  bool idle() const { return phase_ == Phase::kRequestLine && line_.empty(); }

  const ParseError& error() const { return error_; }
  // The parsed request; meaningful only in state kComplete.
  Request& request() { return request_; }

  // Clears everything for the next request on the same connection.
  void Reset();

 private:
  enum class Phase { kRequestLine, kHeaders, kBody, kDone };

  // Appends the next line's bytes to line_, enforcing `limit`; returns true
  // when a whole line (without CRLF) is in line_, with *consumed advanced.
  bool TakeLine(std::string_view data, size_t* consumed, size_t limit, int status_if_long, const char* what);
  void OnRequestLine();
  void OnHeaderLine();
  void OnHeadersEnd();
  void Fail(int status, std::string reason);

  ParserLimits limits_;
  State state_ = State::kIncomplete;
  Phase phase_ = Phase::kRequestLine;
  std::string line_;           // the line being assembled, bounded by its limit (+1 for the CR)
  size_t header_bytes_ = 0;    // field lines so far, with CRLFs
  size_t blank_lines_ = 0;     // blank lines before the request line
  uint64_t body_remaining_ = 0;
  bool expect_continue_ = false;
  Request request_;
  ParseError error_;
};

// Percent-decodes `s`. With `plus_is_space`, '+' becomes ' ' (query strings,
// application/x-www-form-urlencoded). Returns nullopt for a '%' not followed
// by two hex digits. Does not validate what the bytes decode to.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// Splits and decodes an origin-form target into request's raw_path, path,
// segments and query, enforcing the rules in the file comment. Used by the
// parser; public so tests and the fuzzer can reach it directly.
std::optional<ParseError> ParseTarget(std::string_view target, const ParserLimits& limits, Request& request);

// A standard reason phrase for the status codes this server sends.
std::string_view ReasonPhrase(int status);

}  // namespace csu::http
