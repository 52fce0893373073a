// One batch of a state folder as another folder (or server mode's database)
// takes it: its catalog row, its files' bytes checked against the catalog's
// checksums (the column file's structure and trailer too), the dictionary
// codes it introduced and its quarantined rows (docs/server-mode.md,
// "Batches in PostgreSQL"). Store::ExportBatch reads through it for a node
// publishing its folder, and csu migrate for a folder it only reads (a
// Catalog over a read-only connection, outside any Store), so both send the
// same thing.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace csu::store {

class Catalog;
class Env;

// `batches_dir` is the folder's batches/ directory. Errors name the batch
// ("no such batch") or the file that does not match its catalog row.
Result<BatchTransfer> ExportBatchFrom(Catalog& catalog, Env& env, const std::string& batches_dir, int64_t batch_id);

}  // namespace csu::store
