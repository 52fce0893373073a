// What makes a password acceptable (rules and reasons in docs/permissions.md,
// "Passwords"): 12 to 128 characters counted as Unicode code points (so
// "Ünïcödé" counts 7, not its 11 bytes), valid UTF-8, not on the bundled list
// of common passwords (data/security/common-passwords.txt), not that list's
// entry with a short suffix of digits or symbols, not one short unit
// repeated, and not containing the user name. No composition rules (ASVS
// 6.2.5): length and the list do the work.
//
// A PasswordPolicy is immutable once loaded and may be shared by threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/result.h"

namespace csu::tenancy {

inline constexpr size_t kMinPasswordChars = 12;
inline constexpr size_t kMaxPasswordChars = 128;

// Number of code points of valid UTF-8, or nullopt when `s` is not UTF-8.
std::optional<size_t> CountCodePoints(std::string_view s);

class PasswordPolicy {
 public:
  // Loads the common-password list (one per line, lower case). Error naming
  // the file when it cannot be read or is empty: without the list the policy
  // would silently accept "password1234", so there is no fallback.
  static Result<PasswordPolicy> Load(const std::string& common_passwords_file);
  // A policy over an explicit list, for tests.
  static PasswordPolicy FromList(std::unordered_set<std::string> common);

  // OK, or an Error whose `why` tells the user what to change (never echoes
  // the password). `username` is the account's, to refuse passwords built on it.
  Status Check(std::string_view password, std::string_view username) const;

  size_t common_count() const { return common_->size(); }

 private:
  explicit PasswordPolicy(std::shared_ptr<const std::unordered_set<std::string>> common)
      : common_(std::move(common)) {}
  std::shared_ptr<const std::unordered_set<std::string>> common_;
};

// Where the bundled list is: $CSU_PASSWORD_LIST, else
// ./data/security/common-passwords.txt when it exists, else `built_in`
// (the source tree's, compiled into the CLI).
std::string DefaultCommonPasswordsFile(const std::string& built_in);

}  // namespace csu::tenancy
