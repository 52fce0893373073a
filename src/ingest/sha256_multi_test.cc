#include "ingest/sha256_multi.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>
#include <random>
#include <vector>

namespace csu::ingest {
namespace {

// SHA-256's initial chaining words (FIPS 180-4, 5.3.3).
constexpr Sha256Words kInitial = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

TEST(Sha256MultiTest, EqualsOpenSslForSingleBlockMessages) {
  // From the initial words, one padded block is a whole SHA-256 digest, so
  // messages up to 55 bytes check the compression against OpenSSL.
  if (!HasSha256Multi()) GTEST_SKIP() << "this CPU has no SHA extensions";
  std::mt19937_64 random(7);
  for (size_t n = 0; n <= 9; ++n) {
    for (int round = 0; round < 100; ++round) {
      std::vector<std::vector<uint8_t>> messages(n);
      std::vector<uint8_t> blocks(64 * n, 0);
      for (size_t i = 0; i < n; ++i) {
        messages[i].resize(random() % 56);
        for (uint8_t& b : messages[i]) b = static_cast<uint8_t>(random());
        uint8_t* block = blocks.data() + 64 * i;
        std::memcpy(block, messages[i].data(), messages[i].size());
        block[messages[i].size()] = 0x80;
        const uint64_t bits = messages[i].size() * 8;
        for (int j = 0; j < 8; ++j) block[63 - j] = static_cast<uint8_t>(bits >> (8 * j));
      }
      std::vector<Sha256Words> out(n + 1);
      out[n].fill(0x5a5a5a5a);
      Sha256CompressMany(kInitial, blocks.data(), n, out.data());
      for (size_t i = 0; i < n; ++i) {
        uint8_t expected[32];
        unsigned int len = 0;
        ASSERT_EQ(EVP_Digest(messages[i].data(), messages[i].size(), expected, &len, EVP_sha256(), nullptr), 1);
        uint8_t got[32];
        for (size_t w = 0; w < 8; ++w) {
          for (size_t j = 0; j < 4; ++j) got[4 * w + j] = static_cast<uint8_t>(out[i][w] >> (24 - 8 * j));
        }
        ASSERT_EQ(std::memcmp(got, expected, 32), 0) << n << " " << i;
      }
      EXPECT_EQ(out[n][0], 0x5a5a5a5au);  // nothing is written past the batch
    }
  }
}

}  // namespace
}  // namespace csu::ingest
