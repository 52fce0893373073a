// A backend-neutral SQL connection (docs/server-mode.md): what the accounts
// and the PostgreSQL audit log are written against, so that one set of
// statements runs on SQLite (embedded mode, SqliteConnection below, over
// store::SqliteDb) and on PostgreSQL (server mode, src/pg).
//
// Statements are written in the dialect both engines share: `?N` (or `?`)
// placeholders, ON CONFLICT instead of INSERT OR IGNORE, RETURNING instead
// of last_insert_rowid() and changes(), CASE instead of two-argument max(),
// integers rather than booleans in result columns.
//
//   CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT id FROM users WHERE username = ?1"));
//   q.Bind(1, name);
//   CSU_ASSIGN_OR_RETURN(row, q.Step());      // true: a row is ready
//   Status s = store::InWriteTransaction(db, store::kAccountsWriteLock, [&]() -> Status { ... });
//
// Not thread-safe: one connection is used by one thread at a time (its
// owner's mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace csu::store {

class SqliteDb;

// The keys of the write locks BeginWrite takes (PostgreSQL advisory locks;
// fixed numbers so that every node takes the same one). "OpenCSU" in the
// high bytes keeps them apart from any other application's on the server.
// Every key is listed here, including those declared beside their module to
// keep this header's dependants from rebuilding:
//   0x...07 store::kPartitionsWriteLock (store/partition_map.h);
//   0x...08 ledger::kLedgerWriteLock (ledger/ledger_store.h): every write to
//           the ledgers, their budgets and documents, so journal and batch
//           numbers stay gapless across nodes;
//   0x...09 payroll::kPayrollWriteLock (payroll/payroll_store.h): every
//           write of the payroll and HR database;
//   0x...0a procurement::kProcurementWriteLock (procurement/procurement_store.h);
//   0x...0b chc::kChcWriteLock (chc/chc_store.h);
//   0x...0c primarycare::kPrimaryCareWriteLock (primarycare/pc_store.h);
//   0x...0d payroll::kPayRunJobLock (payroll/payroll_store.h): the
//           session-level lock a pay run, a singleton job, holds from its
//           calculation to its stored payslips;
//   0x...0e billing::kInvoiceRunJobLock (billing/invoice_run.h): the
//           session-level lock the singleton invoice run holds (pg/job_lock.h);
//   0x...52 reporting::kReportingWriteLock (reporting/reporting_store.h).
// Take the next free number (0x...0f) for a new one.
inline constexpr int64_t kAccountsWriteLock = 0x4f70656e435355'01;
inline constexpr int64_t kAuditWriteLock = 0x4f70656e435355'02;
// The commissioning database (contracts, plans, the challenge log).
inline constexpr int64_t kCommissioningWriteLock = 0x4f70656e435355'03;
// The billing database: every write, so that invoice numbers are taken one
// issuer at a time across nodes (gapless, unique) and an invoice reads the
// usage and population in force when it is numbered.
inline constexpr int64_t kBillingWriteLock = 0x4f70656e435355'04;
// Server mode's batches (docs/server-mode.md, "Batches in PostgreSQL"): the
// write lock of the batch tables and the catalog generation, and the
// session-level lock a singleton ingest job (csu ingest, a web upload, a
// node publishing its folder's batches) holds from its catch-up to its
// publication, so two ingests on different machines never pick one id.
inline constexpr int64_t kBatchesWriteLock = 0x4f70656e435355'05;
inline constexpr int64_t kIngestJobLock = 0x4f70656e435355'06;

// A lock's key as PostgreSQL takes it, as SQL: `key` (one of the numbers
// above, given as SQL: a literal or a ?N) mixed with a hash of the
// connection's schema, so that two installations in different schemas of
// one database (staging and live, or tests side by side) never wait on or
// refuse each other's writers and jobs, while every node of one
// installation, sharing its schema, takes the same lock. Every advisory lock
// the platform takes goes through it (pg::SchemaLockKey gives the number).
//   db.Prepare("SELECT pg_try_advisory_lock(" + AdvisoryLockKeySql("?1") + ")")
std::string AdvisoryLockKeySql(std::string_view key);

