// Row-level security on tenant tables in PostgreSQL (issue #18,
// docs/server-mode.md, "Row-level security"): defence in depth beneath the
// permission matrix. A tenant table gets FORCEd policies so that
//   * the application role (which neither owns the tables nor has
//     BYPASSRLS) sees and writes only the rows of the tenant the request set
//     with SET LOCAL app.tenant (InTenant below);
//   * a statement with no tenant set is an ERROR, never all rows and never
//     silently none (csu_current_tenant() raises);
//   * the owner (migrations, and the accounts, which are cross-tenant by
//     nature) keeps a policy of its own; any other role sees nothing.
//
//   CSU_ASSIGN_OR_RETURN(owner, pg::Connect(owner_url));
//   pg::ScopeTableToTenant(*owner, "analyst_tenants", "tenant", "csu_app");
//   ... on the application role's connection, per request:
//   pg::InTenant(*app, "02E", [&]() -> Status { ... SELECT ... });
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql.h"

namespace csu::pg {

// Creates (or replaces) csu_current_tenant() and turns on forced row-level
// security on `table` keyed on `column`: a policy for `app_role` (rows of
// the current tenant, read and write) and one for the owner running this
// (every row). Grants `app_role` SELECT, INSERT, UPDATE and DELETE on it.
// Names are checked to be plain identifiers (letters, digits, _).
Status ScopeTableToTenant(store::SqlConnection& owner, std::string_view table, std::string_view column,
                          std::string_view app_role);

// A table whose rows belong to the tenant of the parent row they reference
// (an invoice's lines, a contract's plan lines): the application role sees
// and writes a row only when its parent row is visible to it, so `parent`
// must be scoped first (ScopeTableToTenant). Same grants and owner policy.
Status ScopeChildTable(store::SqlConnection& owner, std::string_view table, std::string_view column,
                       std::string_view parent, std::string_view parent_column, std::string_view app_role);

// A table without a tenant that the application role may only read (a
// catalogue, a schema version): SELECT and nothing else.
Status GrantReadOnly(store::SqlConnection& owner, std::string_view table, std::string_view app_role);

// What a node checks before it uses `app` as the application role: the
// connection's role is not a superuser, has no BYPASSRLS, owns none of
// `scoped_tables`, and each of them has forced row-level security. The
// error names the first thing wrong and what to run.
Status CheckApplicationRole(store::SqlConnection& app, const std::vector<std::string>& scoped_tables);

// Runs `body` in a transaction with app.tenant = `tenant` for that
// transaction only (set_config(..., true): SET LOCAL), so a pooled
// connection never carries one request's tenant into the next.
template <typename F>
Status InTenant(store::SqlConnection& db, std::string_view tenant, F&& body) {
  if (tenant.empty()) return MakeError(db.Name(), "no tenant given for a tenant-scoped transaction");
  if (Status s = db.Exec("BEGIN"); !s.ok()) return s;
  auto set = db.Prepare("SELECT set_config('app.tenant', ?1, true)");
  Status s = set.ok() ? set.value().Bind(1, tenant).Run() : Status(set.error());
  if (s.ok()) s = body();
  if (!s.ok()) {
    (void)db.Exec("ROLLBACK");
    return s;
  }
  return db.Exec("COMMIT");
}

// Runs `body` with app.tenant = `tenant` for the connection's session while
// it runs, for a store's writes: the store's own transactions
// (BeginWrite .. Commit) then see only the tenant's rows and the policies'
// WITH CHECK refuses a row of any other. The setting is cleared after,
// whatever `body` returned, so a later use of the connection without a
// tenant errors rather than inheriting this one (a lost connection's new
// session has none either). Only for a connection one request holds at a
// time (cli::TenantStore's mutex).
template <typename F>
Status WithSessionTenant(store::SqlConnection& db, std::string_view tenant, F&& body) {
  if (tenant.empty()) return MakeError(db.Name(), "no tenant given for a tenant-scoped write");
  auto set = db.Prepare("SELECT set_config('app.tenant', ?1, false)");
  Status s = set.ok() ? set.value().Bind(1, tenant).Run() : Status(set.error());
  if (s.ok()) s = body();
  Status cleared = db.Exec("SELECT set_config('app.tenant', '', false)");
  if (!cleared.ok()) {
    // A transaction `body` left aborted refuses every statement but
    // ROLLBACK: end it, so the tenant can still be cleared.
    (void)db.Exec("ROLLBACK");
    cleared = db.Exec("SELECT set_config('app.tenant', '', false)");
  }
  if (s.ok() && !cleared.ok()) return cleared;
  return s;
}

}  // namespace csu::pg
