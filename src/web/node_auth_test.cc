// Node-to-node authentication (web/node_auth.h): a signed request passes;
// no headers, a wrong or truncated MAC, another method, target or body, a
// time outside the window either way, and a node without a secret are all
// refused. The secret file must be 64 hex digits.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "web/node_auth.h"

namespace csu::web {
namespace {

const std::string kSecret(32, '\x5a');
constexpr int64_t kNow = 1'800'000'000;
const std::string kTarget = "/internal/v1/partials?group=north&year=2018%2F19";

Status Check(const std::vector<std::pair<std::string, std::string>>& h, std::string_view method = "GET",
             std::string_view target = kTarget, std::string_view body = "", int64_t now = kNow,
             std::string_view secret = kSecret) {
  return CheckNodeRequest(secret, method, target, h.at(0).second, h.at(1).second, body, now);
}

TEST(NodeAuth, ASignedRequestPasses) {
  const auto h = SignNodeRequest(kSecret, "GET", kTarget, "", kNow);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].first, kNodeTimeHeader);
  EXPECT_EQ(h[1].first, kNodeSignatureHeader);
  EXPECT_TRUE(Check(h).ok());
  // Within the window either way.
  EXPECT_TRUE(Check(h, "GET", kTarget, "", kNow + kNodeWindowSeconds).ok());
  EXPECT_TRUE(Check(h, "GET", kTarget, "", kNow - kNodeWindowSeconds).ok());
}

TEST(NodeAuth, TheMacIsHmacSha256OfTheDocumentedMessage) {
  // Known answers (Python's hmac module), so another implementation (the
  // script test signs with openssl) can sign: HMAC-SHA-256 under "key" of
  // "GET\n/x\n1\n" followed by the hex SHA-256 of the body.
  EXPECT_EQ(NodeSignature("key", "GET", "/x", 1, ""),
            "56a98d78960f3114a71114f3a24f08a3836222db499aed9cc044eba92c34db9e");
  EXPECT_EQ(NodeSignature("key", "GET", "/x", 1, "body"),
            "6b9d422efea5f55a8b2729f62c51eb630c9ead2b3988ad68f8a1e0990a8f054f");
}

TEST(NodeAuth, RefusesWhatIsNotSignedRight) {
  const auto good = SignNodeRequest(kSecret, "GET", kTarget, "", kNow);
  // No headers.
  EXPECT_FALSE(CheckNodeRequest(kSecret, "GET", kTarget, "", "", "", kNow).ok());
  EXPECT_FALSE(CheckNodeRequest(kSecret, "GET", kTarget, good[0].second, "", "", kNow).ok());
  EXPECT_FALSE(CheckNodeRequest(kSecret, "GET", kTarget, "", good[1].second, "", kNow).ok());
  // A MAC with one digit changed, cut short, or upper-cased.
  auto bad = good;
  bad[1].second[10] = bad[1].second[10] == '0' ? '1' : '0';
  EXPECT_FALSE(Check(bad).ok());
  bad = good;
  bad[1].second.pop_back();
  EXPECT_FALSE(Check(bad).ok());
  bad = good;
  for (char& c : bad[1].second) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (bad[1].second != good[1].second) {
    EXPECT_FALSE(Check(bad).ok());
  }
  // Another method, target (another group) or body.
  EXPECT_FALSE(Check(good, "POST").ok());
  EXPECT_FALSE(Check(good, "GET", "/internal/v1/partials?group=south&year=2018%2F19").ok());
  EXPECT_FALSE(Check(good, "GET", kTarget, "x").ok());
  // Another secret.
  EXPECT_FALSE(Check(good, "GET", kTarget, "", kNow, std::string(32, '\x5b')).ok());
  // A node with no secret refuses everything.
  EXPECT_FALSE(Check(good, "GET", kTarget, "", kNow, "").ok());
  // A time that is not Unix seconds.
  EXPECT_FALSE(CheckNodeRequest(kSecret, "GET", kTarget, "-5", good[1].second, "", kNow).ok());
  EXPECT_FALSE(CheckNodeRequest(kSecret, "GET", kTarget, "99999999999999999999", good[1].second, "", kNow).ok());
}

TEST(NodeAuth, ARequestOutsideTheWindowIsRefusedAsAReplay) {
  const auto h = SignNodeRequest(kSecret, "GET", kTarget, "", kNow);
  const Status late = Check(h, "GET", kTarget, "", kNow + kNodeWindowSeconds + 1);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().why.find("replay"), std::string::npos);
  EXPECT_FALSE(Check(h, "GET", kTarget, "", kNow - kNodeWindowSeconds - 1).ok());  // from the future
  // Re-signing with an old time does not help without the secret: the time
  // is inside the MAC.
  auto moved = h;
  moved[0].second = std::to_string(kNow + 100);
  EXPECT_FALSE(Check(moved, "GET", kTarget, "", kNow + 100).ok());
}

TEST(NodeAuth, TheSecretFileIs64HexDigits) {
  const std::string dir = ::testing::TempDir() + "node_auth_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  auto ok = LoadNodeSecret(write("good", hex + "\n"));
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  ASSERT_EQ(ok.value().size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(ok.value()[31]), 0x1f);
  for (const std::string& bad : {hex.substr(2), hex + "00", "zz" + hex.substr(2), std::string()}) {
    auto r = LoadNodeSecret(write("bad", bad));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().why.find(hex.substr(0, 10)), std::string::npos) << "the error must not show the file";
  }
  EXPECT_FALSE(LoadNodeSecret(dir + "/missing").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace csu::web
