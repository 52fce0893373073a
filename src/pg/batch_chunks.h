// Batches in PostgreSQL (server mode; tables in docs/store-format.md §11b,
// behaviour in docs/server-mode.md "Batches in PostgreSQL").
//
// Every committed batch of a state folder is also held in the database: its
// catalog row, its rows and column files cut into 1 MiB chunks each with its
// SHA-256 (and each file with its own), the dictionary codes it introduced
// and its quarantined rows, written in one transaction together with a bump
// of the catalog generation and a NOTIFY. Nodes keep their state folder as a
// verified cache: CatchUp fetches what the folder lacks, checks every chunk,
// and adopts it through the folder's catalog (store::Store::AdoptBatch).
//
//   CSU_ASSIGN_OR_RETURN(chunks, pg::BatchChunks::Open(std::move(connection)));
//   CSU_ASSIGN_OR_RETURN(job, pg::IngestJob::Take(url, pg::IngestJob::Wait::kRefuse));
//   CSU_ASSIGN_OR_RETURN(caught, pg::CatchUp(*chunks, store, fingerprint, actor));
//   ... ingest into the folder ...
//   CSU_ASSIGN_OR_RETURN(published, pg::PublishLocal(*chunks, store, fingerprint));
//
// Not thread-safe: one BatchChunks per thread, like its connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/sql.h"
#include "store/store.h"

namespace csu::pg {

// The chunk size (docs/store-format.md §11b): every chunk but a file's last.
inline constexpr size_t kChunkBytes = size_t{1} << 20;
// The channel a node LISTENs on; the payload is the new generation.
inline constexpr const char* kBatchChannel = "csu_batches";

// What the database says about one batch (its catalog row, without files).
struct ServerBatch {
  int64_t id = 0;
  std::string kind;
  std::string content_sha256;
  std::string rows_sha256;
  bool removed = false;
  std::string removed_at, removed_by;
  int64_t generation = 0;
};

class BatchChunks {
 public:
  // Creates the tables on first use (under the batches' lock, so two nodes
  // starting together create them once) and checks the schema version.
  static Result<std::unique_ptr<BatchChunks>> Open(std::unique_ptr<store::SqlConnection> db);

  // The catalog generation: 0 before the first batch.
  Result<int64_t> Generation();
  // The key fingerprint the first batch recorded ("" before it).
  Result<std::string> KeyFingerprint();
  // Every batch, withdrawn ones included, by id.
  Result<std::vector<ServerBatch>> List();
  // Stores `batch` (from store::Store::ExportBatch) in one transaction with a
  // generation bump and a NOTIFY. Refused when the id is held already, when
  // it is not the next id, or when the key differs from the recorded one.
  Status Publish(const store::BatchTransfer& batch, const std::string& key_fingerprint);
  // Withdraws an active batch: its chunks go, its row says who and when;
  // one transaction with a generation bump and a NOTIFY.
  Status Withdraw(int64_t batch_id, const std::string& at, const std::string& by);
  // Reads a batch back, checking every chunk's size and SHA-256, their
  // order and count, and each whole file's size and SHA-256. Any mismatch is
  // an Error naming the batch (where: "batch N"); nothing is returned.
  Result<store::BatchTransfer> Fetch(int64_t batch_id);

  store::SqlConnection& db() { return *db_; }

  explicit BatchChunks(std::unique_ptr<store::SqlConnection> db) : db_(std::move(db)) {}

 private:
  Status CreateSchema();
  // Inside a write transaction: +1, NOTIFY; returns the new generation.
  Result<int64_t> Bump();

  std::unique_ptr<store::SqlConnection> db_;
};

// The pieces of Publish for a caller that holds its own write transaction
// (csu migrate, which moves a folder's batches in the one transaction that
// moves everything else): the tables created in an empty schema; a batch
// stored with its generation bump and NOTIFY exactly as Publish stores it
// (the same checks: the next id, the same key). The transaction must hold
// store::kBatchesWriteLock.
Status CreateBatchTables(store::SqlConnection& db);
Status PublishBatchIn(store::SqlConnection& db, const store::BatchTransfer& batch, const std::string& key_fingerprint);
// Inside a write transaction: the catalog generation + 1 and a NOTIFY on
// kBatchChannel (delivered at commit); returns the new generation.
Result<int64_t> BumpGeneration(store::SqlConnection& db);

// What one round of CatchUp or PublishLocal did.
struct SyncOutcome {
  int adopted = 0;    // batches fetched into the folder
  int removed = 0;    // batches withdrawn in the folder because the database had
  int published = 0;  // the folder's batches (or withdrawals) written to the database
  int64_t generation = 0;  // the database's generation when the round began
  // PublishLocal: what it wrote, as the folder's catalog has each batch
  // (removed: a withdrawal), for the entry in the server's audit log.
  std::vector<store::BatchInfo> published_batches;
};

// Brings the state folder up to the database: adopts, in id order, every
// batch it lacks (withdrawn ones as withdrawn), and withdraws what the
// database has withdrawn. Refused, naming the batch, when the folder holds a
// batch the database holds differently, or with another key. Stops at the
// first batch it cannot take (a damaged chunk): those adopted before it stay.
Result<SyncOutcome> CatchUp(BatchChunks& chunks, store::Store& store, const std::string& key_fingerprint,
                            const std::string& actor);

// Writes to the database the folder's batches beyond the database's last id
// and the folder's withdrawals of batches the database still has active.
// The caller holds the IngestJob lock and has caught up first.
Result<SyncOutcome> PublishLocal(BatchChunks& chunks, store::Store& store, const std::string& key_fingerprint);

// The singleton ingest job's lock (store::kIngestJobLock, session-level): held
// on its own connection until destroyed.
class IngestJob {
 public:
  enum class Wait { kRefuse, kBlock };
  // kRefuse: an Error saying another ingest holds it. kBlock: waits for it.
  static Result<std::unique_ptr<IngestJob>> Take(const std::string& url, Wait wait);
  explicit IngestJob(std::unique_ptr<store::SqlConnection> db) : db_(std::move(db)) {}

 private:
  std::unique_ptr<store::SqlConnection> db_;
};

}  // namespace csu::pg
