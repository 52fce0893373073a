// Encryption at rest of a CHC case's identifiable fields (name, NHS number,
// date of birth, address): AES-256-GCM (OpenSSL EVP), a fresh random 96-bit
// nonce per field, and the case id and field name bound as associated data,
// so a ciphertext moved to another case or field fails to open instead of
// showing someone else's details (docs/chc.md, "Identifiable data").
//
// Key file (text, like the pseudonymisation key, ingest/pseudonymiser.h):
//   line 1: "opencsu-chc-key v1"
//   line 2: 64 lower-case hex digits (32 random bytes from the OS)
// created with mode 0600, refused when group or others may read it, and kept
// outside the state folder (the caller checks where). The key never enters a
// database, a log or an error message; chc.sqlite keeps only a fingerprint
// (HMAC-SHA-256 of a fixed label), so a wrong key is refused, not used.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::chc {

class FieldCipher {
 public:
  // Loads the key at `path`, creating it (mode 0600) when `create_if_missing`.
  static Result<FieldCipher> Open(const std::string& path, bool create_if_missing);
  static FieldCipher FromKey(const std::array<uint8_t, 32>& key);
  ~FieldCipher();
  FieldCipher(FieldCipher&& o) noexcept;
  FieldCipher& operator=(FieldCipher&& o) noexcept;
  FieldCipher(const FieldCipher&) = delete;

  // nonce (12) || ciphertext || tag (16), as bytes in a std::string.
  Result<std::string> Seal(int64_t case_id, std::string_view field, std::string_view plain) const;
  // The plain text, or an Error naming the case and field (never the
  // content) when the tag does not verify: wrong key, tampering, or a
  // ciphertext from another case or field.
  Result<std::string> Open(int64_t case_id, std::string_view field, std::string_view sealed) const;

  // 32 hex digits identifying the key without revealing it.
  std::string Fingerprint() const;

 private:
  FieldCipher() = default;
  std::array<uint8_t, 32> key_{};
};

}  // namespace csu::chc
