// The two request parsers handlers use beyond the request line and headers:
// application/x-www-form-urlencoded bodies and Cookie headers. Both are
// total: malformed input is skipped, never an error, and never crashes.
// Fuzzed by fuzz/web_form_fuzz.cc (checks in fuzz/web_form_checks.h).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "http/request.h"

namespace csu::http {

// The fields of a form body: '&'-separated pairs, key and value
// percent-decoded with '+' as a space; a pair without '=' is a key with an
// empty value. A pair whose key or value has a bad '%' escape is skipped; a
// key given twice keeps its first value.
std::map<std::string, std::string> ParseForm(std::string_view body);

// Adds the cookies of one Cookie header value ("a=1; b=2") to `out`: pairs
// separated by ';', leading spaces dropped, name before the first '='
// (kept as sent, not decoded). A pair without '=' is skipped; a name already
// in `out` keeps its first value.
void ParseCookieHeader(std::string_view value, std::map<std::string, std::string>& out);

// Every cookie of every Cookie header of `r`, in arrival order.
std::map<std::string, std::string> ParseCookies(const Request& r);

}  // namespace csu::http
