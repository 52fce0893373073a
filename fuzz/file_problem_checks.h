// What every fixed-layout CSV reader's problems must be (core/fixed_csv.h),
// shared by the checks of the CHC caseload, CHC invoices and payroll staff
// readers. Header-only.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/fixed_csv.h"

namespace csu::fuzz {

// A problem's text with every run of digits written N, so it can be
// compared with the reader's fixed sentences.
inline std::string DigitsAsN(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      while (i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') ++i;
      out += 'N';
    } else {
      out += text[i];
    }
  }
  return out;
}

// Each problem names a line, a field among `fields` ("" for the whole row)
// and says why in one of `sentences` (digits as N). A problem saying anything
// else could be carrying a value of the file; the check is exact, so it has
// no false alarms and misses no value, whatever the value is. Returns what is
// wrong, or "".
inline std::string CheckFileProblems(const std::vector<FileProblem>& problems, const std::set<std::string>& fields,
                                     const std::set<std::string>& sentences) {
  for (const auto& p : problems) {
    if (p.why.empty()) return "a problem without a reason";
    if (p.line < 1) return "a problem without a line";
    if (fields.count(p.field) == 0) return "a problem naming no field of the format";
    if (sentences.count(DigitsAsN(p.why)) == 0)
      return "a problem that is not one of the reader's sentences (it may repeat a value)";
  }
  return "";
}

}  // namespace csu::fuzz
