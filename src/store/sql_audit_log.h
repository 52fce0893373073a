// The hash-chained audit log (docs/store-format.md §2, "The audit chain")
// in a database several processes write at once: server mode's PostgreSQL
// (`audit_log`, §11a), or SQLite for the same code's tests. Entries and
// hashes are exactly the catalog's (store::AuditHash), so VerifyAuditChain
// checks either.
//
// An append takes the audit write lock (store::kAuditWriteLock: an advisory
// lock on PostgreSQL, SQLite's one writer), reads the head and inserts the
// next entry chained to it in one transaction, so however many nodes append
// the chain never forks; `seq` being the primary key refuses a second entry
// at one place even from a writer that skipped the lock.
//
//   CSU_ASSIGN_OR_RETURN(log, store::SqlAuditLog::Open(std::move(connection)));
//   log->Append("alice", "auth.sign_in", "user alice", "{}");
//   CSU_ASSIGN_OR_RETURN(n, log->Verify());   // entries in the chain, or the first broken one
//
// Thread-safe: one mutex around the connection.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/audit_chain.h"
#include "store/sql.h"
#include "store/store.h"

namespace csu::store {

// Creates the audit_log table (and its append-only triggers) when absent,
// inside the caller's write transaction (`csu migrate` creates it in the
// transaction that fills it).
Status CreateAuditLogTable(SqlConnection& db);

// Appends the entry that follows the log's head, inside the caller's write
// transaction (which must hold kAuditWriteLock on PostgreSQL).
Result<AuditEntry> AppendAuditIn(SqlConnection& db, const std::string& at, const std::string& actor,
                                 const std::string& action, const std::string& subject, const std::string& details);

class SqlAuditLog {
 public:
  // Creates the table (and its append-only triggers) when absent. `now_iso`
  // gives each entry's time (UTC, ISO 8601); null: the system clock.
  static Result<std::unique_ptr<SqlAuditLog>> Open(std::unique_ptr<SqlConnection> db,
                                                   std::function<std::string()> now_iso = nullptr);

  Result<AuditEntry> Append(const std::string& actor, const std::string& action, const std::string& subject,
                            const std::string& details);
  // Every entry in seq order.
  Result<std::vector<AuditEntry>> Entries();
  // Re-checks the whole chain: the number of entries, or an Error naming the
  // first entry that breaks it ("audit entry N").
  Result<int64_t> Verify();
  const std::string& Name() const { return db_->Name(); }

  SqlAuditLog(std::unique_ptr<SqlConnection> db, std::function<std::string()> now_iso)
      : db_(std::move(db)), now_iso_(std::move(now_iso)) {}

 private:
  std::mutex mu_;
  std::unique_ptr<SqlConnection> db_;
  std::function<std::string()> now_iso_;
};

}  // namespace csu::store
