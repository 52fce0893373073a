// Node-to-node authentication for the internal endpoints of `csu serve`
// (docs/server-mode.md, "Partitions"). Every node is given the same secret
// in a file (`--node-secret FILE`: 64 hex digits, 32 random bytes, e.g.
// `openssl rand -hex 32`). A request carries three headers:
//
//   X-Csu-Node-Time:      the sender's clock, Unix seconds
//   X-Csu-Node-Nonce:     32 lower-case hex digits, random for each request
//   X-Csu-Node-Signature: hex HMAC-SHA-256 under the secret of
//                         METHOD "\n" TARGET "\n" TIME "\n" NONCE "\n" TO "\n"
//                         hex SHA-256(body)
//
// where TARGET is the request-target exactly as sent (path and query) and TO
// the receiving node's name in the partition map. The receiver recomputes
// the MAC with its own name and compares in constant time (CRYPTO_memcmp),
// refuses a time more than kNodeWindowSeconds from its own clock, so a
// captured request cannot be replayed after the window, and refuses a nonce
// it has already accepted (NonceCache), so it cannot be replayed inside the
// window either. TO stops a request made for one node being replayed to
// another, whose cache has not seen it (a forwarded challenge recorded by
// both owners of a group).
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
//   auto headers = SignNodeRequest(secret, "GET", target, "", time(nullptr), "b");
//   NodeCheck check{secret, "b", &seen};  // on node b, its NonceCache
//   Status ok = check.Check(method, target, {time_h, nonce_h, signature_h}, body, now);
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/result.h"

namespace csu::web {

inline constexpr int64_t kNodeWindowSeconds = 30;
inline constexpr const char* kNodeTimeHeader = "X-Csu-Node-Time";
inline constexpr const char* kNodeNonceHeader = "X-Csu-Node-Nonce";
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
                          std::string_view nonce, std::string_view to, std::string_view body);

// The three headers (time, nonce, signature) of a request made at `now`
// (Unix seconds) for node `to`, with a fresh random nonce; an error only
// when the system's random generator fails.
Result<std::vector<std::pair<std::string, std::string>>> SignNodeRequest(std::string_view secret, std::string_view method,
                                                                 std::string_view target, std::string_view body,
                                                                 int64_t now, std::string_view to);

// The nonces a node has accepted whose requests are still inside the
// window, so a replay of one is refused. Only authentic requests are
// remembered (their MAC checked first), so nobody without the secret can
// fill it; an entry goes once its request's time has left the window, which
// bounds it by the signed requests of about a minute. Thread-safe.
class NonceCache {
 public:
  // At most `capacity` nonces at once; beyond that (after dropping the
  // expired) requests are refused until some expire, never forgotten early.
  explicit NonceCache(size_t capacity = size_t{1} << 18) : capacity_(capacity) {}
  // Ok, and remembered, when `nonce` is not already held; an error when it
  // is (a replay) or the cache is full.
  Status Claim(std::string_view nonce, int64_t time, int64_t now, int64_t window_seconds = kNodeWindowSeconds);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::unordered_set<std::string> held_;
  std::multimap<int64_t, std::string> by_time_;  // to drop them when their time leaves the window
};

// The three headers as received (empty when absent).
struct NodeHeaders {
  std::string_view time, nonce, signature;
};

// How a node checks the requests made for it.
struct NodeCheck {
  std::string_view secret;  // the node secret; empty refuses everything
  std::string_view self;    // this node's name (TO)
  NonceCache* seen = nullptr;  // its accepted nonces; null: a replay inside the window is not caught (tests)
  // When the cache began (Unix seconds): a request signed before it may have
  // been accepted by this node before a restart, which the cache has
  // forgotten, so it is refused. 0: no such bound (tests).
  int64_t not_before = 0;
  int64_t window_seconds = kNodeWindowSeconds;

  // Ok when the headers authenticate the request at `now` and its nonce is
  // new; else an error saying which check failed (never the expected MAC).
  Status Check(std::string_view method, std::string_view target, const NodeHeaders& headers, std::string_view body,
               int64_t now) const;
};

}  // namespace csu::web
