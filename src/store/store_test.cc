#include "store/store.h"
#include "store/audit_chain.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "store/env.h"
#include "store/sha256.h"
#include "store/sqlite_db.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;
namespace fs = std::filesystem;

void AddRecords(BatchBuilder& b, uint64_t first, int n, uint64_t seed = 0) {
  for (uint64_t i = first; i < first + static_cast<uint64_t>(n); ++i) {
    switch (b.kind()) {
      case ExtractKind::kApc: b.AddApc(testing::MakeApc(i, seed)); break;
      case ExtractKind::kOp: b.AddOp(testing::MakeOp(i, seed)); break;
      case ExtractKind::kAe: b.AddAe(testing::MakeAe(i, seed)); break;
    }
  }
}

BatchInfo Info(const std::string& name) {
  BatchInfo info;
  info.file_name = name;
  info.content_sha256 = Sha256Hex(name);
  info.loaded_by = "tester";
  return info;
}

std::vector<std::string> BatchFiles(const std::string& state) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(state + "/batches")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void FlipByte(const std::string& path, size_t from_end) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(f.tellg());
  size_t at = size - from_end;
  f.seekg(static_cast<std::streamoff>(at));
  char c;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(c ^ 0x10));
}

// Runs SQL on the catalog directly, as an administrator (or attacker) could.
std::string Sql(const std::string& state, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open((state + "/catalog.sqlite").c_str(), &db);
  char* msg = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
  std::string out = rc == SQLITE_OK ? "" : (msg != nullptr ? msg : "error");
  sqlite3_free(msg);
  sqlite3_close(db);
  return out;
}

class StoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open() {
    auto s = Store::Open(dir_.state(), testing::kFingerprint);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  BatchInfo Commit(Store& store, ExtractKind kind, uint64_t first, int n, const std::string& name,
                   uint64_t seed = 0) {
    auto b = store.NewBatch(kind);
    EXPECT_TRUE(b.ok()) << b.error().ToString();
    AddRecords(*b.value(), first, n, seed);
    auto info = store.CommitBatch(std::move(b).value(), Info(name));
    EXPECT_TRUE(info.ok()) << info.error().ToString();
    return info.ok() ? info.value() : BatchInfo();
  }

  testing::ScratchDir dir_{"store"};
};

TEST_F(StoreTest, CommitsABatchWithItsQuarantineAndAuditEntry) {
  auto store = Open();
  auto b = store->NewBatch(ExtractKind::kApc);
  ASSERT_TRUE(b.ok());
  AddRecords(*b.value(), 0, 1000);
  b.value()->AddQuarantined({0, 17, "nhs_number", "check digit invalid", "", "*****,1970-01-01"});
  b.value()->AddQuarantined({0, 18, "", "malformed row", "unterminated quote", "\"abc"});
  auto info = store->CommitBatch(std::move(b).value(), Info("apc_2018_04.csv"));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info.value().id, 1);
  EXPECT_EQ(info.value().rows_read, 1002);
  EXPECT_EQ(info.value().rows_accepted, 1000);
  EXPECT_EQ(info.value().rows_quarantined, 2);
  EXPECT_EQ(info.value().records_restated, 0);
  EXPECT_FALSE(info.value().loaded_at.empty());

  auto list = store->ListBatches();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().size(), 1u);
  EXPECT_EQ(list.value()[0].file_name, "apc_2018_04.csv");
  EXPECT_EQ(list.value()[0].loaded_by, "tester");
  auto q = store->Quarantine(1);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q.value().size(), 2u);
  EXPECT_EQ(q.value()[0].line, 17);
  EXPECT_EQ(q.value()[0].batch_id, 1);
  EXPECT_EQ(q.value()[1].reason, "malformed row");
  auto audit = store->Audit();
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit.value().size(), 1u);
  EXPECT_EQ(audit.value()[0].action, "ingest");
  EXPECT_EQ(audit.value()[0].subject, "batch 1");
  EXPECT_NE(audit.value()[0].details.find("\"accepted\":1000"), std::string::npos);
  EXPECT_EQ(store->VerifyAudit().value(), 1);
  auto problems = store->Verify();
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems.value().empty()) << problems.value()[0];
  auto files = BatchFiles(dir_.state());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].substr(0, 7), "000001-");
  EXPECT_EQ(fs::status(dir_.state() + "/batches/" + files[0]).permissions() & fs::perms::others_read, fs::perms::none);
}

