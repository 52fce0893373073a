#include "migrate/migrate.h"
#include "migrate/steps.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "store/audit_chain.h"
#include "store/env.h"
#include "store/hex.h"
#include "store/sql_audit_log.h"

namespace csu::migrate {
namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// An identifier this program wrote (a table name), quoted for both engines.
std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The tables already in the target (its schema on PostgreSQL) and each
// one's rows, by name.
Result<std::vector<std::pair<std::string, int64_t>>> TablesIn(store::SqlConnection& db) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare(
      db.Backend() == "postgresql"
          ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "ORDER BY table_name"
          : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"));
  std::vector<std::string> names;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    names.push_back(q.Text(0));
  }
  q.Reset();
  std::vector<std::pair<std::string, int64_t>> out;
  for (const std::string& n : names) {
    CSU_ASSIGN_OR_RETURN(rows, CountRows(db, n));
    out.emplace_back(n, rows);
  }
  return out;
}

// Refuses a target that holds any table: how many, how many with rows and
// the largest of those by rows ("users (3 rows)"), at most ten (a migrated
// database has about a hundred tables: a list of them all would hide what
// matters); says first when it is an earlier migration's.
Status RequireEmpty(store::SqlConnection& db) {
  CSU_ASSIGN_OR_RETURN(tables, TablesIn(db));
  if (tables.empty()) return Status::Ok();
  std::vector<std::pair<std::string, int64_t>> with_rows;
  bool migrated = false;
  for (const auto& [name, rows] : tables) {
    if (name == "migrations") migrated = true;
    if (rows > 0) with_rows.emplace_back(name, rows);
  }
  std::stable_sort(with_rows.begin(), with_rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  constexpr size_t kNamed = 10;
  std::string why = "is not empty: ";
  if (migrated) {
    CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT source, at FROM migrations ORDER BY at LIMIT 1"));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (row) why += "it was migrated from " + q.Text(0) + " at " + q.Text(1) + ", and ";
  }
  why += "it holds " + std::to_string(tables.size()) + (tables.size() == 1 ? " table" : " tables") + ", " +
         std::to_string(with_rows.size()) + " of them with rows";
  if (!with_rows.empty()) {
    why += with_rows.size() > kNamed ? " (the largest: " : " (";
    for (size_t i = 0; i < with_rows.size() && i < kNamed; ++i)
      why += (i ? ", " : "") + with_rows[i].first + " " + std::to_string(with_rows[i].second) +
             (with_rows[i].second == 1 ? " row" : " rows");
    why += with_rows.size() > kNamed ? ", ...)" : ")";
  }
  why += ". csu migrate only fills an empty database (or schema); nothing was written";
  return MakeError(db.Name(), why);
}

constexpr const char* kMigrationsTable =
    "CREATE TABLE migrations(step TEXT PRIMARY KEY, source TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, "
    "tables TEXT NOT NULL)";

// {"users":3,"sessions":2}: what one step moved, as recorded.
std::string CountsJson(const StepReport& r) {
  std::string out = "{";
  for (const TableCount& t : r.tables)
    out += (out.size() > 1 ? "," : "") + store::JsonString(t.table) + ":" + std::to_string(t.target_rows);
  return out + "}";
}

}  // namespace

// ---- the source ----

Result<std::unique_ptr<store::SqliteDb>> OpenReadOnly(const std::string& path) {
  // A database closed cleanly has no -wal file, and is opened `immutable`:
  // SQLite then creates no -wal or -shm beside it, so the folder is left
  // byte for byte as it was. That is safe because nothing else may write it
  // meanwhile (the caller holds the folder's LOCK, and the command asks for
  // every other csu process to be stopped). With a -wal file present (a
  // process still has it open, or was killed), its committed pages are in
  // that file, so it is opened read-only the ordinary way, which reads them.
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      uri += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      uri += c;
    }
  }
  const bool clean = !Exists(path + "-wal");
  if (clean) uri += "?immutable=1";
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(clean ? uri.c_str() : path.c_str(), &db,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (clean ? SQLITE_OPEN_URI : 0), nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return MakeError(path, "cannot open for reading: " + why);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::make_unique<store::SqliteDb>(store::SqliteDb::PassKey(), db, path);
}

MigrationSource::~MigrationSource() = default;

Result<std::unique_ptr<MigrationSource>> MigrationSource::Open(const std::string& dir) {
  if (!Exists(dir)) return MakeError(dir, "no such state folder");
  if (!Exists(dir + "/catalog.sqlite"))
    return MakeError(dir, "is not a state folder (it has no catalog.sqlite)");
  std::unique_ptr<MigrationSource> s(new MigrationSource());
  s->dir_ = dir;
  // The folder's own lock, so that no csu process changes it meanwhile. A
  // folder without a LOCK file gets none (nothing is created in it).
  if (Exists(dir + "/LOCK")) {
    auto lock = store::Env::Default().LockFile(dir + "/LOCK");
    if (!lock.ok())
      return MakeError(dir, lock.error().why + "; stop csu serve (and any other csu command on it) before migrating");
    s->lock_ = std::move(lock).value();
  }
  return s;
}

