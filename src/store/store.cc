// Store::Open and the StoreImpl that carries out the commit protocol,
// removal, rebuild and recovery of docs/store-format.md §5–6.
#include "store/store.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "store/audit_chain.h"
#include "store/batch_builder.h"
#include "store/batch_export.h"
#include "store/catalog.h"
#include "store/column_file.h"
#include "store/env.h"
#include "store/sha256.h"
#include "store/store_checks.h"
#include "store/table_loader.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

std::string Nonce(Env& env) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, env.RandomU64());
  return buf;
}

std::string BatchStem(int64_t id, const std::string& nonce) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06" PRId64 "-", id);
  return buf + nonce;
}

// Feeds parsed rows back through a ColumnEncoder (for Rebuild).
class EncoderSink final : public ingest::RecordSink {
 public:
  explicit EncoderSink(ColumnEncoder& encoder) : encoder_(encoder) {}
  ExtractKind kind() const override { return encoder_.kind(); }
  void AddApc(const ingest::ApcRecord& r) override { encoder_.Add(r); }
  void AddOp(const ingest::OpRecord& r) override { encoder_.Add(r); }
  void AddAe(const ingest::AeRecord& r) override { encoder_.Add(r); }
  void AddQuarantined(QuarantinedRow) override {}

 private:
  ColumnEncoder& encoder_;
};

class StoreImpl final : public Store {
 public:
  StoreImpl(std::string dir, Env& env, std::unique_ptr<FileLock> lock, std::unique_ptr<Catalog> catalog,
            CodeDictionaries dictionaries, std::string key_fingerprint, bool shared = false)
      : shared_(shared),
        dir_(std::move(dir)),
        batches_dir_(dir_ + "/batches"),
        env_(env),
        lock_(std::move(lock)),
        catalog_(std::move(catalog)),
        dicts_(std::move(dictionaries)),
        key_fingerprint_(std::move(key_fingerprint)) {}

  const std::string& dir() const override { return dir_; }

  Status CleanOrphans();

  Result<std::optional<BatchInfo>> FindByContent(ExtractKind kind, const std::string& sha256) override {
    if (!catalog_) return broken_.error();
    CSU_ASSIGN_OR_RETURN(found, catalog_->FindByContent(kind, sha256));
    if (!found) return std::optional<BatchInfo>();
    return std::optional<BatchInfo>(found->info);
  }

  Result<std::unique_ptr<BatchBuilder>> NewBatch(ExtractKind kind, size_t expected_records) override;
  Result<BatchInfo> CommitBatch(std::unique_ptr<BatchBuilder> batch, BatchInfo info) override;

  Result<std::vector<BatchInfo>> ListBatches() override {
    if (!catalog_) return broken_.error();
    CSU_ASSIGN_OR_RETURN(batches, catalog_->Batches());
    std::vector<BatchInfo> out;
    for (BatchRecord& b : batches) out.push_back(std::move(b.info));
    return out;
  }

  Result<std::vector<QuarantinedRow>> Quarantine(std::optional<int64_t> batch_id) override {
    if (!catalog_) return broken_.error();
    return catalog_->Quarantine(batch_id);
  }
  Result<std::vector<QuarantineCount>> QuarantineCounts() override {
    if (!catalog_) return broken_.error();
    return catalog_->QuarantineCounts();
  }

