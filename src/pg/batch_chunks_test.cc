// Batches in PostgreSQL (pg/batch_chunks.h, docs/store-format.md §11b), run
// when CSU_TEST_POSTGRES_URL names a server (skipped otherwise): a folder's
// batches round-trip through the chunks into an empty folder byte for byte;
// a flipped byte in one chunk is refused naming the batch, and the folder
// stays as it was; a withdrawal reaches a node that has the batch and one
// that never had it; the singleton ingest lock refuses a second holder; a
// publication is heard by a listener.
#include "pg/batch_chunks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pg/batch_listener.h"
#include "pg/pg_for_tests.h"
#include "store/sha256.h"
#include "store/store_testing.h"

namespace csu::pg {
namespace {

using ingest::ExtractKind;
namespace fs = std::filesystem;

std::string FileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<std::string> Files(const std::string& state) {
  std::vector<std::string> names;
  if (!fs::exists(state + "/batches")) return names;
  for (const auto& e : fs::directory_iterator(state + "/batches")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class PgBatchChunks : public ::testing::Test {
 protected:
  void SetUp() override {
    CSU_PG_TEST_SCHEMA(schema_);
  }
  std::unique_ptr<BatchChunks> Chunks() {
    auto c = Connect(schema_->url());
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    auto chunks = BatchChunks::Open(std::move(c).value());
    EXPECT_TRUE(chunks.ok()) << chunks.error().ToString();
    return chunks.ok() ? std::move(chunks).value() : nullptr;
  }
  std::unique_ptr<store::Store> Open(const std::string& dir) {
    auto s = store::Store::Open(dir, store::testing::kFingerprint);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  store::BatchInfo Commit(store::Store& s, ExtractKind kind, uint64_t first, int n, const std::string& name) {
    auto b = s.NewBatch(kind);
    EXPECT_TRUE(b.ok()) << b.error().ToString();
    for (uint64_t i = first; i < first + static_cast<uint64_t>(n); ++i) {
      if (kind == ExtractKind::kApc) b.value()->AddApc(store::testing::MakeApc(i));
      else b.value()->AddOp(store::testing::MakeOp(i));
    }
    b.value()->AddQuarantined({0, 17, "nhs_number", "check digit invalid", "", "*****,1970-01-01"});
    store::BatchInfo info;
    info.file_name = name;
    info.content_sha256 = store::Sha256Hex(name);
    info.loaded_by = "tester";
    auto done = s.CommitBatch(std::move(b).value(), info);
    EXPECT_TRUE(done.ok()) << done.error().ToString();
    return done.ok() ? done.value() : store::BatchInfo();
  }
  int64_t Count(const std::string& sql) {
    auto c = Connect(schema_->url());
    EXPECT_TRUE(c.ok());
    auto q = c.value()->Prepare(sql);
    EXPECT_TRUE(q.ok()) << q.error().ToString();
    auto row = q.value().Step();
    EXPECT_TRUE(row.ok() && row.value());
    return q.value().Int(0);
  }

  std::optional<TestSchema> schema_;
  store::testing::ScratchDir a_{"pg-batches-a"}, b_{"pg-batches-b"}, c_{"pg-batches-c"};
};

TEST_F(PgBatchChunks, ABatchRoundTripsIntoAnEmptyFolderByteForByte) {
  auto chunks = Chunks();
  auto a = Open(a_.state());
  // Enough rows for files of more than one 1 MiB chunk.
  Commit(*a, ExtractKind::kApc, 0, 60000, "apc.csv");
  Commit(*a, ExtractKind::kOp, 0, 2000, "op.csv");
  EXPECT_EQ(chunks->Generation().value(), 0);
  auto published = PublishLocal(*chunks, *a, store::testing::kFingerprint);
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  EXPECT_EQ(published.value().published, 2);
  EXPECT_EQ(chunks->Generation().value(), 2);
  EXPECT_GE(Count("SELECT max(chunks) FROM batch_files"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM batch_chunks WHERE bytes > 1048576"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM batch_quarantine"), 2);

  // Publishing again adds nothing.
  auto again = PublishLocal(*chunks, *a, store::testing::kFingerprint);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again.value().published, 0);

  auto b = Open(b_.state());
  auto caught = CatchUp(*chunks, *b, store::testing::kFingerprint, "node-b");
  ASSERT_TRUE(caught.ok()) << caught.error().ToString();
  EXPECT_EQ(caught.value().adopted, 2);
  ASSERT_EQ(Files(a_.state()), Files(b_.state()));
  for (const std::string& f : Files(a_.state()))
    EXPECT_EQ(FileBytes(a_.state() + "/batches/" + f), FileBytes(b_.state() + "/batches/" + f)) << f;
  auto la = a->LoadAll(), lb = b->LoadAll();
  ASSERT_TRUE(la.ok() && lb.ok());
  EXPECT_EQ(la.value().apc.size(), 60000u);
  EXPECT_EQ(lb.value().apc.size(), la.value().apc.size());
  EXPECT_EQ(lb.value().op.size(), la.value().op.size());
  EXPECT_EQ(lb.value().apc.hrg, la.value().apc.hrg);
  EXPECT_EQ(b->Quarantine(std::nullopt).value().size(), 2u);
  EXPECT_TRUE(b->Verify().value().empty());
  // Caught up: a second round takes nothing.
  auto none = CatchUp(*chunks, *b, store::testing::kFingerprint, "node-b");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value().adopted, 0);
  // Another key is refused, naming the problem.
  auto other = CatchUp(*chunks, *b, "ffffffffffffffffffffffffffffffff", "node-b");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().ToString().find("another key"), std::string::npos);
}

TEST_F(PgBatchChunks, AFlippedByteInAChunkIsRefusedNamingTheBatch) {
  auto chunks = Chunks();
  auto a = Open(a_.state());
  Commit(*a, ExtractKind::kApc, 0, 3000, "one.csv");
  Commit(*a, ExtractKind::kApc, 3000, 3000, "two.csv");
  ASSERT_TRUE(PublishLocal(*chunks, *a, store::testing::kFingerprint).ok());
  // One bit of one byte in the middle of batch 2's first rows chunk.
  ASSERT_TRUE(chunks->db()
                  .Exec("UPDATE batch_chunks SET data = set_byte(data, bytes / 2, get_byte(data, bytes / 2) # 16) "
                        "WHERE batch_id = 2 AND role = 'rows' AND seq = 0")
                  .ok());
  auto fetched = chunks->Fetch(2);
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.error().where, "batch 2");
  EXPECT_NE(fetched.error().why.find("chunk 0 of its rows file fails its SHA-256 check"), std::string::npos)
      << fetched.error().ToString();

