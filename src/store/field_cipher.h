// Encryption at rest of a record's identifiable fields (a CHC case's name,
// NHS number, date of birth, address; an employee's name, address, date of
// birth, NI number, bank details): AES-256-GCM (OpenSSL EVP), a fresh random
// 96-bit nonce per field, and the record id and field name bound as
// associated data, so a ciphertext moved to another record or field fails to
// open instead of showing someone else's details (docs/chc.md, "Identifiable
// data"; docs/payroll.md, "Personal data").
//
// Shared by the modules that hold identifiable data; each names its own
// CipherDomain (key file header, associated-data label, fingerprint label),
// so a CHC key can never open payroll fields or the other way round. The
// CHC domain's labels are the ones CHC used before the move, byte for byte.
//
// Key file (text, like the pseudonymisation key, ingest/pseudonymiser.h):
//   line 1: the domain's header, e.g. "opencsu-chc-key v1"
//   line 2: 64 lower-case hex digits (32 random bytes from the OS)
// created with mode 0600, refused when group or others may read it, and kept
// outside the state folder (the caller checks where). The key never enters a
// database, a log or an error message; the database keeps only a fingerprint
// (HMAC-SHA-256 of a fixed label), so a wrong key is refused, not used.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::store {

class SqliteDb;

// What one module's sealed fields are called and bound to.
struct CipherDomain {
  const char* noun;               // in messages: "CHC key", "payroll key"
  const char* key_header;         // first line of the key file
  const char* aad_label;          // "<label>|case:<id>|field:<name>" is bound in
  const char* record_word;        // in messages: "case 12 name"
  const char* fingerprint_label;  // HMAC input for Fingerprint()
};

inline constexpr CipherDomain kChcCipherDomain{"CHC key", "opencsu-chc-key v1", "opencsu-chc v1", "case",
                                               "opencsu chc key fingerprint v1"};
inline constexpr CipherDomain kPayrollCipherDomain{"payroll key", "opencsu-payroll-key v1", "opencsu-payroll v1",
                                                   "employee", "opencsu payroll key fingerprint v1"};


class FieldCipher {
 public:
  // Loads the key at `path`, creating it (mode 0600) when `create_if_missing`.
  static Result<FieldCipher> Open(const std::string& path, bool create_if_missing, const CipherDomain& domain);
  static FieldCipher FromKey(const std::array<uint8_t, 32>& key, const CipherDomain& domain);
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
  // What this key seals (names in messages).
  const CipherDomain& domain() const { return *domain_; }

 private:
  FieldCipher() = default;
  std::array<uint8_t, 32> key_{};
  const CipherDomain* domain_ = &kChcCipherDomain;
};

// Ties a module's database to the key its fields are sealed under: the
// first open records the key's fingerprint in the database's `meta` table
// under `meta_key`; a later open with another key is refused, naming
// `key_option` (the option that names the key file), so fields are never
// sealed under two keys in one database.
Status CheckKeyFingerprint(SqliteDb& db, const FieldCipher& cipher, const std::string& meta_key,
                           const std::string& key_option);

}  // namespace csu::store
