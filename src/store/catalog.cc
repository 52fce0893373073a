#include "store/catalog.h"

#include "store/audit_chain.h"

namespace csu::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE batches(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('apc', 'op', 'ae')),
  file_name TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_accepted INTEGER NOT NULL,
  rows_quarantined INTEGER NOT NULL,
  records_restated INTEGER NOT NULL,
  loaded_at TEXT NOT NULL,
  loaded_by TEXT NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  removed_at TEXT,
  removed_by TEXT,
  rows_file TEXT NOT NULL,
  rows_bytes INTEGER NOT NULL,
  rows_sha256 TEXT NOT NULL,
  cols_file TEXT NOT NULL,
  cols_bytes INTEGER NOT NULL,
  cols_sha256 TEXT NOT NULL,
  format_version INTEGER NOT NULL);
CREATE INDEX batches_by_content ON batches(kind, content_sha256);
CREATE TABLE dictionary(
  dimension TEXT NOT NULL,
  id INTEGER NOT NULL,
  code TEXT NOT NULL,
  batch_id INTEGER,
  PRIMARY KEY (dimension, id),
  UNIQUE (dimension, code)) WITHOUT ROWID;
CREATE TABLE quarantine(
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  line INTEGER NOT NULL,
  column_name TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  masked_text TEXT NOT NULL);
CREATE INDEX quarantine_by_batch ON quarantine(batch_id, line);
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER dictionary_no_update BEFORE UPDATE ON dictionary
  BEGIN SELECT RAISE(ABORT, 'dictionaries are append-only'); END;
CREATE TRIGGER dictionary_no_delete BEFORE DELETE ON dictionary
  BEGIN SELECT RAISE(ABORT, 'dictionaries are append-only'); END;
CREATE TRIGGER quarantine_no_update BEFORE UPDATE ON quarantine
  BEGIN SELECT RAISE(ABORT, 'quarantine rows are append-only'); END;
CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON quarantine
  BEGIN SELECT RAISE(ABORT, 'quarantine rows are append-only'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
  BEGIN SELECT RAISE(ABORT, 'batches are never deleted; removing one marks it removed'); END;
CREATE TRIGGER batches_immutable BEFORE UPDATE OF id, kind, file_name, content_sha256, rows_read, rows_accepted,
  rows_quarantined, records_restated, loaded_at, loaded_by, rows_file, rows_bytes, rows_sha256, format_version
  ON batches BEGIN SELECT RAISE(ABORT, 'a batch''s record is immutable'); END;
CREATE TRIGGER batches_removed_once BEFORE UPDATE OF removed ON batches WHEN OLD.removed <> 0
  BEGIN SELECT RAISE(ABORT, 'a removed batch stays removed'); END;
)sql";

constexpr const char* kBatchColumns =
    "id, kind, file_name, content_sha256, rows_read, rows_accepted, rows_quarantined, records_restated, loaded_at, "
    "loaded_by, removed, rows_file, rows_bytes, rows_sha256, cols_file, cols_bytes, cols_sha256, format_version";

Result<ingest::ExtractKind> KindFrom(const std::string& text, const std::string& where) {
  if (text == "apc") return ingest::ExtractKind::kApc;
  if (text == "op") return ingest::ExtractKind::kOp;
  if (text == "ae") return ingest::ExtractKind::kAe;
  return MakeError(where, "catalog damaged: unknown batch kind '" + text + "'");
}

}  // namespace

