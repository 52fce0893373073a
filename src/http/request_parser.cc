#include "http/request_parser.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/text.h"

namespace csu::http {
namespace {

// RFC 9110 §5.6.2 tchar.
bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Bytes allowed in an origin-form target: RFC 3986 pchar ("unreserved /
// pct-encoded / sub-delims / ':' / '@'") plus '/' and '?'. Everything else
// (space, CTL, '"', '#', '<', '>', '\', '^', '`', '{', '|', '}', DEL,
// 8-bit) is refused rather than guessed at.
constexpr std::array<bool, 256> MakeTargetTable() {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (char c : std::string_view("-._~%!$&'()*+,;=:@/?")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kTargetChar = MakeTargetTable();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool HasControl(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A request may be preceded by a few stray CRLFs (some clients send one
// after a POST body); more than this is not a client being sloppy.
constexpr size_t kMaxBlankLines = 8;
// 18 digits cannot overflow uint64_t, and is far beyond any body limit.
constexpr size_t kMaxContentLengthDigits = 18;

}  // namespace

std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<ParseError> ParseTarget(std::string_view target, const ParserLimits& limits, Request& request) {
  if (target.empty() || target.front() != '/') {
    return ParseError{400, "the request target must be a path starting with '/'"};
  }
  for (char c : target) {
    if (!kTargetChar[static_cast<unsigned char>(c)]) {
      return ParseError{400, "the request target holds a character that must be percent-encoded"};
    }
  }
  size_t qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  std::string_view raw_query = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);

  request.raw_path = std::string(raw_path);
  request.path.clear();
  request.segments.clear();
  // Decode each segment on its own, so "%2F" can never become a separator
  // and "%2e%2e" is seen as ".." exactly like a literal one.
  std::string_view rest = raw_path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view raw_segment = rest.substr(0, slash);
    auto segment = PercentDecode(raw_segment, /*plus_is_space=*/false);
    if (!segment) return ParseError{400, "the path has a malformed percent-escape"};
    if (*segment == "." || *segment == "..") {
      return ParseError{400, "the path has a '.' or '..' segment"};
    }
    if (segment->find('/') != std::string::npos || segment->find('\\') != std::string::npos ||
        HasControl(*segment)) {
      return ParseError{400, "the path decodes to a slash, backslash or control character"};
    }
    request.path += '/';
    request.path += *segment;
    request.segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  // "/" is the root, not a single empty segment.
  if (request.segments.size() == 1 && request.segments[0].empty()) request.segments.clear();
  if (!IsValidUtf8(request.path)) return ParseError{400, "the path is not valid UTF-8"};

  request.query.clear();
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    if (request.query.size() >= limits.max_query_params) {
      return ParseError{400, "the query has too many parameters"};
    }
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return ParseError{400, "the query has a malformed percent-escape"};
    if (key->find('\0') != std::string::npos || value->find('\0') != std::string::npos) {
      return ParseError{400, "the query decodes to a NUL byte"};
    }
    if (!IsValidUtf8(*key) || !IsValidUtf8(*value)) return ParseError{400, "the query is not valid UTF-8"};
    request.query.emplace_back(std::move(*key), std::move(*value));
  }
  return std::nullopt;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}

void RequestParser::Reset() {
  state_ = State::kIncomplete;
  phase_ = Phase::kRequestLine;
  line_.clear();
  header_bytes_ = 0;
  blank_lines_ = 0;
  body_remaining_ = 0;
  expect_continue_ = false;
  request_ = Request();
  error_ = ParseError();
}

void RequestParser::Fail(int status, std::string reason) {
  state_ = State::kError;
  error_ = ParseError{status, std::move(reason)};
}

bool RequestParser::TakeLine(std::string_view data, size_t* consumed, size_t limit, int status_if_long,
                             const char* what) {
  std::string_view rest = data.substr(*consumed);
  const void* lf = std::memchr(rest.data(), '\n', rest.size());
  size_t take = lf == nullptr ? rest.size() : static_cast<size_t>(static_cast<const char*>(lf) - rest.data()) + 1;
  // Refuse as soon as the line cannot fit, before its end arrives: "+ 1"
  // leaves room for the CR of the CRLF still to come.
  size_t content_so_far = line_.size() + take - (lf == nullptr ? 0 : 1);
  if (content_so_far > limit + 1) {
    Fail(status_if_long, std::string(what) + " is too long");
    return false;
  }
  line_.append(rest.data(), take);
  *consumed += take;
  if (lf == nullptr) return false;
  // line_ ends in "\n": require the CR before it, and no other CR.
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
    Fail(400, "lines must end in CRLF");
    return false;
  }
  line_.resize(line_.size() - 2);
  if (line_.find('\r') != std::string::npos) {
    Fail(400, "a bare CR inside a line");
    return false;
  }
  if (line_.size() > limit) {
    Fail(status_if_long, std::string(what) + " is too long");
    return false;
  }
  return true;
}

size_t RequestParser::Feed(std::string_view data) {
  size_t consumed = 0;
  while (state_ == State::kIncomplete && consumed < data.size()) {
    switch (phase_) {
      case Phase::kRequestLine:
        if (!TakeLine(data, &consumed, limits_.max_request_line_bytes, 414, "the request line")) break;
        if (line_.empty()) {
          if (++blank_lines_ > kMaxBlankLines) Fail(400, "too many blank lines before the request");
          break;
        }
        OnRequestLine();
        line_.clear();
        break;
      case Phase::kHeaders: {
        // The line's bytes count against the header section before the
        // line is judged: otherwise a malformed line past the limit would be
        // a 400 when it arrives whole and a 431 when it arrives a byte at a
        // time, and a request must be refused the same way however its bytes
        // are split (fuzz/http_checks.h).
        const std::string_view rest = data.substr(consumed);
        const void* lf = std::memchr(rest.data(), '\n', rest.size());
        const size_t before_lf =
            lf == nullptr ? rest.size() : static_cast<size_t>(static_cast<const char*>(lf) - rest.data());
        if (header_bytes_ + before_lf > limits_.max_header_bytes) {
          Fail(431, "the header section is too large");
          break;
        }
        size_t before = consumed;
        if (!TakeLine(data, &consumed, limits_.max_header_line_bytes, 431, "a header field")) {
          header_bytes_ += consumed - before;
          if (state_ == State::kIncomplete && header_bytes_ > limits_.max_header_bytes) {
            Fail(431, "the header section is too large");
          }
          break;
        }
        header_bytes_ += consumed - before;
        if (header_bytes_ > limits_.max_header_bytes) {
          Fail(431, "the header section is too large");
          break;
        }
        if (line_.empty()) {
          OnHeadersEnd();
        } else {
          OnHeaderLine();
        }
        line_.clear();
        break;
      }
      case Phase::kBody: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(body_remaining_, data.size() - consumed));
        request_.body.append(data.data() + consumed, take);
        consumed += take;
        body_remaining_ -= take;
        if (body_remaining_ == 0) {
          phase_ = Phase::kDone;
          state_ = State::kComplete;
        }
        break;
      }
      case Phase::kDone:
        return consumed;
    }
  }
  return consumed;
}

void RequestParser::OnRequestLine() {
  std::string_view line = line_;
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Fail(400, "the request line must be 'METHOD target HTTP/1.1'");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);