TEST_F(StoreTest, LoadReturnsEveryRecordOfEveryKind) {
  {
    auto store = Open();
    Commit(*store, ExtractKind::kApc, 0, 3000, "apc.csv");
    Commit(*store, ExtractKind::kOp, 0, 2000, "op.csv");
    Commit(*store, ExtractKind::kAe, 0, 2500, "ae.csv");
  }
  auto store = Open();  // and after a reopen
  auto tables = store->LoadAll();
  ASSERT_TRUE(tables.ok()) << tables.error().ToString();
  const ActivityTables& t = tables.value();
  ASSERT_EQ(t.apc.size(), 3000u);
  ASSERT_EQ(t.op.size(), 2000u);
  ASSERT_EQ(t.ae.size(), 2500u);
  for (size_t i = 0; i < 3000; ++i) {
    auto r = testing::MakeApc(i);
    ASSERT_EQ(testing::DescribeApcRow(t, i, r.spell_id), testing::Describe(r)) << "apc row " << i;
  }
  for (size_t i = 0; i < 2000; ++i) {
    auto r = testing::MakeOp(i);
    ASSERT_EQ(testing::DescribeOpRow(t, i, r.attendance_id), testing::Describe(r)) << "op row " << i;
  }
  for (size_t i = 0; i < 2500; ++i) {
    auto r = testing::MakeAe(i);
    ASSERT_EQ(testing::DescribeAeRow(t, i, r.attendance_id), testing::Describe(r)) << "ae row " << i;
  }
  ASSERT_EQ(t.apc.batches.size(), 1u);
  EXPECT_EQ(t.apc.batches[0].batch_id, 1);
  EXPECT_EQ(t.ae.batches[0].batch_id, 3);
  EXPECT_EQ(t.apc.source_row[2999], 2999u);
  // One patient index across kinds: the same pseudonym has one number.
  EXPECT_LT(t.patients.size(), 3000u + 2000 + 2500);
  // Row columns and the sparse unbundled HRGs stay within 48 bytes a row;
  // secondary diagnoses add exactly 6 bytes a code (a u32 row, a u16 id).
  const size_t secondary = t.apc.secondary_diagnosis.size();
  EXPECT_EQ(t.apc.secondary_diagnosis_row.size(), secondary);
  EXPECT_GT(secondary, 0u);
  EXPECT_LE(static_cast<double>(ColumnBytes(t.apc) - 6 * secondary) / static_cast<double>(t.apc.size()), 48.0);

  auto apc_only = store->Load(ExtractKind::kApc);
  ASSERT_TRUE(apc_only.ok());
  EXPECT_EQ(apc_only.value().apc.size(), 3000u);
  EXPECT_TRUE(apc_only.value().op.patient.empty());
}

TEST_F(StoreTest, DictionaryIdsAreStableAcrossBatchesAndReopens) {
  uint16_t rbt_id = 0;
  {
    auto store = Open();
    Commit(*store, ExtractKind::kApc, 0, 500, "a.csv");
    auto t = store->Load(ExtractKind::kApc);
    rbt_id = t.value().apc.provider[0];
  }
  auto store = Open();
  Commit(*store, ExtractKind::kOp, 0, 500, "b.csv", /*seed=*/9);
  auto t = store->LoadAll();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().apc.provider[0], rbt_id);
  EXPECT_EQ(t.value().codes.provider().code(rbt_id), testing::MakeApc(0).common.provider.view());
  // Every code the op batch used resolves.
  for (size_t i = 0; i < 500; ++i) {
    ASSERT_EQ(t.value().codes.practice().code(t.value().op.practice[i]),
              testing::MakeOp(i, 9).common.practice.view());
  }
}

TEST_F(StoreTest, FindByContentRecognisesALoadedFile) {
  auto store = Open();
  BatchInfo b = Commit(*store, ExtractKind::kOp, 0, 10, "op.csv");
  auto found = store->FindByContent(ExtractKind::kOp, b.content_sha256);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value().has_value());
  EXPECT_EQ(found.value()->id, b.id);
  EXPECT_FALSE(store->FindByContent(ExtractKind::kAe, b.content_sha256).value().has_value());
  EXPECT_FALSE(store->FindByContent(ExtractKind::kOp, std::string(64, '0')).value().has_value());
}

