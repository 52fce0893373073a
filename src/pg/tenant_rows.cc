#include "pg/tenant_rows.h"

namespace csu::pg {
namespace {

bool PlainIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 63 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Raises rather than returning NULL or '': a custom setting reads '' (not
// "unset") in a session where an earlier transaction set it locally, and a
// policy comparing with '' would quietly return nothing instead of failing.
constexpr const char* kCurrentTenant = R"sql(
CREATE OR REPLACE FUNCTION csu_current_tenant() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE t text := current_setting('app.tenant', true);
BEGIN
  IF t IS NULL OR t = '' THEN
    RAISE EXCEPTION 'no tenant is set for this request (SET LOCAL app.tenant)' USING ERRCODE = '42501';
  END IF;
  RETURN t;
END $$;
)sql";

// The current schema, checked to be a plain identifier (it is named in GRANT).
Result<std::string> CurrentSchema(store::SqlConnection& db) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT current_schema()"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  std::string schema = row ? q.Text(0) : std::string();
  q.Reset();
  if (!PlainIdentifier(schema)) return MakeError(db.Name(), "the current schema is not a plain identifier");
  return schema;
}

Status CheckNames(store::SqlConnection& db, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names)
    if (!PlainIdentifier(name))
      return MakeError(db.Name(), "'" + std::string(name) + "' is not a plain identifier (a-z, 0-9, _)");
  return Status::Ok();
}

// Turns on forced RLS on `t` with the application role's policy `rule` (an
// SQL condition) and the owner's, and grants the role the table.
Status Scope(store::SqlConnection& owner, const std::string& t, const std::string& rule, const std::string& r) {
  return store::InWriteTransaction(owner, store::kAccountsWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(schema, CurrentSchema(owner));
    if (Status s = owner.Exec(kCurrentTenant); !s.ok()) return s;
    return owner.Exec("ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY; ALTER TABLE " + t +
                      " FORCE ROW LEVEL SECURITY; "
                      "DROP POLICY IF EXISTS " + t + "_tenant_rows ON " + t + "; "
                      "CREATE POLICY " + t + "_tenant_rows ON " + t + " TO " + r + " USING (" + rule +
                      ") WITH CHECK (" + rule + "); "
                      "DROP POLICY IF EXISTS " + t + "_owner_rows ON " + t + "; "
                      "CREATE POLICY " + t + "_owner_rows ON " + t + " TO CURRENT_USER USING (true); "
                      "GRANT USAGE ON SCHEMA " + schema + " TO " + r + "; "
                      "GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO " + r + "; "
                      "GRANT EXECUTE ON FUNCTION csu_current_tenant() TO " + r);
  });
}

}  // namespace

Status ScopeTableToTenant(store::SqlConnection& owner, std::string_view table, std::string_view column,
                          std::string_view app_role) {
  if (Status s = CheckNames(owner, {table, column, app_role}); !s.ok()) return s;
  return Scope(owner, std::string(table), std::string(column) + " = csu_current_tenant()", std::string(app_role));
}

Status ScopeChildTable(store::SqlConnection& owner, std::string_view table, std::string_view column,
                       std::string_view parent, std::string_view parent_column, std::string_view app_role) {
  if (Status s = CheckNames(owner, {table, column, parent, parent_column, app_role}); !s.ok()) return s;
  const std::string t(table), p(parent);
  // The parent's own policy filters this sub-query, so a child row is
  // visible exactly when its parent is.
  return Scope(owner, t,
               "EXISTS (SELECT 1 FROM " + p + " WHERE " + p + "." + std::string(parent_column) + " = " + t + "." +
                   std::string(column) + ")",
               std::string(app_role));
}

Status GrantReadOnly(store::SqlConnection& owner, std::string_view table, std::string_view app_role) {
  if (Status s = CheckNames(owner, {table, app_role}); !s.ok()) return s;
  return store::InWriteTransaction(owner, store::kAccountsWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(schema, CurrentSchema(owner));
    const std::string t(table), r(app_role);
    return owner.Exec("GRANT USAGE ON SCHEMA " + schema + " TO " + r + "; REVOKE ALL ON " + t + " FROM " + r +
                      "; GRANT SELECT ON " + t + " TO " + r);
  });
}

Status CheckApplicationRole(store::SqlConnection& app, const std::vector<std::string>& scoped_tables) {
  CSU_ASSIGN_OR_RETURN(role, app.Prepare("SELECT current_user, rolsuper::int, rolbypassrls::int FROM pg_roles "
                                         "WHERE rolname = current_user"));
  CSU_ASSIGN_OR_RETURN(found, role.Step());
  if (!found) return MakeError(app.Name(), "the connection's role is not in pg_roles");
  const std::string name = role.Text(0);
  if (role.Int(1) != 0 || role.Int(2) != 0)
    return MakeError(app.Name(), "role " + name +
                                     " is a superuser or has BYPASSRLS: row-level security would not hold; use a "
                                     "role made for the application (docs/deploy.md)");
  role.Reset();
  CSU_ASSIGN_OR_RETURN(q, app.Prepare("SELECT (pg_get_userbyid(c.relowner) = current_user)::int, c.relrowsecurity::int, "
                                      "c.relforcerowsecurity::int FROM pg_class c WHERE c.oid = to_regclass(?1)"));
  for (const std::string& t : scoped_tables) {
    q.Bind(1, t);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row)
      return MakeError(app.Name(), "table " + t + " is not visible to role " + name +
                                       " (not granted, or not created yet): run `csu app-role " + name +
                                       " --database OWNER_URL` first");
    const bool owns = q.Int(0) != 0;
    const bool forced = q.Int(1) != 0 && q.Int(2) != 0;
    q.Reset();
    if (owns)
      return MakeError(app.Name(), "role " + name + " owns table " + t +
                                       ": the application role must not own the tables (connect as another role)");
    if (!forced)
      return MakeError(app.Name(), "table " + t + " has no forced row-level security: run `csu app-role " + name +
                                       " --database OWNER_URL` first");
  }
  return Status::Ok();
}

}  // namespace csu::pg
