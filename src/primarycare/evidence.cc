#include "primarycare/evidence.h"

#include "core/text.h"

namespace csu::primarycare {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The name's last path component, without control characters, quotes or
// backslashes (it goes into a Content-Disposition header), at most 120
// bytes cut at a UTF-8 boundary; "evidence" when nothing is left.
std::string SafeName(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string out;
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f || ch == '"' || ch == '\\' || ch == ';') continue;
    out += ch;
  }
  if (out.size() > 120) {
    size_t cut = 120;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  return out.empty() ? "evidence" : out;
}

// Valid UTF-8 (no overlongs, no surrogates) with no control characters but
// tab, CR and LF.
bool IsCsvText(std::string_view b) {
  size_t i = 0;
  while (i < b.size()) {
    const auto c = static_cast<unsigned char>(b[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07;
    else return false;
    if (i + static_cast<size_t>(n) >= b.size()) return false;  // truncated sequence
    for (int k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(b[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

Result<EvidenceCheck> CheckEvidence(std::string_view file_name, std::string_view bytes) {
  if (bytes.empty()) return MakeError("evidence", "the file is empty");
  if (static_cast<int64_t>(bytes.size()) > kMaxEvidenceBytes)
    return MakeError("evidence", "the file is " + std::to_string(bytes.size()) + " bytes, above the limit of " +
                                     std::to_string(kMaxEvidenceBytes));
  EvidenceCheck out{SafeName(file_name), ""};
  const std::string upper = ToUpper(out.file_name);
  if (StartsWith(bytes, "%PDF-")) out.media_type = "application/pdf";
  else if (StartsWith(bytes, std::string_view("\x89PNG\r\n\x1a\n", 8))) out.media_type = "image/png";
  else if (StartsWith(bytes, "\xFF\xD8\xFF")) out.media_type = "image/jpeg";
  else if (StartsWith(bytes, std::string_view("PK\x03\x04", 4)) && bytes.find("xl/workbook.xml") != std::string_view::npos)
    out.media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  else if (upper.size() > 4 && upper.substr(upper.size() - 4) == ".CSV" && IsCsvText(bytes))
    out.media_type = "text/csv";
  else
    return MakeError("evidence", "'" + out.file_name +
                                     "' is not a PDF, CSV, Excel (XLSX), PNG or JPEG file (judged by its contents)");
  return out;
}

}  // namespace csu::primarycare
