// The store's BatchBuilder (internal to src/store): encodes records into
// columns, streams their text to a temporary rows file, counts restatements
// and keeps quarantined rows until the commit. Store::CommitBatch takes its
// parts; destroying an uncommitted builder removes its temporary file.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "store/column_encoder.h"
#include "store/env.h"
#include "store/key_set.h"
#include "store/rows_file.h"
#include "store/store.h"

namespace csu::store {

class BatchBuilderImpl final : public BatchBuilder {
 public:
  // `keys` holds the record keys of the active batches of `kind`;
  // `owner` identifies the Store and `generation` its state at creation.
  BatchBuilderImpl(const void* owner, uint64_t generation, ingest::ExtractKind kind, CodeDictionaries dictionaries,
                   size_t expected_records, KeySet keys, Env& env, std::string tmp_rows_path, std::string nonce,
                   std::unique_ptr<WritableFile> rows_file);
  ~BatchBuilderImpl() override;

  ingest::ExtractKind kind() const override { return encoder_.kind(); }
  void AddApc(const ingest::ApcRecord& record) override;
  void AddOp(const ingest::OpRecord& record) override;
  void AddAe(const ingest::AeRecord& record) override;
  void AddQuarantined(QuarantinedRow row) override { quarantine_.push_back(std::move(row)); }
  void AddApcs(std::span<const ingest::ApcRecord> records) override { AddAll(records); }
  void AddOps(std::span<const ingest::OpRecord> records) override { AddAll(records); }
  void AddAes(std::span<const ingest::AeRecord> records) override { AddAll(records); }

  int64_t records() const override { return static_cast<int64_t>(encoder_.columns().rows()); }
  int64_t quarantined() const override { return static_cast<int64_t>(quarantine_.size()); }
  int64_t restated() const override { return restated_; }
  Status status() const override {
    if (!status_.ok()) return status_;
    return !encoder_.status().ok() ? encoder_.status() : rows_->status();
  }

  // For Store::CommitBatch.
  const void* owner() const { return owner_; }
  uint64_t generation() const { return generation_; }
  const std::string& nonce() const { return nonce_; }
  const std::string& tmp_rows_path() const { return tmp_rows_path_; }
  ColumnEncoder& encoder() { return encoder_; }
  RowsWriter& rows() { return *rows_; }
  const std::vector<QuarantinedRow>& quarantine() const { return quarantine_; }
  // The commit has taken the temporary file over: do not remove it.
  void Disarm() { armed_ = false; }

 private:
  void CountKey();
  void WrongKind(const char* added);
  void Add(const ingest::ApcRecord& r) { AddApc(r); }
  void Add(const ingest::OpRecord& r) { AddOp(r); }
  void Add(const ingest::AeRecord& r) { AddAe(r); }
  // Adds records one by one, each after prefetching the patient and key
  // table slots of the record kAhead places further on: both tables are far
  // bigger than the caches, and without the prefetches every record waits
  // for two misses in turn.
  template <typename Record>
  void AddAll(std::span<const Record> records) {
    constexpr size_t kAhead = 8;
    auto prefetch = [this](const Record& r) {
      // The prefetches are issued here, not in helpers: GCC deletes a call
      // whose only effect is a prefetch (it counts as having none).
      if (const void* slot = encoder_.PatientSlot(r.common.patient)) __builtin_prefetch(slot);
      uint32_t provider = encoder_.FindId(Dimension::kProvider, r.common.provider);
      if (provider != 0) __builtin_prefetch(keys_.FirstSlot(static_cast<uint16_t>(provider), RecordId(r)));
    };
    for (size_t i = 0; i < std::min(kAhead, records.size()); ++i) prefetch(records[i]);
    for (size_t i = 0; i < records.size(); ++i) {
      if (i + kAhead < records.size()) prefetch(records[i + kAhead]);
      Add(records[i]);
    }
  }
  static std::string_view RecordId(const ingest::ApcRecord& r) { return r.spell_id; }
  static std::string_view RecordId(const ingest::OpRecord& r) { return r.attendance_id; }
  static std::string_view RecordId(const ingest::AeRecord& r) { return r.attendance_id; }

  const void* owner_;
  uint64_t generation_;
  ColumnEncoder encoder_;
  KeySet keys_;
  Env& env_;
  std::string tmp_rows_path_;
  std::string nonce_;
  std::unique_ptr<RowsWriter> rows_;
  std::vector<QuarantinedRow> quarantine_;
  int64_t restated_ = 0;
  Status status_;
  bool armed_ = true;
};

}  // namespace csu::store
