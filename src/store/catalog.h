// The SQLite catalog of a state folder (docs/store-format.md §2): schema,
// meta (version, key fingerprint), batches, dictionaries, quarantine and the
// audit log. It never holds activity rows.
//
// Writes that belong together run between Begin() and Commit(); a failed
// Commit() leaves the outcome unknown (see store.h). Errors name the catalog
// file. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/code_list.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace csu::store {

inline constexpr int64_t kSchemaVersion = 1;
inline constexpr int64_t kBatchFormatVersion = 1;

// A batch's catalog row: what users see plus where its files are.
struct BatchRecord {
  BatchInfo info;
  std::string rows_file;  // names inside batches/
  int64_t rows_bytes = 0;
  std::string rows_sha256;
  std::string cols_file;
  int64_t cols_bytes = 0;
  std::string cols_sha256;
  int64_t format_version = kBatchFormatVersion;
};

class Catalog {
 public:
  // Opens or creates the catalog at `path` through SQLite VFS `vfs`, sets
  // WAL and synchronous=FULL, creates the schema on first use, and checks the
  // schema version and the key fingerprint. `now` is recorded as created_at.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path, const std::string& vfs,
                                               const std::string& key_fingerprint, const std::string& now);

  // Opens an existing catalog for a process that shares the state folder
  // with the one holding its LOCK (docs/store-format.md §1): it creates and
  // changes nothing, checks the schema version and the key fingerprint, and
  // starts a read transaction, so every read sees the catalog as it was at
  // one commit (a snapshot; WAL lets it read while another process writes)
  // until RefreshSnapshot or Begin.
  static Result<std::unique_ptr<Catalog>> OpenShared(const std::string& path, const std::string& vfs,
                                                     const std::string& key_fingerprint);
  // Shared catalogs: ends the snapshot and starts a new one at the latest
  // commit. Returns the last audit entry's seq in the new snapshot (every
  // change to the catalog appends one, so a different value means it changed).
  Result<int64_t> RefreshSnapshot();
  // The last audit entry's seq (0 for none).
  Result<int64_t> LastAuditSeq();

  // BEGIN IMMEDIATE: takes the write lock now, so the reads that follow
  // (next id, last audit hash) stay true until Commit.
  // A shared catalog ends its snapshot first and starts a new one after
  // Commit or Rollback.
  Status Begin();
  Status Commit();
  // Best effort; used on error paths.
  void Rollback();

  Result<int64_t> NextBatchId();
  Status InsertBatch(const BatchRecord& batch);
  // Inserts the codes of `list` with ids from `first_id` on.
  Status InsertCodes(Dimension d, const CodeList& list, uint32_t first_id, int64_t batch_id);
  // Server mode's adoption of a batch (Store::AdoptBatch): one code under
  // the id another folder gave it.
  Status InsertCode(const DictionaryCode& code, int64_t batch_id);
  // The codes batch `batch_id` introduced, by dimension and id.
  Result<std::vector<DictionaryCode>> CodesOf(int64_t batch_id);
  // When and by whom a removed batch was withdrawn ({"", ""} if it is not).
  Result<std::pair<std::string, std::string>> RemovedAtBy(int64_t batch_id);
  Status InsertQuarantine(int64_t batch_id, const std::vector<QuarantinedRow>& rows);
  Status MarkRemoved(int64_t batch_id, const std::string& at, const std::string& by);
  // Records the purge of a batch's quarantined rows and deletes them; the
  // number deleted. Fails (UNIQUE) for a batch already purged. In the
  // caller's transaction.
  Result<int64_t> PurgeQuarantine(int64_t batch_id, const std::string& at, const std::string& by);
  Status UpdateColumnFile(int64_t batch_id, const std::string& file, int64_t bytes, const std::string& sha256);
  // Appends one entry after the current last one (call inside Begin/Commit).
  Result<AuditEntry> AppendAudit(const std::string& at, const std::string& actor, const std::string& action,
                                 const std::string& subject, const std::string& details);

  Result<std::vector<BatchRecord>> Batches();
  Result<std::optional<BatchRecord>> Batch(int64_t id);
  Result<std::optional<BatchRecord>> FindByContent(ingest::ExtractKind kind, const std::string& sha256);
  Result<CodeDictionaries> LoadDictionaries();
  Result<std::vector<QuarantinedRow>> Quarantine(std::optional<int64_t> batch_id);
  Result<std::vector<QuarantineCount>> QuarantineCounts();
  Result<std::vector<AuditEntry>> Audit();
  // The entries from `seq` on, in seq order.
  Result<std::vector<AuditEntry>> AuditFrom(int64_t seq);
  // PRAGMA integrity_check's lines; {"ok"} when healthy.
  Result<std::vector<std::string>> IntegrityCheck();

  const std::string& path() const { return db_->path(); }

  // Use Open(); this only adopts an open connection.
  explicit Catalog(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

 private:
  Status AddPurgeSchemaIfMissing();
  Status CreateOrCheck(const std::string& key_fingerprint, const std::string& now);
  Result<std::vector<BatchRecord>> QueryBatches(const std::string& where, int64_t a, const std::string& b);

  std::unique_ptr<SqliteDb> db_;
  bool shared_ = false;  // OpenShared: reads run inside a snapshot
};

std::string_view KindText(ingest::ExtractKind kind);

}  // namespace csu::store
