// The accounts of platform.sqlite (docs/store-format.md §11) into server
// mode's tables (§11a): users, tenants, assignments, second-factor policy,
// practice bindings, sessions, API tokens, the sign-in throttle and the
// sign-ins in progress, ids as they were.
#include "migrate/steps.h"
#include "tenancy/accounts_server.h"

namespace csu::migrate {
namespace {

// Every table of platform.sqlite with its columns, parents before
// children (the foreign keys). `meta` is not copied: the target's is
// written by its own schema (with the roles list PostgreSQL keeps).
const std::vector<TableSpec>& AccountsTables() {
  static const std::vector<TableSpec> tables = {
      {"tenants", {"code", "name", "added_at"}, "ttt", "code", ""},
      {"users",
       {"id", "username", "display_name", "role", "tenant", "password_hash", "totp_secret", "totp_last_step",
        "disabled", "created_at", "updated_at", "last_sign_in_at"},
       "ittttttiittt", "id", ""},
      {"analyst_tenants", {"user_id", "tenant", "assigned_at", "assigned_by"}, "itt" "t", "user_id, tenant", ""},
      {"role_policy", {"role", "require_mfa", "updated_at", "updated_by"}, "titt", "role", ""},
      {"user_practices", {"user_id", "practice", "bound_at", "bound_by"}, "ittt", "user_id", ""},
      {"sessions", {"token_sha256", "user_id", "created_at", "last_seen_at", "expires_at"}, "tiiii", "token_sha256", ""},
      {"api_tokens", {"id", "token_sha256", "user_id", "name", "created_at", "last_used_at", "revoked_at"}, "ititiii",
       "id", ""},
      {"sign_in_throttle", {"key_sha256", "failures", "last_failure_at", "locked_until"}, "tiii", "key_sha256", ""},
      {"pending_enrolments",
       {"ticket_sha256", "user_id", "secret", "password_hash", "expires_at", "signs_in", "attempts"}, "tittiii",
       "ticket_sha256", ""},
      {"signin_forms", {"value_sha256", "expires_at"}, "ti", "value_sha256", ""},
  };
  return tables;
}

constexpr const char* kPlatformFile = "platform.sqlite";

class AccountsStep final : public MigrationStep {
 public:
  std::string Name() const override { return "accounts"; }

  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kPlatformFile));
    if (db == nullptr) return Status::Ok();  // no users yet: the target gets the empty tables
    return CheckSourceDatabase(*db, "1", AccountsTables(), {"meta", "sqlite_sequence"});
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = tenancy::CreateAccountsSchema(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kPlatformFile));
    StepReport r;
    for (const TableSpec& t : AccountsTables()) {
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.table, rows, -1});
    }
    // Ids were copied as they were: PostgreSQL's identity columns must
    // continue after them (SQLite's AUTOINCREMENT follows by itself).
    if (target.Backend() == "postgresql")
      for (const char* table : {"users", "api_tokens"})
        if (Status s = ContinueIdentity(target, table, "id"); !s.ok()) return s.error();
    return r;
  }
};

}  // namespace

std::unique_ptr<MigrationStep> MakeAccountsStep() { return std::make_unique<AccountsStep>(); }

}  // namespace csu::migrate
