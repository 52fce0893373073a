// Moving an embedded installation (a state folder) into server mode's
// database (docs/server-mode.md, "Moving an installation: csu migrate"):
// a registry of steps, one per database the folder holds (the accounts of
// platform.sqlite, the catalog's hash-chained audit log; each store that
// moves into PostgreSQL adds its own step to DefaultSteps()).
//
// How a run goes, and why:
//   1. The folder's LOCK is taken (no `csu serve` or ingest may run on it)
//      and each database is opened read-only in one read transaction, so
//      every step reads one consistent snapshot and the folder is left
//      exactly as it was.
//   2. Every step checks its source (Check) before anything is written: a
//      broken audit chain, an unknown schema version or a table this csu
//      does not know refuses the whole run.
//   3. The target must be empty: any table already in it (its schema, for
//      PostgreSQL the connection's search_path) refuses the run, naming the
//      tables and their rows. So a second run refuses too.
//   4. One write transaction on the target (holding the accounts' and the
//      audit log's write locks) in which each step creates its tables and
//      copies its rows, then the runner counts every table in the target
//      against the source; the audit step also re-verifies the chain as
//      stored in the target and compares its head hash with the source's.
//      A `migrations` row per step records what was moved, and one
//      `store.migrate` entry is appended to the target's audit log, chained
//      after the copied head. Only then does it commit.
// A kill at any moment therefore leaves the target as it was (empty) or
// complete; running the command again starts over.
//
//   CSU_ASSIGN_OR_RETURN(target, pg::Connect(url));
//   CSU_ASSIGN_OR_RETURN(report, migrate::Migrate(dir, *target, migrate::DefaultSteps(), options));
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::store {
class FileLock;
}

namespace csu::migrate {

// A state folder, read-only: its LOCK held, each database opened with
// SQLITE_OPEN_READONLY inside one read transaction (a snapshot).
class MigrationSource {
 public:
  // Errors name the folder: absent, not a state folder (no catalog.sqlite),
  // or in use by another csu process.
  static Result<std::unique_ptr<MigrationSource>> Open(const std::string& dir);
  ~MigrationSource();
  const std::string& dir() const { return dir_; }
  // The folder's database `file` ("platform.sqlite"), or null when the
  // folder has none (an installation that never made a user).
  Result<store::SqliteDb*> Database(const std::string& file);
  // Whether `table` exists in `db`.
  static Result<bool> HasTable(store::SqliteDb& db, const std::string& table);

 private:
  MigrationSource() = default;
  std::string dir_;
  std::unique_ptr<store::FileLock> lock_;
  std::map<std::string, std::unique_ptr<store::SqliteDb>> open_;
};

// What a step moved from one table: the rows in the source snapshot, and
// (filled by the runner, counted in the target after the copy) the rows
// there.
struct TableCount {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = -1;
};

struct StepReport {
  std::string step;
  std::vector<TableCount> tables;
  // Facts the step checked beyond the counts, for the command to show
  // ("audit head" -> "seq 42 hash ab12..."), in order.
  std::vector<std::pair<std::string, std::string>> checks;
};

// Progress within a step, for a terminal: `done` of `total` rows of
// `table` copied. Called for every row.
struct MigrateProgress {
  std::string_view step;
  std::string_view table;
  int64_t done = 0;
  int64_t total = 0;
};
using ProgressFn = std::function<void(const MigrateProgress&)>;

// One database of the folder. A step writes only inside the transaction
// the runner opened, and never to the source.
class MigrationStep {
 public:
  virtual ~MigrationStep() = default;
  // "accounts", "audit log": shown and recorded in `migrations`.
  virtual std::string Name() const = 0;
  // Reads the source and refuses what cannot be moved faithfully. Writes
  // nothing anywhere.
  virtual Status Check(MigrationSource& source) = 0;
  // Creates the step's tables in the target and copies the rows, inside
  // the runner's write transaction; returns the source's count per table
  // (the runner counts the target's) and any other check it made, or an
  // Error (the run is rolled back).
  virtual Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target,
                                  const ProgressFn& progress) = 0;
  // The write locks (store/sql.h) of the databases the step fills, which the
  // runner takes in its transaction on PostgreSQL so that no node writes
  // those tables meanwhile (the accounts' and the audit log's are always
  // taken).
  virtual std::vector<int64_t> WriteLocks() const { return {}; }
  // True when the target must be PostgreSQL (the step's tables use its types
  // and triggers): the runner refuses another target before reading
  // anything. Only tests use a SQLite target.
  virtual bool NeedsPostgres() const { return false; }
};

// The registry: every step this csu knows, in the order they run. The
// steps themselves are declared in migrate/steps.h, one per file.
std::vector<std::unique_ptr<MigrationStep>> DefaultSteps();

struct MigrateOptions {
  std::string actor;    // who runs it: the `store.migrate` audit entry's actor
  std::string now_iso;  // that entry's time and the migrations rows' (UTC ISO 8601)
  ProgressFn progress;  // null: none
};

struct MigrateReport {
  std::vector<StepReport> steps;
};

// Runs `steps` from the state folder `dir` into `target` (see the top of
// this file). Errors say where and why; on any Error nothing is left in
// the target and the folder is untouched.
Result<MigrateReport> Migrate(const std::string& dir, store::SqlConnection& target,
                              const std::vector<std::unique_ptr<MigrationStep>>& steps, const MigrateOptions& options);

// ---- for steps ----

// Opens an existing SQLite file for reading only (SQLITE_OPEN_READONLY):
// nothing is created or changed beside it. Error names the file.
Result<std::unique_ptr<store::SqliteDb>> OpenReadOnly(const std::string& path);

// One table copied column for column: `kinds` has one letter per column,
// 'i' (integer), 't' (text) or 'x' (bytes: a SQLite BLOB or text holding any
// byte, into PostgreSQL's BYTEA), any of which may be null.
struct TableSpec {
  std::string table;
  std::vector<std::string> columns;
  std::string kinds;
  std::string order_by;  // the copy order (parents' keys first)
  std::string target_table;  // the target's name for it; empty: the same
};

// Copies every row of `spec.table` from `source` (absent there: no rows)
// into the target's table (`spec.target_table`, or the same name); returns
// the rows read.
Result<int64_t> CopyTable(store::SqliteDb& source, store::SqlConnection& target, const TableSpec& spec,
                          std::string_view step, const ProgressFn& progress);

// The rows of `table` in `db` (an identifier from this program, quoted).
Result<int64_t> CountRows(store::SqlConnection& db, const std::string& table);
Result<int64_t> CountRows(store::SqliteDb& db, const std::string& table);

}  // namespace csu::migrate
