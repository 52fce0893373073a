#include "store/sha256.h"

#include "store/hex.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace csu::store {

struct Sha256::Ctx {
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> md{EVP_MD_CTX_new()};
};

// OpenSSL failing to hash in memory means it is broken or out of memory:
// unexpected, so an exception rather than an Error.
static void Check(int ok) {
  if (ok != 1) throw std::runtime_error("OpenSSL SHA-256 failed");
}

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (!ctx_->md) throw std::bad_alloc();
  Check(EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr));
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::Update(std::string_view bytes) { Check(EVP_DigestUpdate(ctx_->md.get(), bytes.data(), bytes.size())); }

Digest Sha256::Finish() {
  Digest d{};
  unsigned int n = 0;
  Check(EVP_DigestFinal_ex(ctx_->md.get(), d.data(), &n));
  Check(EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr));
  return d;
}

Digest Sha256Of(std::string_view bytes) {
  Digest d{};
  unsigned int n = 0;
  Check(EVP_Digest(bytes.data(), bytes.size(), d.data(), &n, EVP_sha256(), nullptr));
  return d;
}

std::string HexOf(const Digest& digest) {
  return HexOfBytes(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string Sha256Hex(std::string_view bytes) { return HexOf(Sha256Of(bytes)); }

}  // namespace csu::store
