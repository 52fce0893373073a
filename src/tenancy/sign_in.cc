// Sign-in, sessions, API tokens and Authorize (the rest of Accounts is in
// accounts.cc). The order inside SignIn is the security argument:
//   1. throttle check of this account from this address and of the address:
//      cheap, no Argon2, identical for existing and unknown names (both are
//      throttled keys), and a wait that grows, never a lockout;
//   2. a hash slot (at most N Argon2 at once, so a flood cannot exhaust
//      memory: 19 MiB each);
//   3. Argon2 verify against the user's hash, or a dummy hash when the name
//      is unknown, so both cost the same time;
//   4. disabled, second factor; then one message for every failure.
#include <algorithm>
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
// One account from one address: the key that slows a guesser without
// touching the owner signing in from anywhere else.
std::string PairKey(const std::string& username, const std::string& address) {
  return TokenDigest("pair:" + username + "\n" + address);
}

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

// The throttle keeps one row per key: failures counted since the key was
// last quiet, the time of the last one, and `locked_until`, which is the
// earliest time the key's next attempt may start (a wait, never a lockout:
// docs/permissions.md, "Sign-in").

// Caller holds mu. The time before which the key's attempts are refused.
Result<int64_t> WaitUntil(Accounts::Impl& im, const std::string& key) {
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare("SELECT locked_until FROM sign_in_throttle WHERE key_sha256 = ?1"));
  q.Bind(1, key);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row ? q.Int(0) : int64_t{0};
}

// How long a key that has just reached `failures` must wait before its next
// attempt: nothing for the first `free - 1`, then 2, 4, 8 ... seconds, at
// most kThrottleMaxDelaySeconds.
int64_t DelayAfter(int64_t failures, int64_t free) {
  if (failures < free) return 0;
  const int64_t doublings = failures - free + 1;
  if (doublings >= 20) return kThrottleMaxDelaySeconds;
  return std::min<int64_t>(int64_t{1} << doublings, kThrottleMaxDelaySeconds);
}

struct Charge {
  int64_t failures = 0;
  int64_t delay = 0;  // what this failure makes the next attempt wait
};

// Caller holds mu, inside a transaction. Counts a failure against `key`
// (after `free` failures each one sets a wait); `free` <= 0 never waits.
Result<Charge> RecordFailure(Accounts::Impl& im, const std::string& key, int64_t free, int64_t now) {
  CSU_ASSIGN_OR_RETURN(q, im.db->Prepare(
      "SELECT failures, last_failure_at, locked_until FROM sign_in_throttle WHERE key_sha256 = ?1"));
  q.Bind(1, key);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  int64_t failures = row ? q.Int(0) : 0;
  const int64_t last = row ? q.Int(1) : 0;
  const int64_t wait_until = row ? q.Int(2) : 0;
  q.Reset();
  // A quiet hour (and no wait in force) forgets the count.
  if (wait_until <= now && now - last >= kThrottleForgetSeconds) failures = 0;
  ++failures;
  Charge c{failures, free > 0 ? DelayAfter(failures, free) : 0};
  CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
      "INSERT INTO sign_in_throttle(key_sha256, failures, last_failure_at, locked_until) VALUES (?1,?2,?3,?4) "
      "ON CONFLICT(key_sha256) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, "
      "locked_until = excluded.locked_until"));
  if (Status s = up.Bind(1, key).Bind(2, failures).Bind(3, now).Bind(4, c.delay > 0 ? now + c.delay : 0).Run();
      !s.ok())
    return s.error();
  return c;
}

