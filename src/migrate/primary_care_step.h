// csu migrate's step for the primary care database (migrate.h): the state
// folder's primary-care.sqlite, its practices and payments tables (§17) and
// its enhanced-service `es_` tables (§18), into server mode's tables (§17a,
// §18a), with the evidence files of primary-care-evidence/ copied into
// es_evidence_files, each checked against its SHA-256 first. A folder
// without the file gets the empty tables.
#pragma once

#include <memory>

#include "migrate/migrate.h"

namespace csu::migrate {

std::unique_ptr<MigrationStep> PrimaryCareStep();

}  // namespace csu::migrate
