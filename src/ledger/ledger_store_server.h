// The ledger database's server-mode tables (docs/store-format.md §13a) for a
// caller that holds its own write transaction: csu migrate creates them in
// its one transaction, under ledger::kLedgerWriteLock, before copying the
// folder's rows into them. LedgerStore::OpenServer creates the same tables
// in a transaction of its own.
#pragma once

#include "core/result.h"
#include "store/sql.h"

namespace csu::ledger {

// The §13a tables (every ledger_* table, budgets included) in an empty
// schema; a SQLite connection is refused.
Status CreateServerLedgerSchema(store::SqlConnection& db);

}  // namespace csu::ledger
