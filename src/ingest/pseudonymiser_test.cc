#include "ingest/pseudonymiser.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/file.h"
#include "ingest/sha256_multi.h"

namespace csu::ingest {
namespace {

// A small deterministic generator for keys and numbers (xorshift64).
class XorShift {
 public:
  explicit XorShift(uint64_t seed) : x_(seed) {}
  uint64_t operator()() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 7;
    x_ ^= x_ << 17;
    return x_;
  }

 private:
  uint64_t x_;
};

namespace fs = std::filesystem;

TEST(PseudonymiserTest, MatchesRfc4231StyleHmacSha256) {
  // HMAC-SHA-256 with a 32-byte key of 0x0b and message "9434765919",
  // computed independently with: printf 9434765919 | openssl dgst -sha256
  //   -mac HMAC -macopt hexkey:0b0b...0b (32 bytes)
  std::array<uint8_t, 32> key;
  key.fill(0x0b);
  Pseudonym p = Pseudonymiser::FromKey(key).Pseudonymise(9434765919ull);
  EXPECT_TRUE(p.present);
  EXPECT_EQ(ToHex(p.bytes.data(), 32), "7d181f918c6431969efd8482947c447fee6cbb819f0f925f17cf17e1f4363e8a");
}

TEST(PseudonymiserTest, EqualsOpenSslHmacForManyKeysAndNumbers) {
  // The precomputed inner and outer states must give exactly HMAC-SHA-256
  // of the ten ASCII digits: stored pseudonyms depend on it.
  XorShift next(0x9E3779B97F4A7C15ull);
  for (int k = 0; k < 20; ++k) {
    std::array<uint8_t, 32> key;
    for (uint8_t& b : key) b = static_cast<uint8_t>(next());
    auto p = Pseudonymiser::FromKey(key);
    for (int i = 0; i < 500; ++i) {
      uint64_t number = next() % 10000000000ull;
      std::string digits = std::to_string(number);
      digits.insert(0, 10 - digits.size(), '0');
      unsigned char expected[32];
      unsigned int len = 0;
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(digits.data()),
           digits.size(), expected, &len);
      ASSERT_EQ(len, 32u);
      EXPECT_EQ(ToHex(p.Pseudonymise(number).bytes.data(), 32), ToHex(expected, 32)) << digits;
    }
  }
}

// PseudonymiseMany on the SHA-NI path (true) and on OpenSSL alone (false).
class PseudonymiseManyTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam() && !HasSha256Multi()) GTEST_SKIP() << "this CPU has no SHA extensions";
  }
  Pseudonymiser Make(const std::array<uint8_t, 32>& key) const {
    Pseudonymiser p = Pseudonymiser::FromKey(key);
    if (!GetParam()) p.UseOpenSslOnlyForTesting();
    return p;
  }
};

TEST_P(PseudonymiseManyTest, KnownVectors) {
  // Computed independently with:
  //   printf '%s' 9434765919 | openssl dgst -sha256 -mac HMAC -macopt
  //     hexkey:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
  // These must never change: a changed pseudonym splits a patient's history.
  std::array<uint8_t, 32> key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i);
  const std::string a = "dd5c602eeb31d60c7c0d662c897231dda00e13cdf945b14cad185a4a7125826c";  // 9434765919
  const std::string b = "4082c658046001c3fd45b0ae4f5a22874b2c938f861ede31016263aaafe68ca0";  // 0000000001
  auto p = Make(key);
  // Every position in groups of up to five, so each stream of the SHA-NI
  // code and its partial last group produce a known answer.
  for (size_t n = 1; n <= 5; ++n) {
    std::vector<uint64_t> numbers(n, 9434765919ull);
    numbers[n / 2] = 1;
    std::vector<Pseudonym> out(n);
    p.PseudonymiseMany(numbers, out.data());
    for (size_t i = 0; i < n; ++i) {
      EXPECT_TRUE(out[i].present);
      EXPECT_EQ(ToHex(out[i].bytes.data(), 32), i == n / 2 ? b : a) << n << " " << i;
    }
  }
  key.fill(0x0b);
  Pseudonym one;
  Make(key).PseudonymiseMany(std::vector<uint64_t>{9434765919ull}, &one);
  EXPECT_EQ(ToHex(one.bytes.data(), 32), "7d181f918c6431969efd8482947c447fee6cbb819f0f925f17cf17e1f4363e8a");
}

