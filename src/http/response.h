// An HTTP response as a handler builds it: a status, header fields and a
// body held in memory. The server adds framing (Content-Length, Connection,
// Date) and the security headers below when it writes the response.
//
// Security headers are on by default, so a handler cannot forget them; a
// handler that needs another value sets the field itself and the default is
// not added:
//   Content-Security-Policy  default-src 'self'; script-src 'self'; object-src 'none';
//                            base-uri 'none'; form-action 'self'; frame-ancestors 'none'
//                            (no 'unsafe-inline': pages carry no inline script or style)
//   X-Content-Type-Options   nosniff
//   X-Frame-Options          DENY   (frame-ancestors for browsers without CSP 2)
//   Referrer-Policy          no-referrer   (our URLs may name organisations or ids)
//   Cache-Control            no-store      (every response is data until a handler says
//                                           otherwise, e.g. for static assets)
// HSTS belongs to the TLS terminator (nginx), which alone knows the scheme.
//
// Not thread-safe; a value owned by one request.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csu::http {

class Response {
 public:
  Response() = default;
  explicit Response(int status) : status_(status) {}

  // Common bodies with their Content-Type (UTF-8 where it is text).
  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
  static Response Html(int status, std::string body);
  // A JSON error document {"error": {"status": N, "message": "..."}}. The
  // message is escaped here; callers must still never put secrets in it.
  static Response Error(int status, std::string_view message);

  int status() const { return status_; }
  void set_status(int status) { status_ = status; }
  const std::string& body() const { return body_; }
  void set_body(std::string body) { body_ = std::move(body); }

  // Sets (replacing any same-named field, case-insensitively) a header.
  // Throws std::invalid_argument when the name is not a token or the value
  // holds CR, LF, NUL or another control character: a handler echoing
  // request data into a header must not be able to split the response.
  // Content-Length, Transfer-Encoding, Connection and Date belong to the
  // server and are refused the same way.
  void SetHeader(std::string_view name, std::string_view value);
  // The value of a header set by the handler, or empty.
  std::string_view Header(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

 private:
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
};

// The default security headers listed above, in the order they are written.
const std::vector<std::pair<std::string_view, std::string_view>>& DefaultSecurityHeaders();

struct SerializeOptions {
  bool head_only = false;    // a HEAD request: headers (with the GET length), no body
  bool keep_alive = true;    // false writes "Connection: close"
  std::string_view request_id;  // written as X-Request-Id when not empty
  std::string_view date;     // an IMF-fixdate; empty omits Date (tests)
};

// The response as bytes on the wire: status line, handler headers, missing
// security defaults, framing headers, blank line, body.
std::string Serialize(const Response& response, const SerializeOptions& options);

// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string HttpDateNow();

}  // namespace csu::http