TEST_F(StoreTest, ADifferentKeyFingerprintIsRefused) {
  { auto store = Open(); }
  auto other = Store::Open(dir_.state(), "ffffffffffffffffffffffffffffffff");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().why.find("pseudonymisation key has changed"), std::string::npos) << other.error().why;
  EXPECT_NE(other.error().why.find("01234567"), std::string::npos);
  EXPECT_TRUE(Store::Open(dir_.state(), testing::kFingerprint).ok());
}

TEST_F(StoreTest, ASecondOpenIsRefusedWhileTheFolderIsInUse) {
  auto store = Open();
  auto second = Store::Open(dir_.state(), testing::kFingerprint);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().why.find("in use"), std::string::npos);
  store.reset();
  EXPECT_TRUE(Store::Open(dir_.state(), testing::kFingerprint).ok());
}

TEST_F(StoreTest, ARestatedSpellReplacesTheEarlierOne) {
  auto store = Open();
  Commit(*store, ExtractKind::kApc, 0, 1000, "april.csv");
  // May's extract restates spells 500..999 with a new HRG and adds 1000..1499.
  auto b = store->NewBatch(ExtractKind::kApc);
  ASSERT_TRUE(b.ok());
  for (uint64_t i = 500; i < 1500; ++i) {
    auto r = testing::MakeApc(i);
    if (i < 1000) r.hrg = testing::MustParse<HrgCode>("ZZ99Z");
    b.value()->AddApc(r);
  }
  EXPECT_EQ(b.value()->restated(), 500);
  auto info = store->CommitBatch(std::move(b).value(), Info("may.csv"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info.value().records_restated, 500);

  auto t = store->Load(ExtractKind::kApc);
  ASSERT_TRUE(t.ok());
  const ApcTable& apc = t.value().apc;
  ASSERT_EQ(apc.size(), 1500u);
  ASSERT_EQ(apc.batches.size(), 2u);
  EXPECT_EQ(apc.batches[0].rows, 500u);   // April's 0..499 survive
  EXPECT_EQ(apc.batches[1].first_row, 500u);
  EXPECT_EQ(apc.batches[1].rows, 1000u);
  uint32_t zz = t.value().codes.hrg().Find("ZZ99Z");
  ASSERT_NE(zz, 0u);
  for (size_t i = 0; i < 1500; ++i) {
    bool restated = i >= 500 && i < 1000;
    ASSERT_EQ(apc.hrg[i] == zz, restated) << i;
  }
  EXPECT_EQ(apc.source_row[500], 0u);  // May's first row
}

TEST_F(StoreTest, WithinABatchTheLaterRecordWins) {
  auto store = Open();
  auto b = store->NewBatch(ExtractKind::kOp);
  auto first = testing::MakeOp(1);
  auto again = first;
  again.attended = '3';
  b.value()->AddOp(first);
  b.value()->AddOp(testing::MakeOp(2));
  b.value()->AddOp(again);
  EXPECT_EQ(b.value()->restated(), 1);
  ASSERT_TRUE(store->CommitBatch(std::move(b).value(), Info("op.csv")).ok());
  auto t = store->Load(ExtractKind::kOp);
  ASSERT_EQ(t.value().op.size(), 2u);
  EXPECT_EQ(t.value().op.attended[1], '3');
  EXPECT_EQ(t.value().op.source_row[1], 2u);
}

TEST_F(StoreTest, RemovingABatchBringsBackWhatItRestated) {
  auto store = Open();
  Commit(*store, ExtractKind::kApc, 0, 1000, "april.csv");
  BatchInfo may = Commit(*store, ExtractKind::kApc, 500, 1000, "may.csv");
  EXPECT_EQ(may.records_restated, 500);
  ASSERT_EQ(BatchFiles(dir_.state()).size(), 4u);

  Status s = store->RemoveBatch(may.id, "alice");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(BatchFiles(dir_.state()).size(), 2u);
  auto t = store->Load(ExtractKind::kApc);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().apc.size(), 1000u);
  auto list = store->ListBatches().value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(list[1].removed);
  EXPECT_FALSE(store->FindByContent(ExtractKind::kApc, may.content_sha256).value().has_value());
  auto audit = store->Audit().value();
  EXPECT_EQ(audit.back().action, "batch.remove");
  EXPECT_EQ(audit.back().actor, "alice");
  EXPECT_FALSE(store->RemoveBatch(may.id, "alice").ok());
  EXPECT_FALSE(store->RemoveBatch(99, "alice").ok());
  // The same file can be loaded again after removal.
  BatchInfo again = Commit(*store, ExtractKind::kApc, 500, 1000, "may.csv");
  EXPECT_EQ(again.id, 3);
  EXPECT_EQ(store->Load(ExtractKind::kApc).value().apc.size(), 1500u);
  EXPECT_TRUE(store->Verify().value().empty());
}

