#include "tenancy/secrets.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store/sha256.h"

namespace csu::tenancy {

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return MakeError("", "the system's secure random generator is not available");
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Lengths of tokens and digests are public (fixed by format); only the
  // content must not leak.
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string TokenDigest(std::string_view token) { return store::Sha256Hex(token); }

}  // namespace csu::tenancy