  Status RemoveBatch(int64_t batch_id, const std::string& actor) override;
  Result<int64_t> PurgeQuarantine(int64_t batch_id, const std::string& actor) override;

  Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                     const std::string& details_json) override {
    if (Status s = RecoverIfBroken(); !s.ok()) return s;
    if (Status s = catalog_->Begin(); !s.ok()) return s;
    auto entry = catalog_->AppendAudit(env_.NowUtc(), actor, action, subject, details_json);
    if (!entry.ok()) {
      catalog_->Rollback();
      return entry.error();
    }
    Status committed = CommitOrBreak(entry.value().seq);
    // A shared catalog's snapshot moved on with the commit: the
    // dictionaries must be the new snapshot's too.
    if (shared_ && committed.ok()) (void)Resnapshot();
    return committed;
  }

  Result<int64_t> VerifyAudit() override {
    if (!catalog_) return broken_.error();
    CSU_ASSIGN_OR_RETURN(entries, catalog_->Audit());
    CSU_ASSIGN_OR_RETURN(n, VerifyAuditChain(entries));
    if (!entries.empty()) verified_ = AuditHead{entries.back().seq, entries.back().hash};
    return n;
  }
  Result<int64_t> VerifyNewAudit() override;
  Status Health() const override {
    std::lock_guard<std::mutex> lock(health_mu_);
    return health_;
  }

  Result<std::vector<AuditEntry>> Audit() override {
    if (!catalog_) return broken_.error();
    return catalog_->Audit();
  }

  Result<std::vector<std::string>> Verify() override;
  Status Rebuild(int64_t batch_id, const std::string& actor) override;

  Result<ActivityTables> Load(ExtractKind kind) override {
    return Retrying([&]() -> Result<ActivityTables> {
      ActivityTables tables;
      tables.codes = dicts_;
      if (Status s = LoadOne(kind, tables); !s.ok()) return s.error();
      return tables;
    });
  }

  Result<BatchTransfer> ExportBatch(int64_t batch_id) override;
  Result<BatchInfo> AdoptBatch(const BatchTransfer& batch, const std::string& actor) override;

  Result<std::optional<RecordLocation>> FindRecord(ExtractKind kind, std::string_view provider,
                                                   std::string_view record_id) override {
    return Retrying([&] { return FindRecordOnce(kind, provider, record_id); });
  }

  Result<ActivityTables> LoadAll() override {
    return Retrying([&]() -> Result<ActivityTables> {
      ActivityTables tables;
      tables.codes = dicts_;
      for (ExtractKind kind : {ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe}) {
        if (Status s = LoadOne(kind, tables); !s.ok()) return s.error();
      }
      return tables;
    });
  }

  Result<ActivityTables> LoadShare(const std::vector<std::string>& commissioners) override {
    return Retrying([&]() -> Result<ActivityTables> {
      ActivityTables tables;
      tables.codes = dicts_;
      const CodeList& list = tables.codes.commissioner();
      std::vector<uint8_t> only(list.size(), 0);
      for (const std::string& code : commissioners)
        if (const uint32_t id = list.Find(code); id != 0) only[id] = 1;
      for (ExtractKind kind : {ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe}) {
        if (Status s = LoadOne(kind, tables, &only); !s.ok()) return s.error();
      }
      return tables;
    });
  }

  // Shared stores (docs/store-format.md §1): opened on a snapshot of the
  // catalog, with the dictionaries of that snapshot.
  Status StartShared() {
    CSU_ASSIGN_OR_RETURN(seq, catalog_->LastAuditSeq());
    snapshot_seq_ = seq;
    return Status::Ok();
  }

 private:
  // Writes of batches need the folder alone; a shared store refuses them
  // (the command line opens those commands exclusively, so this is a
  // backstop, not the message a user sees).
  Status RefuseIfShared() const {
    if (!shared_) return Status::Ok();
    return MakeError(dir_, "the state folder was opened shared (beside the process that holds it), so its batches "
                           "cannot be changed; stop that process (csu serve) and run the command again");
  }

  // A shared store's snapshot moves to the latest commit, with its
  // dictionaries. Sets snapshot_seq_.
  Status Resnapshot() {
    CSU_ASSIGN_OR_RETURN(seq, catalog_->RefreshSnapshot());
    CSU_ASSIGN_OR_RETURN(dicts, catalog_->LoadDictionaries());
    snapshot_seq_ = seq;
    dicts_ = std::move(dicts);
    return Status::Ok();
  }

  static bool Succeeded(const Result<std::vector<std::string>>& problems) {
    return problems.ok() && problems.value().empty();
  }
  template <typename R>
  static bool Succeeded(const R& r) {
    return r.ok();
  }
  // A shared store reads files named by its snapshot, which the folder's
  // holder may delete after it (a batch removal, a rebuild's old column
  // file: commits never change a file in place, they only add new names).
  // A read that fails, or a check that finds problems, is tried again on a
  // fresh snapshot when the catalog has changed since; when it has not, the
  // failure is real.
  template <typename F>
  auto Retrying(F&& read) -> decltype(read()) {
    auto r = read();
    for (int attempt = 0; shared_ && !Succeeded(r) && attempt < 3; ++attempt) {
      const int64_t before = snapshot_seq_;
      if (!Resnapshot().ok() || snapshot_seq_ == before) break;
      r = read();
    }
    return r;
  }

  Result<std::optional<RecordLocation>> FindRecordOnce(ExtractKind kind, std::string_view provider,
                                                       std::string_view record_id);
  Result<std::vector<std::string>> VerifyOnce();

  Result<std::vector<BatchRecord>> ActiveBatches(ExtractKind kind) {
    if (!catalog_) return broken_.error();
    CSU_ASSIGN_OR_RETURN(all, catalog_->Batches());
    std::vector<BatchRecord> out;
    for (BatchRecord& b : all) {
      if (!b.info.removed && b.info.kind == kind) out.push_back(std::move(b));
    }
    return out;
  }

  Status LoadOne(ExtractKind kind, ActivityTables& tables, const std::vector<uint8_t>* only = nullptr) {
    CSU_ASSIGN_OR_RETURN(batches, ActiveBatches(kind));
    return LoadKind(env_, batches_dir_, kind, batches, tables, only);
  }

  // The keys of the active batches of `kind`, in a set sized to take
  // `more_keys` further keys without growing.
  Result<KeySet> ActiveKeys(ExtractKind kind, size_t more_keys);
  Status WriteDurably(const std::string& path, std::string_view bytes);

  // COMMIT; on failure the outcome is unknown, so the store stops writing
  // on this connection until RecoverIfBroken has re-read the catalog.
  // `audit_seq` is the audit entry the transaction appended: once committed
  // it is acknowledged, and a recovery must find it.
  Status CommitOrBreak(int64_t audit_seq) {
    Status s = catalog_->Commit();
    if (!s.ok()) {
      broken_ = MakeError(catalog_->path(), "a catalog commit failed (" + s.error().why +
                                                "), so whether it took effect is unknown; the next write re-reads "
                                                "the catalog from disk to find out");
    } else {
      acknowledged_seq_ = std::max(acknowledged_seq_, audit_seq);
    }
    Publish();
    return s;
  }

  // Before every write: when an earlier commit failed, resolves it the way a
  // restart would (store.h, durability contract). OK when writing may go on.
  Status RecoverIfBroken();
  // Makes broken_ visible to Health() (other threads).
  void Publish() {
    std::lock_guard<std::mutex> lock(health_mu_);
    health_ = broken_;
  }
  // Hashes the audit entries after verified_, after checking verified_ is
  // still there unchanged; moves verified_ to the last entry.
  Result<int64_t> VerifyFromHead(Catalog& catalog);

  // Best-effort removal on an error path: a file left behind is an orphan
  // that the next Open removes.
  void Discard(const std::string& path) { (void)env_.RemoveFile(path); }

  const bool shared_;
  int64_t snapshot_seq_ = 0;  // shared: the last audit entry in the snapshot
  std::string dir_;
  std::string batches_dir_;
  Env& env_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<Catalog> catalog_;
  CodeDictionaries dicts_;
  std::string key_fingerprint_;  // to reopen the catalog
  // Bumped by every commit and removal; a builder from an older generation
  // was encoded against stale dictionaries and keys.
  uint64_t generation_ = 0;
  // Set when a COMMIT failed; cleared by a recovery (RecoverIfBroken).
  Status broken_;
  // broken_ as other threads may see it (Health()).
  mutable std::mutex health_mu_;
  Status health_;
  // The last audit entry this Store verified (VerifyAudit, VerifyNewAudit,
  // a recovery), and the last one it committed itself.
  AuditHead verified_;
  int64_t acknowledged_seq_ = 0;
};