// Caller holds mu, inside a transaction. Takes back one failure that
// RecordFailure charged in advance, and the wait it may have set: the
// attempt turned out not to be a failure.
Status Refund(Accounts::Impl& im, const std::string& key, int64_t free) {
  CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
      "UPDATE sign_in_throttle SET failures = max(failures - 1, 0), "
      "locked_until = CASE WHEN failures - 1 < ?2 THEN 0 ELSE locked_until END WHERE key_sha256 = ?1"));
  return up.Bind(1, key).Bind(2, free).Run();
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
  const std::string pair_key = PairKey(username, req.remote_address);

  std::optional<UserSecrets> user;
  Charge account_charge, address_charge, pair_charge;
  int64_t pair_free = kPairFreeFailures;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    // Only this address's waits can refuse an attempt: the account's count
    // never does, so failures from elsewhere cannot keep the owner out.
    auto pair_wait = WaitUntil(im, pair_key);
    auto address_wait = WaitUntil(im, address_key);
    if (!pair_wait.ok() || !address_wait.ok()) return Failed();
    // Refused before any hashing, and neither counted nor audited one by
    // one: the entry that started the wait was, and a flood of refusals must
    // not become a flood of fsyncs in the audit log.
    if (pair_wait.value() > now || address_wait.value() > now) return Failed();
    if (normalised.ok()) {
      auto loaded = LoadSecrets(im, username);
      if (!loaded.ok()) return Failed();
      user = std::move(loaded).value();
    }
    // Charged as a failure before hashing and refunded if it was not one, so
    // that parallel attempts cannot all pass the check above while the first
    // ones are still hashing: at most kPairFreeFailures guesses from one
    // address reach Argon2 before the first wait.
    Status charged = im.InTransaction([&]() -> Status {
      CSU_ASSIGN_OR_RETURN(a, RecordFailure(im, account_key, 0, now));
      account_charge = a;
      // An account failing from many addresses is under attack: then every
      // address waits after its first failure on it. An address with none
      // still gets its attempt, so the owner can always sign in.
      if (a.failures > kAccountFailureCeiling) pair_free = 1;
      CSU_ASSIGN_OR_RETURN(p, RecordFailure(im, pair_key, pair_free, now));
      CSU_ASSIGN_OR_RETURN(d, RecordFailure(im, address_key, kAddressFreeFailures, now));
      pair_charge = p;
      address_charge = d;
      return Status::Ok();
    });
    if (!charged.ok()) return Failed();
  }
  // Not a failure after all (a success, or one of the answers below that
  // is not the requester's fault): give the advance charge back.
  auto refund = [&]() {
    (void)im.InTransaction([&]() -> Status {
      if (Status st = Refund(im, account_key, 0); !st.ok()) return st;
      if (Status st = Refund(im, pair_key, pair_free); !st.ok()) return st;
      return Refund(im, address_key, kAddressFreeFailures);
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
      // No code is a failure like any other, with the same answer: telling
      // "now enter the code" only to those whose password was right would
      // let anyone test passwords without ever meeting the second factor.
      if (req.totp_code.empty()) failure = "second-factor code missing";
      else {
        totp_step = VerifyTotp(user->totp_secret, req.totp_code, now, user->totp_last_step);
        if (!totp_step) failure = "wrong or reused second-factor code";
      }
    }
  }

  if (!failure.empty()) {
    // Already counted (charged before hashing).
    // An unknown name is never written to the log: people type passwords
    // into the name box.
    const std::string subject = user ? "user " + user->info.username : "unknown user name";
    (void)im.Audit(user ? user->info.username : "-", "auth.sign_in.failed", subject, Details(req, failure));
    // Each wait is logged when it starts, not at every attempt it refuses;
    // under a distributed attack the account's one entry stands for all.
    if (pair_free == kPairFreeFailures && pair_charge.failures == pair_free)
      (void)im.Audit("-", "auth.slowed", subject,
                     "{\"address\":" + store::JsonString(req.remote_address) +
                         ",\"seconds\":" + std::to_string(pair_charge.delay) + "}");
    if (address_charge.failures == kAddressFreeFailures)
      (void)im.Audit("-", "auth.slowed", "address " + req.remote_address,
                     "{\"seconds\":" + std::to_string(address_charge.delay) + "}");
    if (account_charge.failures == kAccountFailureCeiling + 1)
      (void)im.Audit("-", "auth.account_under_attack", subject,
                     "{\"failures\":" + std::to_string(account_charge.failures) + "}");
    return Failed();
  }

  // Success: a brand-new token (ASVS 7.2.4), the throttle for this account
  // from this address cleared (the address and the account only get their
  // advance charge back: one good account must not launder an address that
  // is guessing others, nor the owner's sign-in end an attack on them from
  // elsewhere), expired sessions swept.
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
    if (Status st = clear.Bind(1, pair_key).Run(); !st.ok()) return st;
    if (Status st = Refund(im, account_key, 0); !st.ok()) return st;
    if (Status st = Refund(im, address_key, kAddressFreeFailures); !st.ok()) return st;
    // Keys quiet for an hour with no wait in force count for nothing.
    CSU_ASSIGN_OR_RETURN(prune, im.db->Prepare(
        "DELETE FROM sign_in_throttle WHERE locked_until <= ?1 AND last_failure_at <= ?1 - ?2"));
    if (Status st = prune.Bind(1, now).Bind(2, kThrottleForgetSeconds).Run(); !st.ok()) return st;
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

namespace {

// Makes and stores a token for `username` (not audited: the callers say who
// made it). Caller does not hold mu.
Result<std::pair<ApiTokenInfo, std::string>> MakeApiToken(Accounts::Impl& im, std::string_view username,
                                                          std::string_view name) {
  if (CountCodePoints(name).value_or(0) == 0 || name.size() > 100)
    return MakeError("token name", "must be 1 to 100 characters of text");
  CSU_ASSIGN_OR_RETURN(bytes, RandomBytes(kApiTokenBytes));
  const std::string token = std::string(kApiTokenPrefix) + Hex(bytes);
  ApiTokenInfo info;
  info.name = std::string(name);
  info.created_at = im.Now();
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
  return std::make_pair(info, token);
}

}  // namespace

Result<std::pair<ApiTokenInfo, std::string>> Accounts::CreateOwnApiToken(const Principal& who, std::string_view name) {
  // A token that could make tokens would outlive its own revocation.
  if (who.api_token_id != 0 || who.username.empty())
    return MakeError("API token", "sign in to make an API token; a token cannot make another");
  CSU_ASSIGN_OR_RETURN(made, MakeApiToken(*impl_, who.username, name));
  if (Status a = impl_->Audit(who.username, "api_token.create", "user " + made.first.username,
                              "{\"token_id\":" + std::to_string(made.first.id) + ",\"name\":" +
                                  store::JsonString(made.first.name) + ",\"created_by\":\"self\"}");
      !a.ok())
    return a.error();
  return made;
}

Result<std::pair<ApiTokenInfo, std::string>> Accounts::CreateApiTokenAsOperator(std::string_view username,
                                                                                std::string_view name,
                                                                                const std::string& operator_actor) {
  CSU_ASSIGN_OR_RETURN(made, MakeApiToken(*impl_, username, name));
  if (Status a = impl_->Audit(operator_actor, "api_token.create", "user " + made.first.username,
                              "{\"token_id\":" + std::to_string(made.first.id) + ",\"name\":" +
                                  store::JsonString(made.first.name) +
                                  ",\"created_by\":\"operator\",\"for_user\":" +
                                  store::JsonString(made.first.username) + "}");
      !a.ok())
    return a.error();
  return made;
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

Status Accounts::RevokeOwnApiToken(const Principal& who, int64_t id) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    CSU_ASSIGN_OR_RETURN(q, impl_->db->Prepare("SELECT user_id FROM api_tokens WHERE id = ?1"));
    q.Bind(1, id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    // Someone else's token answers as one that does not exist.
    if (!row || q.Int(0) != who.user_id) return MakeError("API token " + std::to_string(id), "no such token");
  }
  return RevokeApiToken(id, who.username);
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
  Principal p = PrincipalOf(*u);
  p.api_token_id = id;
  return std::optional<Principal>(std::move(p));
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
                           store::JsonString(p.reason) +
                           (who.api_token_id != 0 ? ",\"api_token_id\":" + std::to_string(who.api_token_id) : "") +
                           "}");
  }
  return p;
}

}  // namespace csu::tenancy
