#include "tenancy/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

#include "tenancy/secrets.h"

namespace csu::tenancy {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// RFC 3986 unreserved characters pass; everything else is %XX.
std::string UriEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '=') continue;
    int v = Base32Value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

Result<std::string> NewTotpSecret() {
  CSU_ASSIGN_OR_RETURN(key, RandomBytes(20));
  return Base32Encode(key);
}

std::string HotpCode(std::string_view key, uint64_t counter, int digits) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg, sizeof msg, mac, &mac_len);
  // Dynamic truncation, RFC 4226 §5.3.
  const int offset = mac[mac_len - 1] & 0x0F;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

int64_t TotpStep(int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / kTotpStepSeconds : -((-unix_seconds + kTotpStepSeconds - 1) / kTotpStepSeconds);
}

std::optional<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code, int64_t now_unix_seconds,
                                  int64_t last_used_step) {
  if (code.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;
  for (char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  std::optional<std::string> key = Base32Decode(secret_base32);
  if (!key || key->empty()) return std::nullopt;
  const int64_t now_step = TotpStep(now_unix_seconds);
  std::optional<int64_t> matched;
  // Every candidate is computed and compared, whatever matched, so timing
  // does not say which step (if any) the code belonged to.
  for (int64_t step = now_step - kTotpWindowSteps; step <= now_step + kTotpWindowSteps; ++step) {
    if (step < 0) continue;
    const bool equal = ConstantTimeEquals(HotpCode(*key, static_cast<uint64_t>(step), kTotpDigits), code);
    if (equal && step > last_used_step && !matched) matched = step;
  }
  return matched;
}

std::string TotpUri(std::string_view secret_base32, std::string_view account, std::string_view issuer) {
  return "otpauth://totp/" + UriEscape(issuer) + ":" + UriEscape(account) + "?secret=" + std::string(secret_base32) +
         "&issuer=" + UriEscape(issuer) + "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace csu::tenancy
