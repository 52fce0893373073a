#include "http/form.h"

#include "http/request_parser.h"

namespace csu::http {

std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    const size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (key && value) out.emplace(std::move(*key), std::move(*value));
  }
  return out;
}

void ParseCookieHeader(std::string_view v, std::map<std::string, std::string>& out) {
  while (!v.empty()) {
    const size_t semi = v.find(';');
    std::string_view part = v.substr(0, semi);
    v = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
  }
}

std::map<std::string, std::string> ParseCookies(const Request& r) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : r.headers.fields()) {
    if (name == "cookie") ParseCookieHeader(value, out);
  }
  return out;
}

}  // namespace csu::http
