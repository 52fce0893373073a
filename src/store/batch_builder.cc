#include "store/batch_builder.h"

#include <cassert>

namespace csu::store {

BatchBuilderImpl::BatchBuilderImpl(const void* owner, uint64_t generation, ingest::ExtractKind kind,
                                   CodeDictionaries dictionaries, size_t expected_records, KeySet keys, Env& env,
                                   std::string tmp_rows_path,
                                   std::string nonce, std::unique_ptr<WritableFile> rows_file)
    : owner_(owner),
      generation_(generation),
      encoder_(kind, std::move(dictionaries), expected_records),
      keys_(std::move(keys)),
      env_(env),
      tmp_rows_path_(std::move(tmp_rows_path)),
      nonce_(std::move(nonce)),
      rows_(std::make_unique<RowsWriter>(kind, std::move(rows_file))) {}

BatchBuilderImpl::~BatchBuilderImpl() {
  rows_.reset();  // closes the file first
  if (armed_) (void)env_.RemoveFile(tmp_rows_path_);
}

void BatchBuilderImpl::CountKey() {
  const BatchColumns& c = encoder_.columns();
  size_t row = c.rows() - 1;
  if (!keys_.Insert(c.common().provider[row], c.record_id(row))) ++restated_;
}

void BatchBuilderImpl::WrongKind(const char* added) {
  assert(false && "record of the wrong kind for this batch");
  if (status_.ok()) {
    status_ = MakeError("", std::string("an ") + added + " record was added to a batch of " +
                                std::string(ingest::KindName(kind())));
  }
}

void BatchBuilderImpl::AddApc(const ingest::ApcRecord& record) {
  if (kind() != ingest::ExtractKind::kApc) return WrongKind("apc");
  encoder_.Add(record);
  rows_->Add(record);
  CountKey();
}

void BatchBuilderImpl::AddOp(const ingest::OpRecord& record) {
  if (kind() != ingest::ExtractKind::kOp) return WrongKind("op");
  encoder_.Add(record);
  rows_->Add(record);
  CountKey();
}

void BatchBuilderImpl::AddAe(const ingest::AeRecord& record) {
  if (kind() != ingest::ExtractKind::kAe) return WrongKind("ae");
  encoder_.Add(record);
  rows_->Add(record);
  CountKey();
}

}  // namespace csu::store
