// multipart/form-data: the framing of RFC 2046 §5.1.1 and the
// Content-Disposition of RFC 7578 §4.2, nothing more (no nested multipart,
// no Content-Transfer-Encoding: RFC 7578 §4.7 says senders do not use it).
#include "http/multipart.h"

#include <cctype>

namespace csu::http {
namespace {

Error Bad(std::string why) { return MakeError("upload", std::move(why)); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// "form-data; name=\"a\"; filename=\"b.csv\"" -> the type and its parameters.
// A quoted value may hold ';' and backslash-escaped characters.
bool ParseParams(std::string_view value, std::string& type, std::vector<std::pair<std::string, std::string>>& params) {
  size_t i = value.find(';');
  type = std::string(Trim(value.substr(0, i)));
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    if (i == value.size()) break;
    size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) return false;
    std::string key(Trim(value.substr(i, eq - i)));
    if (key.empty()) return false;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    i = eq + 1;
    std::string v;
    if (i < value.size() && value[i] == '"') {
      ++i;
      bool closed = false;
      while (i < value.size()) {
        char c = value[i++];
        if (c == '\\' && i < value.size()) {
          v.push_back(value[i++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          v.push_back(c);
        }
      }
      if (!closed) return false;
      while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
      if (i < value.size() && value[i] != ';') return false;
    } else {
      size_t end = value.find(';', i);
      v = std::string(Trim(value.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end;
    }
    params.emplace_back(std::move(key), std::move(v));
    if (i == std::string_view::npos) break;
  }
  return true;
}

bool ControlFree(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return false;
  return true;
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;
  if (!ParseParams(content_type, type, params) || !EqualsNoCase(type, "multipart/form-data"))
    return Bad("the body is not multipart/form-data (a form with enctype=\"multipart/form-data\")");
  for (const auto& [k, v] : params) {
    if (k != "boundary") continue;
    if (v.empty() || v.size() > 70) return Bad("the multipart boundary must be 1 to 70 characters");
    if (!ControlFree(v)) return Bad("the multipart boundary holds a control character");
    return v;
  }
  return Bad("the multipart Content-Type has no boundary");
}

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                             const MultipartLimits& limits) {
  CSU_ASSIGN_OR_RETURN(boundary, MultipartBoundary(content_type));
  const std::string delimiter = "--" + boundary;
  const std::string next = "\r\n" + delimiter;
  // The body opens with the delimiter (a preamble is allowed by RFC 2046
  // but no browser sends one; refusing it keeps one reading of the body).
  if (body.substr(0, delimiter.size()) != delimiter) return Bad("the body does not open with its boundary");
  size_t pos = delimiter.size();
  std::vector<FormPart> parts;
  while (true) {
    // After a delimiter: "--" closes the body, CRLF opens a part.
    if (body.substr(pos, 2) == "--") return parts;
    if (body.substr(pos, 2) != "\r\n") return Bad("a boundary is not followed by a line break or '--'");
    pos += 2;
    if (parts.size() == limits.max_parts)
      return Bad("more than " + std::to_string(limits.max_parts) + " parts in the form");
    const size_t headers_end = body.find("\r\n\r\n", pos);
    // A part with no header at all starts straight with the blank line.
    const bool no_headers = body.substr(pos, 2) == "\r\n";
    size_t data_start;
    std::string_view headers;
    if (no_headers) {
      data_start = pos + 2;
    } else {
      if (headers_end == std::string_view::npos) return Bad("a part's headers do not end");
      if (headers_end - pos > limits.max_part_header_bytes) return Bad("a part's headers are too long");
      headers = body.substr(pos, headers_end - pos);
      data_start = headers_end + 4;
    }
    FormPart part;
    bool disposition = false;
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      if (!ControlFree(line)) return Bad("a part's header holds a control character");
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return Bad("a part's header line is malformed");
      std::string_view name = line.substr(0, colon);
      std::string_view value = Trim(line.substr(colon + 1));
      if (EqualsNoCase(name, "content-disposition")) {
        if (disposition) return Bad("a part has two Content-Disposition headers");
        disposition = true;
        std::string type;
        std::vector<std::pair<std::string, std::string>> params;
        if (!ParseParams(value, type, params) || !EqualsNoCase(type, "form-data"))
          return Bad("a part's Content-Disposition is not form-data");
        bool named = false;
        for (const auto& [k, v] : params) {
          if (k == "name" && !named) part.name = v, named = true;
          else if (k == "filename") part.filename = v;
        }
      } else if (EqualsNoCase(name, "content-type")) {
        part.content_type = std::string(value);
      }
    }
    if (!disposition || part.name.empty()) return Bad("a part has no Content-Disposition with a name");
    const size_t data_end = body.find(next, data_start);
    if (data_end == std::string_view::npos) return Bad("the body ends inside a part (no closing boundary)");
    part.data = body.substr(data_start, data_end - data_start);
    parts.push_back(std::move(part));
    pos = data_end + next.size();
  }
}

}  // namespace csu::http
