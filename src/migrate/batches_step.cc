// The activity batches of the state folder (its catalog rows, retained rows
// files and column files, the dictionary codes each introduced and its
// quarantined rows: docs/store-format.md §2-§4) into server mode's chunk
// tables (§11b), through the very code a `csu serve --database` node
// publishes its folder's batches with (pg::PublishBatchIn, the body of
// pg::BatchChunks::Publish, fed by store::ExportBatchFrom, the body of
// Store::ExportBatch): every batch under its own id in id order, withdrawn
// ones as withdrawn, each with a bump of the catalog generation, inside the
// runner's one transaction, so the NOTIFYs reach listening nodes only when
// everything has committed. Nodes whose folders hold these batches then find
// nothing to fetch; a node with an empty folder fetches them all.
#include <sys/stat.h>

#include "migrate/steps.h"
#include "pg/batch_chunks.h"
#include "store/batch_export.h"
#include "store/catalog.h"
#include "store/env.h"

namespace csu::migrate {
namespace {

constexpr const char* kCatalogFile = "catalog.sqlite";

int64_t ChunksOf(int64_t bytes) {
  const auto chunk = static_cast<int64_t>(pg::kChunkBytes);
  return (bytes + chunk - 1) / chunk;
}

class BatchesStep final : public MigrationStep {
 public:
  std::string Name() const override { return "batches"; }
  // The batch tables' lock, and the singleton ingest job's: no node
  // publishes or ingests into the target while the run holds them.
  std::vector<int64_t> WriteLocks() const override { return {store::kBatchesWriteLock, store::kIngestJobLock}; }
  bool NeedsPostgres() const override { return true; }

