// src/pg: the placeholder rewrite and URL redaction (always), and the
// connection against a real PostgreSQL when CSU_TEST_POSTGRES_URL is set
// (a fresh schema per test; skipped without it).
#include <gtest/gtest.h>

#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "pg/placeholders.h"

namespace csu::pg {
namespace {

std::string Tr(std::string_view sql) {
  auto r = TranslatePlaceholders(sql);
  return r.ok() ? r.value().text : "ERROR " + r.error().ToString();
}

TEST(PgPlaceholders, NumberedBareAndRepeated) {
  EXPECT_EQ(Tr("SELECT a FROM t WHERE b = ?1 AND c = ?2"), "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(Tr("VALUES (?, ?, ?)"), "VALUES ($1, $2, $3)");
  EXPECT_EQ(Tr("x <= ?1 - ?2 OR y = ?1"), "x <= $1 - $2 OR y = $1");
  // A bare ? after numbered ones takes the next number, as in SQLite.
  EXPECT_EQ(Tr("?3, ?"), "$3, $4");
  EXPECT_EQ(TranslatePlaceholders("?7,?7").value().parameters, 7);
}

TEST(PgPlaceholders, LiteralsIdentifiersAndCommentsAreLeftAlone) {
  EXPECT_EQ(Tr("SELECT '?1', 'it''s ?', \"a?\" WHERE x = ?"), "SELECT '?1', 'it''s ?', \"a?\" WHERE x = $1");
  EXPECT_EQ(Tr("SELECT E'\\'?' , ?"), "SELECT E'\\'?' , $1");
  EXPECT_EQ(Tr("SELECT $$ ? $$, $q$ ?1 $q$, ?"), "SELECT $$ ? $$, $q$ ?1 $q$, $1");
  EXPECT_EQ(Tr("SELECT 1 -- ?\n, ?"), "SELECT 1 -- ?\n, $1");
  EXPECT_EQ(Tr("/* a /* ? */ ? */ ?"), "/* a /* ? */ ? */ $1");
  // A following identifier stays apart from the number.
  EXPECT_EQ(Tr("?1x"), "$1 x");
}

TEST(PgPlaceholders, BadTextIsAnErrorNamingTheByte) {
  EXPECT_EQ(Tr("SELECT 'open"), "ERROR SQL at byte 7: a string literal is not closed");
  EXPECT_EQ(Tr("SELECT \"open"), "ERROR SQL at byte 7: a quoted identifier is not closed");
  EXPECT_EQ(Tr("/* open"), "ERROR SQL at byte 0: a comment is not closed");
  EXPECT_EQ(Tr("SELECT $x$ open"), "ERROR SQL at byte 7: a dollar-quoted string is not closed");
  EXPECT_EQ(Tr("SELECT $1"), "ERROR SQL at byte 7: native $N placeholders are not used here; write ?N");
  EXPECT_EQ(Tr("?0"), "ERROR SQL at byte 0: placeholders are numbered from 1");
  EXPECT_EQ(Tr("?65536"), "ERROR SQL at byte 0: a placeholder number is above 65535");
}

TEST(PgUrl, RedactedUrlNeverShowsThePassword) {
  EXPECT_EQ(RedactedUrl("postgresql://csu:s3cret@db.example:6432/platform?sslmode=require"),
            "postgresql://csu@db.example:6432/platform");
  EXPECT_EQ(RedactedUrl("postgresql://csu:s3cret@db1:5432,db2:5433/platform?target_session_attrs=read-write"),
            "postgresql://csu@db1:5432,db2:5433/platform");
  EXPECT_EQ(RedactedUrl("host=/tmp port=55432 user=csu password=s3cret dbname=p"), "postgresql://csu@/tmp:55432/p");
  EXPECT_EQ(RedactedUrl("postgresql://%zz"), "the database URL");
  EXPECT_TRUE(IsPostgresUrl("postgresql://x/y"));
  EXPECT_TRUE(IsPostgresUrl("postgres://x/y"));
  EXPECT_FALSE(IsPostgresUrl("/var/lib/csu"));
}

TEST(PgConnect, AFailedConnectionNamesTheServerNotThePassword) {
  auto c = Connect("postgresql://csu:s3cret@127.0.0.1:1/platform?connect_timeout=2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().where, "postgresql://csu@127.0.0.1:1/platform");
  EXPECT_NE(c.error().why.find("cannot connect"), std::string::npos);
  EXPECT_EQ(c.error().ToString().find("s3cret"), std::string::npos);
}

class PgSql : public ::testing::Test {
 protected:
  void SetUp() override {
    CSU_PG_TEST_SCHEMA(schema_);
    auto c = Connect(schema_->url());
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    db_ = std::move(c).value();
  }
  void TearDown() override {
    db_.reset();
    schema_.reset();
  }
  std::optional<TestSchema> schema_;
  std::unique_ptr<store::SqlConnection> db_;
};

TEST_F(PgSql, BindsStepsAndReadsBothTypesAndNull) {
  EXPECT_EQ(db_->Backend(), "postgresql");
  ASSERT_TRUE(db_->Exec("CREATE TABLE t(id BIGINT PRIMARY KEY, name TEXT, note TEXT)").ok());
  auto ins = db_->Prepare("INSERT INTO t(id, name, note) VALUES (?1, ?2, ?3) RETURNING id");
  ASSERT_TRUE(ins.ok()) << ins.error().ToString();
  for (int64_t i = 1; i <= 3; ++i) {
    ins.value().Bind(1, i * 5000000000).Bind(2, "it's ?1 row " + std::to_string(i));
    if (i == 2) ins.value().BindNull(3);
    else ins.value().Bind(3, "n");
    auto row = ins.value().Step();
    ASSERT_TRUE(row.ok() && row.value()) << (row.ok() ? "" : row.error().ToString());
    EXPECT_EQ(ins.value().Int(0), i * 5000000000);
    ins.value().Reset();
  }
  auto q = db_->Prepare("SELECT id, name, note, note IS NULL FROM t WHERE id >= ?1 ORDER BY id");
  ASSERT_TRUE(q.ok());
  q.value().Bind(1, int64_t{10000000000});
  ASSERT_TRUE(q.value().Step().value());
  EXPECT_EQ(q.value().Text(1), "it's ?1 row 2");
  EXPECT_TRUE(q.value().IsNull(2));
  EXPECT_EQ(q.value().Int(3), 1) << "a boolean reads as 1";
  ASSERT_TRUE(q.value().Step().value());
  EXPECT_EQ(q.value().Int(0), 15000000000);
  EXPECT_FALSE(q.value().Step().value());
}

// COPY's text format: every byte that means something to it (backslash,
// tab, newline, carriage return) comes back as it went in, \N is NULL, and
// a bad row fails the COPY and leaves the table as it was.
TEST_F(PgSql, CopyInCarriesAwkwardTextExactlyAndABadRowChangesNothing) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t(id BIGINT PRIMARY KEY, name TEXT, day DATE)").ok());
  const std::vector<std::string> names = {"tab\there", "line\nbreak\r", "back\\slash \\N", "", "£ naïve"};
  std::string data;
  for (size_t i = 0; i < names.size(); ++i) {
    data += std::to_string(i + 1) + "\t";
    AppendCopyText(data, names[i]);
    data += i == 0 ? "\t\\N\n" : "\t2024-04-0" + std::to_string(i) + "\n";
  }
  Status s = CopyIn(*db_, "COPY t (id, name, day) FROM STDIN", data);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  auto q = db_->Prepare("SELECT name, day IS NULL, CAST(day AS TEXT) FROM t ORDER BY id");
  ASSERT_TRUE(q.ok());
  for (size_t i = 0; i < names.size(); ++i) {
    auto row = q.value().Step();
    ASSERT_TRUE(row.ok() && row.value());
    EXPECT_EQ(q.value().Text(0), names[i]) << "row " << i + 1;
    EXPECT_EQ(q.value().Int(1), i == 0 ? 1 : 0);
    if (i > 0) EXPECT_EQ(q.value().Text(2), "2024-04-0" + std::to_string(i));
  }
  q.value().Reset();
  Status bad = CopyIn(*db_, "COPY t (id, name, day) FROM STDIN", "9\tok\t2024-01-01\n10\tbad\tnot a date\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().why.find("COPY failed"), std::string::npos) << bad.error().ToString();
  auto n = db_->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(n.ok() && n.value().Step().value());
  EXPECT_EQ(n.value().Int(0), static_cast<int64_t>(names.size()));
  // The connection is usable afterwards.
  EXPECT_TRUE(db_->Exec("SELECT 1").ok());
}

TEST_F(PgSql, ErrorsNameTheServerAndNoRowValues) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE u(name TEXT PRIMARY KEY)").ok());
  auto ins = db_->Prepare("INSERT INTO u(name) VALUES (?1)");
  ASSERT_TRUE(ins.ok());
  ASSERT_TRUE(ins.value().Bind(1, "secret-name").Run().ok());
  Status again = ins.value().Bind(1, "secret-name").Run();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().where.rfind("postgresql://", 0), 0u) << again.error().ToString();
  EXPECT_NE(again.error().why.find("SQLSTATE 23505"), std::string::npos) << again.error().ToString();
  EXPECT_EQ(again.error().ToString().find("secret-name"), std::string::npos) << "the DETAIL quotes the row";
}

TEST_F(PgSql, ACommitThatTheServerRolledBackIsAnError) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE v(x BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(db_->BeginWrite(store::kAccountsWriteLock).ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO v VALUES (1)").ok());
  EXPECT_FALSE(db_->Exec("INSERT INTO v VALUES (1)").ok());
  EXPECT_FALSE(db_->Commit().ok()) << "the failed statement aborted the transaction";
  auto n = db_->Prepare("SELECT count(*) FROM v");
  ASSERT_TRUE(n.value().Step().value());
  EXPECT_EQ(n.value().Int(0), 0);
}

TEST_F(PgSql, AWriteLockKeepsASecondWriterWaitingUntilCommit) {
  auto other = Connect(schema_->url());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(db_->BeginWrite(store::kAuditWriteLock).ok());
  // The other session cannot take the same advisory lock (in this schema) now.
  auto probe = other.value()->Prepare("SELECT CASE WHEN pg_try_advisory_lock(" + store::AdvisoryLockKeySql("?1") +
                                      ") THEN 1 ELSE 0 END");
  ASSERT_TRUE(probe.ok());
  probe.value().Bind(1, store::kAuditWriteLock);
  ASSERT_TRUE(probe.value().Step().value());
  EXPECT_EQ(probe.value().Int(0), 0);
  probe.value().Reset();
  ASSERT_TRUE(db_->Commit().ok());
  probe.value().Bind(1, store::kAuditWriteLock);
  ASSERT_TRUE(probe.value().Step().value());
  EXPECT_EQ(probe.value().Int(0), 1) << "released at commit";
}

// A failover or a restarted server drops the session: the statement that
// meets the dropped connection fails with its error (it is not replayed:
// it may have been a write that committed), and the next one reconnects.
TEST_F(PgSql, ALostConnectionIsMadeAgainBeforeTheNextStatement) {
  auto pid = db_->Prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok() && pid.value().Step().value());
  const int64_t before = pid.value().Int(0);
  pid.value().Reset();
  auto other = Connect(schema_->url());
  ASSERT_TRUE(other.ok());
  auto kill = other.value()->Prepare("SELECT CASE WHEN pg_terminate_backend(CAST(?1 AS integer)) THEN 1 ELSE 0 END");
  ASSERT_TRUE(kill.ok());
  kill.value().Bind(1, before);
  ASSERT_TRUE(kill.value().Step().value());
  ASSERT_EQ(kill.value().Int(0), 1);
  auto first = db_->Prepare("SELECT pg_backend_pid()").value().Step();
  if (first.ok()) ADD_FAILURE() << "a statement on a terminated session succeeded";
  else EXPECT_EQ(first.error().where, RedactedUrl(schema_->url()));
  auto again = db_->Prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(again.ok());
  auto row = again.value().Step();
  ASSERT_TRUE(row.ok()) << row.error().ToString();
  ASSERT_TRUE(row.value());
  EXPECT_NE(again.value().Int(0), before) << "a new session";
}

}  // namespace
}  // namespace csu::pg