Result<int64_t> StoreImpl::VerifyFromHead(Catalog& catalog) {
  CSU_ASSIGN_OR_RETURN(entries, catalog.AuditFrom(verified_.seq));
  size_t first = 0;
  if (verified_.seq > 0) {
    const std::string where = "audit entry " + std::to_string(verified_.seq);
    if (entries.empty() || entries[0].seq != verified_.seq) {
      return MakeError(where, "was verified earlier and is now missing (the log was cut back)");
    }
    if (entries[0].hash != verified_.hash) {
      return MakeError(where, "its hash changed since it was verified (the entry was changed)");
    }
    first = 1;
  }
  CSU_ASSIGN_OR_RETURN(last, VerifyAuditChain(entries, first, verified_));
  if (!entries.empty()) verified_ = AuditHead{entries.back().seq, entries.back().hash};
  return last;
}

Result<int64_t> StoreImpl::VerifyNewAudit() {
  if (!catalog_) return broken_.error();
  return VerifyFromHead(*catalog_);
}

Status StoreImpl::RecoverIfBroken() {
  if (broken_.ok()) return Status::Ok();
  // A recovery removes orphans, which only the folder's holder may do.
  if (shared_) return broken_;
  const std::string path = dir_ + "/catalog.sqlite";
  const std::string cause = broken_.error().why;
  auto still = [&](const std::string& why) {
    broken_ = MakeError(path, "writes stopped after a failed commit (" + cause + "); " + why);
    Publish();
    return broken_;
  };
  // Close the connection before reopening: with no connection left, SQLite
  // drops its shared view of the WAL and the reopened one rebuilds it from
  // the file, so it sees exactly what reached the disk. Closing also ends
  // any transaction the failed COMMIT left open.
  catalog_.reset();
  auto reopened = Catalog::Open(path, env_.SqliteVfs(), key_fingerprint_, env_.NowUtc());
  if (!reopened.ok()) return still("reopening the catalog failed: " + reopened.error().why);
  Catalog& catalog = *reopened.value();
  // Acknowledged writes must all be there, and the chain must still link
  // from the last verified entry through whatever the failed commit left.
  auto chain = VerifyFromHead(catalog);
  if (!chain.ok()) {
    catalog_ = std::move(reopened).value();  // reads go on; writes stay refused
    return still("the audit chain re-read from disk does not verify: " + chain.error().ToString() +
                 "; stop csu and run 'csu store verify'");
  }
  if (chain.value() < acknowledged_seq_) {
    catalog_ = std::move(reopened).value();
    return still("the catalog re-read from disk ends at audit entry " + std::to_string(chain.value()) +
                 ", but entry " + std::to_string(acknowledged_seq_) +
                 " was committed; stop csu and run 'csu store verify'");
  }
  // Codes keep their ids for ever: what is on disk extends what this
  // process encoded with, by the codes of a commit that did take effect.
  auto dicts = catalog.LoadDictionaries();
  if (!dicts.ok()) {
    catalog_ = std::move(reopened).value();
    return still("reading the dictionaries failed: " + dicts.error().why);
  }
  for (size_t d = 0; d < kDimensionCount; ++d) {
    const Dimension dim = static_cast<Dimension>(d);
    const CodeList& had = dicts_[dim];
    const CodeList& now = dicts.value()[dim];
    bool extends = now.size() >= had.size();
    for (uint32_t id = 1; extends && id < had.size(); ++id) extends = had.code(id) == now.code(id);
    if (!extends) {
      catalog_ = std::move(reopened).value();
      return still("dictionary '" + std::string(DimensionName(dim)) +
                   "' on disk does not extend the one in use; stop csu and run 'csu store verify'");
    }
  }
  catalog_ = std::move(reopened).value();
  dicts_ = std::move(dicts).value();
  ++generation_;  // a builder started before may have been encoded against fewer codes
  // The files of a commit that did not take effect are orphans now, as at
  // Open; one that cannot be removed is tried again at the next Open.
  (void)CleanOrphans();
  broken_ = Status::Ok();
  // Health() turns OK when a write commits again (CommitOrBreak), not here:
  // on a disk that is still full the write that follows fails at once.
  return Status::Ok();
}

