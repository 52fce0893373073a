// Store::ExportBatch / AdoptBatch (server mode's way of moving a batch
// between state folders under its id; docs/store-format.md §11b), without a
// database: a batch adopted whole loads the same; damaged bytes, a wrong id
// or a dictionary that has diverged are refused and change nothing.
#include <gtest/gtest.h>

#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

class StoreAdoptTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(const testing::ScratchDir& d) {
    auto s = Store::Open(d.state(), testing::kFingerprint);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  BatchInfo Commit(Store& s, uint64_t first, int n, const std::string& name, uint64_t seed = 0) {
    auto b = s.NewBatch(ExtractKind::kApc);
    EXPECT_TRUE(b.ok());
    for (uint64_t i = first; i < first + static_cast<uint64_t>(n); ++i) b.value()->AddApc(testing::MakeApc(i, seed));
    BatchInfo info;
    info.file_name = name;
    info.content_sha256 = Sha256Hex(name);
    info.loaded_by = "tester";
    auto done = s.CommitBatch(std::move(b).value(), info);
    EXPECT_TRUE(done.ok()) << done.error().ToString();
    return done.ok() ? done.value() : BatchInfo();
  }
  testing::ScratchDir a_{"adopt-a"}, b_{"adopt-b"};
};

TEST_F(StoreAdoptTest, AnAdoptedBatchLoadsTheSame) {
  auto a = Open(a_);
  Commit(*a, 0, 1500, "one.csv");
  Commit(*a, 1500, 1500, "two.csv");
  ASSERT_TRUE(a->RemoveBatch(1, "alice").ok());
  auto b = Open(b_);
  for (int64_t id : {1, 2}) {
    auto t = a->ExportBatch(id);
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    auto adopted = b->AdoptBatch(t.value(), "node-b");
    ASSERT_TRUE(adopted.ok()) << adopted.error().ToString();
  }
  auto la = a->LoadAll(), lb = b->LoadAll();
  ASSERT_TRUE(la.ok() && lb.ok());
  EXPECT_EQ(lb.value().apc.size(), 1500u);
  EXPECT_EQ(lb.value().apc.hrg, la.value().apc.hrg);
  EXPECT_EQ(lb.value().apc.provider, la.value().apc.provider);
  auto listed = b->ListBatches().value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_TRUE(listed[0].removed);
  EXPECT_TRUE(b->Verify().value().empty());
  EXPECT_EQ(b->Audit().value().back().action, "batch.adopt");
}

TEST_F(StoreAdoptTest, DamageAWrongIdOrADivergedDictionaryIsRefused) {
  auto a = Open(a_);
  Commit(*a, 0, 500, "one.csv");
  auto b = Open(b_);
  auto t = a->ExportBatch(1).value();
  BatchTransfer damaged = t;
  char& byte = damaged.rows[damaged.rows.size() / 2];
  byte = static_cast<char>(byte ^ 1);
  auto r = b->AdoptBatch(damaged, "node-b");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "batch 1");
  BatchTransfer later = t;
  later.info.id = 2;
  EXPECT_FALSE(b->AdoptBatch(later, "node-b").ok());
  EXPECT_TRUE(b->ListBatches().value().empty());
  // A folder that loaded something else first has other dictionary ids.
  Commit(*b, 0, 500, "other.csv", /*seed=*/7);
  BatchTransfer next = a->ExportBatch(1).value();
  next.info.id = 2;
  auto diverged = b->AdoptBatch(next, "node-b");
  ASSERT_FALSE(diverged.ok());
  EXPECT_NE(diverged.error().why.find("diverged"), std::string::npos) << diverged.error().ToString();
  EXPECT_EQ(b->ListBatches().value().size(), 1u);
}

}  // namespace
}  // namespace csu::store
