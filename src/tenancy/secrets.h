// Randomness and comparisons for secrets: session and API tokens, TOTP
// secrets, password salts. Everything here draws from OpenSSL's CSPRNG
// (RAND_bytes) and compares in time independent of where inputs differ.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::tenancy {

// `n` bytes from the CSPRNG. Error only if OpenSSL's generator cannot be
// seeded, which callers must treat as fatal for the operation (never fall
// back to a weaker source).
Result<std::string> RandomBytes(size_t n);

// Lower-case hex of arbitrary bytes.
std::string Hex(std::string_view bytes);

// True when a and b are equal. Takes time that depends only on the lengths,
// not on the position of the first difference (CRYPTO_memcmp), so a remote
// caller cannot learn a secret byte by byte from timing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Hex SHA-256: how tokens are stored (docs/store-format.md §11).
std::string TokenDigest(std::string_view token);

}  // namespace csu::tenancy