  auto b = Open(b_.state());
  auto caught = CatchUp(*chunks, *b, store::testing::kFingerprint, "node-b");
  ASSERT_FALSE(caught.ok());
  EXPECT_NE(caught.error().ToString().find("batch 2"), std::string::npos) << caught.error().ToString();
  // Batch 1 was sound and is taken; nothing of batch 2 is in the folder.
  auto listed = b->ListBatches();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed.value().size(), 1u);
  EXPECT_EQ(listed.value()[0].id, 1);
  for (const std::string& f : Files(b_.state())) EXPECT_EQ(f.rfind("000002", 0), std::string::npos) << f;
  EXPECT_TRUE(b->Verify().value().empty());
  // A chunk whose stored hash was rewritten to match its damaged bytes is
  // still caught, by the whole file's SHA-256.
  ASSERT_TRUE(chunks->db()
                  .Exec("UPDATE batch_chunks SET sha256 = encode(sha256(data), 'hex') "
                        "WHERE batch_id = 2 AND role = 'rows' AND seq = 0")
                  .ok());
  auto still = chunks->Fetch(2);
  ASSERT_FALSE(still.ok());
  EXPECT_EQ(still.error().where, "batch 2");
  EXPECT_NE(still.error().why.find("rows file fails its SHA-256 check"), std::string::npos) << still.error().ToString();
}

