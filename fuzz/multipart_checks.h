// Invariant checks for the multipart/form-data parser (http/multipart.h),
// the framing of the web's extract uploads. The input's first line is the
// boundary; the rest is the body. Shared by fuzz/multipart_fuzz.cc and
// src/http/multipart_fuzz_corpus_test.cc, which replays fuzz/corpus/multipart
// in the default suite.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.h"
#include "http/multipart.h"

namespace csu::fuzz {

// A quoted-string parameter value: '"' and '\' escaped.
inline std::string QuotedParam(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// The parts written again as a body with `boundary`.
inline std::string MultipartBody(const std::string& boundary, const std::vector<http::FormPart>& parts) {
  std::string out;
  for (const http::FormPart& p : parts) {
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=" + QuotedParam(p.name);
    if (!p.filename.empty()) out += "; filename=" + QuotedParam(p.filename);
    out += "\r\n";
    if (!p.content_type.empty()) out += "Content-Type: " + p.content_type + "\r\n";
    out += "\r\n";
    out += p.data;
    out += "\r\n";
  }
  return out + "--" + boundary + "--\r\n";
}

// The rules of a parse, apart from the parser so a test can show them
// reject a wrong one: at most the limit's parts, each named, each part's
// bytes a view inside the body holding no delimiter, and the parts written
// again parse back to the same names, file names, types and bytes.
inline std::string CheckMultipartParts(const std::string& boundary, std::string_view body,
                                       const std::vector<http::FormPart>& parts) {
  if (parts.size() > http::MultipartLimits{}.max_parts) return "more parts than the limit";
  const std::string delimiter = "\r\n--" + boundary;
  for (const http::FormPart& p : parts) {
    if (p.name.empty()) return "a part without a name";
    if (p.data.data() < body.data() || p.data.data() + p.data.size() > body.data() + body.size())
      return "a part's bytes lie outside the body";
    if (p.data.find(delimiter) != std::string_view::npos) return "a part's bytes hold the delimiter";
  }
  const std::string again = MultipartBody(boundary, parts);
  auto reparsed = http::ParseMultipart("multipart/form-data; boundary=" + QuotedParam(boundary), again);
  if (!reparsed.ok()) return "the parts written again do not parse: " + reparsed.error().why;
  if (reparsed.value().size() != parts.size()) return "the parts written again parse to another count";
  for (size_t i = 0; i < parts.size(); ++i) {
    const http::FormPart &a = parts[i], &b = reparsed.value()[i];
    if (a.name != b.name || a.filename != b.filename || a.content_type != b.content_type || a.data != b.data)
      return "a part written again parses otherwise";
  }
  return "";
}

inline std::string CheckMultipart(std::string_view data) {
  const size_t eol = data.find('\n');
  if (eol == std::string_view::npos) return "";
  const std::string boundary(data.substr(0, eol));
  const std::string_view body = data.substr(eol + 1);
  auto parts = http::ParseMultipart("multipart/form-data; boundary=" + QuotedParam(boundary), body);
  if (!parts.ok()) {
    if (parts.error().where != "upload") return "an error that does not say where";
    return "";
  }
  return CheckMultipartParts(boundary, body, parts.value());
}

}  // namespace csu::fuzz