std::string_view KindText(ingest::ExtractKind kind) { return ingest::KindName(kind); }

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path, const std::string& vfs,
                                               const std::string& key_fingerprint, const std::string& now) {
  CSU_ASSIGN_OR_RETURN(db, SqliteDb::Open(path, vfs));
  auto catalog = std::make_unique<Catalog>(std::move(db));
  SqliteDb& d = *catalog->db_;
  if (Status s = d.Exec("PRAGMA busy_timeout=5000"); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(mode_stmt, d.Prepare("PRAGMA journal_mode=WAL"));
  CSU_ASSIGN_OR_RETURN(has_row, mode_stmt.Step());
  if (!has_row || mode_stmt.Text(0) != "wal") return MakeError(path, "cannot switch the catalog to WAL mode");
  mode_stmt.Reset();
  if (Status s = d.Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"); !s.ok()) return s.error();
  if (Status s = catalog->CreateOrCheck(key_fingerprint, now); !s.ok()) return s.error();
  return catalog;
}

// Added to schema version 1 without a version change (docs/store-format.md
// §3, "Purging a batch's quarantine"): additive, and applied to new and
// existing catalogs alike. Quarantine rows stay append-only except for the
// batches listed in quarantine_purges, itself append-only: a purge is one
// recorded act, and nothing else can delete a quarantined row.
constexpr const char* kPurgeSchema = R"sql(
CREATE TABLE quarantine_purges(
  batch_id INTEGER PRIMARY KEY REFERENCES batches(id),
  purged_at TEXT NOT NULL,
  purged_by TEXT NOT NULL,
  rows INTEGER NOT NULL);
CREATE TRIGGER quarantine_purges_no_update BEFORE UPDATE ON quarantine_purges
  BEGIN SELECT RAISE(ABORT, 'quarantine purges are append-only'); END;
CREATE TRIGGER quarantine_purges_no_delete BEFORE DELETE ON quarantine_purges
  BEGIN SELECT RAISE(ABORT, 'quarantine purges are append-only'); END;
DROP TRIGGER quarantine_no_delete;
CREATE TRIGGER quarantine_delete_only_purged BEFORE DELETE ON quarantine
  WHEN NOT EXISTS (SELECT 1 FROM quarantine_purges WHERE batch_id = OLD.batch_id)
  BEGIN SELECT RAISE(ABORT, 'quarantine rows are append-only'); END;
)sql";

Status Catalog::AddPurgeSchemaIfMissing() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                                       "'quarantine_purges'"));
  CSU_ASSIGN_OR_RETURN(has_row, q.Step());
  const bool present = has_row && q.Int(0) != 0;
  q.Reset();
  if (present) return Status::Ok();  // nothing to write: a read-only folder still opens
  if (Status s = Begin(); !s.ok()) return s;
  if (Status s = db_->Exec(kPurgeSchema); !s.ok()) {
    Rollback();
    return s;
  }
  return Commit();
}

Status Catalog::CreateOrCheck(const std::string& key_fingerprint, const std::string& now) {
  if (Status s = Begin(); !s.ok()) return s;
  auto fail = [&](Error e) {
    Rollback();
    return Status(std::move(e));
  };
  auto exists = db_->Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (!exists.ok()) return fail(exists.error());
  auto step = exists.value().Step();
  if (!step.ok()) return fail(step.error());
  const bool fresh = exists.value().Int(0) == 0;
  exists.value().Reset();  // an unfinished statement would block COMMIT
  if (fresh) {
    if (Status s = db_->Exec(kSchema); !s.ok()) return fail(s.error());
    auto ins = db_->Prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)");
    if (!ins.ok()) return fail(ins.error());
    for (auto [k, v] : {std::pair<std::string, std::string>{"schema_version", std::to_string(kSchemaVersion)},
                        {"key_fingerprint", key_fingerprint},
                        {"created_at", now}}) {
      ins.value().Reset();
      if (Status s = ins.value().Bind(1, k).Bind(2, v).Run(); !s.ok()) return fail(s.error());
    }
    if (Status s = Commit(); !s.ok()) return s;
    return AddPurgeSchemaIfMissing();
  }
  auto meta = db_->Prepare("SELECT key, value FROM meta");
  if (!meta.ok()) return fail(meta.error());
  std::string version, fingerprint;
  while (true) {
    auto row = meta.value().Step();
    if (!row.ok()) return fail(row.error());
    if (!row.value()) break;
    if (meta.value().Text(0) == "schema_version") version = meta.value().Text(1);
    if (meta.value().Text(0) == "key_fingerprint") fingerprint = meta.value().Text(1);
  }
  Rollback();  // read-only so far
  if (version != std::to_string(kSchemaVersion)) {
    return MakeError(path(), "catalog schema version " + version + " is not " + std::to_string(kSchemaVersion) +
                                 ": it was written by another version of csu");
  }
  if (fingerprint != key_fingerprint) {
    return MakeError(path(), "the pseudonymisation key has changed: this state folder was created with key " +
                                 fingerprint.substr(0, 8) + "..., the key in use is " +
                                 key_fingerprint.substr(0, 8) +
                                 "...; new pseudonyms would not link to stored ones. Use the original key file "
                                 "(CSU_KEY_FILE) or a new state folder");
  }
  return AddPurgeSchemaIfMissing();
}

