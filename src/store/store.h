// The platform's state folder: a SQLite catalog plus immutable, checksummed
// batch files. The on-disk formats are specified in docs/store-format.md.
//
// Durability contract: CommitBatch() returns OK only after the batch's files
// and its catalog row are on disk (files: temp, fsync, rename, fsync dir;
// catalog: one SQLite transaction, WAL, synchronous=FULL). A batch is visible
// exactly when its catalog row is committed, so a crash at any moment leaves
// either the whole batch or none of it; files without a catalog row are
// orphans, ignored and removed by the next Open(). A COMMIT that fails
// (a full disk, an I/O error) leaves the outcome unknown: the Store then
// reports the fault in Health() and refuses to write on that connection.
// The next write attempt first tries to recover, as a restart would: it
// closes the catalog connection, reopens it (SQLite re-reads the WAL from
// disk, so the failed commit is resolved by what reached the disk, never
// by guessing), checks that what it reads extends what this process knew
// (every acknowledged audit entry present, the audit chain unbroken after
// the last verified entry, dictionaries only grown), removes the orphans
// of a commit that did not take effect, and only then writes. A check that
// fails keeps the store refusing with the reason (restart and run `csu
// store verify`). Callers reconcile an unknown outcome by content hash (a
// re-run of the same file is recognised by FindByContent and loads nothing
// new). Details: docs/store-format.md §6, "A failed commit in a running
// process".
//
// Typical use (csu ingest):
//   CSU_ASSIGN_OR_RETURN(store, Store::Open(dir, pseudonymiser.Fingerprint()));
//   CSU_ASSIGN_OR_RETURN(found, store->FindByContent(kind, sha256));
//   if (found) ... already loaded as batch found->id ...
//   CSU_ASSIGN_OR_RETURN(builder, store->NewBatch(kind));
//   IngestFile(path, kind, ref, pseudonymiser, *builder, progress);   // a RecordSink
//   CSU_ASSIGN_OR_RETURN(info, store->CommitBatch(std::move(builder), {file name, sha256, rows read, user}));
//
// Thread safety: one Store per state folder holds it (a lock file keeps
// other holders out; shared stores, StoreOptions::shared, read beside it);
// its methods are not safe to call concurrently, except
// Health(), which any thread may call at any time. Loaded
// ActivityTables are immutable and may be shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/activity_record.h"
#include "ingest/extract_schema.h"
#include "ingest/record_sink.h"
#include "store/activity_tables.h"

