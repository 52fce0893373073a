// Server mode's schema of a module database created inside a write
// transaction the caller already holds (store/sql.h's PrepareServerSchema
// opens its own): for csu migrate, which creates every module's tables in
// its one transaction before copying their rows.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/sql.h"

namespace csu::store {

// Runs `schema` and records schema_version `version` in `meta_table`, in the
// caller's transaction (which holds whatever locks it needs).
Status CreateServerSchemaIn(SqlConnection& db, const std::string& meta_table, const char* schema, int version);

// PrepareServerSchema (store/sql.h) for a database whose schema has grown:
// `upgrades` take an older version forward in the same transaction as the
// check. Each {from, sql} runs when the stored version is `from` and moves
// it to from + 1 (listed oldest first), so a database of any listed
// version reaches `version`, or nothing changes and the error says why.
struct SchemaUpgrade {
  int from;
  const char* sql;
};
Status PrepareServerSchema(SqlConnection& db, int64_t lock, const std::string& meta_table, const char* schema,
                           int version, const std::string& what, const std::vector<SchemaUpgrade>& upgrades);

}  // namespace csu::store