Result<std::unique_ptr<Catalog>> Catalog::OpenShared(const std::string& path, const std::string& vfs,
                                                     const std::string& key_fingerprint) {
  CSU_ASSIGN_OR_RETURN(db, SqliteDb::Open(path, vfs, /*create=*/false));
  auto catalog = std::make_unique<Catalog>(std::move(db));
  SqliteDb& d = *catalog->db_;
  if (Status s = d.Exec("PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON"); !s.ok()) return s.error();
  // Asking for the mode changes nothing; a catalog not in WAL mode was
  // never opened by csu, and readers would then block its writer.
  CSU_ASSIGN_OR_RETURN(mode_stmt, d.Prepare("PRAGMA journal_mode"));
  CSU_ASSIGN_OR_RETURN(has_row, mode_stmt.Step());
  if (!has_row || mode_stmt.Text(0) != "wal") return MakeError(path, "the catalog is not in WAL mode: not a csu state folder");
  mode_stmt.Reset();
  if (Status s = d.Exec("BEGIN"); !s.ok()) return s.error();
  catalog->shared_ = true;
  auto meta = d.Prepare("SELECT key, value FROM meta");
  if (!meta.ok()) return meta.error();
  std::string version, fingerprint;
  while (true) {
    auto row = meta.value().Step();
    if (!row.ok()) return row.error();
    if (!row.value()) break;
    if (meta.value().Text(0) == "schema_version") version = meta.value().Text(1);
    if (meta.value().Text(0) == "key_fingerprint") fingerprint = meta.value().Text(1);
  }
  if (version != std::to_string(kSchemaVersion)) {
    return MakeError(path, "catalog schema version " + version + " is not " + std::to_string(kSchemaVersion) +
                               ": it was written by another version of csu");
  }
  if (fingerprint != key_fingerprint) {
    return MakeError(path, "the pseudonymisation key has changed: this state folder was created with key " +
                               fingerprint.substr(0, 8) + "..., the key in use is " + key_fingerprint.substr(0, 8) +
                               "...; use the original key file (CSU_KEY_FILE)");
  }
  CSU_ASSIGN_OR_RETURN(q, d.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                                    "'quarantine_purges'"));
  CSU_ASSIGN_OR_RETURN(purges, q.Step());
  if (!purges || q.Int(0) == 0) {
    return MakeError(path, "the catalog was written by an older csu and is upgraded by the first command that "
                           "holds the folder alone (stop 'csu serve', then run 'csu batches' once)");
  }
  return catalog;
}

Result<int64_t> Catalog::LastAuditSeq() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT coalesce(max(seq), 0) FROM audit"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  (void)row;
  return q.Int(0);
}

Result<int64_t> Catalog::RefreshSnapshot() {
  (void)db_->Exec("COMMIT");  // ends the read transaction (none open after a write)
  if (Status s = db_->Exec("BEGIN"); !s.ok()) return s.error();
  return LastAuditSeq();  // the first read fixes the snapshot
}

Status Catalog::Begin() {
  if (shared_) (void)db_->Exec("COMMIT");  // a write cannot start inside the read snapshot
  return db_->Exec("BEGIN IMMEDIATE");
}
Status Catalog::Commit() {
  Status s = db_->Exec("COMMIT");
  if (shared_ && s.ok()) (void)RefreshSnapshot();
  return s;
}
void Catalog::Rollback() {
  (void)db_->Exec("ROLLBACK");
  if (shared_) (void)RefreshSnapshot();
}

Result<int64_t> Catalog::NextBatchId() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT coalesce(max(id), 0) + 1 FROM batches"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  (void)row;
  return q.Int(0);
}

Status Catalog::InsertBatch(const BatchRecord& b) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("INSERT INTO batches(") + kBatchColumns +
                                       ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"));
  const BatchInfo& i = b.info;
  q.Bind(1, i.id).Bind(2, KindText(i.kind)).Bind(3, i.file_name).Bind(4, i.content_sha256).Bind(5, i.rows_read);
  q.Bind(6, i.rows_accepted).Bind(7, i.rows_quarantined).Bind(8, i.records_restated).Bind(9, i.loaded_at);
  q.Bind(10, i.loaded_by).Bind(11, int64_t{i.removed ? 1 : 0}).Bind(12, b.rows_file).Bind(13, b.rows_bytes);
  q.Bind(14, b.rows_sha256).Bind(15, b.cols_file).Bind(16, b.cols_bytes).Bind(17, b.cols_sha256);
  q.Bind(18, b.format_version);
  return q.Run();
}

