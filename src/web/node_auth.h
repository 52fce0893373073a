// Node-to-node authentication for the internal endpoints of `csu serve`
// (docs/server-mode.md, "Partitions"). Every node is given the same secret
// in a file (`--node-secret FILE`: 64 hex digits, 32 random bytes, e.g.
// `openssl rand -hex 32`). A request carries two headers:
//
//   X-Csu-Node-Time:      the sender's clock, Unix seconds
//   X-Csu-Node-Signature: hex HMAC-SHA-256 under the secret of
//                         METHOD "\n" TARGET "\n" TIME "\n" hex SHA-256(body)
//
// where TARGET is the request-target exactly as sent (path and query). The
// receiver recomputes the MAC and compares in constant time
// (CRYPTO_memcmp), and refuses a time more than kNodeWindowSeconds from its
// own clock, so a captured request cannot be replayed after the window.
// Users' sessions and API tokens play no part: the internal routes never
// look at a cookie or an Authorization header, and a user cannot make the
// MAC without the secret.
//
// A user's request that a node forwards to the owner of its CCG
// (web/partition_forward.h) is signed the same way, with two more headers,
//
//   X-Csu-Forwarded-By:   the forwarding node's name in the partition map
//   X-Csu-Forwarded-For:  the client's address as the forwarding node saw it
//
// and METHOD replaced by ForwardedMethod(BY, FOR, METHOD), i.e.
// "FORWARD\n" BY "\n" FOR "\n" METHOD, so both headers are under the MAC and
// a forwarded request's signature can never pass as an internal GET's (a
// plain METHOD holds no line break). There the user's own cookie or token
// still decides what they may see: the signature only vouches for the
// address and says the request was forwarded once.
//
//   CSU_ASSIGN_OR_RETURN(secret, LoadNodeSecret(path));
//   auto headers = SignNodeRequest(secret, "GET", target, "", time(nullptr));
//   Status ok = CheckNodeRequest(secret, request.method_name, request.target, time_header, sig_header, body, now);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace csu::web {

inline constexpr int64_t kNodeWindowSeconds = 30;
inline constexpr const char* kNodeTimeHeader = "X-Csu-Node-Time";
inline constexpr const char* kNodeSignatureHeader = "X-Csu-Node-Signature";
inline constexpr const char* kForwardedByHeader = "X-Csu-Forwarded-By";
inline constexpr const char* kForwardedForHeader = "X-Csu-Forwarded-For";

// The METHOD a forwarded request is signed and checked under (above).
std::string ForwardedMethod(std::string_view by, std::string_view client, std::string_view method);

// The secret's 32 bytes, from a file of 64 hex digits (a final newline is
// allowed). Errors name the file, never its content.
Result<std::string> LoadNodeSecret(const std::string& path);

// The hex MAC of a request.
std::string NodeSignature(std::string_view secret, std::string_view method, std::string_view target, int64_t time,
                          std::string_view body);

// The two headers of a signed request made at `now` (Unix seconds).
std::vector<std::pair<std::string, std::string>> SignNodeRequest(std::string_view secret, std::string_view method,
                                                                 std::string_view target, std::string_view body,
                                                                 int64_t now);

// Ok when the headers (as received; empty when absent) authenticate the
// request at `now`; else an error saying which check failed (never the
// expected MAC).
Status CheckNodeRequest(std::string_view secret, std::string_view method, std::string_view target,
                        std::string_view time_header, std::string_view signature_header, std::string_view body,
                        int64_t now, int64_t window_seconds = kNodeWindowSeconds);

}  // namespace csu::web
