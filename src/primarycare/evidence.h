// Evidence a practice uploads for an enhanced-service claim (docs/primary-care.md,
// "Evidence"): what files are accepted, decided from the bytes, never from the
// name or the Content-Type the browser sends.
//
// Accepted: PDF, PNG and JPEG (by their magic numbers), XLSX (a ZIP whose
// entries include the workbook part "xl/workbook.xml") and CSV (no magic
// number exists: UTF-8 text without NUL or other control characters except
// tab, CR and LF, in a file named *.csv). At most kMaxEvidenceBytes, not
// empty. The stored name is the base name the browser sent, made safe
// (docs/primary-care.md says why a name is kept at all: the reviewer sees
// what the practice called it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::primarycare {

// 1,000,000 bytes: under the web server's 1 MiB request body limit with
// room for the form's other fields (docs/http.md, "Limits").
inline constexpr int64_t kMaxEvidenceBytes = 1000000;

struct EvidenceCheck {
  std::string file_name;   // safe base name, at most 120 characters
  std::string media_type;  // "application/pdf", "image/png", "image/jpeg", "text/csv", XLSX's
};

// Error (where "evidence", why in words naming the rule) for an empty or
// oversized file or one whose bytes are none of the accepted types.
Result<EvidenceCheck> CheckEvidence(std::string_view file_name, std::string_view bytes);

}  // namespace csu::primarycare
