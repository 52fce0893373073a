// TOTP against RFC 6238 Appendix B and RFC 4226 Appendix D, base32 against
// RFC 4648 §10, and the replay guard.
#include <gtest/gtest.h>

#include "tenancy/totp.h"

namespace csu::tenancy {
namespace {

const std::string kRfcKey = "12345678901234567890";  // RFC 6238 SHA1 seed

TEST(TotpTest, Rfc6238AppendixBVectorsSha1) {
  struct Vector {
    int64_t time;
    const char* code;
  };
  const Vector vectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                            {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const Vector& v : vectors) {
    EXPECT_EQ(HotpCode(kRfcKey, static_cast<uint64_t>(TotpStep(v.time)), 8), v.code) << v.time;
    // Six digits are the last six of the eight.
    EXPECT_EQ(HotpCode(kRfcKey, static_cast<uint64_t>(TotpStep(v.time)), 6), std::string(v.code).substr(2));
  }
}

TEST(TotpTest, Rfc4226AppendixDHotpValues) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t c = 0; c < 10; ++c) EXPECT_EQ(HotpCode(kRfcKey, c, 6), expected[c]) << c;
}

TEST(TotpTest, Base32Rfc4648Vectors) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(Base32Decode("mzxw 6ytb oi"), "foobar");
  EXPECT_EQ(Base32Decode("MZXW1"), std::nullopt);
  EXPECT_EQ(Base32Decode(Base32Encode(kRfcKey)), kRfcKey);
}

TEST(TotpTest, SecretsAreFreshAnd160Bits) {
  auto a = NewTotpSecret(), b = NewTotpSecret();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value().size(), 32u);
  EXPECT_NE(a.value(), b.value());
  EXPECT_EQ(Base32Decode(a.value())->size(), 20u);
}

TEST(TotpTest, WindowIsOneStepEitherSide) {
  const std::string secret = Base32Encode(kRfcKey);
  const int64_t t = 1111111111;
  const int64_t step = TotpStep(t);
  const std::string now = HotpCode(kRfcKey, static_cast<uint64_t>(step), 6);
  const std::string prev = HotpCode(kRfcKey, static_cast<uint64_t>(step - 1), 6);
  const std::string next = HotpCode(kRfcKey, static_cast<uint64_t>(step + 1), 6);
  const std::string two_ago = HotpCode(kRfcKey, static_cast<uint64_t>(step - 2), 6);
  EXPECT_EQ(VerifyTotp(secret, now, t, 0), step);
  EXPECT_EQ(VerifyTotp(secret, prev, t, 0), step - 1);
  EXPECT_EQ(VerifyTotp(secret, next, t, 0), step + 1);
  EXPECT_EQ(VerifyTotp(secret, two_ago, t, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(secret, "12345", t, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(secret, "12345a", t, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp("not base32!", now, t, 0), std::nullopt);
}

TEST(TotpTest, ReplayOfAnUsedStepIsRefused) {
  const std::string secret = Base32Encode(kRfcKey);
  const int64_t t = 1234567890;
  const std::string code = HotpCode(kRfcKey, static_cast<uint64_t>(TotpStep(t)), 6);
  std::optional<int64_t> used = VerifyTotp(secret, code, t, 0);
  ASSERT_TRUE(used);
  EXPECT_EQ(VerifyTotp(secret, code, t, *used), std::nullopt);       // same code again
  EXPECT_EQ(VerifyTotp(secret, code, t + 10, *used), std::nullopt);  // later in the same step
  const std::string older = HotpCode(kRfcKey, static_cast<uint64_t>(*used - 1), 6);
  EXPECT_EQ(VerifyTotp(secret, older, t, *used), std::nullopt);      // an older step after a newer one
  const std::string next = HotpCode(kRfcKey, static_cast<uint64_t>(*used + 1), 6);
  EXPECT_EQ(VerifyTotp(secret, next, t + 30, *used), *used + 1);
}

TEST(TotpTest, OtpauthUri) {
  EXPECT_EQ(TotpUri("JBSWY3DPEHPK3PXP", "mary.jones@ccg", "OpenCSU"),
            "otpauth://totp/OpenCSU:mary.jones%40ccg?secret=JBSWY3DPEHPK3PXP&issuer=OpenCSU&algorithm=SHA1&digits=6"
            "&period=30");
}

}  // namespace
}  // namespace csu::tenancy
