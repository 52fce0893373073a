// Row-level security for server mode's application role (issue #18,
// docs/server-mode.md, "Row-level security"): which of the platform's
// PostgreSQL tables belong to one CCG, which belong to a row of another
// table (an invoice's lines), and which are shared and only read. `csu
// app-role ROLE --database OWNER_URL` applies it; `csu serve
// --app-database APP_URL` checks it before answering a CCG's pages (an
// employer's, a ledger entity's) on the role's connections, one per
// module's store (TenantStore), inside pg::InTenant.
//
// Every table a CCG's request reads through the application role must be
// here; one it does not read is not granted at all (the invoice counters
// are written only by the owner's invoice run), so the role gets
// "permission denied" rather than rows.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"

namespace csu::store {
class SqlConnection;
}
namespace csu::billing {
class BillingStore;
}
namespace csu::contracts {
class ContractStore;
}
namespace csu::procurement {
class ProcurementStore;
}
namespace csu::chc {
class ChcStore;
}
namespace csu::payroll {
class PayrollStore;
}
namespace csu::ledger {
class LedgerStore;
}
namespace csu::primarycare {
class PcStore;
class ClaimsStore;
}
namespace csu::store {
class FieldCipher;
}

namespace csu::cli {

struct TenantTable {
  const char* table;
  const char* column;  // holds the CCG's ODS code
};
struct ChildTable {
  const char* table;
  const char* column;         // references parent.parent_column
  const char* parent;
  const char* parent_column;
};

struct ApplicationRoleTables {
  std::vector<TenantTable> tenant;
  std::vector<ChildTable> child;
  std::vector<const char*> read_only;
  // The module databases' tables (each module's kServerTenantTables, the
  // rows of a tender, case, employee, run, practice or claim as child
  // tables, and their schema versions read-only), scoped when they exist,
  // so that no module's rows are open to the role unscoped. A node checks a
  // module's set (ProcurementScopedTables() and the others below) when it
  // opens that module's store on the role.
  std::vector<TenantTable> module_tenant;
  std::vector<ChildTable> module_child;
  std::vector<const char*> module_read_only;
  // The platform's scoped tables (tenant and child: contracts and billing),
  // for pg::CheckApplicationRole.
  std::vector<std::string> Scoped() const;
};
const ApplicationRoleTables& PlatformApplicationRoleTables();

// The procurement tables a node requires scoped before its procurement
// pages read through the application role (the tenders and plan lines,
// and every table of a tender's rows).
std::vector<std::string> ProcurementScopedTables();
// The continuing healthcare tables likewise (the cases, packages, invoices
// and claims, and every row of a case, an assessment, a package or a claim).
std::vector<std::string> ChcScopedTables();
// The payroll tables likewise (employers, staff, posts, runs and accounts,
// and every row of an employee or a run, sealed personal fields included).
std::vector<std::string> PayrollScopedTables();
// The ledger tables (every table of an entity's ledger).
std::vector<std::string> LedgerScopedTables();
// The primary care tables (practices and their rows, the posted schedules,
// the enhanced-service schemes and claims with their rows and evidence).
std::vector<std::string> PrimaryCareScopedTables();

// Creates the tables (opening each server-mode database once) and then
// scopes and grants them for `role`, which must exist. Idempotent: a rerun
// replaces the policies. `owner_url` is the tables' owner's connection.
// Returns how many tables were scoped (the module tables that exist
// included) and how many granted read-only.
Result<std::pair<int, int>> ScopeForApplicationRole(const std::string& owner_url, const std::string& role);

// The application role's connection to `app_url`, once pg::CheckApplicationRole
// passes for `scoped` (the tables the caller will read through it).
Result<std::unique_ptr<store::SqlConnection>> ConnectApplicationRole(const std::string& app_url,
                                                                     const std::vector<std::string>& scoped);
// pg::InTenant and pg::WithSessionTenant behind functions, so that the
// header stays light.
Status RunInTenant(store::SqlConnection& conn, const std::string& ccg, const std::function<Status()>& body);
Status RunWritesInTenant(store::SqlConnection& conn, const std::string& ccg, const std::function<Status()>& body);

// A module's store on the application role's connection, for the pages of
// one CCG: `With(ccg, fn)` runs `fn` in a transaction that sees only that
// CCG's rows (pg::InTenant). Opened by `csu serve --app-database` after
// pg::CheckApplicationRole passes for the tables the store's pages read.
// One request at a time (a mutex).
template <class Store>
class TenantStore {
 public:
  using OpenFn = std::function<Result<std::unique_ptr<Store>>(std::unique_ptr<store::SqlConnection>)>;
  static Result<std::unique_ptr<TenantStore>> Open(const std::string& app_url, const std::vector<std::string>& scoped,
                                                   const OpenFn& open) {
    CSU_ASSIGN_OR_RETURN(conn, ConnectApplicationRole(app_url, scoped));
    store::SqlConnection* raw = conn.get();
    CSU_ASSIGN_OR_RETURN(db, open(std::move(conn)));
    return std::unique_ptr<TenantStore>(new TenantStore(raw, std::move(db)));
  }
  Status With(const std::string& ccg, const std::function<Status(Store&)>& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    return RunInTenant(*conn_, ccg, [&]() -> Status { return fn(*db_); });
  }
  // For the store's writes, which open their own transactions: `fn` runs
  // with `ccg` as the session's tenant (pg::WithSessionTenant), so each of
  // its transactions reads and writes only that CCG's rows.
  Status Write(const std::string& ccg, const std::function<Status(Store&)>& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    return RunWritesInTenant(*conn_, ccg, [&]() -> Status { return fn(*db_); });
  }

