#include "http/response.h"

#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "core/text.h"
#include "http/request.h"
#include "http/request_parser.h"

namespace csu::http {
namespace {

bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~")) {
    if (c == static_cast<unsigned char>(t)) return true;
  }
  return false;
}

bool ServerOwned(std::string_view name) {
  return EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding") ||
         EqualsIgnoreCase(name, "connection") || EqualsIgnoreCase(name, "date") ||
         EqualsIgnoreCase(name, "x-request-id");
}

// 1xx, 204 and 304 responses never carry a body (RFC 9110 §6.4.1).
bool BodyAllowed(int status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

Response Response::Json(int status, std::string body) {
  Response r(status);
  r.SetHeader("Content-Type", "application/json");
  r.set_body(std::move(body));
  return r;
}

Response Response::Text(int status, std::string body) {
  Response r(status);
  r.SetHeader("Content-Type", "text/plain; charset=utf-8");
  r.set_body(std::move(body));
  return r;
}

Response Response::Html(int status, std::string body) {
  Response r(status);
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.set_body(std::move(body));
  return r;
}

Response Response::Error(int status, std::string_view message) {
  return Json(status, "{\"error\":{\"status\":" + std::to_string(status) + ",\"message\":\"" +
                          JsonEscape(message) + "\"}}");
}

void Response::SetHeader(std::string_view name, std::string_view value) {
  if (name.empty()) throw std::invalid_argument("empty header name");
  for (char c : name) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) throw std::invalid_argument("header name is not a token");
  }
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) throw std::invalid_argument("control character in a header value");
  }
  if (ServerOwned(name)) throw std::invalid_argument("header is set by the server");
  for (auto& [n, v] : headers_) {
    if (EqualsIgnoreCase(n, name)) {
      v = std::string(value);
      return;
    }
  }
  headers_.emplace_back(std::string(name), std::string(value));
}

std::string_view Response::Header(std::string_view name) const {
  for (const auto& [n, v] : headers_) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return {};
}

const std::vector<std::pair<std::string_view, std::string_view>>& DefaultSecurityHeaders() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  };
  return kHeaders;
}

std::string Serialize(const Response& response, const SerializeOptions& options) {
  const int status = response.status();
  std::string out;
  out.reserve(512 + (options.head_only ? 0 : response.body().size()));
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += ReasonPhrase(status);
  out += "\r\n";
  auto field = [&out](std::string_view name, std::string_view value) {
    out.append(name);
    out += ": ";
    out.append(value);
    out += "\r\n";
  };
  for (const auto& [name, value] : response.headers()) field(name, value);
  for (const auto& [name, value] : DefaultSecurityHeaders()) {
    if (response.Header(name).empty()) field(name, value);
  }
  if (!options.date.empty()) field("Date", options.date);
  if (!options.request_id.empty()) field("X-Request-Id", options.request_id);
  const bool body_allowed = BodyAllowed(status);
  if (body_allowed) field("Content-Length", std::to_string(response.body().size()));
  field("Connection", options.keep_alive ? "keep-alive" : "close");
  out += "\r\n";
  if (body_allowed && !options.head_only) out += response.body();
  return out;
}

std::string HttpDateNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}


}  // namespace csu::http
