// Invariant checks for the web's form and cookie parsers (http/form.h). Every
// input is read both as a form body and as a Cookie header value. Shared by
// fuzz/web_form_fuzz.cc and src/http/form_fuzz_corpus_test.cc, which replays
// fuzz/corpus/web_form in the default suite.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "http/form.h"
#include "http/request_parser.h"

namespace csu::fuzz {

// Every byte but A-Z a-z 0-9 - . _ ~ as %XX.
inline std::string FormEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.' ||
        u == '_' || u == '~') {
      out.push_back(c);
    } else {
      out += {'%', hex[u >> 4], hex[u & 15]};
    }
  }
  return out;
}

// A form's fields encoded again as a body.
inline std::string FormBody(const std::map<std::string, std::string>& form) {
  std::string out;
  for (const auto& [k, v] : form) out += (out.empty() ? "" : "&") + FormEncode(k) + "=" + FormEncode(v);
  return out;
}

// The rules of a parsed form, apart from the parser so a test can show them
// reject a wrong parse: the first well-formed pair of `body` is in `form`
// with its value (a key given twice keeps its first value), and the form
// encoded again parses back to itself.
inline std::string CheckForm(std::string_view body, const std::map<std::string, std::string>& form) {
  std::string_view rest = body;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    auto key = http::PercentDecode(pair.substr(0, eq), true);
    auto value = http::PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) continue;
    auto it = form.find(*key);
    if (it == form.end()) return "a well-formed pair is missing from the form";
    if (it->second != *value) return "the first value of a key is not the one kept";
    break;
  }
  if (http::ParseForm(FormBody(form)) != form) return "the form encoded again parses otherwise";
  return "";
}

// The rules of parsed cookies: a name holds no '=' or ';' and does not start
// with a space, a value holds no ';', and the cookies written again as one
// header value ("a=1; b=2") parse back to themselves.
inline std::string CheckCookies(const std::map<std::string, std::string>& cookies) {
  std::string header;
  for (const auto& [name, value] : cookies) {
    if (name.find_first_of("=;") != std::string::npos || (!name.empty() && name[0] == ' '))
      return "a cookie name holds '=', ';' or a leading space";
    if (value.find(';') != std::string::npos) return "a cookie value holds ';'";
    header += (header.empty() ? "" : "; ") + name + "=" + value;
  }
  std::map<std::string, std::string> again;
  http::ParseCookieHeader(header, again);
  if (again != cookies) return "the cookies written again parse otherwise";
  return "";
}

// `data` as a form body and as a Cookie header value.
inline std::string CheckWebForm(std::string_view data) {
  if (std::string broken = CheckForm(data, http::ParseForm(data)); !broken.empty()) return "form: " + broken;
  std::map<std::string, std::string> cookies;
  http::ParseCookieHeader(data, cookies);
  if (std::string broken = CheckCookies(cookies); !broken.empty()) return "cookie: " + broken;
  return "";
}

}  // namespace csu::fuzz
