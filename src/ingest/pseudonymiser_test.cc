#include "ingest/pseudonymiser.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/file.h"

namespace csu::ingest {
namespace {

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
  uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
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