Status Catalog::InsertCodes(Dimension d, const CodeList& list, uint32_t first_id, int64_t batch_id) {
  if (first_id >= list.size()) return Status::Ok();
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO dictionary(dimension, id, code, batch_id) VALUES (?1,?2,?3,?4)"));
  for (uint32_t id = first_id; id < list.size(); ++id) {
    q.Reset();
    q.Bind(1, DimensionName(d)).Bind(2, int64_t{id}).Bind(3, list.code(id)).Bind(4, batch_id);
    if (Status s = q.Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Catalog::InsertCode(const DictionaryCode& code, int64_t batch_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO dictionary(dimension, id, code, batch_id) VALUES (?1,?2,?3,?4)"));
  q.Bind(1, code.dimension).Bind(2, code.id).Bind(3, code.code).Bind(4, batch_id);
  return q.Run();
}

Result<std::vector<DictionaryCode>> Catalog::CodesOf(int64_t batch_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT dimension, id, code FROM dictionary WHERE batch_id = ?1 "
                                       "ORDER BY dimension, id"));
  q.Bind(1, batch_id);
  std::vector<DictionaryCode> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(DictionaryCode{q.Text(0), q.Int(1), q.Text(2)});
  }
  return out;
}

Result<std::pair<std::string, std::string>> Catalog::RemovedAtBy(int64_t batch_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT coalesce(removed_at, ''), coalesce(removed_by, '') FROM batches "
                                       "WHERE id = ?1 AND removed = 1"));
  q.Bind(1, batch_id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::pair<std::string, std::string>();
  return std::pair<std::string, std::string>(q.Text(0), q.Text(1));
}

Status Catalog::InsertQuarantine(int64_t batch_id, const std::vector<QuarantinedRow>& rows) {
  if (rows.empty()) return Status::Ok();
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO quarantine(batch_id, line, column_name, reason, detail, "
                                       "masked_text) VALUES (?1,?2,?3,?4,?5,?6)"));
  for (const QuarantinedRow& r : rows) {
    q.Reset();
    q.Bind(1, batch_id).Bind(2, r.line).Bind(3, r.column).Bind(4, r.reason).Bind(5, r.detail).Bind(6, r.masked_text);
    if (Status s = q.Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Catalog::MarkRemoved(int64_t batch_id, const std::string& at, const std::string& by) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("UPDATE batches SET removed = 1, removed_at = ?2, removed_by = ?3 "
                                       "WHERE id = ?1 AND removed = 0"));
  q.Bind(1, batch_id).Bind(2, at).Bind(3, by);
  return q.Run();
}

Result<int64_t> Catalog::PurgeQuarantine(int64_t batch_id, const std::string& at, const std::string& by) {
  CSU_ASSIGN_OR_RETURN(count, db_->Prepare("SELECT count(*) FROM quarantine WHERE batch_id = ?1"));
  count.Bind(1, batch_id);
  CSU_ASSIGN_OR_RETURN(has_row, count.Step());
  const int64_t rows = has_row ? count.Int(0) : 0;
  count.Reset();
  CSU_ASSIGN_OR_RETURN(mark, db_->Prepare("INSERT INTO quarantine_purges(batch_id, purged_at, purged_by, rows) "
                                          "VALUES (?1, ?2, ?3, ?4)"));
  mark.Bind(1, batch_id).Bind(2, at).Bind(3, by).Bind(4, rows);
  if (Status s = mark.Run(); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(del, db_->Prepare("DELETE FROM quarantine WHERE batch_id = ?1"));
  del.Bind(1, batch_id);
  if (Status s = del.Run(); !s.ok()) return s.error();
  return rows;
}

Status Catalog::UpdateColumnFile(int64_t batch_id, const std::string& file, int64_t bytes, const std::string& sha256) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("UPDATE batches SET cols_file = ?2, cols_bytes = ?3, cols_sha256 = ?4 "
                                       "WHERE id = ?1"));
  q.Bind(1, batch_id).Bind(2, file).Bind(3, bytes).Bind(4, sha256);
  return q.Run();
}

Result<AuditEntry> Catalog::AppendAudit(const std::string& at, const std::string& actor, const std::string& action,
                                        const std::string& subject, const std::string& details) {
  CSU_ASSIGN_OR_RETURN(last, db_->Prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
  CSU_ASSIGN_OR_RETURN(has_last, last.Step());
  AuditHead head;
  if (has_last) head = {last.Int(0), last.Text(1)};
  const AuditEntry e = NextAuditEntry(head, at, actor, action, subject, details);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO audit(seq, at, actor, action, subject, details, prev_hash, hash) "
                                       "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
  q.Bind(1, e.seq).Bind(2, e.at).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.subject).Bind(6, e.details);
  q.Bind(7, e.prev_hash).Bind(8, e.hash);
  if (Status s = q.Run(); !s.ok()) return s.error();
  return e;
}