TEST_F(StoreTest, AuditTamperingIsNamed) {
  {
    auto store = Open();
    Commit(*store, ExtractKind::kOp, 0, 10, "op.csv");
    ASSERT_TRUE(store->AppendAudit("bob", "export", "report 7", "{\"rows\":12}").ok());
    ASSERT_TRUE(store->AppendAudit("bob", "export", "report 8", "{\"rows\":13}").ok());
    EXPECT_EQ(store->VerifyAudit().value(), 3);
  }
  // The triggers stop a casual edit...
  EXPECT_NE(Sql(dir_.state(), "UPDATE audit SET actor = 'mallory' WHERE seq = 2").find("append-only"),
            std::string::npos);
  // ...and the chain catches a deliberate one.
  EXPECT_EQ(Sql(dir_.state(), "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 2"), "");
  auto store = Open();
  auto verified = store->VerifyAudit();
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().where, "audit entry 2");
  auto problems = store->Verify().value();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("audit entry 2"), std::string::npos);
}

// The audit page shows the chain's state on every request: after the first
// verification only new entries are hashed (counted by the hash function
// itself), while a changed or missing head is still caught.
TEST_F(StoreTest, VerifyNewAuditHashesOnlyEntriesAddedSinceTheLastVerification) {
  auto store = Open();
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(store->AppendAudit("bob", "export", "report " + std::to_string(i), "{}").ok());
  }
  int64_t before = AuditHashesComputed();
  EXPECT_EQ(store->VerifyNewAudit().value(), 50);
  EXPECT_EQ(AuditHashesComputed() - before, 50);  // the first call verifies the whole chain
  before = AuditHashesComputed();
  EXPECT_EQ(store->VerifyNewAudit().value(), 50);
  EXPECT_EQ(AuditHashesComputed() - before, 0);  // nothing new: nothing re-hashed
  ASSERT_TRUE(store->AppendAudit("bob", "export", "report 50", "{}").ok());
  before = AuditHashesComputed();
  EXPECT_EQ(store->VerifyNewAudit().value(), 51);
  EXPECT_EQ(AuditHashesComputed() - before, 1);
  // A full verification is still a full one.
  before = AuditHashesComputed();
  EXPECT_EQ(store->VerifyAudit().value(), 51);
  EXPECT_EQ(AuditHashesComputed() - before, 51);
  // An entry appended outside the store that does not link to the head.
  ASSERT_EQ(Sql(dir_.state(), "INSERT INTO audit VALUES (52, '2026-01-01T00:00:00Z', 'mallory', 'x', 'y', '{}', '" +
                                  std::string(64, 'f') + "', '" + std::string(64, 'e') + "')"),
            "");
  auto linked = store->VerifyNewAudit();
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(linked.error().where, "audit entry 52");
  // The verified head itself changed.
  ASSERT_EQ(Sql(dir_.state(), "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 51; "
                              "UPDATE audit SET hash = '" + std::string(64, 'a') + "' WHERE seq = 51"),
            "");
  auto head = store->VerifyNewAudit();
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().where, "audit entry 51");
}

TEST_F(StoreTest, VerifyNewAuditFindsTamperingOnItsFirstVerification) {
  {
    auto store = Open();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->AppendAudit("bob", "export", "r", "{}").ok());
  }
  ASSERT_EQ(Sql(dir_.state(), "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 2"), "");
  auto store = Open();
  for (int call = 0; call < 2; ++call) {  // a failed verification is not remembered as a verified head
    auto verified = store->VerifyNewAudit();
    ASSERT_FALSE(verified.ok()) << call;
    EXPECT_EQ(verified.error().where, "audit entry 2") << call;
  }
}

