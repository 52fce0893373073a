// The store's BatchBuilder (internal to src/store): encodes records into
// columns, streams their text to a temporary rows file, counts restatements
// and keeps quarantined rows until the commit. Store::CommitBatch takes its
// parts; destroying an uncommitted builder removes its temporary file.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
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