Result<store::SqliteDb*> MigrationSource::Database(const std::string& file) {
  auto it = open_.find(file);
  if (it != open_.end()) return it->second.get();
  const std::string path = dir_ + "/" + file;
  if (!Exists(path)) return static_cast<store::SqliteDb*>(nullptr);
  CSU_ASSIGN_OR_RETURN(db, OpenReadOnly(path));
  // One read transaction for the whole run: every step sees one snapshot.
  if (Status s = db->Exec("PRAGMA busy_timeout=5000; BEGIN; SELECT count(*) FROM sqlite_master"); !s.ok())
    return s.error();
  store::SqliteDb* raw = db.get();
  open_[file] = std::move(db);
  return raw;
}

Result<bool> MigrationSource::HasTable(store::SqliteDb& db, const std::string& table) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1"));
  q.Bind(1, table);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row && q.Int(0) > 0;
}

// ---- helpers for steps ----

Result<int64_t> CountRows(store::SqlConnection& db, const std::string& table) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT count(*) FROM " + Quoted(table)));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError(db.Name(), "cannot count the rows of " + table);
  return q.Int(0);
}

Result<int64_t> CountRows(store::SqliteDb& db, const std::string& table) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT count(*) FROM " + Quoted(table)));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError(db.path(), "cannot count the rows of " + table);
  return q.Int(0);
}

Result<int64_t> CopyTable(store::SqliteDb& source, store::SqlConnection& target, const TableSpec& spec,
                          std::string_view step, const ProgressFn& progress) {
  if (spec.columns.size() != spec.kinds.size())
    return MakeError("migrate " + spec.table, "the column list and its kinds differ in length");
  CSU_ASSIGN_OR_RETURN(present, MigrationSource::HasTable(source, spec.table));
  if (!present) return int64_t{0};
  CSU_ASSIGN_OR_RETURN(total, CountRows(source, spec.table));
  std::string cols, params;
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    cols += (i ? ", " : "") + spec.columns[i];
    // Bytes travel as hex text into PostgreSQL's BYTEA (store/hex.h).
    const std::string param = "?" + std::to_string(i + 1);
    params += (i ? ", " : "") + (spec.kinds[i] == 'x' && target.Backend() == "postgresql"
                                     ? "decode(" + param + ", 'hex')"
                                     : param);
  }
  CSU_ASSIGN_OR_RETURN(read, source.Prepare("SELECT " + cols + " FROM " + Quoted(spec.table) + " ORDER BY " +
                                            spec.order_by));
  const std::string into = spec.target_table.empty() ? spec.table : spec.target_table;
  CSU_ASSIGN_OR_RETURN(write, target.Prepare("INSERT INTO " + Quoted(into) + "(" + cols + ") VALUES (" + params + ")"));
  int64_t done = 0;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, read.Step());
    if (!row) break;
    for (size_t i = 0; i < spec.columns.size(); ++i) {
      const int col = static_cast<int>(i);
      if (read.IsNull(col))
        write.BindNull(col + 1);
      else if (spec.kinds[i] == 'i')
        write.Bind(col + 1, read.Int(col));
      else if (spec.kinds[i] == 'x' && target.Backend() == "postgresql")
        write.Bind(col + 1, store::HexOfBytes(read.Text(col)));
      else
        write.Bind(col + 1, read.Text(col));
    }
    if (Status s = write.Run(); !s.ok())
      return MakeError(target.Name(), "copying " + spec.table + " row " + std::to_string(done + 1) + ": " +
                                          s.error().why);
    write.Reset();
    ++done;
    if (progress) progress(MigrateProgress{step, spec.table, done, total});
  }
  return done;
}

Status CheckSourceDatabase(store::SqliteDb& db, const std::string& version, const std::vector<TableSpec>& tables,
                           const std::set<std::string>& also_known) {
  CSU_ASSIGN_OR_RETURN(ver, db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
  CSU_ASSIGN_OR_RETURN(has, ver.Step());
  if (!has) return MakeError(db.path(), "not a csu database: no schema_version");
  if (ver.Text(0) != version)
    return MakeError(db.path(), "schema version " + ver.Text(0) + " is not one this csu can migrate (it knows " +
                                    version + ")");
  std::set<std::string> known = also_known;
  for (const TableSpec& t : tables) known.insert(t.table);
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    if (!known.count(q.Text(0)))
      return MakeError(db.path(), "has a table '" + q.Text(0) + "' this csu does not know how to migrate");
  }
  return Status::Ok();
}

