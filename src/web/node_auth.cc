#include "web/node_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/file.h"
#include "store/sha256.h"

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
                          std::string_view body) {
  std::string message;
  message.reserve(method.size() + target.size() + 100);
  message.append(method).append("\n").append(target).append("\n").append(std::to_string(time)).append("\n");
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

std::vector<std::pair<std::string, std::string>> SignNodeRequest(std::string_view secret, std::string_view method,
                                                                 std::string_view target, std::string_view body,
                                                                 int64_t now) {
  return {{kNodeTimeHeader, std::to_string(now)}, {kNodeSignatureHeader, NodeSignature(secret, method, target, now, body)}};
}

Status CheckNodeRequest(std::string_view secret, std::string_view method, std::string_view target,
                        std::string_view time_header, std::string_view signature_header, std::string_view body,
                        int64_t now, int64_t window_seconds) {
  const std::string where = "node authentication";
  if (secret.empty()) return MakeError(where, "this node has no node secret");
  if (time_header.empty() || signature_header.empty())
    return MakeError(where, std::string("no ") + kNodeTimeHeader + " or " + kNodeSignatureHeader + " header");
  if (time_header.size() > 18) return MakeError(where, "the time is not Unix seconds");
  int64_t time = 0;
  for (char c : time_header) {
    if (c < '0' || c > '9') return MakeError(where, "the time is not Unix seconds");
    time = time * 10 + (c - '0');
  }
  if (time < now - window_seconds || time > now + window_seconds)
    return MakeError(where, "the request's time is more than " + std::to_string(window_seconds) +
                                " s from this node's clock (a replay, or clocks out of step)");
  const std::string expected = NodeSignature(secret, method, target, time, body);
  // Lower-case hex only, and the length first (not secret: always 64).
  if (signature_header.size() != expected.size() ||
      CRYPTO_memcmp(signature_header.data(), expected.data(), expected.size()) != 0)
    return MakeError(where, "the signature does not match");
  return Status::Ok();
}

}  // namespace csu::web
