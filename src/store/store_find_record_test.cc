// Store::FindRecord: the latest version of one record among active batches.
#include <gtest/gtest.h>

#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

BatchInfo Commit(Store& store, const std::vector<ingest::ApcRecord>& records, const std::string& name) {
  auto b = store.NewBatch(ExtractKind::kApc);
  EXPECT_TRUE(b.ok());
  for (const auto& r : records) b.value()->AddApc(r);
  BatchInfo info;
  info.file_name = name;
  info.content_sha256 = Sha256Hex(name);
  info.loaded_by = "tester";
  auto committed = store.CommitBatch(std::move(b).value(), info);
  EXPECT_TRUE(committed.ok()) << committed.error().ToString();
  return committed.value();
}

TEST(StoreFindRecordTest, FindsTheLatestVersionAmongActiveBatches) {
  testing::ScratchDir dir("find-record");
  auto opened = Store::Open(dir.state(), testing::kFingerprint);
  ASSERT_TRUE(opened.ok());
  Store& store = *opened.value();

  std::vector<ingest::ApcRecord> first;
  for (uint64_t i = 0; i < 50; ++i) first.push_back(testing::MakeApc(i));
  const std::string provider = first[10].common.provider.ToString();
  const BatchInfo b1 = Commit(store, first, "one.csv");

  auto found = store.FindRecord(ExtractKind::kApc, provider, "S10");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value().has_value());
  EXPECT_EQ(found.value()->batch_id, b1.id);
  EXPECT_EQ(found.value()->row, 10u);

  // A later batch restates S10 (same provider) at its row 2: that version wins.
  std::vector<ingest::ApcRecord> second = {testing::MakeApc(100), testing::MakeApc(101), first[10]};
  second[2].hrg = testing::MakeHrg(12345);
  const BatchInfo b2 = Commit(store, second, "two.csv");
  found = store.FindRecord(ExtractKind::kApc, provider, "S10");
  ASSERT_TRUE(found.ok() && found.value());
  EXPECT_EQ(found.value()->batch_id, b2.id);
  EXPECT_EQ(found.value()->row, 2u);

  // The located row is the loaded table's row for that batch and source row.
  auto tables = store.Load(ExtractKind::kApc).value();
  bool seen = false;
  for (const BatchRange& range : tables.apc.batches) {
    if (range.batch_id != b2.id) continue;
    for (uint32_t r = range.first_row; r < range.first_row + range.rows; ++r) {
      if (tables.apc.source_row[r] == 2) {
        EXPECT_EQ(tables.codes.hrg().code(tables.apc.hrg[r]), second[2].hrg.view());
        seen = true;
      }
    }
  }
  EXPECT_TRUE(seen);

  // Removing the restating batch brings the first version back.
  ASSERT_TRUE(store.RemoveBatch(b2.id, "tester").ok());
  found = store.FindRecord(ExtractKind::kApc, provider, "S10");
  ASSERT_TRUE(found.ok() && found.value());
  EXPECT_EQ(found.value()->batch_id, b1.id);

  // Absent: another provider, an unknown provider, an unknown id, another kind.
  const std::string other = provider == "RAA" ? "RAB" : "RAA";
  EXPECT_FALSE(store.FindRecord(ExtractKind::kApc, "ZZZ", "S10").value());
  EXPECT_FALSE(store.FindRecord(ExtractKind::kApc, provider, "S999").value());
  EXPECT_FALSE(store.FindRecord(ExtractKind::kOp, provider, "S10").value());
  EXPECT_FALSE(store.FindRecord(ExtractKind::kApc, other, "S10").value());
}

}  // namespace
}  // namespace csu::store
