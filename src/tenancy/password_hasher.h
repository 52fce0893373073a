// Argon2id password hashing (libargon2, RFC 9106) with the OWASP minimum
// cost: 19 MiB of memory, 2 passes, 1 lane. The stored form is the PHC
// string ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"), which carries its
// own parameters and a fresh 16-byte salt, so a later cost increase can
// re-hash at the next sign-in without a flag day.
//
// One hash costs ~20-30 ms of CPU and 19 MiB of memory on the target
// machine: callers on a request path must throttle before calling (see
// Accounts) and cap how many run at once. Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::tenancy {

struct Argon2Params {
  uint32_t memory_kib = 0;
  uint32_t passes = 0;
  uint32_t lanes = 0;
};

// The only parameters new hashes are made with. There is deliberately no way
// to hash with cheaper ones: tests pay the real cost and keep their counts of
// real hashes small.
inline constexpr Argon2Params kArgon2Production{19 * 1024, 2, 1};

// Hashes `password` (its UTF-8 bytes, as given) into a PHC string. Error only
// when randomness or memory is not available.
Result<std::string> HashPassword(std::string_view password);

// True when `password` matches `phc`. The comparison inside libargon2 is
// constant time. A malformed PHC string, another algorithm, or parameters
// weaker than production are "no match" (a weakened stored hash must not
// make verification cheap for whoever edited it).
bool VerifyPassword(std::string_view password, const std::string& phc);

// The parameters of an "$argon2id$v=19$m=..,t=..,p=..$" string, if it is one.
std::optional<Argon2Params> ParsePhcParams(std::string_view phc);

// A PHC string of a random password nobody knows, made once per process
// (the first call pays one hash). Sign-in verifies against it for unknown
// user names so they cost the same time as known ones.
const std::string& DummyPasswordHash();

}  // namespace csu::tenancy
