#include "cli/server_mode.h"

#include "pg/pg_connection.h"
#include "tenancy/accounts_server.h"

namespace csu::cli {

void AddDatabaseOption(CLI::App* cmd, std::string& url) {
  cmd->add_option("--database", url,
                  "Server mode: a postgresql:// URL holding accounts, sessions and the audit log (or set "
                  "CSU_DATABASE_URL; docs/server-mode.md)")
      ->envname("CSU_DATABASE_URL");
}

Result<std::unique_ptr<store::SqlAuditLog>> OpenServerAudit(const std::string& url) {
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  CSU_ASSIGN_OR_RETURN(db, pg::Connect(url));
  return store::SqlAuditLog::Open(std::move(db));
}

Result<std::unique_ptr<tenancy::Accounts>> OpenServerAccounts(const std::string& url, tenancy::AccountsOptions options) {
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  CSU_ASSIGN_OR_RETURN(db, pg::Connect(url));
  return tenancy::OpenServerAccounts(std::move(db), std::move(options));
}

Result<store::PartitionMap> ReadServerPartitionMap(const std::string& url) {
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  CSU_ASSIGN_OR_RETURN(db, pg::Connect(url));
  return store::ReadPartitionMap(*db);
}

tenancy::AuditFn AppendTo(store::SqlAuditLog& log) {
  return [&log](const std::string& actor, const std::string& action, const std::string& subject,
                const std::string& details) -> Status {
    auto e = log.Append(actor, action, subject, details);
    return e.ok() ? Status::Ok() : Status(e.error());
  };
}

}  // namespace csu::cli