Status StoreImpl::CleanOrphans() {
  CSU_ASSIGN_OR_RETURN(batches, catalog_->Batches());
  std::set<std::string> live;
  for (const BatchRecord& b : batches) {
    if (b.info.removed) continue;
    live.insert(b.rows_file);
    live.insert(b.cols_file);
  }
  CSU_ASSIGN_OR_RETURN(names, env_.ListDir(batches_dir_));
  bool removed = false;
  for (const std::string& name : names) {
    if (live.count(name) != 0) continue;
    // An orphan that cannot be removed now is harmless (nothing names it)
    // and is tried again at the next Open; Verify reports it meanwhile.
    if (env_.RemoveFile(batches_dir_ + "/" + name).ok()) removed = true;
  }
  if (removed) return env_.SyncDir(batches_dir_);
  return Status::Ok();
}

Result<KeySet> StoreImpl::ActiveKeys(ExtractKind kind, size_t more_keys) {
  CSU_ASSIGN_OR_RETURN(batches, ActiveBatches(kind));
  std::vector<OpenedColumnFile> files;
  size_t rows = 0, id_bytes = 0;
  for (const BatchRecord& b : batches) {
    CSU_ASSIGN_OR_RETURN(file, OpenColumnFile(env_, batches_dir_, b));
    CSU_ASSIGN_OR_RETURN(bytes, file.reader.Count<uint8_t>("record_id_bytes", -1));
    rows += file.reader.rows();
    id_bytes += bytes;
    files.push_back(std::move(file));
  }
  // A new batch's ids are assumed as long as the stored ones (16 bytes when
  // nothing is stored); a wrong guess only costs the arena a reallocation.
  const size_t id_bytes_per_key = rows > 0 ? (id_bytes + rows - 1) / rows : 16;
  KeySet keys(rows + more_keys, id_bytes + more_keys * id_bytes_per_key);
  std::vector<uint16_t> provider;
  std::vector<uint32_t> offsets;
  std::vector<uint8_t> ids;
  for (OpenedColumnFile& file : files) {
    if (Status s = DecodeKeys(file.reader, provider, offsets, ids); !s.ok()) return s.error();
    for (size_t r = 0; r < provider.size(); ++r) {
      keys.Insert(provider[r],
                  std::string_view(reinterpret_cast<const char*>(ids.data()) + offsets[r], offsets[r + 1] - offsets[r]));
    }
    file.file.reset();
  }
  return keys;
}

Result<std::optional<RecordLocation>> StoreImpl::FindRecordOnce(ExtractKind kind, std::string_view provider,
                                                                 std::string_view record_id) {
  const uint32_t provider_id = dicts_[Dimension::kProvider].Find(provider);
  if (provider_id == 0) return std::optional<RecordLocation>();
  CSU_ASSIGN_OR_RETURN(batches, ActiveBatches(kind));
  std::vector<uint16_t> providers;
  std::vector<uint32_t> offsets;
  std::vector<uint8_t> ids;
  // Newest batch first, last row first: the first hit is the record's
  // latest version, the one Load keeps.
  for (auto b = batches.rbegin(); b != batches.rend(); ++b) {
    CSU_ASSIGN_OR_RETURN(file, OpenColumnFile(env_, batches_dir_, *b));
    if (Status s = DecodeKeys(file.reader, providers, offsets, ids); !s.ok()) return s.error();
    for (size_t r = providers.size(); r-- > 0;) {
      if (providers[r] != provider_id) continue;
      std::string_view id(reinterpret_cast<const char*>(ids.data()) + offsets[r], offsets[r + 1] - offsets[r]);
      if (id == record_id) return std::optional<RecordLocation>(RecordLocation{b->info.id, static_cast<uint32_t>(r)});
    }
  }
  return std::optional<RecordLocation>();
}

