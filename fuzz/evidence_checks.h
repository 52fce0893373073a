// Invariants of the evidence file check (primarycare/evidence.h) over
// arbitrary uploads: the input's first line is the file name the browser
// sent, the rest the file's bytes. Shared by the evidence_file fuzz target
// and the test that replays its corpus
// (src/primarycare/evidence_fuzz_corpus_test.cc). Header-only so that the
// fuzz build needs no test framework.
//
// A refusal names "evidence" and says why. An accepted file is checked by a
// second route: its size within the limit, the type's signature at the
// start of the bytes (a workbook's part name inside them), CSV text free of
// NUL and control bytes and of bytes that never occur in UTF-8, and the
// kept name a non-empty base name of at most 120 bytes with nothing that
// could break out of a Content-Disposition header. The same input gives the
// same answer.
#pragma once

#include <string>
#include <string_view>

#include "primarycare/evidence.h"

namespace csu::fuzz {

inline std::string CheckEvidenceFile(std::string_view data) {
  const size_t nl = data.find('\n');
  const std::string_view name = nl == std::string_view::npos ? data : data.substr(0, nl);
  const std::string_view bytes = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
  auto got = primarycare::CheckEvidence(name, bytes);
  auto again = primarycare::CheckEvidence(name, bytes);
  if (got.ok() != again.ok()) return "the same input gave two answers";
  if (!got.ok()) {
    if (got.error().where != "evidence" || got.error().why.empty()) return "a refusal without where or why";
    if (again.error().why != got.error().why) return "the same input gave two reasons";
    return "";
  }
  const auto& e = got.value();
  if (bytes.empty() || static_cast<int64_t>(bytes.size()) > primarycare::kMaxEvidenceBytes)
    return "accepted a file of " + std::to_string(bytes.size()) + " bytes";
  auto starts = [&](std::string_view p) { return bytes.substr(0, p.size()) == p; };
  if (e.media_type == "application/pdf") {
    if (!starts("%PDF-")) return "a PDF without %PDF-";
  } else if (e.media_type == "image/png") {
    if (!starts(std::string_view("\x89PNG\r\n\x1a\n", 8))) return "a PNG without its signature";
  } else if (e.media_type == "image/jpeg") {
    if (!starts("\xFF\xD8\xFF")) return "a JPEG without FF D8 FF";
  } else if (e.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
    if (!starts(std::string_view("PK\x03\x04", 4)) || bytes.find("xl/workbook.xml") == std::string_view::npos)
      return "an XLSX that is not a ZIP holding xl/workbook.xml";
  } else if (e.media_type == "text/csv") {
    for (unsigned char c : bytes)
      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f || c == 0xC0 || c == 0xC1 || c >= 0xF5)
        return "CSV text with a control byte or a byte UTF-8 never uses";
  } else {
    return "an unknown media type '" + e.media_type + "'";
  }
  if (e.file_name.empty() || e.file_name.size() > 120) return "a kept name of " + std::to_string(e.file_name.size()) + " bytes";
  for (unsigned char c : e.file_name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '"' || c == ';') return "an unsafe byte in the kept name";
  return "";
}

}  // namespace csu::fuzz
