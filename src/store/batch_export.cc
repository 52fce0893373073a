#include "store/batch_export.h"

#include "store/catalog.h"
#include "store/column_file.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::store {

Result<BatchTransfer> ExportBatchFrom(Catalog& catalog, Env& env, const std::string& batches_dir, int64_t batch_id) {
  CSU_ASSIGN_OR_RETURN(found, catalog.Batch(batch_id));
  if (!found) return MakeError("batch " + std::to_string(batch_id), "no such batch");
  const BatchRecord& b = *found;
  BatchTransfer t;
  t.info = b.info;
  t.rows_file = b.rows_file;
  t.rows_sha256 = b.rows_sha256;
  t.rows_bytes = b.rows_bytes;
  t.cols_file = b.cols_file;
  t.cols_sha256 = b.cols_sha256;
  t.cols_bytes = b.cols_bytes;
  t.format_version = b.format_version;
  CSU_ASSIGN_OR_RETURN(codes, catalog.CodesOf(batch_id));
  t.codes = std::move(codes);
  CSU_ASSIGN_OR_RETURN(quarantine, catalog.Quarantine(batch_id));
  t.quarantine = std::move(quarantine);
  if (b.info.removed) {
    CSU_ASSIGN_OR_RETURN(removed, catalog.RemovedAtBy(batch_id));
    t.removed_at = removed.first;
    t.removed_by = removed.second;
    return t;
  }
  const std::string rows_path = batches_dir + "/" + b.rows_file;
  const std::string cols_path = batches_dir + "/" + b.cols_file;
  CSU_ASSIGN_OR_RETURN(rows, env.ReadFile(rows_path));
  if (Sha256Hex(rows) != b.rows_sha256) return MakeError(rows_path, "does not match its catalog checksum");
  CSU_ASSIGN_OR_RETURN(cols, env.ReadFile(cols_path));
  if (auto reader = ColumnFileReader::Open(cols, cols_path, b.cols_sha256); !reader.ok()) return reader.error();
  t.rows = std::move(rows);
  t.cols = std::move(cols);
  return t;
}

}  // namespace csu::store
