// `csu reporting` (reporting_command.cc) and what `csu ingest --database`
// shares with it: publishing the state folder's loaded, priced activity to
// the reporting schema in PostgreSQL (reporting/reporting_store.h,
// docs/deploy.md §9).
#pragma once

#include <cstdio>
#include <string>

#include "cli/state.h"

namespace CLI {
class App;
}

namespace csu::cli {

// Loads and prices the folder's activity, publishes it to `schema` in the
// database at `url` and appends a reporting.publish entry to the database's
// audit log. Prints one line saying what was published to `out`; returns an
// exit code (errors printed).
// Registers `csu reporting` (publish, grant, revoke, roles).
void AddReportingCommands(CLI::App& app, Context& ctx);

int PublishReporting(State& state, const std::string& url, const std::string& schema, std::FILE* out = stdout);

}  // namespace csu::cli
