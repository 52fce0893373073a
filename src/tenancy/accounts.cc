#include "tenancy/accounts.h"

#include <sys/stat.h>

#include "core/text.h"
#include "refdata/refdata.h"
#include "store/audit_chain.h"
#include "store/sqlite_db.h"
#include "tenancy/accounts_impl.h"
#include "tenancy/accounts_server.h"
#include "tenancy/password_hasher.h"
#include "tenancy/totp.h"

namespace csu::tenancy {
namespace {

constexpr int kSchemaVersion = 1;
constexpr std::string_view kTotpIssuer = "OpenCSU";

const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tenants(code TEXT PRIMARY KEY, name TEXT NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE users(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK(role IN (@ROLES@)),
  tenant TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL,
  totp_last_step INTEGER NOT NULL,
  disabled INTEGER NOT NULL CHECK(disabled IN (0,1)),
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  last_sign_in_at TEXT NOT NULL,
  CHECK((role LIKE 'ccg\_%' ESCAPE '\' OR role = 'gp_practice') = (tenant <> '')));
CREATE TABLE analyst_tenants(
  user_id INTEGER NOT NULL REFERENCES users(id),
  tenant TEXT NOT NULL REFERENCES tenants(code),
  assigned_at TEXT NOT NULL, assigned_by TEXT NOT NULL,
  PRIMARY KEY(user_id, tenant));
CREATE TABLE role_policy(role TEXT PRIMARY KEY, require_mfa INTEGER NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
CREATE TABLE sessions(
  token_sha256 TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_sha256 TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL);
@PRACTICES@
CREATE TABLE sign_in_throttle(
  key_sha256 TEXT PRIMARY KEY,
  failures INTEGER NOT NULL, last_failure_at INTEGER NOT NULL, locked_until INTEGER NOT NULL);
)sql";

// A gp_practice user's practice (docs/store-format.md §11, "Practice
// users"): one row per practice user, added with the user. Created IF NOT
// EXISTS on every open, so a database made before practice users gains it.
constexpr const char* kPracticesTable = R"sql(
CREATE TABLE IF NOT EXISTS user_practices(
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  practice TEXT NOT NULL,
  bound_at TEXT NOT NULL, bound_by TEXT NOT NULL);
)sql";

// What a sign-in in progress keeps between two requests, in the database
// so that the second may reach another node (docs/store-format.md §11,
// "Sign-ins in progress"): an authenticator being enrolled (the new secret
// under the SHA-256 of its ticket, until kEnrolmentSeconds), and the
// sign-in form's one-time anti-forgery values (only their SHA-256). Rows
// past their time are swept as new ones are written. Created IF NOT EXISTS
// on every open, so a database made before them gains them.
// One text for both engines: BIGINT is SQLite's INTEGER affinity, and no
// column here is a rowid alias.
constexpr const char* kInProgressTables = R"sql(
CREATE TABLE IF NOT EXISTS pending_enrolments(
  ticket_sha256 TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  secret TEXT NOT NULL, password_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL, signs_in BIGINT NOT NULL CHECK(signs_in IN (0,1)), attempts BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS signin_forms(value_sha256 TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
)sql";

// The users table's tenant rule before gp_practice (a CCG role exactly when
// a tenant is set) and after it (gp_practice has its practice's CCG too).
constexpr std::string_view kTenantRuleBefore = R"(CHECK((role LIKE 'ccg\_%' ESCAPE '\') = (tenant <> '')))";
constexpr std::string_view kTenantRuleAfter =
    R"(CHECK((role LIKE 'ccg\_%' ESCAPE '\' OR role = 'gp_practice') = (tenant <> '')))";

// The users table's role CHECK lists every role there is: "'csu_admin',...".
std::string RoleList() {
  std::string out;
  for (Role r : kAllRoles) out += std::string(out.empty() ? "" : ",") + "'" + std::string(RoleName(r)) + "'";
  return out;
}

// The schema with the role list written in.
const std::string& Schema() {
  static const std::string schema = [] {
    std::string s = kSchema;
    s.replace(s.find("@ROLES@"), 7, RoleList());
    s.replace(s.find("@PRACTICES@"), 11, std::string(kPracticesTable) + kInProgressTables);
    return s;
  }();
  return schema;
}

bool ValidDisplayName(std::string_view s) {
  std::optional<size_t> n = CountCodePoints(s);
  if (!n || *n == 0 || *n > 100) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return false;
  return true;
}

std::string UserSubject(const std::string& username) { return "user " + username; }

}  // namespace

Result<std::string> NormaliseUsername(std::string_view name) {
  std::string out;
  for (char c : name) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (!((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '.' || l == '_' || l == '@' || l == '-'))
      return MakeError("user name", "may contain only letters, digits and . _ @ -");
    out += l;
  }
  if (out.size() < 2 || out.size() > 64) return MakeError("user name", "must be 2 to 64 characters long");
  return out;
}

Principal PrincipalOf(const UserInfo& u) {
  Principal p;
  p.user_id = u.id;
  p.username = u.username;
  p.role = u.role;
  p.tenant = u.tenant;
  if (IsAssignedRole(u.role)) p.assigned = u.assigned;
  if (IsPracticeRole(u.role)) p.practice = u.practice;
  return p;
}

Accounts::Accounts(PassKey, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Accounts::~Accounts() = default;

namespace {
// Roles are only ever added, so a database made before the newest role has a
// shorter list in the users table's CHECK. Widening an IN list only relaxes
// the constraint (every stored row still satisfies it), so it is done the way
// SQLite documents for relaxing a CHECK without rebuilding the table
// (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table
// Schema Changes"): the stored CREATE TABLE text is edited under
// writable_schema and schema_version is bumped, in one transaction, and the
// database is then checked. docs/store-format.md §11, "Roles added later".
Status WidenRoleCheck(store::SqliteDb& d) {
  static constexpr std::string_view kOpen = "CHECK(role IN (";
  CSU_ASSIGN_OR_RETURN(q, d.Prepare("SELECT sql FROM sqlite_master WHERE type='table' AND name='users'"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError(d.path(), "not a platform database: no users table");
  const std::string sql = q.Text(0);
  q.Reset();
  const size_t from = sql.find(kOpen);
  const size_t to = from == std::string::npos ? from : sql.find("))", from);
  if (to == std::string::npos) return MakeError(d.path(), "the users table's role constraint is not the one expected");
  const std::string stored = sql.substr(from + kOpen.size(), to - from - kOpen.size());
  const std::string wanted = RoleList();
  // A database made before gp_practice also has the older tenant rule, which
  // would refuse a practice user's CCG: it is rewritten in the same edit.
  // Relaxing too: no stored row has the new role, so each still satisfies it.
  const size_t old_rule = sql.find(kTenantRuleBefore);
  if (stored == wanted && old_rule == std::string::npos) return Status::Ok();
  // Every stored role must still be allowed: a list that is not a prefix of
  // today's was not made by this code, and is left for a person to look at.
  if (wanted.compare(0, stored.size(), stored) != 0)
    return MakeError(d.path(), "the users table allows roles (" + stored + ") this version does not know");
  std::string widened = sql;
  if (old_rule != std::string::npos) widened.replace(old_rule, kTenantRuleBefore.size(), kTenantRuleAfter);
  const size_t at = widened.find(kOpen);
  widened.replace(at + kOpen.size(), stored.size(), wanted);
  Status done = store::InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(v, d.Prepare("PRAGMA schema_version"));
    CSU_ASSIGN_OR_RETURN(has, v.Step());
    if (!has) return MakeError(d.path(), "cannot read the schema version");
    const int64_t version = v.Int(0);
    v.Reset();
    if (Status s = d.Exec("PRAGMA writable_schema=ON"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(u, d.Prepare("UPDATE sqlite_master SET sql=?1 WHERE type='table' AND name='users'"));
    u.Bind(1, widened);
    if (Status s = u.Run(); !s.ok()) return s;
    if (Status s = d.Exec("PRAGMA schema_version=" + std::to_string(version + 1)); !s.ok()) return s;
    return d.Exec("PRAGMA writable_schema=OFF");
  });
  if (!done.ok()) return done;
  CSU_ASSIGN_OR_RETURN(check, d.Prepare("PRAGMA quick_check"));
  CSU_ASSIGN_OR_RETURN(r, check.Step());
  if (!r || check.Text(0) != "ok") return MakeError(d.path(), "the database failed its check after adding a role");
  return Status::Ok();
}
}  // namespace

Result<std::unique_ptr<Accounts>> Accounts::Open(const std::string& dir, AccountsOptions options) {
  if (!options.audit) return MakeError(dir, "accounts need an audit log");
  const std::string path = dir + "/platform.sqlite";
  // Mode 0600 before any row is written: it holds password hashes and TOTP
  // secrets. (SQLite gives its -wal and -shm files the mode of the database
  // file.) chmod rather than umask: umask is process-wide and the web server
  // has other threads creating files.
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(path, options.sqlite_vfs));
  if (::chmod(path.c_str(), 0600) != 0) return MakeError(path, "cannot make the file private (chmod 0600)");
  store::SqliteDb& d = *db;
  Status init = store::PrepareSchema(d, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON",
                                     Schema().c_str(), kSchemaVersion, "platform database");
  if (!init.ok()) return init.error();
  if (Status s = WidenRoleCheck(d); !s.ok()) return s.error();
  if (Status s = d.Exec(kPracticesTable); !s.ok()) return s.error();
  if (Status s = d.Exec(kInProgressTables); !s.ok()) return s.error();
  return AdoptConnection(std::make_unique<store::SqliteConnection>(std::move(db)), std::move(options));
}

Result<std::unique_ptr<Accounts>> AdoptConnection(std::unique_ptr<store::SqlConnection> db, AccountsOptions options) {
  const int slots = std::max(1, std::min(64, options.max_concurrent_hashes));
  auto impl = std::make_unique<Accounts::Impl>(slots);
  impl->db = std::move(db);
  impl->clock = options.clock != nullptr ? options.clock : &Clock::System();
  impl->options = std::move(options);
  return std::make_unique<Accounts>(Accounts::PassKey(), std::move(impl));
}

namespace {

// The same tables in PostgreSQL (docs/store-format.md §11a): BIGINT for
// every integer (Unix seconds past 2038), identity columns for ids.
const char* kPostgresSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tenants(code TEXT PRIMARY KEY, name TEXT NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE users(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CONSTRAINT users_role_check CHECK(role IN (@ROLES@)),
  tenant TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL,
  totp_last_step BIGINT NOT NULL,
  disabled BIGINT NOT NULL CHECK(disabled IN (0,1)),
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  last_sign_in_at TEXT NOT NULL,
  CHECK((role LIKE 'ccg\_%' ESCAPE '\' OR role = 'gp_practice') = (tenant <> '')));
CREATE TABLE analyst_tenants(
  user_id BIGINT NOT NULL REFERENCES users(id),
  tenant TEXT NOT NULL REFERENCES tenants(code),
  assigned_at TEXT NOT NULL, assigned_by TEXT NOT NULL,
  PRIMARY KEY(user_id, tenant));
CREATE TABLE role_policy(role TEXT PRIMARY KEY, require_mfa BIGINT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
CREATE TABLE sessions(
  token_sha256 TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE api_tokens(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  token_sha256 TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL);
CREATE TABLE user_practices(
  user_id BIGINT PRIMARY KEY REFERENCES users(id),
  practice TEXT NOT NULL,
  bound_at TEXT NOT NULL, bound_by TEXT NOT NULL);
CREATE TABLE sign_in_throttle(
  key_sha256 TEXT PRIMARY KEY,
  failures BIGINT NOT NULL, last_failure_at BIGINT NOT NULL, locked_until BIGINT NOT NULL);
)sql";

}  // namespace

Status CreateAccountsSchema(store::SqlConnection& db) {
  const std::string roles = RoleList();
  if (db.Backend() != "postgresql") {
    if (Status s = db.Exec(Schema()); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(ins, db.Prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?1)"));
    return ins.Bind(1, std::to_string(kSchemaVersion)).Run();
  }
  std::string schema = std::string(kPostgresSchema) + kInProgressTables;
  schema.replace(schema.find("@ROLES@"), 7, roles);
  if (Status s = db.Exec(schema); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(ins, db.Prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?1), ('roles', ?2)"));
  return ins.Bind(1, std::to_string(kSchemaVersion)).Bind(2, roles).Run();
}

namespace {

// Creates the schema in an empty database or checks its version, and
// widens the role check when roles were added since (§11a). Under the
// accounts' write lock, so nodes starting together create it once.
Status PreparePostgresSchema(store::SqlConnection& db) {
  return store::InWriteTransaction(db, store::kAccountsWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(exists, db.Prepare(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'meta'"));
    CSU_ASSIGN_OR_RETURN(row, exists.Step());
    const bool fresh = row && exists.Int(0) == 0;
    exists.Reset();
    const std::string roles = RoleList();
    if (fresh) return CreateAccountsSchema(db);
    CSU_ASSIGN_OR_RETURN(ver, db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
    CSU_ASSIGN_OR_RETURN(has, ver.Step());
    if (!has) return MakeError(db.Name(), "not a platform database: no schema_version");
    const std::string v = ver.Text(0);
    ver.Reset();
    if (v != std::to_string(kSchemaVersion))
      return MakeError(db.Name(), "schema version " + v + " is not supported by this csu (it knows version " +
                                      std::to_string(kSchemaVersion) + ")");
    if (Status s = db.Exec(kInProgressTables); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(stored, db.Prepare("SELECT value FROM meta WHERE key = 'roles'"));
    CSU_ASSIGN_OR_RETURN(has_roles, stored.Step());
    const std::string known = has_roles ? stored.Text(0) : std::string();
    stored.Reset();
    if (known == roles) return Status::Ok();
    // Roles are only added: every stored one must still be in the list.
    if (roles.compare(0, known.size(), known) != 0)
      return MakeError(db.Name(), "the users table allows roles (" + known + ") this version does not know");
    if (Status s = db.Exec("ALTER TABLE users DROP CONSTRAINT users_role_check, ADD CONSTRAINT users_role_check "
                           "CHECK(role IN (" + roles + "))");
        !s.ok())
      return s;
    CSU_ASSIGN_OR_RETURN(up, db.Prepare("UPDATE meta SET value = ?1 WHERE key = 'roles'"));
    return up.Bind(1, roles).Run();
  });
}

}  // namespace

Result<std::unique_ptr<Accounts>> OpenServerAccounts(std::unique_ptr<store::SqlConnection> db,
                                                     AccountsOptions options) {
  if (!options.audit) return MakeError(db->Name(), "accounts need an audit log");
  if (db->Backend() != "postgresql")
    return MakeError(db->Name(), "server mode needs a PostgreSQL database; a state folder's accounts open with Open");
  if (Status s = PreparePostgresSchema(*db); !s.ok()) return s.error();
  return AdoptConnection(std::move(db), std::move(options));
}

Result<std::optional<UserInfo>> Accounts::Impl::LoadUserById(int64_t id) {
  CSU_ASSIGN_OR_RETURN(q, db->Prepare(
      "SELECT id, username, display_name, role, tenant, CASE WHEN totp_secret <> '' THEN 1 ELSE 0 END, disabled, created_at, updated_at, "
      "last_sign_in_at FROM users WHERE id = ?1"));
  q.Bind(1, id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<UserInfo>();
  UserInfo u;
  u.id = q.Int(0);
  u.username = q.Text(1);
  u.display_name = q.Text(2);
  std::optional<Role> role = ParseRole(q.Text(3));
  if (!role) return MakeError(db->Name(), "user " + u.username + " has an unknown role '" + q.Text(3) + "'");
  u.role = *role;
  if (!q.Text(4).empty()) {
    CSU_ASSIGN_OR_RETURN(t, OdsCode::Parse(q.Text(4)));
    u.tenant = t;
  }
  u.has_totp = q.Int(5) != 0;
  u.disabled = q.Int(6) != 0;
  u.created_at = q.Text(7);
  u.updated_at = q.Text(8);
  u.last_sign_in_at = q.Text(9);
  if (IsPracticeRole(u.role)) {
    CSU_ASSIGN_OR_RETURN(pq, db->Prepare("SELECT practice FROM user_practices WHERE user_id = ?1"));
    pq.Bind(1, u.id);
    CSU_ASSIGN_OR_RETURN(has, pq.Step());
    if (has) {
      CSU_ASSIGN_OR_RETURN(code, OdsCode::Parse(pq.Text(0)));
      u.practice = code;
    }
  }
  CSU_ASSIGN_OR_RETURN(a, db->Prepare("SELECT tenant FROM analyst_tenants WHERE user_id = ?1 ORDER BY tenant"));
  a.Bind(1, u.id);
  while (true) {
    CSU_ASSIGN_OR_RETURN(more, a.Step());
    if (!more) break;
    CSU_ASSIGN_OR_RETURN(t, OdsCode::Parse(a.Text(0)));
    u.assigned.push_back(t);
  }
  return std::optional<UserInfo>(std::move(u));
}

Result<std::optional<UserInfo>> Accounts::Impl::LoadUserByName(const std::string& normalised) {
  CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT id FROM users WHERE username = ?1"));
  q.Bind(1, normalised);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<UserInfo>();
  return LoadUserById(q.Int(0));
}

Status Accounts::Impl::KillCredentials(int64_t user_id) {
  CSU_ASSIGN_OR_RETURN(del, db->Prepare("DELETE FROM sessions WHERE user_id = ?1"));
  if (Status s = del.Bind(1, user_id).Run(); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(rev, db->Prepare("UPDATE api_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0"));
  return rev.Bind(1, user_id).Bind(2, Now()).Run();
}

namespace {

// Checks `code` is a CCG in refdata and records it as a tenant. Caller holds
// mu and is inside a transaction.
Status EnsureTenant(Accounts::Impl& im, const OdsCode& code) {
  if (im.options.ref == nullptr) return MakeError("tenant " + code.ToString(), "reference data is needed to check CCGs");
  const refdata::Ccg* ccg = im.options.ref->FindCcg(code);
  if (ccg == nullptr) return MakeError("tenant " + code.ToString(), "is not a CCG in the reference data");
  CSU_ASSIGN_OR_RETURN(ins, im.db->Prepare(
      "INSERT INTO tenants(code, name, added_at) VALUES (?1, ?2, ?3) ON CONFLICT(code) DO NOTHING"));
  return ins.Bind(1, code.view()).Bind(2, ccg->name).Bind(3, im.NowIso()).Run();
}

Result<OdsCode> ParseTenant(std::string_view text) {
  auto code = OdsCode::Parse(ToUpper(Trim(text)));
  if (!code.ok()) return MakeError("tenant", "'" + std::string(text) + "' is not an ODS code");
  return code.value();
}

}  // namespace

Result<Enrolment> Accounts::AddUser(const NewUser& user, std::string_view password, const std::string& actor) {
  Impl& im = *impl_;
  CSU_ASSIGN_OR_RETURN(username, NormaliseUsername(user.username));
  if (!ValidDisplayName(user.display_name))
    return MakeError("display name", "must be 1 to 100 characters of text without control characters");
  OdsCode tenant;
  if (IsCsuRole(user.role)) {
    if (!Trim(user.tenant).empty())
      return MakeError("tenant", std::string(RoleName(user.role)) + " is CSU staff and has no tenant; "
                                 "assign CCGs to an analyst with 'csu users assign'");
  } else {
    if (Trim(user.tenant).empty()) return MakeError("tenant", std::string(RoleName(user.role)) + " needs the user's CCG");
    CSU_ASSIGN_OR_RETURN(t, ParseTenant(user.tenant));
    tenant = t;
  }
  // A practice user is bound to one practice of its CCG, checked against the
  // reference data's practice list; nobody else has a practice.
  OdsCode practice;
  if (IsPracticeRole(user.role)) {
    if (Trim(user.practice).empty()) return MakeError("practice", "gp_practice needs the user's practice code");
    auto code = OdsCode::Parse(ToUpper(Trim(user.practice)));
    if (!code.ok()) return MakeError("practice", "'" + user.practice + "' is not an ODS code");
    if (im.options.ref == nullptr) return MakeError("practice", "reference data is needed to check practices");
    const refdata::Practice* found = im.options.ref->FindPractice(code.value());
    if (found == nullptr) return MakeError("practice", code.value().ToString() + " is not a practice in the reference data");
    if (found->ccg != tenant)
      return MakeError("practice", code.value().ToString() + " belongs to CCG " + found->ccg.ToString() + ", not " +
                                       tenant.ToString());
    practice = code.value();
  } else if (!Trim(user.practice).empty()) {
    return MakeError("practice", std::string(RoleName(user.role)) + " is not bound to a practice; only gp_practice is");
  }
  if (im.options.policy == nullptr) return MakeError("password", "no password policy is loaded");
  if (Status s = im.options.policy->Check(password, username); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(hash, HashPassword(password));
  std::string secret;
  if (user.enrol_totp) {
    CSU_ASSIGN_OR_RETURN(s, NewTotpSecret());
    secret = s;
  }
  std::lock_guard<std::mutex> lock(im.mu);
  int64_t id = 0;
  Status s = im.InTransaction([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(existing, im.LoadUserByName(username));
    if (existing) return MakeError("user " + username, "already exists");
    if (!tenant.empty())
      if (Status st = EnsureTenant(im, tenant); !st.ok()) return st;
    const std::string now = im.NowIso();
    CSU_ASSIGN_OR_RETURN(ins, im.db->Prepare(
        "INSERT INTO users(username, display_name, role, tenant, password_hash, totp_secret, totp_last_step, "
        "disabled, created_at, updated_at, last_sign_in_at) VALUES (?1,?2,?3,?4,?5,?6,0,0,?7,?7,'') RETURNING id"));
    ins.Bind(1, username).Bind(2, user.display_name).Bind(3, RoleName(user.role)).Bind(4, tenant.view());
    ins.Bind(5, hash).Bind(6, secret).Bind(7, now);
    CSU_ASSIGN_OR_RETURN(got, ins.Step());
    id = got ? ins.Int(0) : 0;
    ins.Reset();
    if (!practice.empty()) {
      CSU_ASSIGN_OR_RETURN(bind, im.db->Prepare(
          "INSERT INTO user_practices(user_id, practice, bound_at, bound_by) VALUES (?1,?2,?3,?4)"));
      if (Status st = bind.Bind(1, id).Bind(2, practice.view()).Bind(3, now).Bind(4, actor).Run(); !st.ok()) return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(info, im.LoadUserById(id));
  if (!info) return MakeError("user " + username, "vanished after being added");
  const std::string details = "{\"role\":" + store::JsonString(std::string(RoleName(user.role))) +
                              ",\"tenant\":" + store::JsonString(tenant.ToString()) +
                              (practice.empty() ? "" : ",\"practice\":" + store::JsonString(practice.ToString())) +
                              ",\"totp\":" + (secret.empty() ? "false" : "true") + "}";
  if (Status a = im.Audit(actor, "user.add", UserSubject(username), details); !a.ok())
    return MakeError(a.error().where, "user added but the audit entry could not be written: " + a.error().why);
  Enrolment e;
  e.user = std::move(*info);
  e.totp_secret = secret;
  if (!secret.empty()) e.totp_uri = TotpUri(secret, username, kTotpIssuer);
  return e;
}

Result<std::vector<UserInfo>> Accounts::ListUsers() {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.mu);
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare("SELECT id FROM users ORDER BY username"));
  std::vector<int64_t> ids;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    ids.push_back(q.Int(0));
  }
  std::vector<UserInfo> out;
  for (int64_t id : ids) {
    CSU_ASSIGN_OR_RETURN(u, im.LoadUserById(id));
    if (u) out.push_back(std::move(*u));
  }
  return out;
}

Result<std::optional<UserInfo>> Accounts::FindUser(std::string_view username) {
  auto name = NormaliseUsername(username);
  if (!name.ok()) return std::optional<UserInfo>();
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->LoadUserByName(name.value());
}

namespace {

// Loads a user that must exist; Error "user X: no such user" otherwise.
Result<UserInfo> MustFind(Accounts::Impl& im, std::string_view username) {
  auto name = NormaliseUsername(username);
  if (!name.ok()) return MakeError("user " + std::string(username), "no such user");
  CSU_ASSIGN_OR_RETURN(u, im.LoadUserByName(name.value()));
  if (!u) return MakeError("user " + name.value(), "no such user");
  return std::move(*u);
}

}  // namespace

Status Accounts::SetDisabled(std::string_view username, bool disabled, const std::string& actor) {
  Impl& im = *impl_;
  std::string name;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    Status s = im.InTransaction([&]() -> Status {
      CSU_ASSIGN_OR_RETURN(u, MustFind(im, username));
      name = u.username;
      changed = u.disabled != disabled;
      CSU_ASSIGN_OR_RETURN(up, im.db->Prepare("UPDATE users SET disabled = ?2, updated_at = ?3 WHERE id = ?1"));
      if (Status st = up.Bind(1, u.id).Bind(2, disabled ? 1 : 0).Bind(3, im.NowIso()).Run(); !st.ok()) return st;
      // Joiner/leaver: a disabled account loses every live session and token
      // at once, not at their expiry (ASVS 7.4.2).
      return disabled ? im.KillCredentials(u.id) : Status::Ok();
    });
    if (!s.ok()) return s;
  }
  if (!changed) return Status::Ok();
  return im.Audit(actor, disabled ? "user.disable" : "user.enable", UserSubject(name), "{}");
}

Result<Enrolment> Accounts::ResetPassword(std::string_view username, std::string_view password, bool new_totp,
                                          const std::string& actor) {
  Impl& im = *impl_;
  UserInfo before;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    CSU_ASSIGN_OR_RETURN(u, MustFind(im, username));
    before = std::move(u);
  }
  if (im.options.policy == nullptr) return MakeError("password", "no password policy is loaded");
  if (Status s = im.options.policy->Check(password, before.username); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(hash, HashPassword(password));
  std::string secret;
  if (new_totp) {
    CSU_ASSIGN_OR_RETURN(s, NewTotpSecret());
    secret = s;
  }
  {
    std::lock_guard<std::mutex> lock(im.mu);
    Status s = im.InTransaction([&]() -> Status {
      // Keyed by id: a user renamed or re-created meanwhile is not touched.
      CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(new_totp
          ? "UPDATE users SET password_hash = ?2, totp_secret = ?3, totp_last_step = 0, updated_at = ?4 WHERE id = ?1"
          : "UPDATE users SET password_hash = ?2, updated_at = ?4 WHERE id = ?1"));
      up.Bind(1, before.id).Bind(2, hash).Bind(4, im.NowIso());
      if (new_totp) up.Bind(3, secret);
      if (Status st = up.Run(); !st.ok()) return st;
      return im.KillCredentials(before.id);
    });
    if (!s.ok()) return s.error();
  }
  if (Status a = im.Audit(actor, "user.reset_password", UserSubject(before.username),
                          std::string("{\"new_totp\":") + (new_totp ? "true" : "false") + "}");
      !a.ok())
    return MakeError(a.error().where, "password reset but the audit entry could not be written: " + a.error().why);
  std::lock_guard<std::mutex> lock(im.mu);
  CSU_ASSIGN_OR_RETURN(after, im.LoadUserById(before.id));
  Enrolment e;
  if (after) e.user = std::move(*after);
  e.totp_secret = secret;
  if (!secret.empty()) e.totp_uri = TotpUri(secret, before.username, kTotpIssuer);
  return e;
}

Status Accounts::Assign(std::string_view username, std::string_view tenant_text, bool assign,
                        const std::string& actor) {
  Impl& im = *impl_;
  CSU_ASSIGN_OR_RETURN(tenant, ParseTenant(tenant_text));
  std::string name;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    Status s = im.InTransaction([&]() -> Status {
      CSU_ASSIGN_OR_RETURN(u, MustFind(im, username));
      name = u.username;
      if (!IsAssignedRole(u.role))
        return MakeError("user " + u.username, "is " + std::string(RoleName(u.role)) +
                                                   "; only csu_analyst, csu_procurement, csu_finance, csu_chc, csu_payroll and csu_primary_care users "
                                                   "are assigned CCGs");
      if (assign) {
        if (Status st = EnsureTenant(im, tenant); !st.ok()) return st;
        CSU_ASSIGN_OR_RETURN(ins, im.db->Prepare(
            "INSERT INTO analyst_tenants(user_id, tenant, assigned_at, assigned_by) VALUES (?1,?2,?3,?4) "
            "ON CONFLICT(user_id, tenant) DO NOTHING RETURNING user_id"));
        ins.Bind(1, u.id).Bind(2, tenant.view()).Bind(3, im.NowIso()).Bind(4, actor);
        // A row back: it was not assigned before.
        CSU_ASSIGN_OR_RETURN(got, ins.Step());
        changed = got;
        ins.Reset();
      } else {
        CSU_ASSIGN_OR_RETURN(del, im.db->Prepare(
            "DELETE FROM analyst_tenants WHERE user_id = ?1 AND tenant = ?2 RETURNING user_id"));
        CSU_ASSIGN_OR_RETURN(got, del.Bind(1, u.id).Bind(2, tenant.view()).Step());
        changed = got;
        del.Reset();
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }
  if (!changed) return Status::Ok();
  return im.Audit(actor, assign ? "user.assign" : "user.unassign", UserSubject(name),
                  "{\"tenant\":" + store::JsonString(tenant.ToString()) + "}");
}

Status Accounts::SetRoleRequiresMfa(Role role, bool required, const std::string& actor) {
  Impl& im = *impl_;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    Status s = im.InTransaction([&]() -> Status {
      CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
          "INSERT INTO role_policy(role, require_mfa, updated_at, updated_by) VALUES (?1,?2,?3,?4) "
          "ON CONFLICT(role) DO UPDATE SET require_mfa = excluded.require_mfa, updated_at = excluded.updated_at, "
          "updated_by = excluded.updated_by"));
      return up.Bind(1, RoleName(role)).Bind(2, required ? 1 : 0).Bind(3, im.NowIso()).Bind(4, actor).Run();
    });
    if (!s.ok()) return s;
  }
  return im.Audit(actor, "policy.require_mfa", "role " + std::string(RoleName(role)),
                  std::string("{\"required\":") + (required ? "true" : "false") + "}");
}

bool SecondFactorRequiredByDefault(Role role) {
  // Those who see every CCG or record-level data (CSU staff) and those who
  // see the money (CCG finance); commissioners and viewers are the CCG's to
  // decide, and an administrator can require it for them.
  return role == Role::kCsuAdmin || role == Role::kCsuAnalyst || role == Role::kCcgFinance ||
         role == Role::kCsuProcurement || role == Role::kCsuFinance || role == Role::kCsuChc || role == Role::kCcgChc ||
         role == Role::kCsuPayroll || role == Role::kCcgHr ||
         role == Role::kCcgPrimaryCare || role == Role::kCsuPrimaryCare;
}

Result<bool> Accounts::Impl::RequiresMfa(Role role) {
  CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT require_mfa FROM role_policy WHERE role = ?1"));
  q.Bind(1, RoleName(role));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  // No row: nobody has decided, and a new installation is safe by default.
  return row ? q.Int(0) != 0 : SecondFactorRequiredByDefault(role);
}

Result<bool> Accounts::RoleRequiresMfa(Role role) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->RequiresMfa(role);
}

Result<std::vector<OdsCode>> Accounts::Tenants() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  CSU_ASSIGN_OR_RETURN(q, impl_->db->Prepare("SELECT code FROM tenants ORDER BY code"));
  std::vector<OdsCode> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    CSU_ASSIGN_OR_RETURN(c, OdsCode::Parse(q.Text(0)));
    out.push_back(c);
  }
  return out;
}

}  // namespace csu::tenancy
