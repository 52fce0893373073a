// The PostgreSQL engine of store/sql.h, over libpq (docs/server-mode.md).
//
//   CSU_ASSIGN_OR_RETURN(db, pg::Connect("postgresql://csu@db1,db2/csu?target_session_attrs=read-write"));
//   ... the same statements as on SQLite (store::SqlConnection) ...
//
// * Placeholders `?N` are rewritten to `$N` (pg/placeholders.h); values go
//   as text with their type (int8, text; null as unknown), never spliced into
//   the statement, and each distinct statement is prepared once per session.
// * BeginWrite(lock) is BEGIN + pg_advisory_xact_lock on the lock's key in
//   this schema (store::AdvisoryLockKeySql); Commit is an
//   Error when PostgreSQL rolled the transaction back.
// * Errors name the server as postgresql://USER@HOST:PORT/DB and carry
//   PostgreSQL's primary message and SQLSTATE, never the password or the
//   values of a row (a constraint's DETAIL is left out).
// * A connection found broken (a failover, a restart) is re-established
//   before the next statement outside a transaction; a transaction in flight
//   fails with its error.
// Not thread-safe: one thread at a time, like store::SqliteDb.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/sql.h"

namespace csu::pg {

// The number PostgreSQL's locks take for `key` in `db`'s schema
// (store::AdvisoryLockKeySql), e.g. to find it in pg_locks.
Result<int64_t> SchemaLockKey(store::SqlConnection& db, int64_t key);

// Connects to a postgresql:// URL or a libpq key=value string.
Result<std::unique_ptr<store::SqlConnection>> Connect(const std::string& url);

// The URL as errors and logs may show it: postgresql://USER@HOST:PORT/DB
// (every host of a multi-host URL), without the password or other options;
// "the database URL" when it cannot be read.
std::string RedactedUrl(const std::string& url);

// Runs `copy_sql` (COPY table (cols) FROM STDIN) with `data`, rows in
// COPY's text format: columns separated by tabs, rows ended by '\n', NULL
// as \N, each value escaped by AppendCopyText. Many times faster than
// INSERTs for bulk rows (the reporting schema's refresh). Inside the
// caller's transaction when one is open. Errors as the statements'.
Status CopyIn(store::SqlConnection& db, const std::string& copy_sql, std::string_view data);
// Appends `value` escaped for COPY's text format (backslash, tab, newline,
// carriage return).
void AppendCopyText(std::string& out, std::string_view value);

// Whether `s` is a PostgreSQL connection string (postgresql:// or postgres://).
bool IsPostgresUrl(const std::string& s);

}  // namespace csu::pg
