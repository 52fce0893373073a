// store::SqlAuditLog on SQLite (always) and PostgreSQL (when
// CSU_TEST_POSTGRES_URL is set): the chain is the catalog's, appends from
// two connections at once never fork it, and it is append-only.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/audit_chain.h"
#include "store/sql_audit_log.h"
#include "store/sqlite_db.h"

namespace csu::store {
namespace {

namespace fs = std::filesystem;

class SqlAuditLogTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(schema_);
    } else {
      dir_ = fs::temp_directory_path() / ("csu-sql-audit-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
      fs::remove_all(dir_);
      fs::create_directories(dir_);
    }
  }
  void TearDown() override {
    schema_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // A new connection to the test's database.
  std::unique_ptr<SqlConnection> Connection() {
    if (schema_) {
      auto c = pg::Connect(schema_->url());
      EXPECT_TRUE(c.ok()) << c.error().ToString();
      return c.ok() ? std::move(c).value() : nullptr;
    }
    auto db = SqliteDb::Open((dir_ / "audit.sqlite").string(), "");
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE(db.value()->Exec("PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL").ok());
    return std::make_unique<SqliteConnection>(std::move(db).value());
  }
  std::unique_ptr<SqlAuditLog> Log() {
    int n = 0;
    auto log = SqlAuditLog::Open(Connection(), [n]() mutable { return "2026-12-07T09:00:" + std::to_string(10 + (n++ % 50)) + "Z"; });
    EXPECT_TRUE(log.ok()) << log.error().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }
  std::optional<pg::TestSchema> schema_;
  fs::path dir_;
};

std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, SqlAuditLogTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(SqlAuditLogTest, EntriesAreTheCatalogsChain) {
  auto log = Log();
  ASSERT_TRUE(log);
  auto a = log->Append("alice", "auth.sign_in", "user alice", "{\"address\":\"10.0.0.1\"}");
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a.value().seq, 1);
  EXPECT_EQ(a.value().prev_hash, kGenesisHash);
  EXPECT_EQ(a.value().hash, AuditHash(a.value()));
  auto b = log->Append("bob", "auth.sign_out", "user bob", "{}");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value().seq, 2);
  EXPECT_EQ(b.value().prev_hash, a.value().hash);
  auto all = log->Entries();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 2u);
  EXPECT_EQ(all.value()[0].details, "{\"address\":\"10.0.0.1\"}");
  EXPECT_EQ(all.value()[1].hash, b.value().hash);
  EXPECT_EQ(log->Verify().value(), 2);
}

TEST_P(SqlAuditLogTest, TwoConnectionsAppendingAtOnceNeverForkTheChain) {
  auto first = Log();
  auto second = Log();
  ASSERT_TRUE(first && second);
  constexpr int kEach = 60;
  std::atomic<int> failures{0};
  auto run = [&](SqlAuditLog* log, const char* who) {
    for (int i = 0; i < kEach; ++i)
      if (!log->Append(who, "test.append", "entry " + std::to_string(i), "{}").ok()) ++failures;
  };
  std::thread t1(run, first.get(), "node-a");
  std::thread t2(run, second.get(), "node-b");
  t1.join();
  t2.join();
  EXPECT_EQ(failures.load(), 0);
  auto verified = first->Verify();
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified.value(), 2 * kEach);
  auto all = second->Entries().value();
  int a = 0, b = 0;
  for (const AuditEntry& e : all) (e.actor == "node-a" ? a : b) += 1;
  EXPECT_EQ(a, kEach);
  EXPECT_EQ(b, kEach);
}

TEST_P(SqlAuditLogTest, TheLogIsAppendOnlyAndAnEditBreaksTheChainAtThatEntry) {
  auto log = Log();
  ASSERT_TRUE(log);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->Append("a", "x", "s" + std::to_string(i), "{}").ok());
  auto raw = Connection();
  EXPECT_FALSE(raw->Exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").ok());
  EXPECT_FALSE(raw->Exec("DELETE FROM audit_log WHERE seq = 3").ok());
  // The owner can switch the guard off; the chain still tells.
  if (schema_) {
    ASSERT_TRUE(raw->Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; "
                          "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").ok());
  } else {
    ASSERT_TRUE(raw->Exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").ok());
  }
  auto v = log->Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().where, "audit entry 2");
}

}  // namespace
}  // namespace csu::store
