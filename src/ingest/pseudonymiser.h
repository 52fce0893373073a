// Pseudonymisation at ingest: NHS number -> HMAC-SHA-256 under a secret key
// kept outside the data folder.
//
// Key file format (text, so an administrator can back it up and compare it):
//   line 1: "opencsu-pseudonymisation-key v1"
//   line 2: 64 lower-case hex digits (32 random bytes from the OS)
// It is created with mode 0600 on first use and refused when group or others
// may read it. The key never enters the database, a log or an error message;
// the catalog keeps only its fingerprint (an HMAC of a fixed label), so a
// missing or replaced key is detected instead of silently producing new,
// unlinkable pseudonyms.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"
#include "ingest/activity_record.h"

namespace csu::ingest {

class Pseudonymiser {
 public:
  ~Pseudonymiser();
  Pseudonymiser(Pseudonymiser&&) noexcept;
  Pseudonymiser& operator=(Pseudonymiser&&) noexcept;

  // Loads the key at `path`, creating it (and its directory, mode 0700) when
  // `create_if_missing` and it does not exist. Errors name the path and the
  // reason, never the key.
  static Result<Pseudonymiser> Open(const std::string& path, bool create_if_missing);
  // For tests: a pseudonymiser over a given key.
  static Pseudonymiser FromKey(const std::array<uint8_t, 32>& key);

  // HMAC-SHA-256(key, the NHS number as its 10 ASCII digits).
  // Thread-compatible: use one Pseudonymiser per thread.
  Pseudonym Pseudonymise(uint64_t nhs_number) const;
  // The same for many numbers: out[i] = Pseudonymise(nhs_numbers[i]), bit
  // for bit, for i < nhs_numbers.size(); `out` must have room for that many.
  // About half the cost per number on CPUs with the SHA extensions
  // (sha256_multi.h), which it uses when present. Thread-compatible.
  void PseudonymiseMany(std::span<const uint64_t> nhs_numbers, Pseudonym* out) const;
  // For tests: hash with OpenSSL alone, as on a CPU without the SHA
  // extensions, so both paths can be checked on any machine.
  void UseOpenSslOnlyForTesting();

  // 32 hex digits identifying the key without revealing it.
  std::string Fingerprint() const;

  // The default key location: $CSU_KEY_FILE, else
  // $HOME/.config/opencsu/pseudonymisation.key.
  static std::string DefaultPath();

 private:
  struct State;
  explicit Pseudonymiser(std::unique_ptr<State> state);
  std::array<uint8_t, 32> Mac(const uint8_t* data, size_t n) const;
  std::unique_ptr<State> state_;
};

// Lower-case hex of bytes.
std::string ToHex(const uint8_t* bytes, size_t n);

}  // namespace csu::ingest
