// Sign-in, sessions, API tokens and Authorize (the rest of Accounts is in
// accounts.cc). The order inside SignIn is the security argument:
//   1. throttle check per account and per address: cheap, no Argon2, and
//      identical for existing and unknown names (both are throttled keys);
//   2. a hash slot (at most N Argon2 at once, so a flood cannot exhaust
//      memory: 19 MiB each);
//   3. Argon2 verify against the user's hash, or a dummy hash when the name
//      is unknown, so both cost the same time;
//   4. disabled, second factor; then one message for every failure.
#include <chrono>

#include "store/audit_chain.h"
#include "tenancy/accounts.h"
#include "tenancy/accounts_impl.h"
#include "tenancy/password_hasher.h"
#include "tenancy/secrets.h"
#include "tenancy/totp.h"

namespace csu::tenancy {
namespace {

constexpr size_t kSessionTokenBytes = 16;  // 128 bits (ASVS 7.2.3)
constexpr size_t kApiTokenBytes = 32;
constexpr std::string_view kApiTokenPrefix = "csu_";

std::string AccountKey(const std::string& username) { return TokenDigest("account:" + username); }
std::string AddressKey(const std::string& address) { return TokenDigest("address:" + address); }

struct UserSecrets {
  UserInfo info;
  std::string password_hash;
  std::string totp_secret;
  int64_t totp_last_step = 0;
};

// Caller holds mu.
Result<std::optional<UserSecrets>> LoadSecrets(Accounts::Impl& im, const std::string& username) {
  CSU_ASSIGN_OR_RETURN(u, im.LoadUserByName(username));
  if (!u) return std::optional<UserSecrets>();
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare("SELECT password_hash, totp_secret, totp_last_step FROM users WHERE id = ?1"));
  q.Bind(1, u->id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<UserSecrets>();
  UserSecrets s{std::move(*u), q.Text(0), q.Text(1), q.Int(2)};
  return std::optional<UserSecrets>(std::move(s));
}

// Caller holds mu. True when the key is locked at `now`.
Result<bool> IsLocked(Accounts::Impl& im, const std::string& key, int64_t now) {
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare("SELECT locked_until FROM sign_in_throttle WHERE key_sha256 = ?1"));
  q.Bind(1, key);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row && q.Int(0) > now;
}

// Caller holds mu, inside a transaction. Counts a failure against `key`;
// returns true when this failure started a lockout.
Result<bool> RecordFailure(Accounts::Impl& im, const std::string& key, int64_t limit, int64_t now) {
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare(
      "SELECT failures, last_failure_at, locked_until FROM sign_in_throttle WHERE key_sha256 = ?1"));
  q.Bind(1, key);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  int64_t failures = row ? q.Int(0) : 0;
  const int64_t last = row ? q.Int(1) : 0;
  const int64_t locked_until = row ? q.Int(2) : 0;
  q.Reset();
  // A quiet quarter of an hour (and no lock in force) starts a new window.
  if (locked_until <= now && now - last >= kThrottleWindowSeconds) failures = 0;
  ++failures;
  int64_t new_lock = locked_until > now ? locked_until : 0;
  bool started = false;
  if (failures >= limit && new_lock == 0) {
    new_lock = now + kLockoutSeconds;
    started = true;
  }
  CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
      "INSERT INTO sign_in_throttle(key_sha256, failures, last_failure_at, locked_until) VALUES (?1,?2,?3,?4) "
      "ON CONFLICT(key_sha256) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, "
      "locked_until = excluded.locked_until"));
  if (Status s = up.Bind(1, key).Bind(2, failures).Bind(3, now).Bind(4, new_lock).Run(); !s.ok()) return s.error();
  return started;
}

// Caller holds mu, inside a transaction. Takes back one failure that
// RecordFailure charged in advance, and the lock it may have started: the
// attempt turned out not to be a failure. (Any lock now in force was started
// while this attempt was in flight, since it passed the lock check.)
Status Refund(Accounts::Impl& im, const std::string& key, int64_t limit) {
  CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
      "UPDATE sign_in_throttle SET failures = max(failures - 1, 0), "
      "locked_until = CASE WHEN failures - 1 < ?2 THEN 0 ELSE locked_until END WHERE key_sha256 = ?1"));
  return up.Bind(1, key).Bind(2, limit).Run();
}

std::string Details(const SignInRequest& r, std::string_view reason) {
  return "{\"address\":" + store::JsonString(r.remote_address) + ",\"reason\":" +
         store::JsonString(std::string(reason)) + "}";
}

