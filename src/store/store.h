// The platform's state folder: a SQLite catalog plus immutable, checksummed
// batch files. The on-disk formats are specified in docs/store-format.md.
//
// Durability contract: CommitBatch() returns OK only after the batch's files
// and its catalog row are on disk (files: temp, fsync, rename, fsync dir;
// catalog: one SQLite transaction, WAL, synchronous=FULL). A batch is visible
// exactly when its catalog row is committed, so a crash at any moment leaves
// either the whole batch or none of it; files without a catalog row are
// orphans, ignored and removed by the next Open(). A COMMIT that fails
// leaves the outcome unknown: callers reconcile by content hash (a re-run of
// the same file is recognised and loads nothing new).
//
// Thread safety: one Store per process; its methods are not safe to call
// concurrently. Loaded ActivityTables are immutable and may be shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ingest/activity_record.h"
#include "ingest/extract_schema.h"
#include "ingest/record_sink.h"

namespace csu::store {

// What the catalog keeps about one batch.
struct BatchInfo {
  int64_t id = 0;
  ingest::ExtractKind kind = ingest::ExtractKind::kApc;
  std::string file_name;       // base name of the loaded file
  std::string content_sha256;  // hex SHA-256 of the loaded file's bytes
  int64_t rows_read = 0;
  int64_t rows_accepted = 0;
  int64_t rows_quarantined = 0;
  int64_t records_restated = 0;  // accepted records that replaced earlier ones
  std::string loaded_at;         // UTC, ISO 8601
  std::string loaded_by;         // the operating system user or signed-in user
  bool removed = false;          // withdrawn by `csu batch remove`
};

// Quarantined rows are defined by ingest, which produces them.
using ingest::QuarantinedRow;

// One entry of the hash-chained audit log.
struct AuditEntry {
  int64_t seq = 0;
  std::string at;       // UTC, ISO 8601
  std::string actor;
  std::string action;   // "ingest", "batch.remove", "store.rebuild", ...
  std::string subject;  // e.g. "batch 12"
  std::string details;  // JSON object text, never patient identifiers
  std::string prev_hash;
  std::string hash;     // hex SHA-256 over the fields above and prev_hash
};

// Accumulates the validated, pseudonymised records of one file, encoding
// them as they arrive (dictionary codes, days, pence). Obtained from
// Store::NewBatch; commit or drop it. Ingest writes into it through the
// ingest::RecordSink interface.
class BatchBuilder : public ingest::RecordSink {
 public:
  // AddApc/AddOp/AddAe/AddQuarantined come from ingest::RecordSink.
  virtual int64_t records() const = 0;
  // Records so far whose (provider, id) an earlier active batch already has.
  virtual int64_t restated() const = 0;
};

// In-memory column tables of every active batch of one kind, loaded at
// start. Plain arrays indexed by row; codes are dictionary ids (see
// Dictionary). Rows superseded by a later restatement are excluded.
struct ActivityTables;

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating on first use) the state folder `dir`. `key_fingerprint`
  // is the pseudonymisation key's fingerprint: recorded on first use, and a
  // different one is refused with an error naming the problem (a changed key
  // would make new pseudonyms unlinkable to stored ones). Removes orphan
  // files of interrupted commits.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const std::string& key_fingerprint);

  // The active batch of `kind` with this content hash, if any.
  virtual Result<std::optional<BatchInfo>> FindByContent(ingest::ExtractKind kind, const std::string& sha256) = 0;

  virtual std::unique_ptr<BatchBuilder> NewBatch(ingest::ExtractKind kind) = 0;

  // Makes the batch durable and visible, appends an "ingest" audit entry,
  // and returns its catalog row. `info.id`, `loaded_at`, `records_restated`
  // and the accepted/quarantined counts are filled in by the store.
  virtual Result<BatchInfo> CommitBatch(std::unique_ptr<BatchBuilder> batch, BatchInfo info) = 0;

  virtual Result<std::vector<BatchInfo>> ListBatches() = 0;
  // Quarantined rows of one batch, or of all batches when batch_id is empty.
  virtual Result<std::vector<QuarantinedRow>> Quarantine(std::optional<int64_t> batch_id) = 0;
  // Withdraws a batch: it stops counting, its files go, its catalog row and
  // audit history stay. Error when no such active batch.
  virtual Status RemoveBatch(int64_t batch_id, const std::string& actor) = 0;

  virtual Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                             const std::string& details_json) = 0;
  // Re-computes the hash chain; Error names the first entry that does not
  // match (tampering or corruption).
  virtual Result<int64_t> VerifyAudit() = 0;
  virtual Result<std::vector<AuditEntry>> Audit() = 0;

  // Checks every active batch's files against their catalog checksums;
  // returns one line per problem (empty = all good).
  virtual Result<std::vector<std::string>> Verify() = 0;
  // Rewrites the column file of `batch_id` from its retained rows file.
  virtual Status Rebuild(int64_t batch_id, const std::string& actor) = 0;
};

}  // namespace csu::store
