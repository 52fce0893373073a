// Thorough checks of one batch's files for Store::Verify: both files exist,
// have the catalog's sizes and SHA-256, decode completely, hold the
// catalog's record count, and belong together. Internal to src/store.
#pragma once

#include <string>
#include <vector>

#include "store/catalog.h"
#include "store/env.h"

namespace csu::store {

// One line per problem, each naming the file; empty when all is well.
std::vector<std::string> CheckBatchFiles(Env& env, const std::string& batches_dir, const BatchRecord& batch);

}  // namespace csu::store
