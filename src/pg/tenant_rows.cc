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

}  // namespace

Status ScopeTableToTenant(store::SqlConnection& owner, std::string_view table, std::string_view column,
                          std::string_view app_role) {
  for (std::string_view name : {table, column, app_role})
    if (!PlainIdentifier(name))
      return MakeError(owner.Name(), "'" + std::string(name) + "' is not a plain identifier (a-z, 0-9, _)");
  const std::string t(table), c(column), r(app_role);
  return store::InWriteTransaction(owner, store::kAccountsWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, owner.Prepare("SELECT current_schema()"));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    const std::string schema = row ? q.Text(0) : std::string();
    q.Reset();
    if (!PlainIdentifier(schema)) return MakeError(owner.Name(), "the current schema is not a plain identifier");
    if (Status s = owner.Exec(kCurrentTenant); !s.ok()) return s;
    return owner.Exec("ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY; ALTER TABLE " + t +
                      " FORCE ROW LEVEL SECURITY; "
                      "DROP POLICY IF EXISTS " + t + "_tenant_rows ON " + t + "; "
                      "CREATE POLICY " + t + "_tenant_rows ON " + t + " TO " + r + " USING (" + c +
                      " = csu_current_tenant()) WITH CHECK (" + c + " = csu_current_tenant()); "
                      "DROP POLICY IF EXISTS " + t + "_owner_rows ON " + t + "; "
                      "CREATE POLICY " + t + "_owner_rows ON " + t + " TO CURRENT_USER USING (true); "
                      "GRANT USAGE ON SCHEMA " + schema + " TO " + r + "; "
                      "GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO " + r + "; "
                      "GRANT EXECUTE ON FUNCTION csu_current_tenant() TO " + r);
  });
}

}  // namespace csu::pg
