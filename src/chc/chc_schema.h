// The CHC database's server tables (docs/store-format.md §15a) as DDL, for
// `csu migrate` (src/migrate), which creates them inside its own one
// transaction instead of through ChcStore::OpenServer. Kept apart from
// chc_store.h so that what includes the store does not depend on it.
#pragma once

#include <string>
#include <string_view>

namespace csu::chc {

// The schema version the server tables are at (chc_meta's schema_version).
int ServerSchemaVersion();

// The server tables, their meta table `chc_meta` first: PostgreSQL's DDL
// for "postgresql"; for "sqlite" (migrate's own tests) chc.sqlite's tables
// with the meta table named chc_meta.
std::string ServerSchemaFor(std::string_view backend);

}  // namespace csu::chc