 private:
  TenantStore(store::SqlConnection* conn, std::unique_ptr<Store> db) : conn_(conn), db_(std::move(db)) {}
  std::mutex mu_;
  store::SqlConnection* conn_;  // owned by db_
  std::unique_ptr<Store> db_;
};

// `t` as the pages' with_tenant_store (web/web_app.h): runs a function on
// the store for one CCG.
template <class Store>
std::function<Status(const std::string&, const std::function<Status(Store&)>&)> TenantRunner(TenantStore<Store>* t) {
  return [t](const std::string& ccg, const std::function<Status(Store&)>& fn) { return t->With(ccg, fn); };
}
// `t` as the pages' with_tenant_write: a store's writes for one CCG.
template <class Store>
std::function<Status(const std::string&, const std::function<Status(Store&)>&)> TenantWriter(TenantStore<Store>* t) {
  return [t](const std::string& ccg, const std::function<Status(Store&)>& fn) { return t->Write(ccg, fn); };
}

// The commissioning database for the pages of one CCG: its contracts and
// plans, and its challenges' statuses read and written (each entry carries
// its commissioner, docs/store-format.md §10a).
using TenantContracts = TenantStore<contracts::ContractStore>;
Result<std::unique_ptr<TenantContracts>> OpenTenantContracts(const std::string& app_url);
// The billing database for a CCG's own billing pages and invoices.
using TenantBilling = TenantStore<billing::BillingStore>;
Result<std::unique_ptr<TenantBilling>> OpenTenantBilling(const std::string& app_url);
// The procurement database for a CCG's procurement pages.
using TenantProcurement = TenantStore<procurement::ProcurementStore>;
Result<std::unique_ptr<TenantProcurement>> OpenTenantProcurement(const std::string& app_url);
// The continuing healthcare database, pseudonymised (the role never holds
// the CHC key), for the reads of a CCG's CHC pages.
using TenantChc = TenantStore<chc::ChcStore>;
Result<std::unique_ptr<TenantChc>> OpenTenantChc(const std::string& app_url);
// The payroll database, holding the payroll key as the owner's store does
// (the key's fingerprint must already be recorded: the role only reads
// payroll_meta), for the reads of an employer's payroll pages; the tenant is
// the employer's code.
using TenantPayroll = TenantStore<payroll::PayrollStore>;
// The ledgers, for the reads of one entity's ledger pages (the tenant is
// the entity's code: a CCG's, or the CSU's for its own ledger).
using TenantLedger = TenantStore<ledger::LedgerStore>;
Result<std::unique_ptr<TenantLedger>> OpenTenantLedger(const std::string& app_url);
// Primary care, for the reads of a CCG's primary care pages: the practices,
// contracts, lists, QOF and schedules (the approved claims a schedule
// includes come from TenantClaims).
using TenantPrimaryCare = TenantStore<primarycare::PcStore>;
Result<std::unique_ptr<TenantPrimaryCare>> OpenTenantPrimaryCare(const std::string& app_url);
// The enhanced-service claims, for the reads of a CCG's claims pages and of
// its schedule's approved claims, and for the claims pages' writes (Write:
// a practice's claim and evidence, the team's queries, decisions and
// schemes), each audited through `audit` (the server's log) as the owner's
// store audits them.
using TenantClaims = TenantStore<primarycare::ClaimsStore>;
Result<std::unique_ptr<TenantClaims>> OpenTenantClaims(
    const std::string& app_url,
    std::function<Status(const std::string& actor, const std::string& action, const std::string& subject,
                         const std::string& details)>
        audit);
Result<std::unique_ptr<TenantPayroll>> OpenTenantPayroll(const std::string& app_url, const store::FieldCipher& cipher);

}  // namespace csu::cli
