#include "pg/batch_chunks.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "ingest/extract_schema.h"
#include "pg/pg_connection.h"
#include "store/catalog.h"
#include "store/hex.h"
#include "store/sha256.h"

namespace csu::pg {
namespace {

constexpr int64_t kBatchSchemaVersion = 1;

// Chunks travel as hex text (decode(..., 'hex') / encode(..., 'hex'),
// store/hex.h): the SQL interface binds text and integers only, and
// PostgreSQL's text may not hold a NUL byte.

std::string Where(int64_t id) { return "batch " + std::to_string(id); }

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS batch_generation(
  id INTEGER PRIMARY KEY CHECK (id = 1), generation BIGINT NOT NULL, key_fingerprint TEXT NOT NULL,
  schema_version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS server_batches(
  id BIGINT PRIMARY KEY CHECK (id > 0), kind TEXT NOT NULL CHECK (kind IN ('apc','op','ae')),
  file_name TEXT NOT NULL, content_sha256 TEXT NOT NULL,
  rows_read BIGINT NOT NULL, rows_accepted BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL,
  records_restated BIGINT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL,
  removed INTEGER NOT NULL CHECK (removed IN (0,1)), removed_at TEXT NOT NULL, removed_by TEXT NOT NULL,
  rows_file TEXT NOT NULL, rows_bytes BIGINT NOT NULL, rows_sha256 TEXT NOT NULL,
  cols_file TEXT NOT NULL, cols_bytes BIGINT NOT NULL, cols_sha256 TEXT NOT NULL,
  format_version INTEGER NOT NULL, generation BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS batch_files(
  batch_id BIGINT NOT NULL REFERENCES server_batches(id), role TEXT NOT NULL CHECK (role IN ('rows','cols')),
  bytes BIGINT NOT NULL, sha256 TEXT NOT NULL, chunks INTEGER NOT NULL, PRIMARY KEY (batch_id, role));
CREATE TABLE IF NOT EXISTS batch_chunks(
  batch_id BIGINT NOT NULL, role TEXT NOT NULL, seq INTEGER NOT NULL CHECK (seq >= 0),
  bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, data BYTEA NOT NULL,
  PRIMARY KEY (batch_id, role, seq), FOREIGN KEY (batch_id, role) REFERENCES batch_files(batch_id, role));
CREATE TABLE IF NOT EXISTS batch_codes(
  batch_id BIGINT NOT NULL REFERENCES server_batches(id), dimension TEXT NOT NULL, id BIGINT NOT NULL,
  code TEXT NOT NULL, PRIMARY KEY (dimension, id), UNIQUE (dimension, code));
CREATE TABLE IF NOT EXISTS batch_quarantine(
  batch_id BIGINT NOT NULL REFERENCES server_batches(id), seq INTEGER NOT NULL, line BIGINT NOT NULL,
  column_name TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, masked_text TEXT NOT NULL,
  PRIMARY KEY (batch_id, seq));
INSERT INTO batch_generation(id, generation, key_fingerprint, schema_version) VALUES (1, 0, '', 1)
  ON CONFLICT (id) DO NOTHING;
)sql";

Status InsertFile(store::SqlConnection& db, int64_t id, const char* role, const std::string& bytes) {
  const int64_t chunks = static_cast<int64_t>((bytes.size() + kChunkBytes - 1) / kChunkBytes);
  CSU_ASSIGN_OR_RETURN(f, db.Prepare("INSERT INTO batch_files(batch_id, role, bytes, sha256, chunks) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5)"));
  f.Bind(1, id).Bind(2, role).Bind(3, static_cast<int64_t>(bytes.size())).Bind(4, store::Sha256Hex(bytes)).Bind(5, chunks);
  if (Status s = f.Run(); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(c, db.Prepare("INSERT INTO batch_chunks(batch_id, role, seq, bytes, sha256, data) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, decode(?6, 'hex'))"));
  for (int64_t seq = 0; seq < chunks; ++seq) {
    const std::string_view chunk =
        std::string_view(bytes).substr(static_cast<size_t>(seq) * kChunkBytes, kChunkBytes);
    c.Reset();
    c.Bind(1, id).Bind(2, role).Bind(3, seq).Bind(4, static_cast<int64_t>(chunk.size()));
    c.Bind(5, store::Sha256Hex(chunk)).Bind(6, store::HexOfBytes(chunk));
    if (Status s = c.Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

// Reads one file of a batch back, checking everything (see Fetch).
Result<std::string> ReadFile(store::SqlConnection& db, int64_t id, const char* role, const char* what) {
  const std::string where = Where(id);
  CSU_ASSIGN_OR_RETURN(f, db.Prepare("SELECT bytes, sha256, chunks FROM batch_files WHERE batch_id = ?1 AND role = ?2"));
  f.Bind(1, id).Bind(2, role);
  CSU_ASSIGN_OR_RETURN(found, f.Step());
  if (!found) return MakeError(where, std::string("its ") + what + " is missing from the database");
  const int64_t bytes = f.Int(0), chunks = f.Int(2);
  const std::string sha = f.Text(1);
  if (bytes < 0 || chunks != (bytes + static_cast<int64_t>(kChunkBytes) - 1) / static_cast<int64_t>(kChunkBytes))
    return MakeError(where, std::string("its ") + what + " has a chunk count that does not match its size");
  std::string out;
  out.reserve(static_cast<size_t>(bytes));
  CSU_ASSIGN_OR_RETURN(c, db.Prepare("SELECT bytes, sha256, encode(data, 'hex') FROM batch_chunks "
                                     "WHERE batch_id = ?1 AND role = ?2 AND seq = ?3"));
  std::string chunk;
  for (int64_t seq = 0; seq < chunks; ++seq) {
    c.Reset();
    c.Bind(1, id).Bind(2, role).Bind(3, seq);
    CSU_ASSIGN_OR_RETURN(row, c.Step());
    const std::string part = "chunk " + std::to_string(seq) + " of its " + what;
    if (!row) return MakeError(where, part + " is missing from the database");
    std::optional<std::string> decoded = store::BytesOfHex(c.Text(2));
    if (!decoded) return MakeError(where, part + " cannot be read");
    chunk = std::move(*decoded);
    const int64_t expected = std::min<int64_t>(static_cast<int64_t>(kChunkBytes), bytes - seq * static_cast<int64_t>(kChunkBytes));
    if (static_cast<int64_t>(chunk.size()) != c.Int(0) || c.Int(0) != expected)
      return MakeError(where, part + " has the wrong length: the copy in the database is damaged; nothing of the "
                                     "batch was taken");
    if (store::Sha256Hex(chunk) != c.Text(1))
      return MakeError(where, part + " fails its SHA-256 check: the copy in the database is damaged; nothing of the "
                                     "batch was taken");
    out += chunk;
  }
  c.Reset();
  CSU_ASSIGN_OR_RETURN(extra, db.Prepare("SELECT count(*) FROM batch_chunks WHERE batch_id = ?1 AND role = ?2"));
  extra.Bind(1, id).Bind(2, role);
  CSU_ASSIGN_OR_RETURN(counted, extra.Step());
  (void)counted;
  if (extra.Int(0) != chunks) return MakeError(where, std::string("its ") + what + " has chunks beyond its count");
  if (static_cast<int64_t>(out.size()) != bytes || store::Sha256Hex(out) != sha)
    return MakeError(where, std::string("its ") + what + " fails its SHA-256 check: the copy in the database is "
                                                         "damaged; nothing of the batch was taken");
  return out;
}

}  // namespace

Result<std::unique_ptr<BatchChunks>> BatchChunks::Open(std::unique_ptr<store::SqlConnection> db) {
  if (db->Backend() != "postgresql") return MakeError(db->Name(), "batches in a database need PostgreSQL");
  auto chunks = std::make_unique<BatchChunks>(std::move(db));
  if (Status s = chunks->CreateSchema(); !s.ok()) return s.error();
  return chunks;
}

Status BatchChunks::CreateSchema() {
  Status s = store::InWriteTransaction(*db_, store::kBatchesWriteLock, [&]() -> Status { return CreateBatchTables(*db_); });
  if (!s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT schema_version FROM batch_generation WHERE id = 1"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row || q.Int(0) > kBatchSchemaVersion)
    return MakeError(db_->Name(), "the batch tables are from a newer version of csu (batch schema version " +
                                      std::to_string(row ? q.Int(0) : 0) + ")");
  return Status::Ok();
}

Result<int64_t> BatchChunks::Generation() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT generation FROM batch_generation WHERE id = 1"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row ? q.Int(0) : 0;
}

Result<std::string> BatchChunks::KeyFingerprint() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT key_fingerprint FROM batch_generation WHERE id = 1"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row ? q.Text(0) : std::string();
}

Result<std::vector<ServerBatch>> BatchChunks::List() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT id, kind, content_sha256, rows_sha256, removed, removed_at, removed_by, "
                                       "generation FROM server_batches ORDER BY id"));
  std::vector<ServerBatch> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(ServerBatch{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4) != 0, q.Text(5), q.Text(6), q.Int(7)});
  }
  return out;
}

