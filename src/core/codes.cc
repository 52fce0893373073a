#include "core/codes.h"

#include "core/text.h"

namespace csu {
namespace {

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Error Bad(std::string_view text, const char* what) {
  return MakeError("", "'" + std::string(text) + "' is not " + what);
}

}  // namespace

Result<OdsCode> OdsCode::Parse(std::string_view text) {
  std::string s = ToUpper(Trim(text));
  if (s.size() < 3 || s.size() > 8) return Bad(text, "an ODS code (3 to 8 letters and digits)");
  for (char c : s) {
    if (!IsUpperAlnum(c)) return Bad(text, "an ODS code (3 to 8 letters and digits)");
  }
  return OdsCode(s);
}

Result<HrgCode> HrgCode::Parse(std::string_view text) {
  std::string s = ToUpper(Trim(text));
  if (s.size() != 5 || !IsUpper(s[0]) || !IsUpper(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3]) ||
      !IsUpper(s[4])) {
    return Bad(text, "an HRG code (two letters, two digits, a letter, e.g. EB03E)");
  }
  return HrgCode(s);
}

Result<TreatmentFunctionCode> TreatmentFunctionCode::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.size() != 3 || !IsDigit(s[0]) || !IsDigit(s[1]) || !IsDigit(s[2])) {
    return Bad(text, "a treatment function code (three digits, e.g. 100)");
  }
  return TreatmentFunctionCode(s);
}

}  // namespace csu
