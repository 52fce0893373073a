#include "core/codes.h"

#include "core/text.h"

namespace csu {
namespace {

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char ToUpperAscii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

Error Bad(std::string_view text, const char* what) {
  return MakeError("", "'" + std::string(text) + "' is not " + what);
}

}  // namespace

// Both parsers upper-case into a stack buffer rather than a std::string:
// they run for several columns of every row at ingest.
Result<OdsCode> OdsCode::Parse(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.size() < 3 || t.size() > 8) return Bad(text, "an ODS code (3 to 8 letters and digits)");
  char s[8];
  for (size_t i = 0; i < t.size(); ++i) {
    s[i] = ToUpperAscii(t[i]);
    if (!IsUpperAlnum(s[i])) return Bad(text, "an ODS code (3 to 8 letters and digits)");
  }
  return OdsCode(std::string_view(s, t.size()));
}

Result<HrgCode> HrgCode::Parse(std::string_view text) {
  std::string_view t = Trim(text);
  char s[5] = {};
  if (t.size() == 5) {
    for (size_t i = 0; i < 5; ++i) s[i] = ToUpperAscii(t[i]);
  }
  if (t.size() != 5 || !IsUpper(s[0]) || !IsUpper(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3]) || !IsUpper(s[4])) {
    return Bad(text, "an HRG code (two letters, two digits, a letter, e.g. EB03E)");
  }
  return HrgCode(std::string_view(s, 5));
}

Result<TreatmentFunctionCode> TreatmentFunctionCode::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.size() != 3 || !IsDigit(s[0]) || !IsDigit(s[1]) || !IsDigit(s[2])) {
    return Bad(text, "a treatment function code (three digits, e.g. 100)");
  }
  return TreatmentFunctionCode(s);
}

}  // namespace csu
