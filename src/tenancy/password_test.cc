// Argon2id hashing and the password policy. Each real hash costs ~25 ms:
// this file makes four.
#include <gtest/gtest.h>

#include "tenancy/password_hasher.h"
#include "tenancy/password_policy.h"

namespace csu::tenancy {
namespace {

TEST(PasswordHasherTest, RoundTripWithProductionParametersInThePhcString) {
  auto h = HashPassword("correct horse battery staple");
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  const std::string& phc = h.value();
  EXPECT_EQ(phc.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << phc;
  auto params = ParsePhcParams(phc);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->memory_kib, 19456u);
  EXPECT_EQ(params->passes, 2u);
  EXPECT_EQ(params->lanes, 1u);
  EXPECT_EQ(phc.find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", phc));
  EXPECT_FALSE(VerifyPassword("correct horse battery stapler", phc));
  EXPECT_FALSE(VerifyPassword("", phc));
}

TEST(PasswordHasherTest, SaltsDifferSoEqualPasswordsHashDifferently) {
  auto a = HashPassword("the same password twice");
  auto b = HashPassword("the same password twice");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a.value(), b.value());
}

TEST(PasswordHasherTest, WeakOrMalformedStoredHashesNeverMatch) {
  // A PHC string edited down to cheap parameters is refused before libargon2
  // runs, whatever password is given.
  EXPECT_FALSE(VerifyPassword("x", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"));
  EXPECT_FALSE(VerifyPassword("x", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"));
  EXPECT_FALSE(VerifyPassword("x", "plaintext"));
  EXPECT_FALSE(VerifyPassword("x", ""));
  EXPECT_FALSE(ParsePhcParams("$argon2id$v=19$m=,t=2,p=1$"));
}

TEST(PasswordHasherTest, DummyHashIsProductionCostAndStable) {
  const std::string& d = DummyPasswordHash();
  EXPECT_EQ(&d, &DummyPasswordHash());
  auto p = ParsePhcParams(d);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->memory_kib, kArgon2Production.memory_kib);
  EXPECT_FALSE(VerifyPassword("", d));
}

PasswordPolicy Policy() { return PasswordPolicy::FromList({"password", "dragon", "qwertyuiopasdf", "iloveyou"}); }

TEST(PasswordPolicyTest, LengthIsCountedInCodePoints) {
  const PasswordPolicy p = Policy();
  EXPECT_FALSE(p.Check("short words", "bob").ok());             // 11
  EXPECT_TRUE(p.Check("short words!", "bob").ok());             // 12
  // 11 code points in 22 bytes: too short although it has 22 bytes.
  const std::string eleven_greek = "\xce\xb1\xce\xb2\xce\xb3\xce\xb4\xce\xb5\xce\xb6\xce\xb7\xce\xb8\xce\xb9\xce\xba\xce\xbb";
  EXPECT_EQ(CountCodePoints(eleven_greek), 11u);
  Status s = p.Check(eleven_greek, "bob");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("11 characters"), std::string::npos) << s.error().why;
  EXPECT_TRUE(p.Check(eleven_greek + "\xce\xbc", "bob").ok());  // 12 code points
  // 128 four-byte emoji (512 bytes) are allowed; 129 are not.
  std::string emoji;
  for (int i = 0; i < 128; ++i) emoji += "\xf0\x9f\x90\xb1";
  EXPECT_TRUE(p.Check(emoji.substr(0, 4 * 127) + "\xf0\x9f\x90\xb6", "bob").ok());
  EXPECT_FALSE(p.Check(emoji + "x", "bob").ok());
  EXPECT_TRUE(p.Check(std::string(64, 'a') + std::string(64, 'b').replace(3, 1, "c"), "bob").ok());
  EXPECT_FALSE(p.Check(std::string(129, 'z') + "q", "bob").ok());
}

TEST(PasswordPolicyTest, RefusesInvalidUtf8) {
  EXPECT_FALSE(Policy().Check("abcdefghijkl\xff", "bob").ok());
  EXPECT_EQ(CountCodePoints("\xc3"), std::nullopt);
}

TEST(PasswordPolicyTest, RefusesCommonPasswordsAndSmallVariants) {
  const PasswordPolicy p = Policy();
  EXPECT_FALSE(p.Check("QwertyuiopAsdf", "bob").ok());  // listed, any case
  EXPECT_FALSE(p.Check("password1234", "bob").ok());    // listed + 4 digits
  EXPECT_FALSE(p.Check("iloveyou123!", "bob").ok());
  EXPECT_TRUE(p.Check("password plus several words", "bob").ok());
  EXPECT_FALSE(p.Check("aaaaaaaaaaaaaa", "bob").ok());  // one character repeated
  EXPECT_FALSE(p.Check("abcabcabcabcabc", "bob").ok());
  EXPECT_FALSE(p.Check("mary.jones-rocks", "mary.jones").ok());  // contains the user name
  Status s = p.Check("password1234", "bob");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().why.find("password1234"), std::string::npos) << "never echo the password";
}

TEST(PasswordPolicyTest, BundledListLoadsAndRefusesItsEntries) {
  auto p = PasswordPolicy::Load(std::string(CSU_SOURCE_DIR) + "/data/security/common-passwords.txt");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_GT(p.value().common_count(), 40000u);
  EXPECT_FALSE(p.value().Check("1qaz2wsx3edc", "bob").ok());
  EXPECT_FALSE(p.value().Check("administrator", "bob").ok());
  EXPECT_FALSE(p.value().Check("Football2024", "bob").ok());
  EXPECT_TRUE(p.value().Check("tangerine lorry whistle", "bob").ok());
  EXPECT_FALSE(PasswordPolicy::Load("/nonexistent/list.txt").ok());
}

}  // namespace
}  // namespace csu::tenancy
