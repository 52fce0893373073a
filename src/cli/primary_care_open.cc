#include "cli/primary_care_open.h"

#include "pg/pg_connection.h"
#include "store/sql.h"

namespace csu::cli {
namespace {
Result<std::unique_ptr<store::SqlConnection>> Connect(const std::string& url) {
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  return pg::Connect(url);
}
}  // namespace

Result<std::unique_ptr<primarycare::PcStore>> OpenPcStore(const std::string& data_dir, const std::string& url) {
  if (url.empty()) return primarycare::PcStore::Open(data_dir);
  CSU_ASSIGN_OR_RETURN(db, Connect(url));
  return primarycare::PcStore::OpenServer(std::move(db));
}

Result<std::unique_ptr<primarycare::ClaimsStore>> OpenClaimsStore(const std::string& data_dir, const std::string& url,
                                                                  primarycare::ClaimsAuditFn audit) {
  if (url.empty()) return primarycare::ClaimsStore::Open(data_dir, std::move(audit));
  CSU_ASSIGN_OR_RETURN(db, Connect(url));
  return primarycare::ClaimsStore::OpenServer(std::move(db), std::move(audit));
}

}  // namespace csu::cli
