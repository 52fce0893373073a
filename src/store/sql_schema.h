// Server mode's schema of a module database created inside a write
// transaction the caller already holds (store/sql.h's PrepareServerSchema
// opens its own): for csu migrate, which creates every module's tables in
// its one transaction before copying their rows.
#pragma once

#include <string>

#include "core/result.h"
#include "store/sql.h"

namespace csu::store {

// Runs `schema` and records schema_version `version` in `meta_table`, in the
// caller's transaction (which holds whatever locks it needs).
Status CreateServerSchemaIn(SqlConnection& db, const std::string& meta_table, const char* schema, int version);

}  // namespace csu::store
