#include "payroll/tax_code.h"

#include "core/text.h"

namespace csu::payroll {

Result<TaxCode> ParseTaxCode(std::string_view text) {
  std::string s = ToUpper(Trim(text));
  TaxCode code;
  const std::string original = s;
  auto bad = [&](const std::string& why) { return MakeError("", "'" + original + "' " + why); };
  if (s.empty()) return MakeError("", "the tax code is empty");
  // The basis comes last, after a space: "1257L M1", "1257L X".
  for (std::string_view basis : {" W1", " M1", " X"}) {
    if (s.size() > basis.size() && s.compare(s.size() - basis.size(), basis.size(), basis) == 0) {
      code.cumulative = false;
      s.erase(s.size() - basis.size());
      while (!s.empty() && s.back() == ' ') s.pop_back();
      break;
    }
  }
  code.text = s + (code.cumulative ? "" : " M1");
  if (s == "NT") {
    code.kind = TaxCode::Kind::kNoTax;
    code.text = original;
    return code;
  }
  if (s.size() > 1 && (s[0] == 'S' || s[0] == 'C')) {
    code.region = s[0] == 'S' ? TaxRegion::kScotland : TaxRegion::kWales;
    s.erase(0, 1);
  }
  if (s == "BR" || (s.size() == 2 && s[0] == 'D' && s[1] >= '0' && s[1] <= '9')) {
    code.kind = TaxCode::Kind::kFlat;
    // BR is the basic rate; D0, D1, ... the bands above it. In Scotland the
    // basic rate is the second band (after the starter rate).
    const size_t basic = code.region == TaxRegion::kScotland ? 1 : 0;
    code.flat_band = s == "BR" ? basic : basic + 1 + static_cast<size_t>(s[1] - '0');
    code.text = original;
    return code;
  }
  if (s.size() >= 2 && s[0] == 'K') {
    auto n = ParseInt(s.substr(1));
    if (!n || *n <= 0 || s[1] == '-' || s[1] == '+' || *n > 99999) return bad("is not a tax code: K must be followed by a number, e.g. K475");
    code.kind = TaxCode::Kind::kK;
    code.number = *n;
    code.text = original;
    return code;
  }
  if (s.size() >= 2 && (s.back() == 'L' || s.back() == 'M' || s.back() == 'N' || s.back() == 'T')) {
    const std::string digits = s.substr(0, s.size() - 1);
    auto n = ParseInt(digits);
    if (n && *n >= 0 && *n <= 99999 && digits.find_first_not_of("0123456789") == std::string::npos) {
      code.kind = TaxCode::Kind::kAllowance;
      code.number = *n;
      code.text = original;
      return code;
    }
  }
  return bad("is not a tax code (e.g. 1257L, S1257L, C1257L, K475, BR, D0, NT, 0T, with W1, M1 or X for the "
             "non-cumulative basis)");
}

}  // namespace csu::payroll
