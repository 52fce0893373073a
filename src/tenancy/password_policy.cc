#include "tenancy/password_policy.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>

#include "core/file.h"
#include "core/text.h"

namespace csu::tenancy {
namespace {

std::string FoldAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool IsDigitOrSymbol(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u < 0x80 && !(std::isalpha(u) != 0) && !std::isspace(u);
}

// "abcabcabcabc", "aaaaaaaaaaaa", "12121212...": a unit of at most 4 bytes repeated.
bool IsShortUnitRepeated(std::string_view s) {
  for (size_t unit = 1; unit <= 4 && unit < s.size(); ++unit) {
    if (s.size() % unit != 0) continue;
    bool repeated = true;
    for (size_t i = unit; i < s.size() && repeated; ++i) repeated = s[i] == s[i - unit];
    if (repeated) return true;
  }
  return false;
}

}  // namespace

std::optional<size_t> CountCodePoints(std::string_view s) {
  if (!IsValidUtf8(s)) return std::nullopt;
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes, not continuation bytes
  return n;
}

Result<PasswordPolicy> PasswordPolicy::Load(const std::string& file) {
  CSU_ASSIGN_OR_RETURN(text, ReadFile(file));
  auto set = std::make_shared<std::unordered_set<std::string>>();
  set->reserve(60000);
  for (std::string_view line : Split(text, '\n')) {
    line = Trim(line);
    if (!line.empty()) set->insert(FoldAscii(line));
  }
  if (set->empty()) return MakeError(file, "the common-password list is empty");
  return PasswordPolicy(std::move(set));
}

PasswordPolicy PasswordPolicy::FromList(std::unordered_set<std::string> common) {
  auto set = std::make_shared<std::unordered_set<std::string>>();
  for (const std::string& s : common) set->insert(FoldAscii(s));
  return PasswordPolicy(std::move(set));
}

Status PasswordPolicy::Check(std::string_view password, std::string_view username) const {
  std::optional<size_t> chars = CountCodePoints(password);
  if (!chars) return MakeError("password", "is not valid UTF-8 text");
  if (*chars < kMinPasswordChars)
    return MakeError("password", "is too short: " + std::to_string(*chars) + " characters; use at least " +
                                     std::to_string(kMinPasswordChars) + " (a few unrelated words work well)");
  if (*chars > kMaxPasswordChars)
    return MakeError("password", "is too long: " + std::to_string(*chars) + " characters; the limit is " +
                                     std::to_string(kMaxPasswordChars));
  const std::string folded = FoldAscii(password);
  if (common_->count(folded) != 0)
    return MakeError("password", "is on the list of common passwords that attackers try first; choose another");
  // "password1234!": a listed password with a short tail of digits and
  // symbols is guessed almost as early as the bare entry.
  size_t stem = folded.size();
  while (stem > 0 && folded.size() - stem < 4 && IsDigitOrSymbol(folded[stem - 1])) --stem;
  if (stem < folded.size() && common_->count(folded.substr(0, stem)) != 0)
    return MakeError("password", "is a common password with a few digits or symbols added; choose another");
  if (IsShortUnitRepeated(folded)) return MakeError("password", "is one short pattern repeated; choose another");
  const std::string user = FoldAscii(username);
  if (user.size() >= 4 && folded.find(user) != std::string::npos)
    return MakeError("password", "contains the user name; choose another");
  return Status::Ok();
}

std::string DefaultCommonPasswordsFile(const std::string& built_in) {
  if (const char* env = std::getenv("CSU_PASSWORD_LIST"); env != nullptr && *env != '\0') return env;
  struct stat st {};
  if (::stat("data/security/common-passwords.txt", &st) == 0) return "data/security/common-passwords.txt";
  return built_in;
}

}  // namespace csu::tenancy
