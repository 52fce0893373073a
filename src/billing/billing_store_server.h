// The billing database's server-mode tables (docs/store-format.md §12a),
// immutability triggers included, for a caller that holds its own write
// transaction: csu migrate creates them in its one transaction, under
// store::kBillingWriteLock, before copying the folder's rows into them.
// BillingStore::OpenServer creates the same tables in a transaction of its
// own.
#pragma once

#include "core/result.h"
#include "store/sql.h"

namespace csu::billing {

// The §12a tables in an empty schema; a SQLite connection is refused.
Status CreateServerBillingSchema(store::SqlConnection& db);

}  // namespace csu::billing