Status ContinueIdentity(store::SqlConnection& target, const std::string& table, const std::string& column) {
  if (target.Backend() != "postgresql") return Status::Ok();  // SQLite's ids follow by themselves
  CSU_ASSIGN_OR_RETURN(q, target.Prepare("SELECT setval(pg_get_serial_sequence('" + table + "', '" + column +
                                         "'), COALESCE((SELECT max(" + column + ") FROM " + table +
                                         "), 1), (SELECT count(*) FROM " + table + ") > 0)"));
  return q.Run();
}

// ---- the run ----

Result<MigrateReport> Migrate(const std::string& dir, store::SqlConnection& target,
                              const std::vector<std::unique_ptr<MigrationStep>>& steps, const MigrateOptions& options) {
  if (target.Backend() != "postgresql")
    for (const auto& step : steps)
      if (step->NeedsPostgres())
        return MakeError(target.Name(), "step " + step->Name() +
                                            " moves into PostgreSQL only (its tables use PostgreSQL's types and "
                                            "triggers); nothing was read or written");
  CSU_ASSIGN_OR_RETURN(source, MigrationSource::Open(dir));
  // Every source is checked before the target is touched.
  for (const auto& step : steps)
    if (Status s = step->Check(*source); !s.ok())
      return MakeError(s.error().where, s.error().why + " (step " + step->Name() + "; nothing was written)");
  if (Status s = RequireEmpty(target); !s.ok()) return s.error();

  MigrateReport report;
  // One transaction: the target ends empty or complete. The accounts' lock
  // (BeginWrite) and the audit log's keep any node that starts meanwhile
  // from writing either until the run is over.
  Status run = store::InWriteTransaction(target, store::kAccountsWriteLock, [&]() -> Status {
    if (target.Backend() == "postgresql") {
      // The audit log's and every step's, in one order (ascending), so
      // that two runs never wait for each other in a cycle.
      std::set<int64_t> locks = {store::kAuditWriteLock};
      for (const auto& step : steps)
        for (int64_t key : step->WriteLocks()) locks.insert(key);
      locks.erase(store::kAccountsWriteLock);  // BeginWrite took it
      CSU_ASSIGN_OR_RETURN(lock, target.Prepare("SELECT pg_advisory_xact_lock(" + store::AdvisoryLockKeySql("?1") + ")"));
      for (int64_t key : locks) {
        lock.Reset();
        if (Status s = lock.Bind(1, key).Run(); !s.ok()) return s;
      }
    }
    // Again under the locks: another run may have filled it since.
    if (Status s = RequireEmpty(target); !s.ok()) return s;
    if (Status s = target.Exec(kMigrationsTable); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(record, target.Prepare(
        "INSERT INTO migrations(step, source, at, actor, tables) VALUES (?1, ?2, ?3, ?4, ?5)"));
    for (const auto& step : steps) {
      CSU_ASSIGN_OR_RETURN(r, step->Copy(*source, target, options.progress));
      r.step = step->Name();
      for (TableCount& t : r.tables) {
        CSU_ASSIGN_OR_RETURN(n, CountRows(target, t.table));
        t.target_rows = n;
        if (n != t.source_rows)
          return MakeError(target.Name(), "step " + r.step + ": table " + t.table + " has " + std::to_string(n) +
                                              " rows after the copy, the source " + std::to_string(t.source_rows) +
                                              "; nothing was written");
      }
      record.Bind(1, r.step).Bind(2, dir).Bind(3, options.now_iso).Bind(4, options.actor).Bind(5, CountsJson(r));
      if (Status s = record.Run(); !s.ok()) return s;
      record.Reset();
      report.steps.push_back(std::move(r));
    }
    // The move itself, at the end of the copied chain (when a step brought
    // the audit log): who moved what from where.
    CSU_ASSIGN_OR_RETURN(has_log, TablesIn(target));
    bool audit = false;
    for (const auto& [name, rows] : has_log) audit = audit || name == "audit_log";
    if (!audit) return Status::Ok();
    std::string details = "{\"from\":" + store::JsonString(dir) + ",\"steps\":{";
    for (size_t i = 0; i < report.steps.size(); ++i)
      details += (i ? "," : "") + store::JsonString(report.steps[i].step) + ":" + CountsJson(report.steps[i]);
    details += "}}";
    auto e = store::AppendAuditIn(target, options.now_iso, options.actor, "store.migrate", "database " + target.Name(),
                                  details);
    return e.ok() ? Status::Ok() : Status(e.error());
  });
  if (!run.ok()) return run.error();
  return report;
}

}  // namespace csu::migrate
