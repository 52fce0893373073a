// The steps this csu knows (migrate.h): the accounts of platform.sqlite
// (docs/store-format.md §11 -> §11a) and the catalog's audit log (§2 ->
// §11a's audit_log). A store that moves into PostgreSQL adds its step to
// DefaultSteps() below.
#include <set>

#include "migrate/migrate.h"
#include "migrate/primary_care_step.h"
#include "store/audit_chain.h"
#include "store/sql_audit_log.h"
#include "tenancy/accounts_server.h"

namespace csu::migrate {
namespace {

// ---- accounts ----

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
    CSU_ASSIGN_OR_RETURN(ver, db->Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
    CSU_ASSIGN_OR_RETURN(has, ver.Step());
    if (!has) return MakeError(db->path(), "not a platform database: no schema_version");
    if (ver.Text(0) != "1")
      return MakeError(db->path(), "schema version " + ver.Text(0) + " is not one this csu can migrate (it knows 1)");
    // A table this csu does not copy would be lost silently: refuse instead.
    std::set<std::string> known = {"meta", "sqlite_sequence"};
    for (const TableSpec& t : AccountsTables()) known.insert(t.table);
    CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (!row) break;
      if (!known.count(q.Text(0)))
        return MakeError(db->path(), "has a table '" + q.Text(0) + "' this csu does not know how to migrate");
    }
    return Status::Ok();
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
    if (target.Backend() == "postgresql") {
      for (const char* table : {"users", "api_tokens"}) {
        CSU_ASSIGN_OR_RETURN(q, target.Prepare(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                                               "', 'id'), COALESCE((SELECT max(id) FROM " + table +
                                               "), 1), (SELECT count(*) FROM " + table + ") > 0)"));
        if (Status s = q.Run(); !s.ok()) return s.error();
      }
    }
    return r;
  }
};

// ---- the audit log ----

constexpr const char* kCatalogFile = "catalog.sqlite";

Result<std::vector<store::AuditEntry>> ReadEntries(store::SqlConnection& db) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare(
      "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq"));
  std::vector<store::AuditEntry> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return out;
    out.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)});
  }
}

class AuditLogStep final : public MigrationStep {
 public:
  std::string Name() const override { return "audit log"; }

  // The whole chain is verified before anything is written: a log that
  // was edited is refused, naming its first broken entry, rather than
  // carried into the system of record looking sound.
  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kCatalogFile));
    if (db == nullptr) return MakeError(source.dir(), "is not a state folder (it has no catalog.sqlite)");
    CSU_ASSIGN_OR_RETURN(q, db->Prepare(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit ORDER BY seq"));
    CSU_ASSIGN_OR_RETURN(entries, store::AllRows<store::AuditEntry>(q, [&] {
      return store::AuditEntry{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)};
    }));
    auto n = store::VerifyAuditChain(entries);
    if (!n.ok())
      return MakeError(db->path(), n.error().where + ": " + n.error().why +
                                       "; the audit chain is broken, so the log is not migrated");
    head_ = entries.empty() ? store::AuditHead{} : store::AuditHead{entries.back().seq, entries.back().hash};
    count_ = static_cast<int64_t>(entries.size());
    return Status::Ok();
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = store::CreateAuditLogTable(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kCatalogFile));
    const TableSpec spec{"audit",
                         {"seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash"},
                         "ittttttt",
                         "seq",
                         "audit_log"};
    CSU_ASSIGN_OR_RETURN(copied, CopyTable(*db, target, spec, Name(), progress));
    if (copied != count_)
      return MakeError(db->path(), "the audit log changed while it was read (" + std::to_string(copied) +
                                       " entries, " + std::to_string(count_) + " checked)");
    // The chain as the target stores it: verified again, and its head must
    // be the source's, hash for hash.
    CSU_ASSIGN_OR_RETURN(entries, ReadEntries(target));
    auto n = store::VerifyAuditChain(entries);
    if (!n.ok()) return MakeError(target.Name(), n.error().where + ": " + n.error().why + " after the copy");
    const store::AuditHead there =
        entries.empty() ? store::AuditHead{} : store::AuditHead{entries.back().seq, entries.back().hash};
    if (there.seq != head_.seq || there.hash != head_.hash)
      return MakeError(target.Name(), "the audit chain's head after the copy (entry " + std::to_string(there.seq) +
                                          ") is not the source's (entry " + std::to_string(head_.seq) + ")");
    StepReport r;
    r.tables.push_back({"audit_log", count_, -1});
    r.checks.push_back({"audit chain", "verified in both, " + std::to_string(n.value()) + " entries"});
    r.checks.push_back({"head hash", "entry " + std::to_string(head_.seq) + " " + head_.hash + " in both"});
    return r;
  }

 private:
  store::AuditHead head_;
  int64_t count_ = 0;
};

}  // namespace

std::vector<std::unique_ptr<MigrationStep>> DefaultSteps() {
  std::vector<std::unique_ptr<MigrationStep>> steps;
  steps.push_back(std::make_unique<AccountsStep>());
  steps.push_back(std::make_unique<AuditLogStep>());
  steps.push_back(PrimaryCareStep());
  return steps;
}

}  // namespace csu::migrate
