// multipart/form-data request bodies (RFC 7578, framing of RFC 2046 §5.1):
// what a browser sends for a form with a file field, so a page can upload a
// file without script. Strict and bounded: a body that is not exactly
// delimiter, part, delimiter ... close-delimiter is refused with why, never
// guessed at. Parts are views into the body (an upload is not copied).
// Fuzzed by fuzz/multipart_fuzz.cc (checks in fuzz/multipart_checks.h).
//
//   CSU_ASSIGN_OR_RETURN(parts, ParseMultipart(*r.headers.Get("content-type"), r.body));
//   for (const FormPart& p : parts) if (p.name == "file") Save(p.filename, p.data);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace csu::http {

struct FormPart {
  std::string name;          // Content-Disposition's name
  std::string filename;      // its filename (as sent; the caller keeps only a safe base name), "" for a field
  std::string content_type;  // the part's Content-Type, "" when absent
  std::string_view data;     // the part's bytes, a view into the body
};

struct MultipartLimits {
  size_t max_parts = 16;
  size_t max_part_header_bytes = 8 * 1024;  // one part's header section
};

// The boundary of a `multipart/form-data; boundary=...` Content-Type value
// (1 to 70 characters, quoted or not); an Error for any other type.
Result<std::string> MultipartBoundary(std::string_view content_type);

// The parts of `body` framed with the Content-Type's boundary, in order.
// Errors (where "upload", why in words) for: another content type, a body
// not opening with the delimiter, a part without a form-data
// Content-Disposition and a name, a header section that is malformed or over
// the limit, more parts than the limit, and a body that does not end with
// the close-delimiter. Text after the close-delimiter (the epilogue) is
// ignored, as RFC 2046 says.
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                             const MultipartLimits& limits = {});

}  // namespace csu::http
