// Loads the active batches of one kind into ActivityTables
// (docs/store-format.md §7): reads and checks each column file, works out
// which records later ones supersede, and appends the survivors' columns,
// renumbering patients into one PatientIndex. Internal to src/store.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/activity_tables.h"
#include "store/catalog.h"
#include "store/env.h"

namespace csu::store {

// `batches` are the active batches of `kind`, in commit (id) order;
// `out.codes` must already hold the dictionaries. Errors name the damaged
// file and the batch to rebuild.
Status LoadKind(Env& env, const std::string& batches_dir, ingest::ExtractKind kind,
                const std::vector<BatchRecord>& batches, ActivityTables& out);

// Reads and checks one batch's column file against the catalog.
Result<std::string> ReadColumnFile(Env& env, const std::string& batches_dir, const BatchRecord& batch);

}  // namespace csu::store
