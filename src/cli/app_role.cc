#include "cli/app_role.h"

#include <set>

#include "billing/billing_store.h"
#include "cli/chc_open.h"
#include "cli/primary_care_open.h"
#include "cli/server_mode.h"
#include "chc/chc_store.h"
#include "contracts/contract_store.h"
#include "ledger/ledger_store.h"
#include "payroll/payroll_server_tables.h"
#include "payroll/payroll_store.h"
#include "primarycare/claims_store.h"
#include "primarycare/pc_store.h"
#include "procurement/procurement_store.h"
#include "pg/pg_connection.h"
#include "pg/tenant_rows.h"

namespace csu::cli {

std::vector<std::string> ApplicationRoleTables::Scoped() const {
  std::vector<std::string> out;
  for (const auto& t : tenant) out.emplace_back(t.table);
  for (const auto& c : child) out.emplace_back(c.table);
  return out;
}

const ApplicationRoleTables& PlatformApplicationRoleTables() {
  static ApplicationRoleTables tables{
      // Tenant tables: the column holding the CCG (docs/store-format.md
      // §10a, §12a).
      {{"contracts", "commissioner"},
       {"challenge_log", "ccg"},
       {"subscriptions", "ccg"},
       {"population", "ccg"},
       {"usage", "ccg"},
       {"usage_keys", "ccg"},
       {"customers", "ccg"},
       {"documents", "ccg"}},
      // Rows of a tenant row.
      {{"plan_lines", "contract_id", "contracts", "id"}, {"document_lines", "number", "documents", "number"}},
      // Shared, read-only: the schema versions, the service catalogue and
      // the supplier's details every invoice carries.
      {"commissioning_meta", "billing_meta", "catalogue", "settings"},
      {},
      {}};
  static const bool filled = [] {
    auto add = [](const auto& list) {
      for (const auto& [table, column] : list) tables.module_tenant.push_back({table, column});
    };
    add(ledger::kServerTenantTables);
    tables.module_read_only.push_back("ledger_meta");
    add(payroll::kServerTenantTables);
    add(chc::kServerTenantTables);
    add(primarycare::kServerTenantTables);
    add(procurement::kServerTenantTables);
    for (const char* t : primarycare::kServerPracticeTables)
      tables.module_child.push_back({t, "practice", "practices", "code"});
    for (const char* t : primarycare::kServerClaimTables)
      tables.module_child.push_back({t, "claim_id", "es_claims", "id"});
    tables.module_child.push_back({"es_evidence_files", "sha256", "es_evidence", "sha256"});
    for (const char* t : primarycare::kServerSharedTables) tables.module_read_only.push_back(t);
    for (const char* t : procurement::kServerTenderTables)
      tables.module_child.push_back({t, "tender", "procurement_tenders", "id"});
    for (const char* t : procurement::kServerSharedTables) tables.module_read_only.push_back(t);
    for (const auto& c : payroll::kServerChildTables)
      tables.module_child.push_back({c.table, c.column, c.parent, c.parent_column});
    tables.module_read_only.push_back("payroll_meta");
    // Continuing healthcare's rows of a case, an assessment, a package or a
    // claim (docs/store-format.md §15a), parents before their children.
    for (const char* t : {"chc_identities", "events", "assessments", "delays", "reviews", "appeals"})
      tables.module_child.push_back({t, "case_id", "cases", "id"});
    tables.module_child.push_back({"assessment_levels", "assessment_id", "assessments", "id"});
    tables.module_child.push_back({"package_versions", "package_id", "packages", "id"});
    tables.module_child.push_back({"retro_claim_costs", "claim_id", "retro_claims", "id"});
    tables.module_read_only.push_back("chc_meta");
    return true;
  }();
  (void)filled;
  return tables;
}

Result<std::pair<int, int>> ScopeForApplicationRole(const std::string& owner_url, const std::string& role) {
  // Opening each database creates its tables on a fresh server, so that
  // scoping never meets a table that is not there yet.
  CSU_ASSIGN_OR_RETURN(contracts, OpenContracts("", owner_url));
  CSU_ASSIGN_OR_RETURN(billing, OpenBilling("", owner_url));
  // The procurement, CHC, ledger and primary care pages read through the
  // role, so their tables are
  // made here too (the other modules' are scoped once a node or a command
  // made them).
  CSU_ASSIGN_OR_RETURN(procurement_db, OpenProcurement("", owner_url));
  CSU_ASSIGN_OR_RETURN(chc_db, OpenChcPseudonymised("", owner_url));
  CSU_ASSIGN_OR_RETURN(ledger_db, OpenLedgerStore("", owner_url));
  CSU_ASSIGN_OR_RETURN(pc_db, OpenPcStore("", owner_url));
  CSU_ASSIGN_OR_RETURN(claims_db, OpenClaimsStore("", owner_url, [](const std::string&, const std::string&,
                                                                   const std::string&, const std::string&) {
                         return Status::Ok();  // making the tables writes no claim
                       }));
  CSU_ASSIGN_OR_RETURN(owner, pg::Connect(owner_url));
  const ApplicationRoleTables& t = PlatformApplicationRoleTables();
  for (const auto& x : t.tenant)
    if (Status s = pg::ScopeTableToTenant(*owner, x.table, x.column, role); !s.ok()) return s.error();
  for (const auto& x : t.child)
    if (Status s = pg::ScopeChildTable(*owner, x.table, x.column, x.parent, x.parent_column, role); !s.ok())
      return s.error();
  for (const char* x : t.read_only)
    if (Status s = pg::GrantReadOnly(*owner, x, role); !s.ok()) return s.error();
  int scoped = static_cast<int>(t.tenant.size() + t.child.size());
  // A module's tables exist once a node or a command has opened it.
  CSU_ASSIGN_OR_RETURN(exists, owner->Prepare("SELECT count(*) FROM pg_class WHERE oid = to_regclass(?1)"));
  auto present = [&](const char* table) -> Result<bool> {
    exists.Reset();
    exists.Bind(1, std::string_view(table));
    CSU_ASSIGN_OR_RETURN(row, exists.Step());
    const bool yes = row && exists.Int(0) > 0;
    exists.Reset();
    return yes;
  };
  for (const auto& x : t.module_tenant) {
    CSU_ASSIGN_OR_RETURN(here, present(x.table));
    if (!here) continue;
    if (Status s = pg::ScopeTableToTenant(*owner, x.table, x.column, role); !s.ok()) return s.error();
    ++scoped;
  }
  for (const auto& x : t.module_child) {
    CSU_ASSIGN_OR_RETURN(here, present(x.table));
    if (!here) continue;
    if (Status s = pg::ScopeChildTable(*owner, x.table, x.column, x.parent, x.parent_column, role); !s.ok())
      return s.error();
    ++scoped;
  }
  int read_only = static_cast<int>(t.read_only.size());
  for (const char* x : t.module_read_only) {
    CSU_ASSIGN_OR_RETURN(here, present(x));
    if (!here) continue;
    if (Status s = pg::GrantReadOnly(*owner, x, role); !s.ok()) return s.error();
    ++read_only;
  }
  return std::make_pair(scoped, read_only);
}

std::vector<std::string> ChcScopedTables() {
  std::vector<std::string> out;
  for (const auto& [table, column] : chc::kServerTenantTables) out.emplace_back(table);
  // The rows of a case, an assessment, a package or a claim (listed in
  // PlatformApplicationRoleTables, parents before children).
  const std::set<std::string> parents = {"cases", "assessments", "packages", "retro_claims"};
  for (const ChildTable& c : PlatformApplicationRoleTables().module_child)
    if (parents.count(c.parent)) out.emplace_back(c.table);
  return out;
}

std::vector<std::string> PayrollScopedTables() {
  std::vector<std::string> out;
  for (const auto& [table, column] : payroll::kServerTenantTables) out.emplace_back(table);
  for (const auto& c : payroll::kServerChildTables) out.emplace_back(c.table);
  return out;
}

std::vector<std::string> LedgerScopedTables() {
  std::vector<std::string> out;
  for (const auto& [table, column] : ledger::kServerTenantTables) out.emplace_back(table);
  return out;
}

std::vector<std::string> PrimaryCareScopedTables() {
  std::vector<std::string> out;
  for (const auto& [table, column] : primarycare::kServerTenantTables) out.emplace_back(table);
  const std::set<std::string> parents = {"practices", "es_claims", "es_evidence"};
  for (const ChildTable& c : PlatformApplicationRoleTables().module_child)
    if (parents.count(c.parent)) out.emplace_back(c.table);
  return out;
}

std::vector<std::string> ProcurementScopedTables() {
  std::vector<std::string> out;
  for (const auto& [table, column] : procurement::kServerTenantTables) out.emplace_back(table);
  for (const char* table : procurement::kServerTenderTables) out.emplace_back(table);
  return out;
}

Result<std::unique_ptr<store::SqlConnection>> ConnectApplicationRole(const std::string& app_url,
                                                                     const std::vector<std::string>& scoped) {
  if (!pg::IsPostgresUrl(app_url)) return MakeError("--app-database", "must be a postgresql:// URL (docs/deploy.md)");
  CSU_ASSIGN_OR_RETURN(conn, pg::Connect(app_url));
  if (Status s = pg::CheckApplicationRole(*conn, scoped); !s.ok()) return s.error();
  return conn;
}

Status RunInTenant(store::SqlConnection& conn, const std::string& ccg, const std::function<Status()>& body) {
  return pg::InTenant(conn, ccg, body);
}

Status RunWritesInTenant(store::SqlConnection& conn, const std::string& ccg, const std::function<Status()>& body) {
  return pg::WithSessionTenant(conn, ccg, body);
}

Result<std::unique_ptr<TenantBilling>> OpenTenantBilling(const std::string& app_url) {
  return TenantBilling::Open(app_url, PlatformApplicationRoleTables().Scoped(),
                             [](std::unique_ptr<store::SqlConnection> c) { return billing::BillingStore::OpenServer(std::move(c)); });
}

Result<std::unique_ptr<TenantContracts>> OpenTenantContracts(const std::string& app_url) {
  return TenantContracts::Open(app_url, PlatformApplicationRoleTables().Scoped(),
                               [](std::unique_ptr<store::SqlConnection> c) {
                                 return contracts::ContractStore::OpenServer(std::move(c));
                               });
}

Result<std::unique_ptr<TenantChc>> OpenTenantChc(const std::string& app_url) {
  return TenantChc::Open(app_url, ChcScopedTables(), [](std::unique_ptr<store::SqlConnection> c) {
    return chc::ChcStore::OpenServerPseudonymised(std::move(c));
  });
}

Result<std::unique_ptr<TenantPayroll>> OpenTenantPayroll(const std::string& app_url, const store::FieldCipher& cipher) {
  return TenantPayroll::Open(app_url, PayrollScopedTables(), [&cipher](std::unique_ptr<store::SqlConnection> c) {
    return payroll::PayrollStore::OpenServer(std::move(c), cipher);
  });
}

Result<std::unique_ptr<TenantLedger>> OpenTenantLedger(const std::string& app_url) {
  return TenantLedger::Open(app_url, LedgerScopedTables(), [](std::unique_ptr<store::SqlConnection> c) {
    return ledger::LedgerStore::OpenServer(std::move(c));
  });
}

Result<std::unique_ptr<TenantPrimaryCare>> OpenTenantPrimaryCare(const std::string& app_url) {
  return TenantPrimaryCare::Open(app_url, PrimaryCareScopedTables(), [](std::unique_ptr<store::SqlConnection> c) {
    return primarycare::PcStore::OpenServer(std::move(c));
  });
}

Result<std::unique_ptr<TenantClaims>> OpenTenantClaims(const std::string& app_url, primarycare::ClaimsAuditFn audit) {
  return TenantClaims::Open(app_url, PrimaryCareScopedTables(), [audit](std::unique_ptr<store::SqlConnection> c) {
    return primarycare::ClaimsStore::OpenServer(std::move(c), audit);
  });
}

Result<std::unique_ptr<TenantProcurement>> OpenTenantProcurement(const std::string& app_url) {
  return TenantProcurement::Open(app_url, ProcurementScopedTables(), [](std::unique_ptr<store::SqlConnection> c) {
    return procurement::ProcurementStore::OpenServer(std::move(c));
  });
}

}  // namespace csu::cli