TEST_F(PgBatchChunks, AWithdrawalReachesEveryFolder) {
  auto chunks = Chunks();
  auto a = Open(a_.state());
  Commit(*a, ExtractKind::kApc, 0, 2000, "one.csv");
  Commit(*a, ExtractKind::kApc, 2000, 2000, "two.csv");
  ASSERT_TRUE(PublishLocal(*chunks, *a, store::testing::kFingerprint).ok());
  auto b = Open(b_.state());
  ASSERT_TRUE(CatchUp(*chunks, *b, store::testing::kFingerprint, "node-b").ok());

  ASSERT_TRUE(a->RemoveBatch(1, "alice").ok());
  auto published = PublishLocal(*chunks, *a, store::testing::kFingerprint);
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  EXPECT_EQ(published.value().published, 1);
  EXPECT_EQ(chunks->Generation().value(), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM batch_chunks WHERE batch_id = 1"), 0);
  EXPECT_EQ(Count("SELECT removed FROM server_batches WHERE id = 1"), 1);
  EXPECT_FALSE(chunks->Withdraw(1, "now", "alice").ok());  // once only

  // B had it: withdrawn there too.
  auto caught = CatchUp(*chunks, *b, store::testing::kFingerprint, "node-b");
  ASSERT_TRUE(caught.ok()) << caught.error().ToString();
  EXPECT_EQ(caught.value().removed, 1);
  EXPECT_TRUE(b->ListBatches().value()[0].removed);
  EXPECT_EQ(b->LoadAll().value().apc.size(), 2000u);
  // C never had it: it takes it as withdrawn (the id stays used) and batch 2 whole.
  auto c = Open(c_.state());
  auto fresh = CatchUp(*chunks, *c, store::testing::kFingerprint, "node-c");
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  EXPECT_EQ(fresh.value().adopted, 2);
  auto listed = c->ListBatches().value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_TRUE(listed[0].removed);
  EXPECT_FALSE(listed[1].removed);
  EXPECT_EQ(c->LoadAll().value().apc.size(), 2000u);
  EXPECT_EQ(c->LoadAll().value().apc.hrg, a->LoadAll().value().apc.hrg);
  EXPECT_TRUE(c->Verify().value().empty());
}

TEST_F(PgBatchChunks, ADivergedFolderIsRefused) {
  auto chunks = Chunks();
  auto a = Open(a_.state());
  Commit(*a, ExtractKind::kApc, 0, 500, "one.csv");
  ASSERT_TRUE(PublishLocal(*chunks, *a, store::testing::kFingerprint).ok());
  auto b = Open(b_.state());
  Commit(*b, ExtractKind::kApc, 0, 500, "other.csv");
  auto caught = CatchUp(*chunks, *b, store::testing::kFingerprint, "node-b");
  ASSERT_FALSE(caught.ok());
  EXPECT_NE(caught.error().ToString().find("diverged"), std::string::npos) << caught.error().ToString();
}

TEST_F(PgBatchChunks, OneIngestJobAtATimeAndPublicationsAreHeard) {
  auto first = IngestJob::Take(schema_->url(), IngestJob::Wait::kRefuse);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = IngestJob::Take(schema_->url(), IngestJob::Wait::kRefuse);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().ToString().find("another ingest is running"), std::string::npos);
  first.value().reset();
  EXPECT_TRUE(IngestJob::Take(schema_->url(), IngestJob::Wait::kRefuse).ok());

  auto chunks = Chunks();
  auto ear = BatchListener::Open(schema_->url());
  ASSERT_TRUE(ear.ok()) << ear.error().ToString();
  EXPECT_FALSE(ear.value()->Wait(std::chrono::milliseconds(50)));
  auto a = Open(a_.state());
  Commit(*a, ExtractKind::kApc, 0, 100, "one.csv");
  ASSERT_TRUE(PublishLocal(*chunks, *a, store::testing::kFingerprint).ok());
  EXPECT_TRUE(ear.value()->Wait(std::chrono::milliseconds(5000)));
}

}  // namespace
}  // namespace csu::pg
