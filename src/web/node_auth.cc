#include "web/node_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/file.h"
#include "store/sha256.h"
#include "tenancy/secrets.h"

namespace csu::web {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

}  // namespace

Result<std::string> LoadNodeSecret(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return MakeError(path, "cannot read the node secret: " + text.error().why);
  std::string t = std::move(text).value();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  if (t.size() != 64) return MakeError(path, "the node secret must be 64 hex digits (openssl rand -hex 32)");
  std::string secret(32, '\0');
  for (size_t i = 0; i < 32; ++i) {
    const int hi = HexValue(t[2 * i]), lo = HexValue(t[2 * i + 1]);
    if (hi < 0 || lo < 0) return MakeError(path, "the node secret must be 64 hex digits (openssl rand -hex 32)");
    secret[i] = static_cast<char>(hi * 16 + lo);
  }
  return secret;
}

std::string NodeSignature(std::string_view secret, std::string_view method, std::string_view target, int64_t time,
                          std::string_view nonce, std::string_view to, std::string_view body) {
  std::string message;
  message.reserve(method.size() + target.size() + nonce.size() + to.size() + 100);
  message.append(method).append("\n").append(target).append("\n").append(std::to_string(time)).append("\n");
  message.append(nonce).append("\n").append(to).append("\n");
  message += store::Sha256Hex(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  return Hex(mac, len);
}

std::string ForwardedMethod(std::string_view by, std::string_view client, std::string_view method) {
  return "FORWARD\n" + std::string(by) + "\n" + std::string(client) + "\n" + std::string(method);
}

Result<std::vector<std::pair<std::string, std::string>>> SignNodeRequest(std::string_view secret,
                                                                         std::string_view method,
                                                                         std::string_view target,
                                                                         std::string_view body, int64_t now,
                                                                         std::string_view to) {
  auto random = tenancy::RandomBytes(16);
  if (!random.ok()) return random.error();
  const std::string nonce = tenancy::Hex(random.value());
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back(kNodeTimeHeader, std::to_string(now));
  out.emplace_back(kNodeNonceHeader, nonce);
  out.emplace_back(kNodeSignatureHeader, NodeSignature(secret, method, target, now, nonce, to, body));
  return out;
}

Status NonceCache::Claim(std::string_view nonce, int64_t time, int64_t now, int64_t window_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  // A request whose time has left the window is refused by its time, so its
  // nonce need not be held any longer.
  while (!by_time_.empty() && by_time_.begin()->first < now - window_seconds) {
    held_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
  const std::string key(nonce);
  if (held_.count(key) != 0)
    return MakeError("node authentication", "this request was already received (a replay)");
  if (held_.size() >= capacity_)
    return MakeError("node authentication", "too many signed requests inside the window; try again shortly");
  held_.insert(key);
  by_time_.emplace(time, key);
  return Status::Ok();
}

size_t NonceCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.size();
}

Status NodeCheck::Check(std::string_view method, std::string_view target, const NodeHeaders& headers,
                        std::string_view body, int64_t now) const {
  const std::string where = "node authentication";
  if (secret.empty()) return MakeError(where, "this node has no node secret");
  if (headers.time.empty() || headers.nonce.empty() || headers.signature.empty())
    return MakeError(where, std::string("no ") + kNodeTimeHeader + ", " + kNodeNonceHeader + " or " +
                                kNodeSignatureHeader + " header");
  if (headers.time.size() > 18) return MakeError(where, "the time is not Unix seconds");
  int64_t time = 0;
  for (char c : headers.time) {
    if (c < '0' || c > '9') return MakeError(where, "the time is not Unix seconds");
    time = time * 10 + (c - '0');
  }
  if (time < now - window_seconds || time > now + window_seconds)
    return MakeError(where, "the request's time is more than " + std::to_string(window_seconds) +
                                " s from this node's clock (a replay, or clocks out of step)");
  if (time < not_before)
    return MakeError(where, "the request was signed before this node started, so it cannot tell a replay; the "
                            "sender tries again or asks another node");
  if (headers.nonce.size() != 32) return MakeError(where, "the nonce is not 32 hex digits");
  for (char c : headers.nonce)
    if (HexValue(c) < 0) return MakeError(where, "the nonce is not 32 hex digits");
  const std::string expected = NodeSignature(secret, method, target, time, headers.nonce, self, body);
  // Lower-case hex only, and the length first (not secret: always 64).
  if (headers.signature.size() != expected.size() ||
      CRYPTO_memcmp(headers.signature.data(), expected.data(), expected.size()) != 0)
    return MakeError(where, "the signature does not match (another secret, request or receiving node)");
  // Only now, so an unsigned request cannot fill the cache.
  if (seen != nullptr) return seen->Claim(headers.nonce, time, now, window_seconds);
  return Status::Ok();
}

}  // namespace csu::web