TEST_F(StoreTest, CatalogTriggersKeepBatchesAndDictionariesAppendOnly) {
  {
    auto store = Open();
    auto b = store->NewBatch(ExtractKind::kOp);
    AddRecords(*b.value(), 0, 10);
    b.value()->AddQuarantined({0, 2, "sex", "not a sex code", "", "x"});
    ASSERT_TRUE(store->CommitBatch(std::move(b).value(), Info("op.csv")).ok());
  }
  EXPECT_NE(Sql(dir_.state(), "DELETE FROM batches").find("never deleted"), std::string::npos);
  EXPECT_NE(Sql(dir_.state(), "UPDATE batches SET rows_accepted = 1").find("immutable"), std::string::npos);
  EXPECT_NE(Sql(dir_.state(), "UPDATE dictionary SET code = 'X'").find("append-only"), std::string::npos);
  EXPECT_NE(Sql(dir_.state(), "DELETE FROM quarantine").find("append-only"), std::string::npos);
}

TEST_F(StoreTest, ADamagedColumnFileIsNamedAtLoadAndRebuilt) {
  auto store = Open();
  Commit(*store, ExtractKind::kApc, 0, 2000, "apc.csv");
  auto before = store->Load(ExtractKind::kApc);
  ASSERT_TRUE(before.ok());
  std::string cols;
  for (const auto& f : BatchFiles(dir_.state())) {
    if (f.ends_with(".cols")) cols = dir_.state() + "/batches/" + f;
  }
  FlipByte(cols, 500);

  auto load = store->Load(ExtractKind::kApc);
  ASSERT_FALSE(load.ok());
  EXPECT_EQ(load.error().where, cols);
  EXPECT_NE(load.error().why.find("column file damaged"), std::string::npos) << load.error().why;
  EXPECT_NE(load.error().why.find("rebuild 1"), std::string::npos) << load.error().why;
  auto problems = store->Verify().value();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find(cols), std::string::npos) << problems[0];
  // A new batch of the same kind needs the old keys, so it is refused too.
  EXPECT_FALSE(store->NewBatch(ExtractKind::kApc).ok());

  Status rebuilt = store->Rebuild(1, "admin");
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().ToString();
  EXPECT_FALSE(fs::exists(cols));
  auto after = store->Load(ExtractKind::kApc);
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after.value().apc.hrg, before.value().apc.hrg);
  EXPECT_EQ(after.value().apc.admission_date, before.value().apc.admission_date);
  EXPECT_EQ(after.value().patients.pseudonyms, before.value().patients.pseudonyms);
  EXPECT_TRUE(store->Verify().value().empty());
  EXPECT_EQ(store->Audit().value().back().action, "store.rebuild");
}

TEST_F(StoreTest, AMissingColumnFileIsNamedAndRebuilt) {
  auto store = Open();
  Commit(*store, ExtractKind::kAe, 0, 300, "ae.csv");
  std::string cols;
  for (const auto& f : BatchFiles(dir_.state())) {
    if (f.ends_with(".cols")) cols = dir_.state() + "/batches/" + f;
  }
  fs::remove(cols);
  auto load = store->Load(ExtractKind::kAe);
  ASSERT_FALSE(load.ok());
  EXPECT_EQ(load.error().where, cols);
  ASSERT_TRUE(store->Rebuild(1, "admin").ok());
  EXPECT_EQ(store->Load(ExtractKind::kAe).value().ae.size(), 300u);
}

TEST_F(StoreTest, ADamagedRowsFileCannotBeRebuiltAndSaysSo) {
  auto store = Open();
  Commit(*store, ExtractKind::kOp, 0, 300, "op.csv");
  std::string rows;
  for (const auto& f : BatchFiles(dir_.state())) {
    if (f.ends_with(".rows.zst")) rows = dir_.state() + "/batches/" + f;
  }
  FlipByte(rows, 100);
  auto problems = store->Verify().value();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find(rows), std::string::npos);
  Status s = store->Rebuild(1, "admin");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, rows);
  EXPECT_NE(s.error().why.find("backup"), std::string::npos);
  EXPECT_TRUE(store->Load(ExtractKind::kOp).ok());  // the column file is still good
}

