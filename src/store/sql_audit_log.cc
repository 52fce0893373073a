#include "store/sql_audit_log.h"

#include "store/env.h"

namespace csu::store {
namespace {

// The same columns as the catalog's `audit` (§2); BIGINT on PostgreSQL.
constexpr const char* kPostgresTable = R"sql(
CREATE TABLE IF NOT EXISTS audit_log(
  seq BIGINT PRIMARY KEY CHECK(seq > 0),
  at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
  details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
)sql";

constexpr const char* kSqliteTable = R"sql(
CREATE TABLE IF NOT EXISTS audit_log(
  seq INTEGER PRIMARY KEY CHECK(seq > 0),
  at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
  details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

}  // namespace

Status CreateAuditLogTable(SqlConnection& db) {
  return db.Exec(db.Backend() == "postgresql" ? kPostgresTable : kSqliteTable);
}

Result<AuditEntry> AppendAuditIn(SqlConnection& db, const std::string& at, const std::string& actor,
                                 const std::string& action, const std::string& subject, const std::string& details) {
  CSU_ASSIGN_OR_RETURN(last, db.Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  CSU_ASSIGN_OR_RETURN(has_last, last.Step());
  AuditHead head;
  if (has_last) head = {last.Int(0), last.Text(1)};
  last.Reset();
  AuditEntry e = NextAuditEntry(head, at, actor, action, subject, details);
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("INSERT INTO audit_log(seq, at, actor, action, subject, details, prev_hash, "
                                     "hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
  q.Bind(1, e.seq).Bind(2, e.at).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.subject).Bind(6, e.details);
  q.Bind(7, e.prev_hash).Bind(8, e.hash);
  if (Status s = q.Run(); !s.ok()) return s.error();
  return e;
}

Result<std::unique_ptr<SqlAuditLog>> SqlAuditLog::Open(std::unique_ptr<SqlConnection> db,
                                                       std::function<std::string()> now_iso) {
  // Under the audit lock: two nodes starting together create it once.
  SqlConnection& d = *db;
  Status made = InWriteTransaction(d, kAuditWriteLock, [&]() -> Status { return CreateAuditLogTable(d); });
  if (!made.ok()) return made.error();
  if (!now_iso) now_iso = [] { return Env::Default().NowUtc(); };
  return std::make_unique<SqlAuditLog>(std::move(db), std::move(now_iso));
}

Result<AuditEntry> SqlAuditLog::Append(const std::string& actor, const std::string& action, const std::string& subject,
                                       const std::string& details) {
  std::lock_guard<std::mutex> lock(mu_);
  AuditEntry e;
  Status s = InWriteTransaction(*db_, kAuditWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(got, AppendAuditIn(*db_, now_iso_(), actor, action, subject, details));
    e = std::move(got);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return e;
}

Result<std::vector<AuditEntry>> SqlAuditLog::Entries() {
  std::lock_guard<std::mutex> lock(mu_);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq"));
  std::vector<AuditEntry> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(AuditEntry{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)});
  }
  return out;
}

Result<int64_t> SqlAuditLog::Verify() {
  CSU_ASSIGN_OR_RETURN(entries, Entries());
  return VerifyAuditChain(entries);
}

}  // namespace csu::store
