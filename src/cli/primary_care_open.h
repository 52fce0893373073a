// Opening the primary care databases for the commands and `csu serve`
// (docs/server-mode.md): the practices and payments store and the
// enhanced-service claims store, from the state folder's primary-care.sqlite
// when `url` is empty (embedded mode), else from the tables in PostgreSQL,
// each on a connection of its own (PcStore::OpenServer,
// ClaimsStore::OpenServer). Kept beside server_mode.h rather than in it so
// that each module's opening stays in one small file.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "primarycare/claims_store.h"
#include "primarycare/pc_store.h"

namespace csu::cli {

// Errors name the file or the server (never a password); a URL that is not
// postgresql:// is refused.
Result<std::unique_ptr<primarycare::PcStore>> OpenPcStore(const std::string& data_dir, const std::string& url);
// `audit` receives every state change's entry: pass CommandAudit's (or the
// server's log) so that in server mode the entries go to PostgreSQL's log.
Result<std::unique_ptr<primarycare::ClaimsStore>> OpenClaimsStore(const std::string& data_dir, const std::string& url,
                                                                  primarycare::ClaimsAuditFn audit);

}  // namespace csu::cli
