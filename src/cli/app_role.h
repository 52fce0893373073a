// Row-level security for server mode's application role (issue #18,
// docs/server-mode.md, "Row-level security"): which of the platform's
// PostgreSQL tables belong to one CCG, which belong to a row of another
// table (an invoice's lines), and which are shared and only read. `csu
// app-role ROLE --database OWNER_URL` applies it; `csu serve
// --app-database APP_URL` checks it before answering a CCG's pages on
// that role's connection, inside pg::InTenant.
//
// Every table a CCG's request reads through the application role must be
// here; one it does not read is not granted at all (the challenge log has
// no tenant column, the invoice counters are written only by the owner),
// so the role gets "permission denied" rather than rows.
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
  // The module databases' tenant tables (each module's kServerTenantTables;
  // payroll's rows of an employee or a run too), scoped when they exist, so
  // that no module's rows are open to the role unscoped. No page reads
  // them through the role yet (docs/server-mode.md), so a node does not
  // require them.
  std::vector<TenantTable> module_tenant;
  std::vector<ChildTable> module_child;
  // Every scoped table's name (tenant and child), for pg::CheckApplicationRole.
  std::vector<std::string> Scoped() const;
};
const ApplicationRoleTables& PlatformApplicationRoleTables();

// Creates the tables (opening each server-mode database once) and then
// scopes and grants them for `role`, which must exist. Idempotent: a rerun
// replaces the policies. `owner_url` is the tables' owner's connection.
// Returns how many tables were scoped (the module tables that exist
// included) and how many granted read-only.
Result<std::pair<int, int>> ScopeForApplicationRole(const std::string& owner_url, const std::string& role);

// The billing database on the application role's connection, for a CCG's
// own billing pages: `With(ccg, fn)` runs `fn` in a transaction that sees
// only that CCG's rows (pg::InTenant). Opened by `csu serve --app-database`
// after pg::CheckApplicationRole passes. One request at a time (a mutex).
class TenantBilling {
 public:
  static Result<std::unique_ptr<TenantBilling>> Open(const std::string& app_url);
  ~TenantBilling();
  Status With(const std::string& ccg, const std::function<Status(billing::BillingStore&)>& fn);

  struct PassKey {
    explicit PassKey() = default;
  };
  TenantBilling(PassKey, store::SqlConnection* conn, std::unique_ptr<billing::BillingStore> db);

 private:
  std::mutex mu_;
  store::SqlConnection* conn_;  // owned by db_
  std::unique_ptr<billing::BillingStore> db_;
};

}  // namespace csu::cli
