// Server mode's database for the commands (docs/server-mode.md): the
// PostgreSQL URL of --database (or CSU_DATABASE_URL), where `csu serve` and
// the commands keep accounts, sessions, the sign-in throttle, the audit log,
// the commissioning database (contracts, plans, challenges), the billing
// database (catalogue, subscriptions, usage and meters, invoices), the
// ledgers and the module databases instead of the state folder; each
// module's own opener (payroll_open.h, chc_open.h, primary_care_open.h) and
// the ones below take the same URL. Without one, they use the state folder
// as before. The URL is never printed with its password (pg::RedactedUrl).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "billing/billing_store.h"
#include "billing/meter.h"
#include "contracts/contract_store.h"
#include "core/result.h"
#include "store/partition_map.h"
#include "store/sql_audit_log.h"
#include "store/store.h"
#include "tenancy/accounts.h"

namespace csu::ledger {
class LedgerStore;
}
namespace csu::procurement {
class ProcurementStore;
}

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

// The commissioning database, the billing database and the meter: the
// state folder's files when `url` is empty, else the tables in PostgreSQL,
// each on a connection of its own (ContractStore::OpenServer, ...).
Result<std::unique_ptr<contracts::ContractStore>> OpenContracts(const std::string& data_dir, const std::string& url);
Result<std::unique_ptr<billing::BillingStore>> OpenBilling(const std::string& data_dir, const std::string& url);
Result<std::unique_ptr<billing::Meter>> OpenMeter(const std::string& data_dir, const std::string& url);
// The ledger database (ledger/ledger_store.h): the state folder's
// ledger.sqlite when `url` is empty. Every module that posts to a ledger
// (CHC, payroll, primary care, billing documents) opens it through here, so
// that in server mode its journals land in the one ledger every node uses.
Result<std::unique_ptr<ledger::LedgerStore>> OpenLedgerStore(const std::string& data_dir, const std::string& url);
// The procurement database (procurement/procurement_store.h): the state
// folder's procurement.sqlite when `url` is empty, else its tables in
// PostgreSQL on a connection of its own.
Result<std::unique_ptr<procurement::ProcurementStore>> OpenProcurement(const std::string& data_dir,
                                                                       const std::string& url);

// Where a command's audit entries go: the database's log in server mode
// (`url` set), so that a change made on one node is audited where every
// node sees it; the state folder's catalog otherwise.
class CommandAudit {
 public:
  static Result<std::unique_ptr<CommandAudit>> Open(store::Store& local, const std::string& url);
  Status Append(const std::string& actor, const std::string& action, const std::string& subject,
                const std::string& details);
  // The whole log, and its hash chain checked (the number of entries).
  Result<std::vector<store::AuditEntry>> Entries();
  Result<int64_t> Verify();
  CommandAudit(store::Store* local, std::unique_ptr<store::SqlAuditLog> server)
      : local_(local), server_(std::move(server)) {}

 private:
  store::Store* local_;
  std::unique_ptr<store::SqlAuditLog> server_;
};

}  // namespace csu::cli
