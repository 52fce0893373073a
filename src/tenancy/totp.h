// Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226): HMAC-SHA1,
// 30-second steps, 6 digits, as every authenticator app does by default.
// The shared secret is 160 random bits, kept base32-encoded (RFC 4648, no
// padding) because that is what apps import from the otpauth:// URI.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::tenancy {

inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
// Codes of the previous and next step are accepted too, for clock drift
// between the phone and the server and for a code typed just as it changed.
inline constexpr int64_t kTotpWindowSteps = 1;

std::string Base32Encode(std::string_view bytes);
// Case-insensitive; ignores spaces, hyphens and '=' padding. nullopt on any
// other character or a trailing partial byte with non-zero bits.
std::optional<std::string> Base32Decode(std::string_view text);

// A new secret, base32 (32 characters for 20 bytes).
Result<std::string> NewTotpSecret();

// The HOTP value of `key` (raw bytes) at `counter`, zero-padded to `digits`
// (6..8).
std::string HotpCode(std::string_view key, uint64_t counter, int digits);

// The TOTP time step of a moment: floor(unix_seconds / 30).
int64_t TotpStep(int64_t unix_seconds);

// Checks `code` (exactly 6 ASCII digits) against the secret at `now` within
// the window. Returns the step it matched, or nullopt when it matches none
// or matches only steps <= `last_used_step` (a code already used, or an
// older one, is refused: RFC 6238 §5.2 replay guard). The caller stores the
// returned step as the new last_used_step. Compares in constant time.
std::optional<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code, int64_t now_unix_seconds,
                                  int64_t last_used_step);

// "otpauth://totp/OpenCSU:alice?secret=...&issuer=OpenCSU&algorithm=SHA1&digits=6&period=30",
// the Key Uri Format authenticator apps read (usually from a QR code).
std::string TotpUri(std::string_view secret_base32, std::string_view account, std::string_view issuer);

}  // namespace csu::tenancy
