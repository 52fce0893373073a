// Node-to-node authentication (web/node_auth.h): a signed request passes;
// no headers, a wrong or truncated MAC, another method, target, body or
// receiving node, a time outside the window either way, a nonce already
// accepted, and a node without a secret are all refused. The secret file
// must be 64 hex digits.
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

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers Sign(std::string_view method = "GET", std::string_view target = kTarget, std::string_view body = "",
             int64_t now = kNow, std::string_view to = "b") {
  auto h = SignNodeRequest(kSecret, method, target, body, now, to);
  EXPECT_TRUE(h.ok());
  return h.ok() ? std::move(h).value() : Headers(3);
}

// Checked as node b, without a nonce cache unless `seen` is given.
Status Check(const Headers& h, std::string_view method = "GET", std::string_view target = kTarget,
             std::string_view body = "", int64_t now = kNow, std::string_view secret = kSecret,
             std::string_view self = "b", NonceCache* seen = nullptr) {
  const NodeCheck check{secret, self, seen};
  return check.Check(method, target, {h.at(0).second, h.at(1).second, h.at(2).second}, body, now);
}

TEST(NodeAuth, ASignedRequestPasses) {
  const auto h = Sign();
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].first, kNodeTimeHeader);
  EXPECT_EQ(h[1].first, kNodeNonceHeader);
  EXPECT_EQ(h[2].first, kNodeSignatureHeader);
  EXPECT_EQ(h[1].second.size(), 32u);
  EXPECT_NE(Sign()[1].second, h[1].second) << "every request has a nonce of its own";
  EXPECT_TRUE(Check(h).ok());
  // Within the window either way.
  EXPECT_TRUE(Check(h, "GET", kTarget, "", kNow + kNodeWindowSeconds).ok());
  EXPECT_TRUE(Check(h, "GET", kTarget, "", kNow - kNodeWindowSeconds).ok());
}

TEST(NodeAuth, TheMacIsHmacSha256OfTheDocumentedMessage) {
  // Known answers (Python's hmac module), so another implementation (the
  // script test signs with openssl) can sign: HMAC-SHA-256 under "key" of
  // "GET\n/x\n1\n" NONCE "\nb\n" followed by the hex SHA-256 of the body.
  const std::string nonce = "00112233445566778899aabbccddeeff";
  EXPECT_EQ(NodeSignature("key", "GET", "/x", 1, nonce, "b", ""),
            "1cb4f1ceeebc27768d3e31339579e1af771d03faa83e6032b8c2c5775d3866c7");
  EXPECT_EQ(NodeSignature("key", "GET", "/x", 1, nonce, "b", "body"),
            "4bd7f484950e4d93b0d711dc48c85e62cc4ebde81a8f9a1af378f75e4d38c570");
}

TEST(NodeAuth, RefusesWhatIsNotSignedRight) {
  const auto good = Sign();
  // A header missing.
  for (size_t i = 0; i < 3; ++i) {
    auto missing = good;
    missing[i].second.clear();
    EXPECT_FALSE(Check(missing).ok()) << good[i].first;
  }
  // A MAC with one digit changed, cut short, or upper-cased.
  auto bad = good;
  bad[2].second[10] = bad[2].second[10] == '0' ? '1' : '0';
  EXPECT_FALSE(Check(bad).ok());
  bad = good;
  bad[2].second.pop_back();
  EXPECT_FALSE(Check(bad).ok());
  bad = good;
  for (char& c : bad[2].second) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (bad[2].second != good[2].second) {
    EXPECT_FALSE(Check(bad).ok());
  }
  // Another nonce (it is under the MAC), or one that is not 32 hex digits.
  bad = good;
  bad[1].second[0] = bad[1].second[0] == '0' ? '1' : '0';
  EXPECT_FALSE(Check(bad).ok());
  bad = good;
  bad[1].second = "x" + bad[1].second.substr(1);
  EXPECT_FALSE(Check(bad).ok());
  // Made for node b, checked by node c.
  const Status elsewhere = Check(good, "GET", kTarget, "", kNow, kSecret, "c");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_NE(elsewhere.error().why.find("receiving node"), std::string::npos) << elsewhere.error().why;
  // Another method, target (another group) or body.
  EXPECT_FALSE(Check(good, "POST").ok());
  EXPECT_FALSE(Check(good, "GET", "/internal/v1/partials?group=south&year=2018%2F19").ok());
  EXPECT_FALSE(Check(good, "GET", kTarget, "x").ok());
  // Another secret.
  EXPECT_FALSE(Check(good, "GET", kTarget, "", kNow, std::string(32, '\x5b')).ok());
  // A node with no secret refuses everything.
  EXPECT_FALSE(Check(good, "GET", kTarget, "", kNow, "").ok());
  // A time that is not Unix seconds.
  for (const char* time : {"-5", "99999999999999999999", "12a"}) {
    bad = good;
    bad[0].second = time;
    EXPECT_FALSE(Check(bad).ok()) << time;
  }
}

