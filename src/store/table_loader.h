// Loads the active batches of one kind into ActivityTables
// (docs/store-format.md §7): maps and checks each column file, works out
// which records later ones supersede, and decodes the survivors' columns
// straight into the tables, renumbering patients into one PatientIndex.
// Internal to src/store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/activity_tables.h"
#include "store/catalog.h"
#include "store/column_file.h"
#include "store/env.h"

namespace csu::store {

// A batch's column file, mapped and checked against its catalog row.
struct OpenedColumnFile {
  std::unique_ptr<MappedFile> file;
  ColumnFileReader reader;  // views file's bytes
};

// Maps `batch`'s column file and checks its SHA-256, kind and row count
// against the catalog. Errors name the file and the batch to rebuild.
Result<OpenedColumnFile> OpenColumnFile(Env& env, const std::string& batches_dir, const BatchRecord& batch);

// `batches` are the active batches of `kind`, in commit (id) order;
// `out.codes` must already hold the dictionaries. Errors name the damaged
// file and the batch to rebuild. With `only` (indexed by commissioner
// dictionary id, 1 = keep), the records of other commissioners are left
// out as superseded ones are: never decoded into the tables.
Status LoadKind(Env& env, const std::string& batches_dir, ingest::ExtractKind kind,
                const std::vector<BatchRecord>& batches, ActivityTables& out,
                const std::vector<uint8_t>* only = nullptr);

}  // namespace csu::store