SignInResult Failed() {
  SignInResult r;
  r.outcome = SignInOutcome::kFailed;
  r.message = std::string(kSignInFailedMessage);
  return r;
}

bool IsHexToken(std::string_view t, size_t hex_digits) {
  if (t.size() != hex_digits) return false;
  for (char c : t)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

SignInResult Accounts::SignIn(const SignInRequest& req) {
  Impl& im = *impl_;
  const int64_t now = im.Now();
  // An invalid name cannot be an account, but is throttled and hashed like
  // one so that it answers exactly as an unknown valid name does.
  auto normalised = NormaliseUsername(req.username);
  const std::string username = normalised.ok() ? normalised.value() : std::string(req.username);
  const std::string account_key = AccountKey(username);
  const std::string address_key = AddressKey(req.remote_address);

  std::optional<UserSecrets> user;
  bool account_lock_started = false, address_lock_started = false;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    auto account_locked = IsLocked(im, account_key, now);
    auto address_locked = IsLocked(im, address_key, now);
    if (!account_locked.ok() || !address_locked.ok()) return Failed();
    // Refused before any hashing. Not audited one by one: the lockout that
    // started it was, and a flood of refusals must not become a flood of
    // fsyncs in the audit log.
    if (account_locked.value() || address_locked.value()) return Failed();
    if (normalised.ok()) {
      auto loaded = LoadSecrets(im, username);
      if (!loaded.ok()) return Failed();
      user = std::move(loaded).value();
    }
    // Charged as a failure before hashing and refunded if it was not one, so
    // that parallel attempts cannot all pass the check above while the first
    // ones are still hashing: at most `limit` guesses per window get through.
    Status charged = im.InTransaction([&]() -> Status {
      CSU_ASSIGN_OR_RETURN(a, RecordFailure(im, account_key, kAccountFailureLimit, now));
      CSU_ASSIGN_OR_RETURN(b, RecordFailure(im, address_key, kAddressFailureLimit, now));
      account_lock_started = a;
      address_lock_started = b;
      return Status::Ok();
    });
    if (!charged.ok()) return Failed();
  }
  // Not a failure after all (a right password waiting for its code, or a
  // success): give the advance charge back.
  auto refund = [&]() {
    (void)im.InTransaction([&]() -> Status {
      if (Status st = Refund(im, account_key, kAccountFailureLimit); !st.ok()) return st;
      return Refund(im, address_key, kAddressFailureLimit);
    });
  };

  if (!im.hash_slots.try_acquire_for(std::chrono::milliseconds(im.options.hash_wait_ms))) {
    std::lock_guard<std::mutex> lock(im.mu);
    refund();
    SignInResult busy;
    busy.outcome = SignInOutcome::kBusy;
    busy.message = "The service is busy signing other people in; try again in a few seconds.";
    return busy;
  }
  const bool password_ok = VerifyPassword(req.password, user ? user->password_hash : DummyPasswordHash());
  im.hash_slots.release();

  std::string failure;  // why, for the audit log only
  std::optional<int64_t> totp_step;
  if (!user) failure = "unknown user name";
  else if (!password_ok) failure = "wrong password";
  else if (user->info.disabled) failure = "account disabled";

  std::lock_guard<std::mutex> lock(im.mu);
  if (failure.empty()) {
    // Read the row again now that we hold the lock through to the commit:
    // two sign-ins racing with one TOTP code must see each other's step
    // (replay), and a reset or disable while we hashed must win.
    auto fresh = LoadSecrets(im, username);
    if (!fresh.ok()) return Failed();
    if (!fresh.value() || fresh.value()->password_hash != user->password_hash) failure = "account changed during sign-in";
    else if (fresh.value()->info.disabled) failure = "account disabled";
    else user = std::move(fresh).value();
  }
  if (failure.empty()) {
    auto required = [&]() -> Result<bool> {
      CSU_ASSIGN_OR_RETURN(q, im.db->Prepare("SELECT require_mfa FROM role_policy WHERE role = ?1"));
      q.Bind(1, RoleName(user->info.role));
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      return row && q.Int(0) != 0;
    }();
    if (!required.ok()) return Failed();
    if (user->totp_secret.empty() && required.value()) {
      refund();
      (void)im.Audit(user->info.username, "auth.sign_in.failed", "user " + user->info.username,
                     Details(req, "second factor required by role but not enrolled"));
      SignInResult r;
      r.outcome = SignInOutcome::kSecondFactorNotSetUp;
      r.message = "Your role requires a second factor and none is set up for you; ask a CSU administrator.";
      return r;
    }
    if (!user->totp_secret.empty()) {
      if (req.totp_code.empty()) {
        refund();
        SignInResult r;
        r.outcome = SignInOutcome::kSecondFactorNeeded;
        r.message = "Enter the 6-digit code from your authenticator app.";
        return r;
      }
      totp_step = VerifyTotp(user->totp_secret, req.totp_code, now, user->totp_last_step);
      if (!totp_step) failure = "wrong or reused second-factor code";
    }
  }

  if (!failure.empty()) {
    // Already counted (charged before hashing).
    // An unknown name is never written to the log: people type passwords
    // into the name box.
    const std::string subject = user ? "user " + user->info.username : "unknown user name";
    (void)im.Audit(user ? user->info.username : "-", "auth.sign_in.failed", subject, Details(req, failure));
    const std::string minutes = "{\"minutes\":" + std::to_string(kLockoutSeconds / 60) + "}";
    if (account_lock_started) (void)im.Audit("-", "auth.lockout", subject, minutes);
    if (address_lock_started) (void)im.Audit("-", "auth.lockout", "address " + req.remote_address, minutes);
    return Failed();
  }

  // Success: a brand-new token (ASVS 7.2.4), the throttle for this account
  // cleared (the address only gets its advance charge back: one good account
  // must not launder an address that is guessing others), expired sessions
  // swept.
  auto token_bytes = RandomBytes(kSessionTokenBytes);
  if (!token_bytes.ok()) return Failed();
  const std::string token = Hex(token_bytes.value());
  SignInResult r;
  Status s = im.InTransaction([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, im.db->Prepare(
        "INSERT INTO sessions(token_sha256, user_id, created_at, last_seen_at, expires_at) VALUES (?1,?2,?3,?3,?4)"));
    if (Status st = ins.Bind(1, TokenDigest(token)).Bind(2, user->info.id).Bind(3, now)
                        .Bind(4, now + kSessionAbsoluteSeconds).Run();
        !st.ok())
      return st;
    if (!req.previous_session_token.empty()) {
      CSU_ASSIGN_OR_RETURN(old, im.db->Prepare("DELETE FROM sessions WHERE token_sha256 = ?1"));
      if (Status st = old.Bind(1, TokenDigest(req.previous_session_token)).Run(); !st.ok()) return st;
    }
    CSU_ASSIGN_OR_RETURN(sweep, im.db->Prepare(
        "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2"));
    if (Status st = sweep.Bind(1, now).Bind(2, kSessionIdleSeconds).Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(clear, im.db->Prepare("DELETE FROM sign_in_throttle WHERE key_sha256 = ?1"));
    if (Status st = clear.Bind(1, account_key).Run(); !st.ok()) return st;
    if (Status st = Refund(im, address_key, kAddressFailureLimit); !st.ok()) return st;
    // Keys whose window has passed with no lock in force count for nothing.
    CSU_ASSIGN_OR_RETURN(prune, im.db->Prepare(
        "DELETE FROM sign_in_throttle WHERE locked_until <= ?1 AND last_failure_at <= ?1 - ?2"));
    if (Status st = prune.Bind(1, now).Bind(2, kThrottleWindowSeconds).Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
        "UPDATE users SET last_sign_in_at = ?2, totp_last_step = max(totp_last_step, ?3) WHERE id = ?1"));
    return up.Bind(1, user->info.id).Bind(2, IsoUtc(now)).Bind(3, totp_step.value_or(0)).Run();
  });
  if (!s.ok()) return Failed();
  if (Status a = im.Audit(user->info.username, "auth.sign_in", "user " + user->info.username,
                          "{\"address\":" + store::JsonString(req.remote_address) + ",\"second_factor\":" +
                              (totp_step ? "true" : "false") + "}");
      !a.ok()) {
    // Every sign-in must be attributable (NDG standard 2): without its audit
    // entry the session is withdrawn.
    auto del = im.db->Prepare("DELETE FROM sessions WHERE token_sha256 = ?1");
    if (del.ok()) (void)del.value().Bind(1, TokenDigest(token)).Run();
    return Failed();
  }
  r.outcome = SignInOutcome::kSignedIn;
  r.message = "Signed in.";
  r.session_token = token;
  r.expires_at = now + kSessionAbsoluteSeconds;
  r.principal = PrincipalOf(user->info);
  return r;
}