TEST(NodeAuth, ARequestReplayedInsideTheWindowIsRefused) {
  NonceCache seen;
  const auto h = Sign();
  EXPECT_TRUE(Check(h, "GET", kTarget, "", kNow, kSecret, "b", &seen).ok());
  const Status again = Check(h, "GET", kTarget, "", kNow + 5, kSecret, "b", &seen);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("replay"), std::string::npos) << again.error().why;
  // Another request, with its own nonce, passes.
  EXPECT_TRUE(Check(Sign(), "GET", kTarget, "", kNow + 5, kSecret, "b", &seen).ok());
  // A request that fails its MAC is not remembered: it cannot spoil a good
  // one that follows with the same nonce, nor fill the cache.
  const auto later = Sign();
  auto forged = later;
  forged[2].second[0] = forged[2].second[0] == '0' ? '1' : '0';
  EXPECT_FALSE(Check(forged, "GET", kTarget, "", kNow, kSecret, "b", &seen).ok());
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_TRUE(Check(later, "GET", kTarget, "", kNow, kSecret, "b", &seen).ok());
}

TEST(NodeAuth, ARequestSignedBeforeTheNodeStartedIsRefused) {
  // The node (re)started at kNow + 10 with an empty cache: a request signed
  // at kNow may be one it accepted before, so it is refused; one signed
  // after its start passes.
  NodeCheck restarted{kSecret, "b", nullptr, kNow + 10};
  const auto before = Sign();
  const Status refused = restarted.Check("GET", kTarget, {before[0].second, before[1].second, before[2].second}, "",
                                         kNow + 12);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().why.find("before this node started"), std::string::npos) << refused.error().why;
  const auto after = Sign("GET", kTarget, "", kNow + 11);
  EXPECT_TRUE(restarted.Check("GET", kTarget, {after[0].second, after[1].second, after[2].second}, "", kNow + 12).ok());
}

TEST(NodeAuth, TheNonceCacheForgetsARequestOnlyOnceItsTimeHasLeftTheWindow) {
  NonceCache seen(2);
  ASSERT_TRUE(seen.Claim("n1", kNow, kNow).ok());
  ASSERT_TRUE(seen.Claim("n2", kNow + 10, kNow + 10).ok());
  // Full: a third is refused while both are inside the window, never
  // admitted by forgetting one that could still be replayed.
  const Status full = seen.Claim("n3", kNow + 20, kNow + 20);
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().why.find("too many"), std::string::npos);
  EXPECT_FALSE(seen.Claim("n1", kNow, kNow + kNodeWindowSeconds).ok()) << "still inside the window";
  // n1's time has left the window: it goes, and its request is refused by
  // its time anyway.
  EXPECT_TRUE(seen.Claim("n3", kNow + 31, kNow + kNodeWindowSeconds + 1).ok());
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen.Claim("n2", kNow + 10, kNow + 35).ok());
}

TEST(NodeAuth, ARequestOutsideTheWindowIsRefusedAsAReplay) {
  const auto h = Sign();
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
