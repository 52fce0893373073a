// A thin RAII wrapper over a SQLite connection and its prepared statements,
// turning SQLite's return codes into Errors that name the database file.
// Not thread-safe: one connection per Store, used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace csu::store {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, std::string where);
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;

  // Binds are 1-based, as in SQLite.
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, std::string_view v);
  Statement& BindNull(int i);

  // True when a row is ready, false when done; Error on failure.
  Result<bool> Step();
  // Runs to completion, for statements without result rows.
  Status Run();
  // Ready for new binds and another run.
  void Reset();

  int64_t Int(int col) const;
  std::string Text(int col) const;
  bool IsNull(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string where_;
};

class SqliteDb {
 public:
  // Opens (creating) `path` through `vfs` ("" = SQLite's default). With
  // `create` false an absent file is an error and nothing is created or
  // re-moded: how a process that shares the folder with its owner opens it
  // (docs/store-format.md §1, "Who may open the folder").
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, const std::string& vfs, bool create = true);

  // Use Open(); the constructor adopts a handle Open() has opened.
  struct PassKey {
    explicit PassKey() = default;
  };
  SqliteDb(PassKey, sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results.
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(std::string_view sql);
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_;
  std::string path_;
};

namespace detail {
template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};
}  // namespace detail

// Steps `q` to its end and collects `read()` for each row: `read` reads the
// current row of `q` (which it captures) and returns the value or a Result of
// it, whose first error stops the reading. The one loop every store's list
// queries share.
template <typename T, typename F>
Result<std::vector<T>> AllRows(Statement& q, F&& read) {
  std::vector<T> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return out;
    if constexpr (detail::IsResult<std::decay_t<decltype(read())>>::value) {
      CSU_ASSIGN_OR_RETURN(value, read());
      out.push_back(std::move(value));
    } else {
      out.push_back(read());
    }
  }
}

// Runs `body` (returning Status) inside BEGIN IMMEDIATE .. COMMIT, rolling
// back on any error, so the changes land whole or not at all.
template <typename F>
Status InTransaction(SqliteDb& db, F&& body) {
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Status s = body();
  if (!s.ok()) {
    (void)db.Exec("ROLLBACK");
    return s;
  }
  return db.Exec("COMMIT");
}

// Prepares a small transactional database the way every one of the state
// folder's is prepared: busy_timeout 5 s, WAL, then `pragmas` (for example
// "PRAGMA synchronous=FULL"); on a fresh file creates `schema` and records
// meta.schema_version = `version`; on an existing one checks that version.
// `what` names the database in errors ("not a billing database: ...").
Status PrepareSchema(SqliteDb& db, const std::string& pragmas, const char* schema, int version,
                     const std::string& what);

}  // namespace csu::store
