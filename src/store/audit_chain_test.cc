#include "store/audit_chain.h"

#include <gtest/gtest.h>

#include "store/sha256.h"

namespace csu::store {
namespace {

std::vector<AuditEntry> Chain(int n) {
  std::vector<AuditEntry> out;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    AuditEntry e{i, "2024-01-0" + std::to_string(i % 9 + 1) + "T00:00:00Z", "alice", "ingest",
                 "batch " + std::to_string(i), "{\"n\":" + std::to_string(i) + "}", prev, ""};
    e.hash = AuditHash(e);
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

TEST(AuditChain, HashIsSha256OfNetstrings) {
  AuditEntry e{1, "t", "a", "x", "s", "{}", kGenesisHash, ""};
  // Pinned so the documented encoding cannot drift unnoticed.
  std::string m = "opencsu-audit-v1\n1:1,1:t,1:a,1:x,1:s,2:{},64:" + kGenesisHash + ",";
  EXPECT_EQ(AuditHash(e), Sha256Hex(m));
}

TEST(AuditChain, IntactChainVerifies) {
  auto r = VerifyAuditChain(Chain(5));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 5);
  EXPECT_EQ(VerifyAuditChain({}).value(), 0);
}

TEST(AuditChain, EditedEntryIsNamed) {
  auto chain = Chain(5);
  chain[2].actor = "mallory";
  auto r = VerifyAuditChain(chain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "audit entry 3");
}

TEST(AuditChain, RehashedEditIsCaughtByTheNextEntry) {
  auto chain = Chain(5);
  chain[2].details = "{}";
  chain[2].hash = AuditHash(chain[2]);
  auto r = VerifyAuditChain(chain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "audit entry 4");
}

TEST(AuditChain, DeletedEntryIsNamed) {
  auto chain = Chain(5);
  chain.erase(chain.begin() + 1);
  auto r = VerifyAuditChain(chain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "audit entry 3");
}

TEST(AuditChain, FieldBoundariesAreUnambiguous) {
  AuditEntry a{1, "t", "ab", "c", "s", "{}", kGenesisHash, ""};
  AuditEntry b{1, "t", "a", "bc", "s", "{}", kGenesisHash, ""};
  EXPECT_NE(AuditHash(a), AuditHash(b));
}

TEST(AuditChain, JsonStringEscapes) {
  EXPECT_EQ(JsonString("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(JsonString(std::string(1, '\x01')), "\"\\u0001\"");
}

}  // namespace
}  // namespace csu::store