Result<std::vector<BatchRecord>> Catalog::QueryBatches(const std::string& where, int64_t a, const std::string& b) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kBatchColumns + " FROM batches " + where +
                                       " ORDER BY id"));
  if (where.find("?1") != std::string::npos) q.Bind(1, a);
  if (where.find("?2") != std::string::npos) q.Bind(2, b);
  std::vector<BatchRecord> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    BatchRecord r;
    BatchInfo& i = r.info;
    i.id = q.Int(0);
    CSU_ASSIGN_OR_RETURN(kind, KindFrom(q.Text(1), path()));
    i.kind = kind;
    i.file_name = q.Text(2);
    i.content_sha256 = q.Text(3);
    i.rows_read = q.Int(4);
    i.rows_accepted = q.Int(5);
    i.rows_quarantined = q.Int(6);
    i.records_restated = q.Int(7);
    i.loaded_at = q.Text(8);
    i.loaded_by = q.Text(9);
    i.removed = q.Int(10) != 0;
    r.rows_file = q.Text(11);
    r.rows_bytes = q.Int(12);
    r.rows_sha256 = q.Text(13);
    r.cols_file = q.Text(14);
    r.cols_bytes = q.Int(15);
    r.cols_sha256 = q.Text(16);
    r.format_version = q.Int(17);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<BatchRecord>> Catalog::Batches() { return QueryBatches("", 0, ""); }

Result<std::optional<BatchRecord>> Catalog::Batch(int64_t id) {
  CSU_ASSIGN_OR_RETURN(rows, QueryBatches("WHERE id = ?1", id, ""));
  if (rows.empty()) return std::optional<BatchRecord>();
  return std::optional<BatchRecord>(std::move(rows[0]));
}

Result<std::optional<BatchRecord>> Catalog::FindByContent(ingest::ExtractKind kind, const std::string& sha256) {
  CSU_ASSIGN_OR_RETURN(rows, QueryBatches("WHERE removed = 0 AND kind = '" + std::string(KindText(kind)) +
                                              "' AND content_sha256 = ?2",
                                          0, sha256));
  if (rows.empty()) return std::optional<BatchRecord>();
  return std::optional<BatchRecord>(std::move(rows.back()));
}

Result<CodeDictionaries> Catalog::LoadDictionaries() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT dimension, id, code FROM dictionary ORDER BY dimension, id"));
  CodeDictionaries dicts;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    std::string name = q.Text(0);
    std::optional<Dimension> dim;
    for (size_t d = 0; d < kDimensionCount; ++d) {
      if (DimensionName(static_cast<Dimension>(d)) == name) dim = static_cast<Dimension>(d);
    }
    if (!dim) return MakeError(path(), "catalog damaged: unknown dictionary '" + name + "'");
    CodeList& list = dicts[*dim];
    std::string code = q.Text(2);
    if (q.Int(1) != list.size() || code.empty() || list.Find(code) != 0) {
      return MakeError(path(), "catalog damaged: dictionary '" + name + "' id " + std::to_string(q.Int(1)) +
                                   " is out of sequence");
    }
    list.Append(code);
  }
  return dicts;
}

Result<std::vector<QuarantinedRow>> Catalog::Quarantine(std::optional<int64_t> batch_id) {
  std::string sql = "SELECT batch_id, line, column_name, reason, detail, masked_text FROM quarantine";
  sql += batch_id ? " WHERE batch_id = ?1" : "";
  sql += " ORDER BY batch_id, line, rowid";
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(sql));
  if (batch_id) q.Bind(1, *batch_id);
  std::vector<QuarantinedRow> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(QuarantinedRow{q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5)});
  }
  return out;
}

Result<std::vector<QuarantineCount>> Catalog::QuarantineCounts() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT batch_id, column_name, reason, count(*) FROM quarantine "
                                       "GROUP BY batch_id, column_name, reason ORDER BY batch_id, 4 DESC, 2, 3"));
  std::vector<QuarantineCount> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(QuarantineCount{q.Int(0), q.Text(1), q.Text(2), q.Int(3)});
  }
  return out;
}

Result<std::vector<AuditEntry>> Catalog::Audit() { return AuditFrom(0); }

Result<std::vector<AuditEntry>> Catalog::AuditFrom(int64_t seq) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT seq, at, actor, action, subject, details, prev_hash, hash "
                                       "FROM audit WHERE seq >= ?1 ORDER BY seq"));
  q.Bind(1, seq);
  std::vector<AuditEntry> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(AuditEntry{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)});
  }
  return out;
}

Result<std::vector<std::string>> Catalog::IntegrityCheck() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("PRAGMA integrity_check"));
  std::vector<std::string> lines;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    lines.push_back(q.Text(0));
  }
  return lines;
}

}  // namespace csu::store
