// Server mode's database for the commands (docs/server-mode.md): the
// PostgreSQL URL of --database (or CSU_DATABASE_URL), where `csu serve` and
// `csu users` keep accounts, sessions, the sign-in throttle and the audit
// log instead of the state folder. Without one, they use the state folder
// as before. The URL is never printed with its password (pg::RedactedUrl).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "core/result.h"
#include "store/partition_map.h"
#include "store/sql_audit_log.h"
#include "tenancy/accounts.h"

namespace csu::cli {

// Registers --database URL (env CSU_DATABASE_URL) on `cmd`.
void AddDatabaseOption(CLI::App* cmd, std::string& url);

// The audit log in the database, on its own connection (an audit append
// never waits behind an accounts transaction); creates its table on first
// use. Errors name the server, never the password; a URL that is not
// postgresql:// is refused.
Result<std::unique_ptr<store::SqlAuditLog>> OpenServerAudit(const std::string& url);

// The accounts in the database (tenancy::Accounts::OpenServer), on their
// own connection.
Result<std::unique_ptr<tenancy::Accounts>> OpenServerAccounts(const std::string& url, tenancy::AccountsOptions options);

// The partition map in the database (store/partition_map.h), read once
// on a connection of its own that is then closed.
Result<store::PartitionMap> ReadServerPartitionMap(const std::string& url);

// An AuditFn appending to `log` (which must outlive it).
tenancy::AuditFn AppendTo(store::SqlAuditLog& log);

}  // namespace csu::cli
