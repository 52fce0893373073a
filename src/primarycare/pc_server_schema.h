// Server mode's primary care tables created inside a transaction the caller
// holds (docs/store-format.md §17a, §18a): what PcStore::OpenServer and
// ClaimsStore::OpenServer create on first open, for `csu migrate`, which
// creates every store's tables and copies their rows in its one transaction
// (src/migrate/primary_care_step.cc). Each also records its schema_version in
// its meta table. By the connection's engine: on PostgreSQL the server's
// schema; on SQLite (the migration's tests) the file's, with the server's
// meta table names and es_evidence_files.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::store {
class SqlConnection;
}

namespace csu::primarycare {

// The practices and payments tables (§17a) and primary_care_meta.
Status CreatePrimaryCareServerTables(store::SqlConnection& db);
// The es_ tables (§18a), es_evidence_files among them, and es_meta.
Status CreateClaimsServerTables(store::SqlConnection& db);
// An evidence file's bytes as es_evidence_files.content_hex holds them
// (lower-case hex: the connection carries text).
std::string EvidenceContentHex(std::string_view bytes);

}  // namespace csu::primarycare