// What an engine implements for one prepared statement.
class SqlStatementImpl {
 public:
  virtual ~SqlStatementImpl() = default;
  virtual void BindInt(int i, int64_t v) = 0;
  virtual void BindText(int i, std::string_view v) = 0;
  virtual void BindNull(int i) = 0;
  virtual Result<bool> Step() = 0;
  // Runs to completion (rows discarded) and makes it ready to run again
  // with the same binds.
  virtual Status Run() = 0;
  // Ready to run again with new binds.
  virtual void Reset() = 0;
  virtual int64_t Int(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual bool IsNull(int col) const = 0;
};

// A prepared statement: the same calls as store::Statement.
class SqlStatement {
 public:
  explicit SqlStatement(std::unique_ptr<SqlStatementImpl> impl) : impl_(std::move(impl)) {}
  // Binds are 1-based.
  SqlStatement& Bind(int i, int64_t v) {
    impl_->BindInt(i, v);
    return *this;
  }
  SqlStatement& Bind(int i, std::string_view v) {
    impl_->BindText(i, v);
    return *this;
  }
  SqlStatement& BindNull(int i) {
    impl_->BindNull(i);
    return *this;
  }
  // True when a row is ready, false when done; Error on failure.
  Result<bool> Step() { return impl_->Step(); }
  // Runs to completion (rows are discarded); keeps the binds.
  Status Run() { return impl_->Run(); }
  // Ready for new binds and another run.
  void Reset() { impl_->Reset(); }
  int64_t Int(int col) const { return impl_->Int(col); }
  std::string Text(int col) const { return impl_->Text(col); }
  bool IsNull(int col) const { return impl_->IsNull(col); }

 private:
  std::unique_ptr<SqlStatementImpl> impl_;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // Runs one or more statements without parameters or results.
  virtual Status Exec(const std::string& sql) = 0;
  virtual Result<SqlStatement> Prepare(std::string_view sql) = 0;
  // Starts a transaction that writes, serialised with every other writer
  // taking `lock`: SQLite's BEGIN IMMEDIATE (one writer per database
  // anyway), PostgreSQL's BEGIN and pg_advisory_xact_lock(lock).
  virtual Status BeginWrite(int64_t lock) = 0;
  // Error when the transaction could not commit (nothing of it stays).
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // "sqlite" or "postgresql": for the few statements (schema) that differ.
  virtual std::string_view Backend() const = 0;
  // What errors name: the file, or the server as postgresql://USER@HOST:PORT/DB.
  virtual const std::string& Name() const = 0;
};

// Runs `body` (returning Status) inside BeginWrite(lock) .. Commit, rolling
// back on any error, so its changes land whole or not at all.
template <typename F>
Status InWriteTransaction(SqlConnection& db, int64_t lock, F&& body) {
  if (Status s = db.BeginWrite(lock); !s.ok()) return s;
  Status s = body();
  if (!s.ok()) {
    (void)db.Rollback();
    return s;
  }
  return db.Commit();
}

// Server mode's schema of one module database in the connection's schema:
// under `lock` (so nodes starting together create it once), runs `schema`
// when `meta_table` does not exist yet and records schema_version in it;
// otherwise checks that the version is `version`. `what` names the database
// in errors ("billing database"). Each module's meta table has its own name
// because every module shares the connection's schema.
Status PrepareServerSchema(SqlConnection& db, int64_t lock, const std::string& meta_table, const char* schema,
                           int version, const std::string& what);

// The SQLite engine: adapts an open SqliteDb (whose own API is unchanged).
// `db()` gives it back for what only SQLite has (pragmas, schema edits).
class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(std::unique_ptr<SqliteDb> db);
  ~SqliteConnection() override;
  Status Exec(const std::string& sql) override;
  Result<SqlStatement> Prepare(std::string_view sql) override;
  Status BeginWrite(int64_t lock) override;
  Status Commit() override;
  Status Rollback() override;
  std::string_view Backend() const override { return "sqlite"; }
  const std::string& Name() const override;
  SqliteDb& db() { return *db_; }

 private:
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace csu::store