Result<std::optional<Principal>> Accounts::ValidateSession(std::string_view token) {
  Impl& im = *impl_;
  if (!IsHexToken(token, kSessionTokenBytes * 2)) return std::optional<Principal>();
  const int64_t now = im.Now();
  const std::string digest = TokenDigest(token);
  std::lock_guard<std::mutex> lock(im.mu);
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare(
      "SELECT s.user_id, s.last_seen_at, s.expires_at, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.token_sha256 = ?1"));
  q.Bind(1, digest);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<Principal>();
  const int64_t user_id = q.Int(0), last_seen = q.Int(1), expires = q.Int(2);
  const bool disabled = q.Int(3) != 0;
  q.Reset();
  if (now >= expires || now - last_seen >= kSessionIdleSeconds || disabled) {
    CSU_ASSIGN_OR_RETURN(del, im.db->Prepare("DELETE FROM sessions WHERE token_sha256 = ?1"));
    if (Status s = del.Bind(1, digest).Run(); !s.ok()) return s.error();
    return std::optional<Principal>();
  }
  if (now - last_seen >= kSessionTouchSeconds) {
    CSU_ASSIGN_OR_RETURN(up, im.db->Prepare("UPDATE sessions SET last_seen_at = ?2 WHERE token_sha256 = ?1"));
    if (Status s = up.Bind(1, digest).Bind(2, now).Run(); !s.ok()) return s.error();
  }
  CSU_ASSIGN_OR_RETURN(u, im.LoadUserById(user_id));
  if (!u) return std::optional<Principal>();
  return std::optional<Principal>(PrincipalOf(*u));
}

