#include "cli/server_mode.h"

#include "ledger/ledger_store.h"
#include "pg/pg_connection.h"
#include "procurement/procurement_store.h"
#include "tenancy/accounts_server.h"

namespace csu::cli {

void AddDatabaseOption(CLI::App* cmd, std::string& url) {
  cmd->add_option("--database", url,
                  "Server mode: the postgresql:// URL of the database every node shares: accounts, the audit log, "
                  "the batches, contracts, billing and every module's records (or set CSU_DATABASE_URL; "
                  "docs/server-mode.md)")
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

namespace {
Result<std::unique_ptr<store::SqlConnection>> ConnectServer(const std::string& url) {
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  return pg::Connect(url);
}
}  // namespace

Result<std::unique_ptr<contracts::ContractStore>> OpenContracts(const std::string& data_dir, const std::string& url) {
  if (url.empty()) return contracts::ContractStore::Open(data_dir);
  CSU_ASSIGN_OR_RETURN(db, ConnectServer(url));
  return contracts::ContractStore::OpenServer(std::move(db));
}

Result<std::unique_ptr<billing::BillingStore>> OpenBilling(const std::string& data_dir, const std::string& url) {
  if (url.empty()) return billing::BillingStore::Open(data_dir);
  CSU_ASSIGN_OR_RETURN(db, ConnectServer(url));
  return billing::BillingStore::OpenServer(std::move(db));
}

Result<std::unique_ptr<procurement::ProcurementStore>> OpenProcurement(const std::string& data_dir,
                                                                       const std::string& url) {
  if (url.empty()) return procurement::ProcurementStore::Open(data_dir);
  CSU_ASSIGN_OR_RETURN(db, ConnectServer(url));
  return procurement::ProcurementStore::OpenServer(std::move(db));
}

Result<std::unique_ptr<ledger::LedgerStore>> OpenLedgerStore(const std::string& data_dir, const std::string& url) {
  if (url.empty()) return ledger::LedgerStore::Open(data_dir);
  CSU_ASSIGN_OR_RETURN(db, ConnectServer(url));
  return ledger::LedgerStore::OpenServer(std::move(db));
}

Result<std::unique_ptr<billing::Meter>> OpenMeter(const std::string& data_dir, const std::string& url) {
  if (url.empty()) return billing::Meter::Open(data_dir);
  CSU_ASSIGN_OR_RETURN(db, ConnectServer(url));
  return billing::Meter::OpenServer(std::move(db));
}

Result<std::unique_ptr<CommandAudit>> CommandAudit::Open(store::Store& local, const std::string& url) {
  if (url.empty()) return std::make_unique<CommandAudit>(&local, nullptr);
  CSU_ASSIGN_OR_RETURN(log, OpenServerAudit(url));
  return std::make_unique<CommandAudit>(&local, std::move(log));
}

Status CommandAudit::Append(const std::string& actor, const std::string& action, const std::string& subject,
                            const std::string& details) {
  if (!server_) return local_->AppendAudit(actor, action, subject, details);
  auto e = server_->Append(actor, action, subject, details);
  return e.ok() ? Status::Ok() : Status(e.error());
}

Result<std::vector<store::AuditEntry>> CommandAudit::Entries() {
  return server_ ? server_->Entries() : local_->Audit();
}

Result<int64_t> CommandAudit::Verify() { return server_ ? server_->Verify() : local_->VerifyAudit(); }

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
