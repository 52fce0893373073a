// The commissioning database's server-mode tables (docs/store-format.md
// §10a) for a caller that holds its own write transaction: csu migrate
// creates them in its one transaction, under store::kCommissioningWriteLock,
// before copying the folder's rows into them. ContractStore::OpenServer
// creates the same tables in a transaction of its own.
#pragma once

#include "core/result.h"
#include "store/sql.h"

namespace csu::contracts {

// The §10a tables in an empty schema; a SQLite connection is refused.
Status CreateServerCommissioningSchema(store::SqlConnection& db);

}  // namespace csu::contracts