Status Accounts::SignOut(std::string_view token) {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.mu);
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare(
      "SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = ?1"));
  q.Bind(1, TokenDigest(token));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return Status::Ok();
  const std::string username = q.Text(0);
  q.Reset();
  CSU_ASSIGN_OR_RETURN(del, im.db->Prepare("DELETE FROM sessions WHERE token_sha256 = ?1"));
  if (Status s = del.Bind(1, TokenDigest(token)).Run(); !s.ok()) return s;
  return im.Audit(username, "auth.sign_out", "user " + username, "{}");
}

Status Accounts::RevokeSessions(std::string_view username, const std::string& actor) {
  Impl& im = *impl_;
  std::string name;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    auto n = NormaliseUsername(username);
    if (!n.ok()) return MakeError("user " + std::string(username), "no such user");
    CSU_ASSIGN_OR_RETURN(u, im.LoadUserByName(n.value()));
    if (!u) return MakeError("user " + n.value(), "no such user");
    name = u->username;
    CSU_ASSIGN_OR_RETURN(del, im.db->Prepare("DELETE FROM sessions WHERE user_id = ?1"));
    if (Status s = del.Bind(1, u->id).Run(); !s.ok()) return s;
  }
  return im.Audit(actor, "user.sign_out_everywhere", "user " + name, "{}");
}

Result<std::pair<ApiTokenInfo, std::string>> Accounts::CreateApiToken(std::string_view username,
                                                                      std::string_view name,
                                                                      const std::string& actor) {
  Impl& im = *impl_;
  if (CountCodePoints(name).value_or(0) == 0 || name.size() > 100)
    return MakeError("token name", "must be 1 to 100 characters of text");
  CSU_ASSIGN_OR_RETURN(bytes, RandomBytes(kApiTokenBytes));
  const std::string token = std::string(kApiTokenPrefix) + Hex(bytes);
  ApiTokenInfo info;
  info.name = std::string(name);
  info.created_at = im.Now();
  {
    std::lock_guard<std::mutex> lock(im.mu);
    auto n = NormaliseUsername(username);
    if (!n.ok()) return MakeError("user " + std::string(username), "no such user");
    CSU_ASSIGN_OR_RETURN(u, im.LoadUserByName(n.value()));
    if (!u) return MakeError("user " + n.value(), "no such user");
    if (u->disabled) return MakeError("user " + u->username, "is disabled");
    info.username = u->username;
    Status s = im.InTransaction([&]() -> Status {
      CSU_ASSIGN_OR_RETURN(ins, im.db->Prepare(
          "INSERT INTO api_tokens(token_sha256, user_id, name, created_at, last_used_at, revoked_at) "
          "VALUES (?1,?2,?3,?4,0,0)"));
      if (Status st = ins.Bind(1, TokenDigest(token)).Bind(2, u->id).Bind(3, name).Bind(4, info.created_at).Run();
          !st.ok())
        return st;
      CSU_ASSIGN_OR_RETURN(last, im.db->Prepare("SELECT last_insert_rowid()"));
      CSU_ASSIGN_OR_RETURN(got, last.Step());
      info.id = got ? last.Int(0) : 0;
      return Status::Ok();
    });
    if (!s.ok()) return s.error();
  }
  if (Status a = im.Audit(actor, "api_token.create", "user " + info.username,
                          "{\"token_id\":" + std::to_string(info.id) + ",\"name\":" +
                              store::JsonString(info.name) + "}");
      !a.ok())
    return a.error();
  return std::make_pair(info, token);
}

