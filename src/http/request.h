// An HTTP/1.1 request as handlers see it: already framed, validated and
// percent-decoded by RequestParser (request_parser.h), so a handler never
// touches raw protocol bytes. Plain values; safe to copy and to read from any
// thread, not to mutate from two.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csu::http {

// The methods the server implements. Anything else that is a valid token
// (CONNECT, TRACE, WebDAV verbs) is answered 501 by the parser.
enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

// "GET", "HEAD", ...
std::string_view MethodName(Method method);
// The method for an exact (case-sensitive, RFC 9110 §9.1) name, or nullopt.
std::optional<Method> ParseMethod(std::string_view name);

// Header fields in arrival order. Names are stored lower-cased (field names
// are case-insensitive) and looked up case-insensitively; values are kept as
// sent with surrounding whitespace trimmed. The parser guarantees names are
// tokens and values hold no CR, LF or NUL, so a value can never split a
// response or a log line if it is ever echoed.
class Headers {
 public:
  // Appends a field; `name` is lower-cased here.
  void Add(std::string_view name, std::string_view value);
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // How many fields called `name` arrived (duplicate detection).
  size_t Count(std::string_view name) const;
  bool Has(std::string_view name) const { return Count(name) > 0; }
  // True when the comma-separated list value(s) of `name` contain `token`
  // (ASCII case-insensitive), e.g. HasToken("connection", "close").
  bool HasToken(std::string_view name, std::string_view token) const;

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// ASCII case-insensitive equality (header names, tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct Request {
  Method method = Method::kGet;
  int version_minor = 1;       // HTTP/1.<version_minor>; only 0 and 1 are accepted
  std::string target;          // the request-target exactly as sent, e.g. "/a%20b?x=1"
  std::string raw_path;        // target up to '?', still percent-encoded (ASCII only)
  std::string path;            // raw_path percent-decoded; valid UTF-8, no NUL, no "." or ".." segment
  std::vector<std::string> segments;  // path split on '/', each decoded ("/a/b" -> {"a","b"})
  // Query parameters in order, decoded ('+' is a space). A key may repeat
  // (?provider=A&provider=B); Query() gives the first, QueryAll() every one.
  std::vector<std::pair<std::string, std::string>> query;
  Headers headers;
  std::string body;
  std::string remote_address;  // peer address from the socket, never from a header ("127.0.0.1")
  std::string request_id;      // assigned by the server, echoed as X-Request-Id
  // Values of the `{name}` segments of the route that matched; set by Router.
  std::vector<std::pair<std::string, std::string>> path_params;

  std::optional<std::string_view> Query(std::string_view key) const;
  std::vector<std::string_view> QueryAll(std::string_view key) const;
  // The value of path parameter `name`; empty when the route has none.
  std::string_view PathParam(std::string_view name) const;
  // Whether the client asked to keep the connection open after this request:
  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 never (we do not implement
  // the 1.0 keep-alive extension).
  bool WantsKeepAlive() const;
};

}  // namespace csu::http