namespace csu::store {

class Env;

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

// A stored record: row `row` (0-based) of batch `batch_id`'s rows file, which
// is the loaded table row with that source_row inside the batch's BatchRange.
struct RecordLocation {
  int64_t batch_id = 0;
  uint32_t row = 0;
};

// One quarantined row (ingest's type): line, column, reason, detail and the
// row text with identifiers masked.
using QuarantinedRow = ingest::QuarantinedRow;

// How many rows one batch quarantined for one reason: the column (empty for
// a malformed row) and the reason only, never a row, its line or its detail
// (which may quote a value), so it can be shown where identifiers may not.
struct QuarantineCount {
  int64_t batch_id = 0;
  std::string column;
  std::string reason;
  int64_t rows = 0;
};

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

// One dictionary code as the catalog holds it (docs/store-format.md §2).
struct DictionaryCode {
  std::string dimension;  // DimensionName: "provider", "hrg", ...
  int64_t id = 0;
  std::string code;
};

// Everything of one committed batch that another state folder needs to hold
// it exactly as this one does (server mode, docs/server-mode.md "Batches in
// PostgreSQL"): its catalog row, its two files' bytes, the dictionary codes
// it introduced and its quarantined rows. A removed batch carries no file
// bytes (its files are gone), but its codes and quarantine, which the
// catalog keeps.
struct BatchTransfer {
  BatchInfo info;
  std::string removed_at, removed_by;  // when info.removed
  std::string rows_file, rows_sha256;  // the catalog's names and checksums
  std::string cols_file, cols_sha256;
  int64_t rows_bytes = 0, cols_bytes = 0;
  int64_t format_version = 1;
  std::string rows, cols;  // the files' bytes; empty for a removed batch
  std::vector<DictionaryCode> codes;
  std::vector<ingest::QuarantinedRow> quarantine;
};

// Accumulates the validated, pseudonymised records of one file: it is the
// RecordSink that ingest::IngestFile fills. Records are encoded as they
// arrive (dictionary ids, days) and their normalised text streams to a
// temporary rows file. Obtained from Store::NewBatch; pass it to CommitBatch,
// or destroy it to drop the batch (its temporary file is removed). The Store
// must outlive it. At most one builder per Store should be open at a time:
// committing a builder made before another batch was committed is refused.
class BatchBuilder : public ingest::RecordSink {
 public:
  ~BatchBuilder() override = default;
  // Accepted records so far.
  virtual int64_t records() const = 0;
  virtual int64_t quarantined() const = 0;
  // Records so far whose (provider, spell/attendance id) an earlier active
  // batch of this kind, or an earlier record of this batch, already has.
  virtual int64_t restated() const = 0;
  // The first problem that will stop the commit (a value a column cannot
  // hold, a full dictionary, a failed write to the temporary rows file).
  virtual Status status() const = 0;
};

struct StoreOptions {
  // For tests: the file system and clock to use (not owned; must outlive the
  // Store). Null means Env::Default().
  Env* env = nullptr;
  // Open beside the process that holds the folder (a running `csu serve`)
  // instead of taking its LOCK (docs/store-format.md §1, "Who may open the
  // folder"). A shared store creates nothing, removes no orphans and never
  // waits: it reads a snapshot of the catalog taken at Open (refreshed
  // after its own audit appends, and when a read meets a file that a later
  // commit deleted), may append audit entries (SQLite serialises them with
  // the holder's), and refuses every change to batches (NewBatch,
  // CommitBatch, RemoveBatch, PurgeQuarantine, Rebuild). The folder must
  // exist.
  bool shared = false;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating on first use) the state folder `dir`. `key_fingerprint`
  // is the pseudonymisation key's fingerprint: recorded on first use, and a
  // different one is refused with an error naming the problem (a changed key
  // would make new pseudonyms unlinkable to stored ones). Removes orphan
  // files of interrupted commits. Error when another process has the folder
  // open, when the catalog is from a newer version, or on I/O failure.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const std::string& key_fingerprint,
                                             const StoreOptions& options = {});

  virtual const std::string& dir() const = 0;

  // The active batch of `kind` with this content hash, if any.
  virtual Result<std::optional<BatchInfo>> FindByContent(ingest::ExtractKind kind, const std::string& sha256) = 0;

  // Starts a batch. Reads the record keys of the active batches of `kind`
  // (to count restatements), so it fails when one of their column files is
  // damaged, naming the file. `expected_records`, when known (an upper
  // bound such as ingest::SummariseExtract's), lets the builder allocate its
  // columns and tables once. An overstated figure costs address space, and
  // memory for at most its first 4 Mi rows of columns, which are faulted in
  // up front; an understated one, growth by doubling.
  virtual Result<std::unique_ptr<BatchBuilder>> NewBatch(ingest::ExtractKind kind, size_t expected_records = 0) = 0;

  // Makes the batch durable and visible, appends an "ingest" audit entry,
  // and returns its catalog row. The builder is consumed either way; after
  // an error nothing of it is visible (unless the error says the outcome is
  // unknown: see the durability contract above). From `info` the store takes file_name,
  // content_sha256, rows_read and loaded_by; it fills in id, kind, loaded_at,
  // rows_accepted, rows_quarantined and records_restated. rows_read 0 means
  // accepted + quarantined; any other value must equal that sum.
  virtual Result<BatchInfo> CommitBatch(std::unique_ptr<BatchBuilder> batch, BatchInfo info) = 0;

  // Every batch, removed ones included, in id order.
  virtual Result<std::vector<BatchInfo>> ListBatches() = 0;
  // Quarantined rows of one batch, or of all batches when batch_id is empty.
  virtual Result<std::vector<QuarantinedRow>> Quarantine(std::optional<int64_t> batch_id) = 0;
  // Quarantined rows counted per batch, column and reason; by batch id, then
  // most rows first.
  virtual Result<std::vector<QuarantineCount>> QuarantineCounts() = 0;
  // Withdraws a batch: it stops counting, its files go, its catalog row and
  // audit history stay, and the records it had restated count again. Error
  // when there is no such active batch.
  virtual Status RemoveBatch(int64_t batch_id, const std::string& actor) = 0;
  // Deletes a batch's quarantined rows (a bad row can hold a large or
  // sensitive value nobody should keep), keeping their count per reason in
  // the batch's figures, with an audit entry naming the batch, the rows
  // deleted and `actor`, in one transaction. A batch can be purged once;
  // its quarantine is empty afterwards. Returns the rows deleted.
  virtual Result<int64_t> PurgeQuarantine(int64_t batch_id, const std::string& actor) = 0;

  virtual Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                             const std::string& details_json) = 0;
  // Re-computes the whole hash chain and returns the number of entries;
  // Error names the first entry that does not match (tampering or
  // corruption). Remembers the last entry verified (see VerifyNewAudit).
  virtual Result<int64_t> VerifyAudit() = 0;
  // Verifies only what was appended since this Store last verified the
  // chain (by either call): it checks that the last verified entry is still
  // there with the hash it had, then hashes the entries after it. The first
  // call verifies the whole chain. Returns the number of entries, or an
  // Error naming the first that does not match. For pages that show the
  // chain's state on every request: the cost is the new entries, not the
  // log. An edit of an entry verified earlier is found by VerifyAudit (and
  // Verify, `csu audit verify`), which re-hash everything.
  virtual Result<int64_t> VerifyNewAudit() = 0;
  // OK, or the fault that stops writes: a catalog commit failed and has not
  // been recovered yet (see the durability contract above). Published when
  // a commit fails and when a write commits after a recovery, so it does not
  // flicker while a write is under way. Thread-safe, and never waits for
  // another method to finish.
  virtual Status Health() const = 0;
  virtual Result<std::vector<AuditEntry>> Audit() = 0;

  // Checks the catalog (integrity_check, audit chain), every active batch's
  // files against their catalog checksums and structure (it reads and
  // parses every byte: seconds per million rows), and looks for orphans;
  // returns one line per problem (empty = all good).
  virtual Result<std::vector<std::string>> Verify() = 0;
  // Rewrites the column file of `batch_id` from its retained rows file.
  // Error when the rows file itself is damaged (it cannot be rebuilt).
  virtual Status Rebuild(int64_t batch_id, const std::string& actor) = 0;

  // Loads the active batches of `kind` into memory (the other kinds' tables
  // stay empty). A damaged column file fails the load with an error naming
  // the file and the batch to rebuild.
  virtual Result<ActivityTables> Load(ingest::ExtractKind kind) = 0;
  // All three kinds, sharing one patient index.
  virtual Result<ActivityTables> LoadAll() = 0;
  // LoadAll of the records whose commissioner is one of `commissioners`
  // (ODS codes): a node's share under a partition map (docs/server-mode.md,
  // "Partitions"). The other records are never decoded, so memory holds the
  // share alone; the dictionaries are the folder's whole.
  virtual Result<ActivityTables> LoadShare(const std::vector<std::string>& commissioners) = 0;

  // Server mode (docs/server-mode.md): batch `batch_id` as another state
  // folder adopts it. Reads its files (checked against the catalog's
  // checksums) unless it is removed.
  virtual Result<BatchTransfer> ExportBatch(int64_t batch_id) = 0;
  // Takes in a batch exported from another folder, under the same id, with
  // its files, codes and quarantine, in one catalog transaction after the
  // files are durable (the commit protocol of §5), and appends a
  // "batch.adopt" audit entry naming `actor`. Refused, changing nothing,
  // when its id is not this folder's next batch id, when its files do not
  // match their checksums, or when a dictionary code it introduced is held
  // here under another id (the folders have diverged).
  virtual Result<BatchInfo> AdoptBatch(const BatchTransfer& batch, const std::string& actor) = 0;

  // Where the current version of the record (provider ODS code, spell or
  // attendance id) of `kind` is: the last occurrence among the active
  // batches, which is the one Load keeps (§7 of docs/store-format.md).
  // nullopt when no active batch holds it. Reads the record ids of the
  // active batches, newest first, stopping at the first that has it.
  virtual Result<std::optional<RecordLocation>> FindRecord(ingest::ExtractKind kind, std::string_view provider,
                                                           std::string_view record_id) = 0;
};

}  // namespace csu::store
