#include "store/sqlite_db.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"

namespace csu::store {
namespace {

// The platform's databases hold pseudonymised activity, accounts, sessions
// and the audit log: owner-only (0600), like the state folder (0700).
// SQLite creates a new database with the process umask (0644 under the
// usual 022) and gives its -wal and -shm files the database file's mode,
// so the file is created 0600 before SQLite first opens it, and files an
// older version created 0644 are tightened. Failures are left to SQLite's
// own open, which reports them with its reason.
void MakeOwnerOnly(const std::string& path) {
  if (path.empty() || path == ":memory:") return;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) ::fchmod(fd, 0600);
  ::close(fd);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string side = path + suffix;
    if (::stat(side.c_str(), &st) == 0 && (st.st_mode & 077) != 0) ::chmod(side.c_str(), 0600);
  }
}

// SQLite's message, with the cause a user can act on when the operating
// system gave one: a full disk reads "disk I/O error" from SQLite alone.
// The errno of the last failed write or fsync of the database file or its
// WAL (journal), which the unix VFS keeps per file: SQLite does not pass it
// to sqlite3_system_errno for a failed fsync, which it reports only as
// "disk I/O error".
int LastFileErrno(sqlite3* db) {
  int err = 0;
  sqlite3_file* journal = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal) == SQLITE_OK && journal != nullptr &&
      journal->pMethods != nullptr && journal->pMethods->xFileControl(journal, SQLITE_FCNTL_LAST_ERRNO, &err) == SQLITE_OK &&
      err != 0)
    return err;
  err = 0;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &err) == SQLITE_OK) return err;
  return 0;
}

std::string Why(sqlite3* db, const char* message) {
  std::string why = message;
  if (db == nullptr) return why;
  int err = sqlite3_system_errno(db);
  if (err != ENOSPC && err != EDQUOT && (sqlite3_extended_errcode(db) & 0xff) == SQLITE_IOERR) {
    if (const int file_err = LastFileErrno(db); file_err != 0) err = file_err;
  }
  const bool full = (sqlite3_extended_errcode(db) & 0xff) == SQLITE_FULL;
  // SQLite says "disk I/O error" for a failed write or fsync and "database or
  // disk is full" for SQLITE_FULL; when the disk is full, say only that.
  if (full || err == ENOSPC || err == EDQUOT) return ErrnoReason(ENOSPC);
  else if (err == EROFS || err == EACCES || err == EPERM) why += std::string(" (") + std::strerror(err) + ")";
  return why;
}

Error DbError(sqlite3* db, const std::string& where, const char* doing) {
  return MakeError(where, std::string(doing) + ": " + (db != nullptr ? Why(db, sqlite3_errmsg(db)) : "out of memory"));
}

}  // namespace

Statement::Statement(sqlite3_stmt* stmt, std::string where) : stmt_(stmt), where_(std::move(where)) {}
Statement::~Statement() { sqlite3_finalize(stmt_); }
Statement::Statement(Statement&& o) noexcept : stmt_(o.stmt_), where_(std::move(o.where_)) { o.stmt_ = nullptr; }
Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    where_ = std::move(o.where_);
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return DbError(sqlite3_db_handle(stmt_), where_, "catalog query failed");
}

Status Statement::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) {
      sqlite3_reset(stmt_);
      return r.error();
    }
    if (!r.value()) break;
  }
  sqlite3_reset(stmt_);
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(stmt_, col));
}
bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, const std::string& vfs, bool create) {
  if (create) MakeOwnerOnly(path);
  sqlite3* db = nullptr;
  // Without `create`, SQLite still falls back to reading when the file
  // cannot be opened for writing (a read-only mount).
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
                           vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    Error e = DbError(db, path, "cannot open catalog");
    sqlite3_close(db);
    return e;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::make_unique<SqliteDb>(PassKey(), db, path);
}

// close_v2: the handle goes once any statement still alive is finalised.
SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

Status SqliteDb::Exec(const std::string& sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string why = Why(db_, msg != nullptr ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return MakeError(path_, "catalog statement failed: " + why);
  }
  return Status::Ok();
}

Result<Statement> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return DbError(db_, path_, "cannot prepare catalog statement");
  return Statement(stmt, path_);
}

Status PrepareSchema(SqliteDb& d, const std::string& pragmas, const char* schema, int version,
                     const std::string& what) {
  if (Status s = d.Exec("PRAGMA busy_timeout=5000"); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(mode, d.Prepare("PRAGMA journal_mode=WAL"));
  CSU_ASSIGN_OR_RETURN(has_row, mode.Step());
  if (!has_row || mode.Text(0) != "wal") return MakeError(d.path(), "cannot switch to WAL mode");
  mode.Reset();
  if (Status s = d.Exec(pragmas); !s.ok()) return s;
  return InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(exists, d.Prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'"));
    CSU_ASSIGN_OR_RETURN(stepped, exists.Step());
    const bool fresh = stepped && exists.Int(0) == 0;
    exists.Reset();
    if (fresh) {
      if (Status s = d.Exec(schema); !s.ok()) return s;
      return d.Exec("INSERT INTO meta(key, value) VALUES ('schema_version', '" + std::to_string(version) + "')");
    }
    CSU_ASSIGN_OR_RETURN(ver, d.Prepare("SELECT value FROM meta WHERE key='schema_version'"));
    CSU_ASSIGN_OR_RETURN(has, ver.Step());
    if (!has) return MakeError(d.path(), "not a " + what + ": no schema_version");
    const std::string v = ver.Text(0);
    ver.Reset();
    if (v != std::to_string(version))
      return MakeError(d.path(), "schema version " + v + " is not supported by this csu (it knows version " +
                                     std::to_string(version) + ")");
    return Status::Ok();
  });
}

}  // namespace csu::store