Result<int64_t> BatchChunks::Bump() { return BumpGeneration(*db_); }

Status CreateBatchTables(store::SqlConnection& db) {
  if (db.Backend() != "postgresql") return MakeError(db.Name(), "batches in a database need PostgreSQL");
  return db.Exec(kSchema);
}

Result<int64_t> BumpGeneration(store::SqlConnection& db) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("UPDATE batch_generation SET generation = generation + 1 WHERE id = 1 "
                                     "RETURNING generation"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError(db.Name(), "batch_generation has no row");
  const int64_t generation = q.Int(0);
  q.Reset();
  // Delivered by PostgreSQL when the transaction commits, never before.
  CSU_ASSIGN_OR_RETURN(n, db.Prepare("SELECT pg_notify(?1, ?2)"));
  n.Bind(1, kBatchChannel).Bind(2, std::to_string(generation));
  if (Status s = n.Run(); !s.ok()) return s.error();
  return generation;
}

Status BatchChunks::Publish(const store::BatchTransfer& t, const std::string& key_fingerprint) {
  return store::InWriteTransaction(*db_, store::kBatchesWriteLock,
                                   [&]() -> Status { return PublishBatchIn(*db_, t, key_fingerprint); });
}

Status PublishBatchIn(store::SqlConnection& db, const store::BatchTransfer& t, const std::string& key_fingerprint) {
  const std::string where = Where(t.info.id);
  CSU_ASSIGN_OR_RETURN(k, db.Prepare("SELECT key_fingerprint, (SELECT coalesce(max(id), 0) FROM server_batches) "
                                     "FROM batch_generation WHERE id = 1"));
  CSU_ASSIGN_OR_RETURN(row, k.Step());
  if (!row) return MakeError(db.Name(), "batch_generation has no row");
  const std::string recorded = k.Text(0);
  const int64_t last = k.Int(1);
  k.Reset();
  if (!recorded.empty() && recorded != key_fingerprint)
    return MakeError(where, "the database's batches were pseudonymised under another key (fingerprint " +
                                recorded + "); this folder's pseudonyms would not link to them");
  if (t.info.id != last + 1)
    return MakeError(where, "the database's last batch is " + std::to_string(last) +
                                ", so this one cannot be added under its id: catch the folder up first");
  CSU_ASSIGN_OR_RETURN(gen, BumpGeneration(db));
  if (recorded.empty()) {
    CSU_ASSIGN_OR_RETURN(set, db.Prepare("UPDATE batch_generation SET key_fingerprint = ?1 WHERE id = 1"));
    set.Bind(1, key_fingerprint);
    if (Status s = set.Run(); !s.ok()) return s;
  }
  CSU_ASSIGN_OR_RETURN(b, db.Prepare(
                              "INSERT INTO server_batches(id, kind, file_name, content_sha256, rows_read, "
                              "rows_accepted, rows_quarantined, records_restated, loaded_at, loaded_by, removed, "
                              "removed_at, removed_by, rows_file, rows_bytes, rows_sha256, cols_file, cols_bytes, "
                              "cols_sha256, format_version, generation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                              "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"));
  b.Bind(1, t.info.id).Bind(2, store::KindText(t.info.kind)).Bind(3, t.info.file_name).Bind(4, t.info.content_sha256);
  b.Bind(5, t.info.rows_read).Bind(6, t.info.rows_accepted).Bind(7, t.info.rows_quarantined);
  b.Bind(8, t.info.records_restated).Bind(9, t.info.loaded_at).Bind(10, t.info.loaded_by);
  b.Bind(11, int64_t{t.info.removed ? 1 : 0}).Bind(12, t.removed_at).Bind(13, t.removed_by);
  b.Bind(14, t.rows_file).Bind(15, t.rows_bytes).Bind(16, t.rows_sha256);
  b.Bind(17, t.cols_file).Bind(18, t.cols_bytes).Bind(19, t.cols_sha256);
  b.Bind(20, t.format_version).Bind(21, gen);
  if (Status s = b.Run(); !s.ok()) return s;
  if (!t.info.removed) {
    if (Status s = InsertFile(db, t.info.id, "rows", t.rows); !s.ok()) return s;
    if (Status s = InsertFile(db, t.info.id, "cols", t.cols); !s.ok()) return s;
  }
  CSU_ASSIGN_OR_RETURN(c, db.Prepare("INSERT INTO batch_codes(batch_id, dimension, id, code) VALUES (?1, ?2, ?3, ?4)"));
  for (const store::DictionaryCode& code : t.codes) {
    c.Reset();
    c.Bind(1, t.info.id).Bind(2, code.dimension).Bind(3, code.id).Bind(4, code.code);
    if (Status s = c.Run(); !s.ok()) return s;
  }
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("INSERT INTO batch_quarantine(batch_id, seq, line, column_name, reason, detail, "
                                     "masked_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  int64_t seq = 0;
  for (const ingest::QuarantinedRow& r : t.quarantine) {
    q.Reset();
    q.Bind(1, t.info.id).Bind(2, seq++).Bind(3, r.line).Bind(4, r.column).Bind(5, r.reason).Bind(6, r.detail);
    q.Bind(7, r.masked_text);
    if (Status s = q.Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status BatchChunks::Withdraw(int64_t batch_id, const std::string& at, const std::string& by) {
  return store::InWriteTransaction(*db_, store::kBatchesWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT removed FROM server_batches WHERE id = ?1"));
    q.Bind(1, batch_id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row || q.Int(0) != 0) return MakeError(Where(batch_id), "no such active batch in the database");
    q.Reset();
    CSU_ASSIGN_OR_RETURN(gen, Bump());
    CSU_ASSIGN_OR_RETURN(u, db_->Prepare("UPDATE server_batches SET removed = 1, removed_at = ?2, removed_by = ?3, "
                                         "generation = ?4 WHERE id = ?1"));
    u.Bind(1, batch_id).Bind(2, at).Bind(3, by).Bind(4, gen);
    if (Status s = u.Run(); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(dc, db_->Prepare("DELETE FROM batch_chunks WHERE batch_id = ?1"));
    dc.Bind(1, batch_id);
    if (Status s = dc.Run(); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(df, db_->Prepare("DELETE FROM batch_files WHERE batch_id = ?1"));
    df.Bind(1, batch_id);
    return df.Run();
  });
}

Result<store::BatchTransfer> BatchChunks::Fetch(int64_t batch_id) {
  const std::string where = Where(batch_id);
  // One snapshot for the row, the files and the codes (a withdrawal
  // committing meanwhile would otherwise leave a row without its chunks).
  if (Status s = db_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !s.ok()) return s.error();
  auto body = [&]() -> Result<store::BatchTransfer> {
    CSU_ASSIGN_OR_RETURN(b, db_->Prepare(
                                "SELECT kind, file_name, content_sha256, rows_read, rows_accepted, rows_quarantined, "
                                "records_restated, loaded_at, loaded_by, removed, removed_at, removed_by, rows_file, "
                                "rows_bytes, rows_sha256, cols_file, cols_bytes, cols_sha256, format_version "
                                "FROM server_batches WHERE id = ?1"));
    b.Bind(1, batch_id);
    CSU_ASSIGN_OR_RETURN(row, b.Step());
    if (!row) return MakeError(where, "no such batch in the database");
    store::BatchTransfer t;
    t.info.id = batch_id;
    auto kind = ingest::ParseKind(b.Text(0));
    if (!kind.ok()) return MakeError(where, "unknown kind '" + b.Text(0) + "'");
    t.info.kind = kind.value();
    t.info.file_name = b.Text(1);
    t.info.content_sha256 = b.Text(2);
    t.info.rows_read = b.Int(3);
    t.info.rows_accepted = b.Int(4);
    t.info.rows_quarantined = b.Int(5);
    t.info.records_restated = b.Int(6);
    t.info.loaded_at = b.Text(7);
    t.info.loaded_by = b.Text(8);
    t.info.removed = b.Int(9) != 0;
    t.removed_at = b.Text(10);
    t.removed_by = b.Text(11);
    t.rows_file = b.Text(12);
    t.rows_bytes = b.Int(13);
    t.rows_sha256 = b.Text(14);
    t.cols_file = b.Text(15);
    t.cols_bytes = b.Int(16);
    t.cols_sha256 = b.Text(17);
    t.format_version = b.Int(18);
    b.Reset();
    if (!t.info.removed) {
      CSU_ASSIGN_OR_RETURN(rows, ReadFile(*db_, batch_id, "rows", "rows file"));
      CSU_ASSIGN_OR_RETURN(cols, ReadFile(*db_, batch_id, "cols", "column file"));
      if (static_cast<int64_t>(rows.size()) != t.rows_bytes || static_cast<int64_t>(cols.size()) != t.cols_bytes)
        return MakeError(where, "its files' sizes differ from its catalog row's");
      t.rows = std::move(rows);
      t.cols = std::move(cols);
    }
    CSU_ASSIGN_OR_RETURN(c, db_->Prepare("SELECT dimension, id, code FROM batch_codes WHERE batch_id = ?1 "
                                         "ORDER BY dimension, id"));
    c.Bind(1, batch_id);
    while (true) {
      CSU_ASSIGN_OR_RETURN(more, c.Step());
      if (!more) break;
      t.codes.push_back(store::DictionaryCode{c.Text(0), c.Int(1), c.Text(2)});
    }
    c.Reset();
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT line, column_name, reason, detail, masked_text FROM batch_quarantine "
                                         "WHERE batch_id = ?1 ORDER BY seq"));
    q.Bind(1, batch_id);
    while (true) {
      CSU_ASSIGN_OR_RETURN(more, q.Step());
      if (!more) break;
      ingest::QuarantinedRow r;
      r.batch_id = batch_id;
      r.line = q.Int(0);
      r.column = q.Text(1);
      r.reason = q.Text(2);
      r.detail = q.Text(3);
      r.masked_text = q.Text(4);
      t.quarantine.push_back(std::move(r));
    }
    q.Reset();
    return t;
  };
  auto t = body();
  (void)db_->Exec(t.ok() ? "COMMIT" : "ROLLBACK");
  return t;
}

Result<SyncOutcome> CatchUp(BatchChunks& chunks, store::Store& store, const std::string& key_fingerprint,
                            const std::string& actor) {
  SyncOutcome out;
  CSU_ASSIGN_OR_RETURN(generation, chunks.Generation());
  out.generation = generation;
  CSU_ASSIGN_OR_RETURN(recorded, chunks.KeyFingerprint());
  if (!recorded.empty() && recorded != key_fingerprint)
    return MakeError(chunks.db().Name(), "the database's batches were pseudonymised under another key (fingerprint " +
                                             recorded + "); use the key they were loaded with");
  CSU_ASSIGN_OR_RETURN(server, chunks.List());
  CSU_ASSIGN_OR_RETURN(local_list, store.ListBatches());
  std::map<int64_t, store::BatchInfo> local;
  for (store::BatchInfo& b : local_list) local.emplace(b.id, std::move(b));
  for (const ServerBatch& s : server) {
    auto it = local.find(s.id);
    if (it == local.end()) {
      CSU_ASSIGN_OR_RETURN(t, chunks.Fetch(s.id));
      CSU_ASSIGN_OR_RETURN(adopted, store.AdoptBatch(t, actor));
      (void)adopted;
      ++out.adopted;
      continue;
    }
    const store::BatchInfo& l = it->second;
    if (std::string(store::KindText(l.kind)) != s.kind || l.content_sha256 != s.content_sha256)
      return MakeError(Where(s.id), "this state folder holds another batch under this id than the database does: the "
                                    "folder has diverged (start the node with an empty state folder)");
    if (s.removed && !l.removed) {
      if (Status st = store.RemoveBatch(s.id, s.removed_by.empty() ? actor : s.removed_by); !st.ok()) return st.error();
      ++out.removed;
    }
  }
  return out;
}

Result<SyncOutcome> PublishLocal(BatchChunks& chunks, store::Store& store, const std::string& key_fingerprint) {
  SyncOutcome out;
  CSU_ASSIGN_OR_RETURN(generation, chunks.Generation());
  out.generation = generation;
  CSU_ASSIGN_OR_RETURN(server, chunks.List());
  std::map<int64_t, const ServerBatch*> by_id;
  for (const ServerBatch& s : server) by_id.emplace(s.id, &s);
  const int64_t last = server.empty() ? 0 : server.back().id;
  CSU_ASSIGN_OR_RETURN(local, store.ListBatches());
  for (const store::BatchInfo& l : local) {
    auto it = by_id.find(l.id);
    if (it == by_id.end()) {
      if (l.id <= last)
        return MakeError(Where(l.id), "the database has no batch under this id but has later ones: the folder has "
                                      "diverged");
      CSU_ASSIGN_OR_RETURN(t, store.ExportBatch(l.id));
      if (Status s = chunks.Publish(t, key_fingerprint); !s.ok()) return s.error();
      ++out.published;
      out.published_batches.push_back(l);
    } else if (l.removed && !it->second->removed) {
      CSU_ASSIGN_OR_RETURN(t, store.ExportBatch(l.id));
      if (Status s = chunks.Withdraw(l.id, t.removed_at, t.removed_by); !s.ok()) return s.error();
      ++out.published;
      out.published_batches.push_back(l);
    }
  }
  return out;
}

Result<std::unique_ptr<IngestJob>> IngestJob::Take(const std::string& url, Wait wait) {
  CSU_ASSIGN_OR_RETURN(db, Connect(url));
  if (wait == Wait::kBlock) {
    CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT pg_advisory_lock(" + store::AdvisoryLockKeySql("?1") + ")"));
    q.Bind(1, store::kIngestJobLock);
    if (Status s = q.Run(); !s.ok()) return s.error();
  } else {
    CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT CASE WHEN pg_try_advisory_lock(" + store::AdvisoryLockKeySql("?1") +
                                        ") THEN 1 ELSE 0 END"));
    q.Bind(1, store::kIngestJobLock);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    const bool got = row && q.Int(0) == 1;
    q.Reset();
    if (!got)
      return MakeError(db->Name(), "another ingest is running against this database (a 'csu ingest --database' or an "
                                   "upload on a node); try again when it has finished");
  }
  return std::make_unique<IngestJob>(std::move(db));
}

}  // namespace csu::pg