TEST_F(StoreTest, OrphansAreRemovedAtOpen) {
  {
    auto store = Open();
    Commit(*store, ExtractKind::kOp, 0, 10, "op.csv");
  }
  auto live = BatchFiles(dir_.state());
  std::ofstream(dir_.state() + "/batches/tmp-0123456789abcdef.rows.zst") << "partial";
  std::ofstream(dir_.state() + "/batches/000002-0123456789abcdef.cols") << "uncommitted";
  auto store = Open();
  EXPECT_EQ(BatchFiles(dir_.state()), live);
}

TEST_F(StoreTest, VerifyReportsAnOrphan) {
  auto store = Open();
  std::ofstream(dir_.state() + "/batches/stray.cols") << "x";
  auto problems = store->Verify().value();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("orphan"), std::string::npos);
}

TEST_F(StoreTest, ADroppedBuilderLeavesNoFiles) {
  auto store = Open();
  {
    auto b = store->NewBatch(ExtractKind::kApc);
    AddRecords(*b.value(), 0, 100);
    EXPECT_EQ(BatchFiles(dir_.state()).size(), 1u);  // its temporary rows file
  }
  EXPECT_TRUE(BatchFiles(dir_.state()).empty());
  EXPECT_TRUE(store->ListBatches().value().empty());
}

TEST_F(StoreTest, AStaleBuilderIsRefused) {
  auto store = Open();
  auto first = store->NewBatch(ExtractKind::kOp);
  auto second = store->NewBatch(ExtractKind::kOp);
  AddRecords(*first.value(), 0, 10);
  AddRecords(*second.value(), 100, 10);
  ASSERT_TRUE(store->CommitBatch(std::move(first).value(), Info("a.csv")).ok());
  auto stale = store->CommitBatch(std::move(second).value(), Info("b.csv"));
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().why.find("start it again"), std::string::npos);
  EXPECT_EQ(BatchFiles(dir_.state()).size(), 2u);
}

TEST_F(StoreTest, RowCountsMustAddUp) {
  auto store = Open();
  auto b = store->NewBatch(ExtractKind::kOp);
  AddRecords(*b.value(), 0, 10);
  BatchInfo info = Info("op.csv");
  info.rows_read = 11;
  auto r = store->CommitBatch(std::move(b).value(), info);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("rows read (11)"), std::string::npos);
}

TEST_F(StoreTest, QuarantineCountsByBatchAndReasonWithoutRows) {
  auto store = Open();
  EXPECT_TRUE(store->QuarantineCounts().value().empty());
  auto b = store->NewBatch(ExtractKind::kApc);
  ASSERT_TRUE(b.ok());
  AddRecords(*b.value(), 0, 10);
  b.value()->AddQuarantined({0, 12, "nhs_number", "check digit invalid", "", "*****"});
  b.value()->AddQuarantined({0, 14, "", "malformed row", "unterminated quote", "\"abc"});
  b.value()->AddQuarantined({0, 19, "nhs_number", "check digit invalid", "", "*****"});
  ASSERT_TRUE(store->CommitBatch(std::move(b).value(), Info("apc.csv")).ok());
  auto c = store->NewBatch(ExtractKind::kAe);
  c.value()->AddQuarantined({0, 2, "arrival", "not a date-time", "'2018-13-01'", "x"});
  ASSERT_TRUE(store->CommitBatch(std::move(c).value(), Info("ae.csv")).ok());
  auto counts = store->QuarantineCounts();
  ASSERT_TRUE(counts.ok()) << counts.error().ToString();
  ASSERT_EQ(counts.value().size(), 3u);
  const QuarantineCount& first = counts.value()[0];
  EXPECT_EQ(first.batch_id, 1);
  EXPECT_EQ(first.column, "nhs_number");
  EXPECT_EQ(first.reason, "check digit invalid");
  EXPECT_EQ(first.rows, 2);
  EXPECT_EQ(counts.value()[1].reason, "malformed row");
  EXPECT_EQ(counts.value()[1].rows, 1);
  EXPECT_EQ(counts.value()[2].batch_id, 2);
  EXPECT_EQ(counts.value()[2].column, "arrival");
}