  // The catalog's rows, ids and files, before anything is written: ids
  // 1..N without a gap (a database takes a folder's batches only as its
  // next ids), and each active batch's two files present at the size the
  // catalog records. Their bytes are checked against the catalog's
  // checksums as they are read (Copy), which rolls the run back on a
  // mismatch, naming the file.
  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kCatalogFile));
    if (db == nullptr) return MakeError(source.dir(), "is not a state folder (it has no catalog.sqlite)");
    CSU_ASSIGN_OR_RETURN(meta, db->Prepare("SELECT key, value FROM meta"));
    std::string version;
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, meta.Step());
      if (!row) break;
      if (meta.Text(0) == "schema_version") version = meta.Text(1);
      if (meta.Text(0) == "key_fingerprint") fingerprint_ = meta.Text(1);
    }
    if (version != std::to_string(store::kSchemaVersion))
      return MakeError(db->path(), "catalog schema version " + version + " is not one this csu can migrate (it knows " +
                                       std::to_string(store::kSchemaVersion) + ")");
    if (fingerprint_.empty()) return MakeError(db->path(), "the catalog records no key fingerprint");
    CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT id, removed, rows_file, rows_bytes, cols_file, cols_bytes FROM batches "
                                        "ORDER BY id"));
    ids_.clear();
    files_ = chunks_ = bytes_ = 0;
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (!row) break;
      const int64_t id = q.Int(0);
      const std::string where = db->path() + ": batch " + std::to_string(id);
      if (id != static_cast<int64_t>(ids_.size()) + 1)
        return MakeError(where, "batch ids must run 1, 2, 3... without a gap to be moved (the one before is " +
                                    std::to_string(ids_.size()) + ")");
      ids_.push_back(id);
      if (q.Int(1) != 0) continue;  // withdrawn: its row moves, it has no files
      for (int f = 0; f < 2; ++f) {
        const std::string path = source.dir() + "/batches/" + q.Text(2 + 2 * f);
        const int64_t size = q.Int(3 + 2 * f);
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0)
          return MakeError(path, "is missing: batch " + std::to_string(id) + " cannot be moved (csu store verify)");
        if (static_cast<int64_t>(st.st_size) != size)
          return MakeError(path, "is " + std::to_string(st.st_size) + " bytes, its catalog row says " +
                                     std::to_string(size) + " (csu store verify)");
        ++files_;
        chunks_ += ChunksOf(size);
        bytes_ += size;
      }
    }
    q.Reset();
    CSU_ASSIGN_OR_RETURN(codes, CountWhere(*db, "SELECT count(*) FROM dictionary WHERE batch_id IS NOT NULL"));
    codes_ = codes;
    CSU_ASSIGN_OR_RETURN(quarantine, CountRows(*db, "quarantine"));
    quarantine_ = quarantine;
    return Status::Ok();
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = pg::CreateBatchTables(target); !s.ok()) return s.error();
    // A catalog of its own over a second read-only connection (the same
    // snapshot: the folder's LOCK is held), for the export code.
    CSU_ASSIGN_OR_RETURN(db, OpenReadOnly(source.dir() + "/" + kCatalogFile));
    if (Status s = db->Exec("PRAGMA busy_timeout=5000; BEGIN; SELECT count(*) FROM sqlite_master"); !s.ok())
      return s.error();
    store::Catalog catalog(std::move(db));
    int64_t done = 0;
    for (int64_t id : ids_) {
      CSU_ASSIGN_OR_RETURN(batch, store::ExportBatchFrom(catalog, store::Env::Default(), source.dir() + "/batches", id));
      if (Status s = pg::PublishBatchIn(target, batch, fingerprint_); !s.ok()) return s.error();
      ++done;
      if (progress) progress(MigrateProgress{Name(), "server_batches", done, static_cast<int64_t>(ids_.size())});
    }
    StepReport r;
    const auto batches = static_cast<int64_t>(ids_.size());
    r.tables.push_back({"server_batches", batches, -1});
    r.tables.push_back({"batch_files", files_, -1});
    r.tables.push_back({"batch_chunks", chunks_, -1});
    r.tables.push_back({"batch_codes", codes_, -1});
    r.tables.push_back({"batch_quarantine", quarantine_, -1});
    // What went in is what the folder's catalog says, file for file: every
    // file's size, and each rows file's SHA-256 (a column file's catalog
    // checksum is its trailer's, which the export checked as it read it),
    // and the generation counts one publication per batch.
    CSU_ASSIGN_OR_RETURN(wrong, CountWhere(target, "SELECT count(*) FROM batch_files f JOIN server_batches b ON b.id = "
                                                   "f.batch_id WHERE (f.role = 'rows' AND f.sha256 <> b.rows_sha256) "
                                                   "OR f.bytes <> CASE f.role WHEN 'rows' THEN b.rows_bytes ELSE "
                                                   "b.cols_bytes END"));
    if (wrong != 0)
      return MakeError(target.Name(), std::to_string(wrong) + " batch files differ from their catalog rows after the "
                                                              "copy");
    CSU_ASSIGN_OR_RETURN(bytes, CountWhere(target, "SELECT coalesce(sum(bytes), 0) FROM batch_chunks"));
    if (bytes != bytes_)
      return MakeError(target.Name(), "the batch chunks hold " + std::to_string(bytes) + " bytes, the folder's files " +
                                          std::to_string(bytes_));
    CSU_ASSIGN_OR_RETURN(generation, CountWhere(target, "SELECT generation FROM batch_generation WHERE id = 1"));
    if (generation != batches)
      return MakeError(target.Name(), "the catalog generation is " + std::to_string(generation) + " after " +
                                          std::to_string(batches) + " batches");
    r.checks.push_back({"batch files", std::to_string(files_) + " files, " + std::to_string(bytes_) +
                                           " bytes, as the catalog records them"});
    r.checks.push_back({"generation", std::to_string(generation) + (batches > 0 ? ", key " + fingerprint_.substr(0, 8) +
                                                                                      "..."
                                                                                : ", no key recorded yet")});
    return r;
  }

 private:
  // A statement's one integer (count, sum).
  template <typename Db>
  static Result<int64_t> CountWhere(Db& db, const std::string& sql) {
    CSU_ASSIGN_OR_RETURN(q, db.Prepare(sql));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return int64_t{0};
    return q.Int(0);
  }

  std::string fingerprint_;
  std::vector<int64_t> ids_;
  int64_t files_ = 0, chunks_ = 0, bytes_ = 0, codes_ = 0, quarantine_ = 0;
};

}  // namespace

std::unique_ptr<MigrationStep> MakeBatchesStep() { return std::make_unique<BatchesStep>(); }

}  // namespace csu::migrate