Result<std::unique_ptr<BatchBuilder>> StoreImpl::NewBatch(ExtractKind kind, size_t expected_records) {
  if (Status s = RefuseIfShared(); !s.ok()) return s.error();
  if (Status s = RecoverIfBroken(); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(keys, ActiveKeys(kind, expected_records));
  std::string nonce = Nonce(env_);
  std::string tmp = batches_dir_ + "/tmp-" + nonce + ".rows.zst";
  CSU_ASSIGN_OR_RETURN(file, env_.NewWritableFile(tmp));
  return std::unique_ptr<BatchBuilder>(std::make_unique<BatchBuilderImpl>(
      this, generation_, kind, dicts_, expected_records, std::move(keys), env_, tmp, nonce, std::move(file)));
}

Status StoreImpl::WriteDurably(const std::string& path, std::string_view bytes) {
  CSU_ASSIGN_OR_RETURN(file, env_.NewWritableFile(path));
  Status s = file->Append(bytes);
  if (s.ok()) s = file->Sync();
  Status closed = file->Close();
  return s.ok() ? closed : s;
}

Result<BatchInfo> StoreImpl::CommitBatch(std::unique_ptr<BatchBuilder> batch, BatchInfo info) {
  if (Status s = RefuseIfShared(); !s.ok()) return s.error();
  if (Status s = RecoverIfBroken(); !s.ok()) return s.error();
  auto* b = dynamic_cast<BatchBuilderImpl*>(batch.get());
  if (b == nullptr || b->owner() != this) return MakeError(dir_, "the batch was not started by this store");
  if (Status s = b->status(); !s.ok()) return s.error();
  if (b->generation() != generation_) {
    return MakeError(dir_, "another batch was committed or removed after this one was started; start it again");
  }
  const int64_t accepted = b->records();
  const int64_t quarantined = b->quarantined();
  if (info.rows_read == 0) info.rows_read = accepted + quarantined;
  if (info.rows_read != accepted + quarantined) {
    return MakeError(info.file_name, "rows read (" + std::to_string(info.rows_read) + ") is not accepted (" +
                                         std::to_string(accepted) + ") plus quarantined (" +
                                         std::to_string(quarantined) + ")");
  }
  info.kind = b->kind();
  info.rows_accepted = accepted;
  info.rows_quarantined = quarantined;
  info.records_restated = b->restated();
  info.loaded_at = env_.NowUtc();
  info.removed = false;

  // 1–2. Both files durable under temporary names. On failure the builder's
  // destructor removes the temporary rows file.
  CSU_ASSIGN_OR_RETURN(rows_info, b->rows().Finish());
  const std::string tmp_cols = batches_dir_ + "/tmp-" + b->nonce() + ".cols";
  const std::string cols = EncodeColumnFile(b->encoder().columns(), rows_info.sha256);
  if (Status s = WriteDurably(tmp_cols, cols); !s.ok()) {
    Discard(tmp_cols);
    return s.error();
  }
  // 3. The write lock, then the id.
  if (Status s = catalog_->Begin(); !s.ok()) {
    Discard(tmp_cols);
    return s.error();
  }
  auto id = catalog_->NextBatchId();
  if (!id.ok()) {
    catalog_->Rollback();
    Discard(tmp_cols);
    return id.error();
  }
  info.id = id.value();
  BatchRecord record;
  record.info = info;
  const std::string stem = BatchStem(info.id, b->nonce());
  record.rows_file = stem + ".rows.zst";
  record.rows_bytes = static_cast<int64_t>(rows_info.bytes);
  record.rows_sha256 = HexOf(rows_info.sha256);
  record.cols_file = stem + ".cols";
  record.cols_bytes = static_cast<int64_t>(cols.size());
  record.cols_sha256 = TrailerSha256Hex(cols);
  const std::string rows_path = batches_dir_ + "/" + record.rows_file;
  const std::string cols_path = batches_dir_ + "/" + record.cols_file;

  // 4–5. Rename, fsync the directory, then the catalog rows in the same
  // transaction. Until COMMIT runs nothing is visible, so any failure up to
  // there rolls back and removes what was written.
  b->Disarm();
  auto abandon = [&](const Error& e) -> Result<BatchInfo> {
    catalog_->Rollback();
    for (const std::string& p : {b->tmp_rows_path(), tmp_cols, rows_path, cols_path}) {
      if (env_.FileExists(p)) Discard(p);
    }
    return e;
  };
  if (Status s = env_.RenameFile(b->tmp_rows_path(), rows_path); !s.ok()) return abandon(s.error());
  if (Status s = env_.RenameFile(tmp_cols, cols_path); !s.ok()) return abandon(s.error());
  if (Status s = env_.SyncDir(batches_dir_); !s.ok()) return abandon(s.error());
  if (Status s = catalog_->InsertBatch(record); !s.ok()) return abandon(s.error());
  const ColumnEncoder& enc = b->encoder();
  for (size_t d = 0; d < kDimensionCount; ++d) {
    Dimension dim = static_cast<Dimension>(d);
    if (Status s = catalog_->InsertCodes(dim, enc.dictionaries()[dim], enc.base_size(dim), info.id); !s.ok()) {
      return abandon(s.error());
    }
  }
  if (Status s = catalog_->InsertQuarantine(info.id, b->quarantine()); !s.ok()) return abandon(s.error());
  std::string details = "{\"batch\":" + std::to_string(info.id) + ",\"kind\":" + JsonString(std::string(KindText(info.kind))) +
                        ",\"file\":" + JsonString(info.file_name) + ",\"sha256\":" + JsonString(info.content_sha256) +
                        ",\"rows_read\":" + std::to_string(info.rows_read) + ",\"accepted\":" + std::to_string(accepted) +
                        ",\"quarantined\":" + std::to_string(quarantined) +
                        ",\"restated\":" + std::to_string(info.records_restated) + "}";
  auto entry = catalog_->AppendAudit(info.loaded_at, info.loaded_by, "ingest", "batch " + std::to_string(info.id),
                                     details);
  if (!entry.ok()) return abandon(entry.error());
  // The outcome of a failed COMMIT is unknown: leave the files for the next
  // Open to keep (row committed) or remove (row not committed).
  if (Status s = CommitOrBreak(entry.value().seq); !s.ok()) return s.error();
  // 6. Visible and durable.
  dicts_ = enc.dictionaries();
  ++generation_;
  return info;
}

Result<int64_t> StoreImpl::PurgeQuarantine(int64_t batch_id, const std::string& actor) {
  if (Status s = RefuseIfShared(); !s.ok()) return s.error();
  if (Status s = RecoverIfBroken(); !s.ok()) return s.error();
  if (Status s = catalog_->Begin(); !s.ok()) return s.error();
  auto fail = [&](Error e) -> Result<int64_t> {
    catalog_->Rollback();
    return e;
  };
  auto found = catalog_->Batch(batch_id);
  if (!found.ok()) return fail(found.error());
  if (!found.value()) return fail(MakeError("batch " + std::to_string(batch_id), "no such batch"));
  const std::string now = env_.NowUtc();
  auto rows = catalog_->PurgeQuarantine(batch_id, now, actor);
  if (!rows.ok()) {
    const bool again = rows.error().why.find("UNIQUE") != std::string::npos;
    return fail(again ? MakeError("batch " + std::to_string(batch_id), "its quarantine was purged already")
                      : rows.error());
  }
  const std::string details = "{\"batch\":" + std::to_string(batch_id) + ",\"rows_deleted\":" +
                              std::to_string(rows.value()) + "}";
  auto entry = catalog_->AppendAudit(now, actor, "quarantine.purge", "batch " + std::to_string(batch_id), details);
  if (!entry.ok()) return fail(entry.error());
  if (Status s = CommitOrBreak(entry.value().seq); !s.ok()) return s.error();
  return rows.value();
}

Status StoreImpl::RemoveBatch(int64_t batch_id, const std::string& actor) {
  if (Status s = RefuseIfShared(); !s.ok()) return s;
  if (Status s = RecoverIfBroken(); !s.ok()) return s;
  if (Status s = catalog_->Begin(); !s.ok()) return s;
  auto found = catalog_->Batch(batch_id);
  if (!found.ok() || !found.value() || found.value()->info.removed) {
    catalog_->Rollback();
    if (!found.ok()) return found.error();
    return MakeError("batch " + std::to_string(batch_id), "no such active batch");
  }
  const BatchRecord batch = *found.value();
  const std::string now = env_.NowUtc();
  Status s = catalog_->MarkRemoved(batch_id, now, actor);
  int64_t seq = 0;
  if (s.ok()) {
    std::string details = "{\"batch\":" + std::to_string(batch_id) + ",\"file\":" + JsonString(batch.info.file_name) +
                          ",\"sha256\":" + JsonString(batch.info.content_sha256) + "}";
    auto entry = catalog_->AppendAudit(now, actor, "batch.remove", "batch " + std::to_string(batch_id), details);
    if (entry.ok()) seq = entry.value().seq;
    s = entry.status();
  }
  if (!s.ok()) {
    catalog_->Rollback();
    return s;
  }
  if (Status c = CommitOrBreak(seq); !c.ok()) return c;
  ++generation_;
  // The removal is durable; the files are now orphans. Failing to delete
  // them is not an error: the next Open retries.
  Discard(batches_dir_ + "/" + batch.rows_file);
  Discard(batches_dir_ + "/" + batch.cols_file);
  (void)env_.SyncDir(batches_dir_);
  return Status::Ok();
}

Status StoreImpl::Rebuild(int64_t batch_id, const std::string& actor) {
  if (Status s = RefuseIfShared(); !s.ok()) return s;
  if (Status s = RecoverIfBroken(); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(found, catalog_->Batch(batch_id));
  if (!found || found->info.removed) return MakeError("batch " + std::to_string(batch_id), "no such active batch");
  const BatchRecord batch = *found;
  const std::string rows_path = batches_dir_ + "/" + batch.rows_file;
  CSU_ASSIGN_OR_RETURN(rows_bytes, env_.ReadFile(rows_path));
  auto text = DecompressRows(rows_bytes, rows_path, batch.rows_sha256);
  if (!text.ok()) {
    Error e = text.error();
    e.why += "; the retained rows cannot be rebuilt from anything in the store: restore the folder from a backup, "
             "or remove batch " + std::to_string(batch_id) + " and ingest its extract again";
    return e;
  }
  ColumnEncoder encoder(batch.info.kind, dicts_);
  EncoderSink sink(encoder);
  CSU_ASSIGN_OR_RETURN(records, ParseRows(text.value(), batch.info.kind, rows_path, sink));
  if (Status s = encoder.status(); !s.ok()) return s;
  if (records != batch.info.rows_accepted) {
    return MakeError(rows_path, "holds " + std::to_string(records) + " records, the catalog says " +
                                    std::to_string(batch.info.rows_accepted));
  }
  const std::string cols = EncodeColumnFile(encoder.columns(), Sha256Of(rows_bytes));
  const std::string nonce = Nonce(env_);
  const std::string tmp = batches_dir_ + "/tmp-" + nonce + ".cols";
  const std::string cols_file = BatchStem(batch_id, nonce) + ".cols";
  const std::string cols_path = batches_dir_ + "/" + cols_file;
  if (Status s = WriteDurably(tmp, cols); !s.ok()) {
    Discard(tmp);
    return s;
  }
  if (Status s = catalog_->Begin(); !s.ok()) {
    Discard(tmp);
    return s;
  }
  auto abandon = [&](const Error& e) {
    catalog_->Rollback();
    for (const std::string& p : {tmp, cols_path}) {
      if (env_.FileExists(p)) Discard(p);
    }
    return Status(e);
  };
  if (Status s = env_.RenameFile(tmp, cols_path); !s.ok()) return abandon(s.error());
  if (Status s = env_.SyncDir(batches_dir_); !s.ok()) return abandon(s.error());
  for (size_t d = 0; d < kDimensionCount; ++d) {
    Dimension dim = static_cast<Dimension>(d);
    if (Status s = catalog_->InsertCodes(dim, encoder.dictionaries()[dim], encoder.base_size(dim), batch_id);
        !s.ok()) {
      return abandon(s.error());
    }
  }
  const std::string sha = TrailerSha256Hex(cols);
  if (Status s = catalog_->UpdateColumnFile(batch_id, cols_file, static_cast<int64_t>(cols.size()), sha); !s.ok()) {
    return abandon(s.error());
  }
  std::string details = "{\"batch\":" + std::to_string(batch_id) + ",\"old\":" + JsonString(batch.cols_sha256) +
                        ",\"new\":" + JsonString(sha) + "}";
  auto entry = catalog_->AppendAudit(env_.NowUtc(), actor, "store.rebuild", "batch " + std::to_string(batch_id),
                                     details);
  if (!entry.ok()) return abandon(entry.error());
  if (Status s = CommitOrBreak(entry.value().seq); !s.ok()) return s;
  dicts_ = encoder.dictionaries();
  ++generation_;
  Discard(batches_dir_ + "/" + batch.cols_file);
  (void)env_.SyncDir(batches_dir_);
  return Status::Ok();
}

Result<BatchTransfer> StoreImpl::ExportBatch(int64_t batch_id) {
  if (!catalog_) return broken_.error();
  return ExportBatchFrom(*catalog_, env_, batches_dir_, batch_id);
}

Result<BatchInfo> StoreImpl::AdoptBatch(const BatchTransfer& t, const std::string& actor) {
  if (Status s = RefuseIfShared(); !s.ok()) return s.error();
  if (Status s = RecoverIfBroken(); !s.ok()) return s.error();
  const std::string where = "batch " + std::to_string(t.info.id);
  // Everything is checked before anything is written.
  auto plain_name = [](const std::string& n) {
    return !n.empty() && n.find('/') == std::string::npos && n.find("..") == std::string::npos && n[0] != '.' &&
           n.rfind("tmp-", 0) != 0;
  };
  if (!plain_name(t.rows_file) || !plain_name(t.cols_file)) return MakeError(where, "its file names are not plain names");
  if (!t.info.removed) {
    if (static_cast<int64_t>(t.rows.size()) != t.rows_bytes || Sha256Hex(t.rows) != t.rows_sha256)
      return MakeError(where, "its rows file does not match its checksum");
    if (static_cast<int64_t>(t.cols.size()) != t.cols_bytes)
      return MakeError(where, "its column file does not match its size");
    auto reader = ColumnFileReader::Open(t.cols, where + " " + t.cols_file, t.cols_sha256);
    if (!reader.ok()) return reader.error();
    if (reader.value().kind() != t.info.kind || static_cast<int64_t>(reader.value().rows()) != t.info.rows_accepted ||
        HexOf(reader.value().rows_sha256()) != t.rows_sha256)
      return MakeError(where, "its column file does not belong to its rows file");
  }
  // Codes: each either held here already under the same id, or the next id
  // of its dimension.
  CodeDictionaries dicts = dicts_;
  std::vector<DictionaryCode> fresh;
  for (const DictionaryCode& c : t.codes) {
    std::optional<Dimension> dim;
    for (size_t d = 0; d < kDimensionCount; ++d)
      if (DimensionName(static_cast<Dimension>(d)) == c.dimension) dim = static_cast<Dimension>(d);
    if (!dim) return MakeError(where, "unknown dictionary '" + c.dimension + "'");
    CodeList& list = dicts[*dim];
    if (c.id > 0 && c.id < static_cast<int64_t>(list.size()) && list.code(static_cast<uint32_t>(c.id)) == c.code)
      continue;
    if (c.id != static_cast<int64_t>(list.size()) || c.code.empty() || list.Find(c.code) != 0)
      return MakeError(where, "dictionary '" + c.dimension + "' code id " + std::to_string(c.id) +
                                  " differs from this state folder's: the folder has diverged from the one the batch "
                                  "came from");
    list.Append(c.code);
    fresh.push_back(c);
  }
  const std::string rows_path = batches_dir_ + "/" + t.rows_file;
  const std::string cols_path = batches_dir_ + "/" + t.cols_file;
  const std::string nonce = Nonce(env_);
  const std::string tmp_rows = batches_dir_ + "/tmp-" + nonce + ".rows.zst";
  const std::string tmp_cols = batches_dir_ + "/tmp-" + nonce + ".cols";
  // The final names are removed only once this attempt has renamed onto
  // them (before that, a file of that name is not this attempt's).
  bool renamed = false;
  auto discard_all = [&] {
    for (const std::string& p : {tmp_rows, tmp_cols})
      if (env_.FileExists(p)) Discard(p);
    if (renamed)
      for (const std::string& p : {rows_path, cols_path})
        if (env_.FileExists(p)) Discard(p);
  };
  if (!t.info.removed) {
    if (Status s = WriteDurably(tmp_rows, t.rows); !s.ok()) {
      discard_all();
      return s.error();
    }
    if (Status s = WriteDurably(tmp_cols, t.cols); !s.ok()) {
      discard_all();
      return s.error();
    }
  }
  if (Status s = catalog_->Begin(); !s.ok()) {
    discard_all();
    return s.error();
  }
  auto abandon = [&](const Error& e) -> Result<BatchInfo> {
    catalog_->Rollback();
    discard_all();
    return e;
  };
  auto next = catalog_->NextBatchId();
  if (!next.ok()) return abandon(next.error());
  if (next.value() != t.info.id)
    return abandon(MakeError(where, "this state folder's next batch is " + std::to_string(next.value()) +
                                        ": the folder has diverged from the one the batch came from"));
  if (!t.info.removed) {
    renamed = true;
    if (Status s = env_.RenameFile(tmp_rows, rows_path); !s.ok()) return abandon(s.error());
    if (Status s = env_.RenameFile(tmp_cols, cols_path); !s.ok()) return abandon(s.error());
    if (Status s = env_.SyncDir(batches_dir_); !s.ok()) return abandon(s.error());
  }
  BatchRecord record;
  record.info = t.info;
  record.info.removed = false;
  record.rows_file = t.rows_file;
  record.rows_bytes = t.rows_bytes;
  record.rows_sha256 = t.rows_sha256;
  record.cols_file = t.cols_file;
  record.cols_bytes = t.cols_bytes;
  record.cols_sha256 = t.cols_sha256;
  record.format_version = t.format_version;
  if (Status s = catalog_->InsertBatch(record); !s.ok()) return abandon(s.error());
  if (t.info.removed) {
    if (Status s = catalog_->MarkRemoved(t.info.id, t.removed_at, t.removed_by); !s.ok()) return abandon(s.error());
  }
  for (const DictionaryCode& c : fresh)
    if (Status s = catalog_->InsertCode(c, t.info.id); !s.ok()) return abandon(s.error());
  if (Status s = catalog_->InsertQuarantine(t.info.id, t.quarantine); !s.ok()) return abandon(s.error());
  const std::string details = "{\"batch\":" + std::to_string(t.info.id) + ",\"kind\":" +
                              JsonString(std::string(KindText(t.info.kind))) + ",\"file\":" +
                              JsonString(t.info.file_name) + ",\"sha256\":" + JsonString(t.info.content_sha256) +
                              ",\"removed\":" + (t.info.removed ? "true" : "false") + "}";
  auto entry = catalog_->AppendAudit(env_.NowUtc(), actor, "batch.adopt", where, details);
  if (!entry.ok()) return abandon(entry.error());
  if (Status s = CommitOrBreak(entry.value().seq); !s.ok()) return s.error();
  dicts_ = std::move(dicts);
  ++generation_;
  return t.info;
}

Result<std::vector<std::string>> StoreImpl::Verify() {
  return Retrying([this] { return VerifyOnce(); });
}

Result<std::vector<std::string>> StoreImpl::VerifyOnce() {
  if (!catalog_) return broken_.error();
  CSU_ASSIGN_OR_RETURN(batches, catalog_->Batches());
  std::vector<std::string> problems;
  CSU_ASSIGN_OR_RETURN(integrity, catalog_->IntegrityCheck());
  if (integrity != std::vector<std::string>{"ok"}) {
    for (const std::string& line : integrity) problems.push_back(catalog_->path() + ": integrity_check: " + line);
  }
  if (auto audit = VerifyAudit(); !audit.ok()) problems.push_back(audit.error().ToString());
  std::set<std::string> live;
  for (const BatchRecord& b : batches) {
    if (b.info.removed) continue;
    live.insert(b.rows_file);
    live.insert(b.cols_file);
    for (std::string& p : CheckBatchFiles(env_, batches_dir_, b)) problems.push_back(std::move(p));
  }
  // Beside a live holder, a temporary file is a commit in progress and a
  // batch id beyond this snapshot's is a commit after it: not orphans.
  const bool held = shared_ && env_.HeldElsewhere(dir_ + "/LOCK");
  const int64_t last_id = batches.empty() ? 0 : batches.back().info.id;
  CSU_ASSIGN_OR_RETURN(names, env_.ListDir(batches_dir_));
  for (const std::string& name : names) {
    if (live.count(name) != 0) continue;
    if (held && (name.rfind("tmp-", 0) == 0 || std::atoll(name.c_str()) > last_id)) continue;
    problems.push_back(batches_dir_ + "/" + name + ": orphan file (no batch names it)");
  }
  return problems;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const std::string& key_fingerprint,
                                           const StoreOptions& options) {
  Env& env = options.env != nullptr ? *options.env : Env::Default();
  if (dir.empty()) return MakeError("", "no state folder given");
  if (key_fingerprint.empty()) return MakeError(dir, "no pseudonymisation key fingerprint given");
  if (options.shared) {
    // Creates, locks and removes nothing: the folder's holder may be
    // writing it (docs/store-format.md §1, "Who may open the folder").
    if (!env.FileExists(dir + "/catalog.sqlite")) return MakeError(dir, "no state folder here (no catalog.sqlite)");
    CSU_ASSIGN_OR_RETURN(catalog, Catalog::OpenShared(dir + "/catalog.sqlite", env.SqliteVfs(), key_fingerprint));
    CSU_ASSIGN_OR_RETURN(dicts, catalog->LoadDictionaries());
    auto store = std::make_unique<StoreImpl>(dir, env, nullptr, std::move(catalog), std::move(dicts), key_fingerprint,
                                             /*shared=*/true);
    if (Status s = store->StartShared(); !s.ok()) return s.error();
    return std::unique_ptr<Store>(std::move(store));
  }
  if (Status s = env.CreateDir(dir); !s.ok()) return s.error();
  if (Status s = env.CreateDir(dir + "/batches"); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(lock, env.LockFile(dir + "/LOCK"));
  CSU_ASSIGN_OR_RETURN(catalog, Catalog::Open(dir + "/catalog.sqlite", env.SqliteVfs(), key_fingerprint, env.NowUtc()));
  CSU_ASSIGN_OR_RETURN(dicts, catalog->LoadDictionaries());
  auto store = std::make_unique<StoreImpl>(dir, env, std::move(lock), std::move(catalog), std::move(dicts),
                                          key_fingerprint);
  if (Status s = store->CleanOrphans(); !s.ok()) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace csu::store