TEST_F(StoreTest, AFileWithOnlyQuarantinedRowsIsStillABatch) {
  auto store = Open();
  auto b = store->NewBatch(ExtractKind::kAe);
  b.value()->AddQuarantined({0, 2, "arrival", "not a date-time", "", "x"});
  auto info = store->CommitBatch(std::move(b).value(), Info("bad.csv"));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info.value().rows_accepted, 0);
  EXPECT_EQ(store->Load(ExtractKind::kAe).value().ae.size(), 0u);
  EXPECT_TRUE(store->Verify().value().empty());
}

}  // namespace
}  // namespace csu::store

namespace csu::store {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// The state folder's databases are owner-only: a new catalog and its WAL
// are 0600 whatever the umask, and a file an older version left 0644 is
// tightened when opened.
TEST_F(StoreTest, DatabasesAreOwnerOnly) {
  const mode_t old_mask = ::umask(022);
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Commit(*store, ExtractKind::kApc, 1, 5, "a.csv");
    EXPECT_EQ(ModeOf(dir_.state() + "/catalog.sqlite"), 0600u);
    EXPECT_EQ(ModeOf(dir_.state() + "/catalog.sqlite-wal"), 0600u);
  }
  ASSERT_EQ(::chmod((dir_.state() + "/catalog.sqlite").c_str(), 0644), 0);
  ASSERT_NE(Open(), nullptr);
  EXPECT_EQ(ModeOf(dir_.state() + "/catalog.sqlite"), 0600u);

  testing::ScratchDir other("owner-only");
  std::filesystem::create_directories(other.path());
  ASSERT_TRUE(SqliteDb::Open(other.path() + "/any.sqlite", "").ok());
  EXPECT_EQ(ModeOf(other.path() + "/any.sqlite"), 0600u);
  ::umask(old_mask);
}

}  // namespace
}  // namespace csu::store

namespace csu::store {
namespace {

// A batch's quarantine can be purged once, by a recorded act: the rows go,
// the batch keeps its counts, an audit entry names the batch, the rows and
// who; other batches' rows stay, and a plain DELETE is still refused.
TEST_F(StoreTest, PurgingABatchsQuarantineIsOneAuditedAct) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  for (int batch = 0; batch < 2; ++batch) {
    auto b = store->NewBatch(ExtractKind::kApc);
    ASSERT_TRUE(b.ok());
    AddRecords(*b.value(), static_cast<uint64_t>(batch) * 100, 10);
    b.value()->AddQuarantined({0, 3, "spell_id", "too long", "", std::string(5000, 'x')});
    b.value()->AddQuarantined({0, 4, "", "malformed row", "unterminated quote", "\"abc"});
    ASSERT_TRUE(store->CommitBatch(std::move(b).value(), Info("q" + std::to_string(batch) + ".csv")).ok());
  }
  auto purged = store->PurgeQuarantine(1, "admin");
  ASSERT_TRUE(purged.ok()) << purged.error().ToString();
  EXPECT_EQ(purged.value(), 2);
  EXPECT_TRUE(store->Quarantine(1).value().empty());
  EXPECT_EQ(store->Quarantine(2).value().size(), 2u);
  EXPECT_EQ(store->ListBatches().value()[0].rows_quarantined, 2);  // the batch's figures stand
  const auto audit = store->Audit().value();
  EXPECT_EQ(audit.back().action, "quarantine.purge");
  EXPECT_EQ(audit.back().actor, "admin");
  EXPECT_EQ(audit.back().subject, "batch 1");
  EXPECT_NE(audit.back().details.find("\"rows_deleted\":2"), std::string::npos);
  EXPECT_EQ(store->VerifyAudit().value(), static_cast<int64_t>(audit.size()));

  auto again = store->PurgeQuarantine(1, "admin");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("purged already"), std::string::npos) << again.error().ToString();
  EXPECT_FALSE(store->PurgeQuarantine(99, "admin").ok());
  store.reset();

  // Outside a purge the quarantine stays append-only.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.state() + "/catalog.sqlite").c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM quarantine WHERE batch_id = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM quarantine_purges", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(Open()->Quarantine(2).value().size(), 2u);
}

}  // namespace
}  // namespace csu::store
