#include "tenancy/password_hasher.h"

#include <argon2.h>

#include <charconv>
#include <mutex>
#include <vector>

#include "tenancy/secrets.h"

namespace csu::tenancy {
namespace {

constexpr size_t kSaltBytes = 16;  // ASVS asks for >= 32 bits; RFC 9106 recommends 128
constexpr size_t kHashBytes = 32;

bool AtLeastProduction(const Argon2Params& p) {
  return p.memory_kib >= kArgon2Production.memory_kib && p.passes >= kArgon2Production.passes && p.lanes >= 1;
}

std::optional<uint32_t> ParseField(std::string_view& s, std::string_view name) {
  if (s.substr(0, name.size()) != name) return std::nullopt;
  s.remove_prefix(name.size());
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  return v;
}

}  // namespace

std::optional<Argon2Params> ParsePhcParams(std::string_view phc) {
  std::string_view s = phc;
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (s.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  s.remove_prefix(kPrefix.size());
  Argon2Params p;
  auto m = ParseField(s, "m=");
  if (!m || s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  auto t = ParseField(s, "t=");
  if (!t || s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  auto l = ParseField(s, "p=");
  if (!l || s.empty() || s[0] != '$') return std::nullopt;
  p.memory_kib = *m;
  p.passes = *t;
  p.lanes = *l;
  return p;
}

Result<std::string> HashPassword(std::string_view password) {
  CSU_ASSIGN_OR_RETURN(salt, RandomBytes(kSaltBytes));
  const Argon2Params& p = kArgon2Production;
  std::vector<char> encoded(argon2_encodedlen(p.passes, p.memory_kib, p.lanes, kSaltBytes, kHashBytes, Argon2_id) + 1);
  int rc = argon2id_hash_encoded(p.passes, p.memory_kib, p.lanes, password.data(), password.size(), salt.data(),
                                 salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return MakeError("", std::string("cannot hash the password: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view password, const std::string& phc) {
  std::optional<Argon2Params> p = ParsePhcParams(phc);
  if (!p || !AtLeastProduction(*p)) return false;
  return argon2id_verify(phc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

const std::string& DummyPasswordHash() {
  static const std::string* dummy = [] {
    auto secret = RandomBytes(32);
    auto h = HashPassword(secret.ok() ? Hex(secret.value()) : std::string("unused"));
    // Even if hashing failed, a syntactically valid production-cost string
    // keeps unknown names on the same code path; it never matches anything
    // a caller can type because its hash bytes are all zero.
    return new std::string(h.ok() ? h.value()
                                   : "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
                                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  }();
  return *dummy;
}

}  // namespace csu::tenancy
