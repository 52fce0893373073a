#include "payroll/hr_identifiers.h"

#include <cctype>

namespace csu::payroll {
namespace {

// Capitals, with spaces (and, where allowed, dashes) taken out.
std::string Squeeze(std::string_view text, bool dashes) {
  std::string s;
  for (char c : text) {
    if (c == ' ' || (dashes && c == '-')) continue;
    s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}

bool Digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool Upper(char c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

Result<std::string> ParseNiNumber(std::string_view text) {
  const std::string s = Squeeze(text, false);
  const char* where = "NI number";
  if (s.size() != 9 || !Upper(s[0]) || !Upper(s[1]) || !Digits(std::string_view(s).substr(2, 6)) || !Upper(s[8]))
    return MakeError(where, "is not two letters, six digits and a letter (NIM39110)");
  constexpr std::string_view kNever = "DFIQUV";
  if (kNever.find(s[0]) != std::string_view::npos || kNever.find(s[1]) != std::string_view::npos)
    return MakeError(where, "has D, F, I, Q, U or V in its prefix, which HMRC never uses (NIM39110)");
  if (s[1] == 'O') return MakeError(where, "has O as its second letter, which HMRC never uses (NIM39110)");
  const std::string prefix = s.substr(0, 2);
  for (std::string_view bad : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
    if (prefix == bad) return MakeError(where, "has a prefix HMRC does not allocate (NIM39110)");
  if (s[8] < 'A' || s[8] > 'D') return MakeError(where, "does not end in A, B, C or D (NIM39110)");
  return s;
}

Result<std::string> ParsePayeReference(std::string_view text) {
  const std::string s = Squeeze(text, false);
  const size_t slash = s.find('/');
  const char* where = "PAYE reference";
  if (slash != 3 || !Digits(std::string_view(s).substr(0, 3)))
    return MakeError(where, "does not start with the 3-digit tax office number and a slash (like 123/AB456)");
  const std::string_view ref = std::string_view(s).substr(4);
  if (ref.empty() || ref.size() > 10) return MakeError(where, "needs 1 to 10 letters or digits after the slash");
  for (char c : ref)
    if (!Upper(c) && !(c >= '0' && c <= '9')) return MakeError(where, "has a character other than a letter or digit after the slash");
  return s;
}

Result<std::string> ParseAccountsOfficeReference(std::string_view text) {
  const std::string s = Squeeze(text, false);
  const char* where = "accounts office reference";
  if (s.size() != 13 || !Digits(std::string_view(s).substr(0, 3)) || s[3] != 'P' || !Upper(s[4]) ||
      !Digits(std::string_view(s).substr(5, 7)) || !((s[12] >= '0' && s[12] <= '9') || s[12] == 'X'))
    return MakeError(where, "is not 13 characters: 3 digits, P, a letter, 7 digits and a digit or X (like 123PA00012345)");
  return s;
}

Result<std::string> ParseSortCode(std::string_view text) {
  const std::string s = Squeeze(text, true);
  if (s.size() != 6 || !Digits(s)) return MakeError("sort code", "is not 6 digits (like 40-12-76)");
  return s;
}

Result<std::string> ParseAccountNumber(std::string_view text) {
  const std::string s = Squeeze(text, false);
  if (s.size() != 8 || !Digits(s)) return MakeError("account number", "is not 8 digits");
  return s;
}

std::optional<std::string> ParseHcasName(std::string_view text) {
  if (text.empty() || text == "none") return std::string();
  for (std::string_view z : {"inner_london", "outer_london", "fringe"})
    if (text == z) return std::string(z);
  return std::nullopt;
}

std::string MaskedNiNumber(std::string_view ni) {
  if (ni.size() != 9) return "•• •• •• •• •";
  return std::string(ni.substr(0, 2)) + " •• •• •• " + std::string(ni.substr(8, 1));
}

std::string MaskedAccountNumber(std::string_view account) {
  if (account.size() < 4) return "••••";
  return "••••" + std::string(account.substr(account.size() - 4));
}

}  // namespace csu::payroll
