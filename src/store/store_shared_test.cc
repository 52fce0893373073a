// Shared stores (StoreOptions::shared): reading a state folder beside the
// process that holds its LOCK, as `csu batches` or `csu report` do while
// `csu serve` runs (docs/store-format.md §1, "Who may open the folder").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/platform_date.h"
#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;
namespace fs = std::filesystem;

class SharedStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> OpenHolder() {
    auto s = Store::Open(dir_.state(), testing::kFingerprint);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  Result<std::unique_ptr<Store>> OpenShared() {
    StoreOptions options;
    options.shared = true;
    return Store::Open(dir_.state(), testing::kFingerprint, options);
  }
  BatchInfo Commit(Store& store, uint64_t first, int n, const std::string& name) {
    auto b = store.NewBatch(ExtractKind::kOp);
    EXPECT_TRUE(b.ok()) << b.error().ToString();
    for (uint64_t i = first; i < first + static_cast<uint64_t>(n); ++i) b.value()->AddOp(testing::MakeOp(i, 0));
    BatchInfo info;
    info.file_name = name;
    info.content_sha256 = Sha256Hex(name);
    info.loaded_by = "tester";
    auto done = store.CommitBatch(std::move(b).value(), info);
    EXPECT_TRUE(done.ok()) << done.error().ToString();
    return done.ok() ? done.value() : BatchInfo();
  }
  size_t Files() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_.state() + "/batches")) ++n;
    return n;
  }

  testing::ScratchDir dir_{"shared"};
};

TEST_F(SharedStoreTest, ReadsBesideTheHolderFromASnapshot) {
  auto holder = OpenHolder();
  Commit(*holder, 0, 100, "op1.csv");
  // A second holder is still refused: the lock is unchanged for writers.
  auto second = Store::Open(dir_.state(), testing::kFingerprint);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().why.find("in use"), std::string::npos);

  auto shared = OpenShared();
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  Store& reader = *shared.value();
  EXPECT_EQ(reader.ListBatches().value().size(), 1u);
  Commit(*holder, 1000, 50, "op2.csv");  // new codes, new files
  // The snapshot is the catalog as it was at Open.
  EXPECT_EQ(reader.ListBatches().value().size(), 1u);
  EXPECT_EQ(reader.Load(ExtractKind::kOp).value().op.size(), 100u);
  // Its own audit entry moves it to the latest commit, dictionaries too.
  ASSERT_TRUE(reader.AppendAudit("tester", "report.view", "op", "{}").ok());
  EXPECT_EQ(reader.ListBatches().value().size(), 2u);
  auto tables = reader.Load(ExtractKind::kOp);
  ASSERT_TRUE(tables.ok()) << tables.error().ToString();
  EXPECT_EQ(tables.value().op.size(), 150u);
  // The holder's chain and the reader's entry are one chain.
  EXPECT_TRUE(holder->VerifyAudit().ok());
  EXPECT_EQ(holder->Audit().value().back().action, "report.view");
  EXPECT_TRUE(holder->AppendAudit("tester", "after", "x", "{}").ok());
  EXPECT_EQ(holder->VerifyAudit().value(), 4);
}

TEST_F(SharedStoreTest, AReadThatMeetsARemovedBatchRetriesOnAFreshSnapshot) {
  auto holder = OpenHolder();
  Commit(*holder, 0, 100, "op1.csv");
  Commit(*holder, 1000, 40, "op2.csv");
  auto shared = OpenShared();
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  // Removal deletes the files the reader's snapshot still names.
  ASSERT_TRUE(holder->RemoveBatch(1, "tester").ok());
  auto tables = shared.value()->Load(ExtractKind::kOp);
  ASSERT_TRUE(tables.ok()) << tables.error().ToString();
  EXPECT_EQ(tables.value().op.size(), 40u);
  auto problems = shared.value()->Verify();
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems.value().empty()) << problems.value()[0];
}

TEST_F(SharedStoreTest, RefusesBatchChangesAndCreatesOrRemovesNothing) {
  auto missing = OpenShared();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().why.find("no state folder"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.state()));

  auto holder = OpenHolder();
  Commit(*holder, 0, 10, "op1.csv");
  auto b = holder->NewBatch(ExtractKind::kOp);  // a commit in progress: its temporary file
  ASSERT_TRUE(b.ok());
  std::ofstream(dir_.state() + "/batches/000001-ffffffffffffffff.cols") << "left by a crash";
  auto shared = OpenShared();
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  Store& reader = *shared.value();
  EXPECT_EQ(Files(), 4u);  // opening removed no orphan
  EXPECT_FALSE(reader.NewBatch(ExtractKind::kOp).ok());
  EXPECT_FALSE(reader.RemoveBatch(1, "tester").ok());
  EXPECT_FALSE(reader.PurgeQuarantine(1, "tester").ok());
  auto rebuild = reader.Rebuild(1, "tester");
  ASSERT_FALSE(rebuild.ok());
  EXPECT_NE(rebuild.error().why.find("stop that process"), std::string::npos);
  // Beside a live holder the temporary file is a commit in progress; the
  // stray file of an earlier batch id is an orphan all the same.
  auto problems = reader.Verify();
  ASSERT_TRUE(problems.ok());
  ASSERT_EQ(problems.value().size(), 1u);
  EXPECT_NE(problems.value()[0].find("000001-ffffffffffffffff.cols: orphan"), std::string::npos);
  b.value().reset();
  holder.reset();
  std::ofstream(dir_.state() + "/batches/tmp-0123456789abcdef.cols") << "partial";
  problems = reader.Verify();  // nobody holds the folder: the temporary is an orphan
  ASSERT_TRUE(problems.ok());
  EXPECT_EQ(problems.value().size(), 2u);
  EXPECT_EQ(Files(), 4u);
}

TEST(PlatformDateTest, AbsentSetClearedOrDamaged) {
  testing::ScratchDir dir("platform-date");
  fs::create_directories(dir.path());
  EXPECT_FALSE(ReadPlatformDate(dir.path()).value().has_value());
  const Date d = Date::FromYmd(2018, 10, 15);
  ASSERT_TRUE(WritePlatformDate(dir.path(), d).ok());
  EXPECT_EQ(ReadPlatformDate(dir.path()).value(), d);
  EXPECT_EQ(PlatformDateNotice(d, Date::FromYmd(2026, 12, 6)), "platform date 15/10/2018 (the real date is 06/12/2026)");
  ASSERT_TRUE(WritePlatformDate(dir.path(), std::nullopt).ok());
  EXPECT_FALSE(ReadPlatformDate(dir.path()).value().has_value());
  EXPECT_TRUE(WritePlatformDate(dir.path(), std::nullopt).ok());  // clearing twice is fine
  std::ofstream(dir.path() + "/platform-date") << "next tuesday\n";
  auto bad = ReadPlatformDate(dir.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().why.find("--clear"), std::string::npos);
}

}  // namespace
}  // namespace csu::store