TEST_P(PseudonymiseManyTest, EqualsOpenSslHmacForEveryBatchSize) {
  XorShift next(0x2545F4914F6CDD1Dull);
  for (int round = 0; round < 30; ++round) {
    for (size_t n = 0; n <= 70; ++n) {
      std::array<uint8_t, 32> key;
      for (uint8_t& b : key) b = static_cast<uint8_t>(next());
      auto p = Make(key);
      std::vector<uint64_t> numbers(n);
      for (size_t i = 0; i < n; ++i) {
        // Mostly ten-digit numbers, with the edges and numbers too long
        // (which, like Pseudonymise, keep their last ten digits).
        switch (next() % 8) {
          case 0: numbers[i] = 0; break;
          case 1: numbers[i] = 9999999999ull; break;
          case 2: numbers[i] = next(); break;
          default: numbers[i] = next() % 10000000000ull; break;
        }
      }
      // One slot beyond the batch, to see it is left alone.
      std::vector<Pseudonym> out(n + 1);
      p.PseudonymiseMany(numbers, out.data());
      EXPECT_FALSE(out[n].present);
      for (size_t i = 0; i < n; ++i) {
        std::string digits = std::to_string(numbers[i] % 10000000000ull);
        digits.insert(0, 10 - digits.size(), '0');
        unsigned char expected[32];
        unsigned int len = 0;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(digits.data()), digits.size(), expected, &len);
        ASSERT_EQ(len, 32u);
        ASSERT_TRUE(out[i].present);
        ASSERT_EQ(ToHex(out[i].bytes.data(), 32), ToHex(expected, 32)) << "batch of " << n << ", row " << i;
        ASSERT_EQ(out[i].bytes, p.Pseudonymise(numbers[i]).bytes);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, PseudonymiseManyTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "ShaNi" : "OpenSslOnly";
                         });

TEST(PseudonymiserTest, SameNumberSamePseudonymDifferentKeyDifferent) {
  std::array<uint8_t, 32> a{}, b{};
  b[0] = 1;
  auto pa = Pseudonymiser::FromKey(a);
  auto pb = Pseudonymiser::FromKey(b);
  EXPECT_EQ(pa.Pseudonymise(9434765919ull).bytes, pa.Pseudonymise(9434765919ull).bytes);
  EXPECT_NE(pa.Pseudonymise(9434765919ull).bytes, pa.Pseudonymise(9434765870ull).bytes);
  EXPECT_NE(pa.Pseudonymise(9434765919ull).bytes, pb.Pseudonymise(9434765919ull).bytes);
  EXPECT_NE(pa.Fingerprint(), pb.Fingerprint());
  EXPECT_EQ(pa.Fingerprint().size(), 32u);
}

TEST(PseudonymiserTest, LeadingZerosArePartOfTheNumber) {
  std::array<uint8_t, 32> key{};
  auto p = Pseudonymiser::FromKey(key);
  EXPECT_NE(p.Pseudonymise(123456789ull).bytes, p.Pseudonymise(1234567890ull).bytes);
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("csu-key-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KeyFileTest, CreatedWithMode0600AndReloadsToTheSameKey) {
  std::string path = (dir_ / "keys" / "pseudonymisation.key").string();
  auto created = Pseudonymiser::Open(path, true);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = Pseudonymiser::Open(path, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(created.value().Fingerprint(), again.value().Fingerprint());
  EXPECT_EQ(created.value().Pseudonymise(9434765919ull).bytes, again.value().Pseudonymise(9434765919ull).bytes);
}

TEST_F(KeyFileTest, MissingKeyIsRefusedWhenNotCreating) {
  auto r = Pseudonymiser::Open((dir_ / "absent.key").string(), false);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("not found"), std::string::npos);
}

TEST_F(KeyFileTest, GroupReadableKeyIsRefused) {
  std::string path = (dir_ / "k.key").string();
  ASSERT_TRUE(Pseudonymiser::Open(path, true).ok());
  ::chmod(path.c_str(), 0644);
  auto r = Pseudonymiser::Open(path, false);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("chmod 600"), std::string::npos);
}

TEST_F(KeyFileTest, GarbageKeyFileIsRefusedWithoutEchoingIt) {
  fs::create_directories(dir_);
  std::string path = (dir_ / "k.key").string();
  {
    std::ofstream out(path);
    out << "secret-material-here\n";
  }
  ::chmod(path.c_str(), 0600);
  auto r = Pseudonymiser::Open(path, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ToString().find("secret-material"), std::string::npos);
}

}  // namespace
}  // namespace csu::ingest