Result<std::vector<ApiTokenInfo>> Accounts::ListApiTokens(std::string_view username) {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.mu);
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare(
      "SELECT t.id, t.name, u.username, t.created_at, t.last_used_at, t.revoked_at FROM api_tokens t "
      "JOIN users u ON u.id = t.user_id WHERE u.username = ?1 ORDER BY t.id"));
  auto n = NormaliseUsername(username);
  q.Bind(1, n.ok() ? n.value() : std::string());
  std::vector<ApiTokenInfo> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(ApiTokenInfo{q.Int(0), q.Text(1), q.Text(2), q.Int(3), q.Int(4), q.Int(5)});
  }
  return out;
}

Status Accounts::RevokeApiToken(int64_t id, const std::string& actor) {
  Impl& im = *impl_;
  std::string username;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    CSU_ASSIGN_OR_RETURN(q, im.db->Prepare(
        "SELECT u.username, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1"));
    q.Bind(1, id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return MakeError("API token " + std::to_string(id), "no such token");
    username = q.Text(0);
    if (q.Int(1) != 0) return Status::Ok();
    q.Reset();
    CSU_ASSIGN_OR_RETURN(up, im.db->Prepare("UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1"));
    if (Status s = up.Bind(1, id).Bind(2, im.Now()).Run(); !s.ok()) return s;
  }
  return im.Audit(actor, "api_token.revoke", "user " + username, "{\"token_id\":" + std::to_string(id) + "}");
}

Result<std::optional<Principal>> Accounts::ValidateApiToken(std::string_view token) {
  Impl& im = *impl_;
  if (token.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix ||
      !IsHexToken(token.substr(kApiTokenPrefix.size()), kApiTokenBytes * 2))
    return std::optional<Principal>();
  const int64_t now = im.Now();
  std::lock_guard<std::mutex> lock(im.mu);
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare(
      "SELECT t.id, t.user_id, t.last_used_at, t.revoked_at, u.disabled FROM api_tokens t "
      "JOIN users u ON u.id = t.user_id WHERE t.token_sha256 = ?1"));
  q.Bind(1, TokenDigest(token));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row || q.Int(3) != 0 || q.Int(4) != 0) return std::optional<Principal>();
  const int64_t id = q.Int(0), user_id = q.Int(1), last_used = q.Int(2);
  q.Reset();
  if (now - last_used >= kSessionTouchSeconds) {
    CSU_ASSIGN_OR_RETURN(up, im.db->Prepare("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1"));
    if (Status s = up.Bind(1, id).Bind(2, now).Run(); !s.ok()) return s.error();
  }
  CSU_ASSIGN_OR_RETURN(u, im.LoadUserById(user_id));
  if (!u) return std::optional<Principal>();
  return std::optional<Principal>(PrincipalOf(*u));
}

Permission Accounts::Authorize(const Principal& who, Action action, const OdsCode& tenant, Identifiability level) {
  Permission p = Check(who, action, tenant, level);
  if (!p.allowed) {
    // Refusals are evidence of probing or of a page offering what it should
    // not; both want a trail (security.md checklist: authorisation denials).
    (void)impl_->Audit(who.username.empty() ? "-" : who.username, "permission.refused",
                       tenant.empty() ? "csu" : "tenant " + tenant.ToString(),
                       "{\"action\":" + store::JsonString(std::string(ActionName(action))) + ",\"level\":" +
                           store::JsonString(std::string(IdentifiabilityName(level))) + ",\"reason\":" +
                           store::JsonString(p.reason) + "}");
  }
  return p;
}

}  // namespace csu::tenancy
