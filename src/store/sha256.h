// SHA-256 (OpenSSL EVP), one-shot and incremental. The store checksums every
// file it writes with it and chains the audit log with it.
//
// Thread safety: a Sha256 object is used by one thread at a time; the free
// functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace csu::store {

using Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void Update(std::string_view bytes);
  // Returns the digest; the object is then reset for a new message.
  Digest Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

Digest Sha256Of(std::string_view bytes);
// Lower-case hex.
std::string HexOf(const Digest& digest);
std::string Sha256Hex(std::string_view bytes);

}  // namespace csu::store
