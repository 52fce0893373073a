#include "store/store_checks.h"

#include "store/column_file.h"
#include "store/rows_file.h"
#include "store/table_loader.h"

namespace csu::store {
namespace {

// Counts records without keeping them.
class CountingSink final : public ingest::RecordSink {
 public:
  explicit CountingSink(ingest::ExtractKind kind) : kind_(kind) {}
  ingest::ExtractKind kind() const override { return kind_; }
  void AddApc(const ingest::ApcRecord&) override {}
  void AddOp(const ingest::OpRecord&) override {}
  void AddAe(const ingest::AeRecord&) override {}
  void AddQuarantined(ingest::QuarantinedRow) override {}

 private:
  ingest::ExtractKind kind_;
};

}  // namespace

std::vector<std::string> CheckBatchFiles(Env& env, const std::string& batches_dir, const BatchRecord& b) {
  std::vector<std::string> problems;
  const std::string batch = " (batch " + std::to_string(b.info.id) + ")";
  const std::string rows_path = batches_dir + "/" + b.rows_file;
  auto rows_bytes = env.ReadFile(rows_path);
  if (!rows_bytes.ok()) {
    problems.push_back(rows_bytes.error().ToString() + batch);
  } else {
    if (static_cast<int64_t>(rows_bytes.value().size()) != b.rows_bytes) {
      problems.push_back(rows_path + ": size " + std::to_string(rows_bytes.value().size()) + " bytes, the catalog says " +
                         std::to_string(b.rows_bytes) + batch);
    }
    auto text = DecompressRows(rows_bytes.value(), rows_path, b.rows_sha256);
    if (!text.ok()) {
      problems.push_back(text.error().ToString() + batch + "; it cannot be rebuilt: restore from a backup");
    } else {
      CountingSink sink(b.info.kind);
      auto records = ParseRows(text.value(), b.info.kind, rows_path, sink);
      if (!records.ok()) {
        problems.push_back(records.error().ToString() + batch);
      } else if (records.value() != b.info.rows_accepted) {
        problems.push_back(rows_path + ": holds " + std::to_string(records.value()) + " records, the catalog says " +
                           std::to_string(b.info.rows_accepted) + batch);
      }
    }
  }

  const std::string cols_path = batches_dir + "/" + b.cols_file;
  auto opened = OpenColumnFile(env, batches_dir, b);
  if (!opened.ok()) {
    problems.push_back(opened.error().ToString());
    return problems;
  }
  const ColumnFileReader& reader = opened.value().reader;
  if (static_cast<int64_t>(opened.value().file->data().size()) != b.cols_bytes) {
    problems.push_back(cols_path + ": size " + std::to_string(opened.value().file->data().size()) +
                       " bytes, the catalog says " + std::to_string(b.cols_bytes) + batch);
  }
  if (auto decoded = DecodeBatchColumns(reader); !decoded.ok()) {
    problems.push_back(decoded.error().ToString() + batch);
  }
  if (HexOf(reader.rows_sha256()) != b.rows_sha256) {
    problems.push_back(cols_path + ": was not made from the batch's rows file (its header names another)" + batch);
  }
  return problems;
}

}  // namespace csu::store