  if (!IsToken(method)) return Fail(400, "the method is not a token");
  if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[6] == '.' && version[5] >= '0' &&
      version[5] <= '9' && version[7] >= '0' && version[7] <= '9') {
    if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
      return Fail(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    }
    request_.version_minor = version[7] - '0';
  } else {
    return Fail(400, "the protocol version is malformed");
  }
  auto m = ParseMethod(method);
  if (!m) return Fail(501, "the method is not implemented");
  request_.method = *m;
  request_.target = std::string(target);
  if (auto error = ParseTarget(target, limits_, request_)) return Fail(error->status, std::move(error->reason));
  phase_ = Phase::kHeaders;
}

void RequestParser::OnHeaderLine() {
  if (line_.front() == ' ' || line_.front() == '\t') {
    return Fail(400, "obsolete line folding in the header section");
  }
  size_t colon = line_.find(':');
  if (colon == std::string::npos) return Fail(400, "a header line without a colon");
  std::string_view name = std::string_view(line_).substr(0, colon);
  if (!IsToken(name)) return Fail(400, "a header name is not a token (or has space before the colon)");
  std::string_view value = TrimOws(std::string_view(line_).substr(colon + 1));
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return Fail(400, "a header value holds a control character");
  }
  if (request_.headers.size() >= limits_.max_header_count) return Fail(431, "too many header fields");
  request_.headers.Add(name, value);
}

void RequestParser::OnHeadersEnd() {
  const Headers& h = request_.headers;
  size_t hosts = h.Count("host");
  if (request_.version_minor == 1 ? hosts != 1 : hosts > 1) {
    return Fail(400, "an HTTP/1.1 request needs exactly one Host header");
  }
  bool has_te = h.Has("transfer-encoding");
  size_t cls = h.Count("content-length");
  if (has_te && cls > 0) return Fail(400, "both Transfer-Encoding and Content-Length");
  if (has_te && request_.version_minor == 0) return Fail(400, "Transfer-Encoding in an HTTP/1.0 request");
  if (has_te) return Fail(501, "Transfer-Encoding is not supported; send Content-Length");
  if (cls > 1) return Fail(400, "more than one Content-Length");

  uint64_t length = 0;
  if (cls == 1) {
    std::string_view v = *h.Get("content-length");
    if (v.empty() || v.size() > kMaxContentLengthDigits) return Fail(400, "Content-Length is not a valid length");
    for (char c : v) {
      if (c < '0' || c > '9') return Fail(400, "Content-Length is not a valid length");
      length = length * 10 + static_cast<uint64_t>(c - '0');
    }
    size_t max_body = limits_.max_body_bytes;
    if (request_.method == Method::kPost) {
      for (const ParserLimits::LargeBody& large : limits_.large_bodies)
        if (request_.path == large.path) max_body = large.max_bytes;
    }
    if (length > max_body) return Fail(413, "the body is larger than this server accepts");
  } else if (request_.method == Method::kPost || request_.method == Method::kPut ||
             request_.method == Method::kPatch) {
    return Fail(411, "this method needs a Content-Length");
  }

  if (auto expect = h.Get("expect")) {
    if (h.Count("expect") > 1 || !EqualsIgnoreCase(*expect, "100-continue")) {
      return Fail(417, "the only expectation supported is 100-continue");
    }
    expect_continue_ = request_.version_minor == 1;
  }

  body_remaining_ = length;
  // Reserve a little, not `length`: memory should follow the bytes that
  // actually arrive, or idle connections that merely declare large bodies
  // could pin max_connections x max_body_bytes.
  request_.body.reserve(static_cast<size_t>(std::min<uint64_t>(length, 64 * 1024)));
  if (length == 0) {
    phase_ = Phase::kDone;
    state_ = State::kComplete;
  } else {
    phase_ = Phase::kBody;
  }
}

}  // namespace csu::http
