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
      "UPDATE sign_in_throttle SET failures = CASE WHEN failures > 1 THEN failures - 1 ELSE 0 END, "
      "locked_until = CASE WHEN failures - 1 < ?2 THEN 0 ELSE locked_until END WHERE key_sha256 = ?1"));
  return up.Bind(1, key).Bind(2, free).Run();
}

// One attempt at a password (a sign-in, or a signed-in user's re-check)
// in the throttle: its three keys and what was charged to each.
struct Attempt {
  std::string account_key, address_key, pair_key;
  int64_t pair_free = kPairFreeFailures;
  Charge account, address, pair;
};

Attempt AttemptOf(const std::string& username, const std::string& address) {
  Attempt a;
  a.account_key = AccountKey(username);
  a.address_key = AddressKey(address);
  a.pair_key = PairKey(username, address);
  return a;
}

// Caller holds mu. False while this account from this address, or the
// address, must wait. Only those waits refuse: the account's count never
// does, so failures from elsewhere cannot keep the owner out.
Result<bool> MayTry(Accounts::Impl& im, const Attempt& a, int64_t now) {
  CSU_ASSIGN_OR_RETURN(pair_wait, WaitUntil(im, a.pair_key));
  CSU_ASSIGN_OR_RETURN(address_wait, WaitUntil(im, a.address_key));
  return pair_wait <= now && address_wait <= now;
}

// Caller holds mu. Charges the attempt as a failure before it hashes, to be
// refunded if it was not one, so that parallel attempts cannot all pass
// MayTry while the first ones are still hashing: at most kPairFreeFailures
// guesses from one address reach Argon2 before the first wait.
Status ChargeInAdvance(Accounts::Impl& im, Attempt& a, int64_t now) {
  return im.InTransaction([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(acc, RecordFailure(im, a.account_key, 0, now));
    a.account = acc;
    // An account failing from many addresses is under attack: then every
    // address waits after its first failure on it. An address with none
    // still gets its attempt, so the owner can always sign in.
    if (acc.failures > kAccountFailureCeiling) a.pair_free = 1;
    CSU_ASSIGN_OR_RETURN(p, RecordFailure(im, a.pair_key, a.pair_free, now));
    CSU_ASSIGN_OR_RETURN(d, RecordFailure(im, a.address_key, kAddressFreeFailures, now));
    a.pair = p;
    a.address = d;
    return Status::Ok();
  });
}

// Caller holds mu (inside a transaction or not). Not a failure after all:
// gives the advance charge back.
Status RefundAttempt(Accounts::Impl& im, const Attempt& a) {
  if (Status st = Refund(im, a.account_key, 0); !st.ok()) return st;
  if (Status st = Refund(im, a.pair_key, a.pair_free); !st.ok()) return st;
  return Refund(im, a.address_key, kAddressFreeFailures);
}

// Caller holds mu. The audit entries of a counted failure's waits, each
// when it starts rather than at every attempt it refuses; under a
// distributed attack the account's one entry stands for all.
void AuditWaits(Accounts::Impl& im, const Attempt& a, const std::string& subject, const std::string& address) {
  if (a.pair_free == kPairFreeFailures && a.pair.failures == a.pair_free)
    (void)im.Audit("-", "auth.slowed", subject,
                   "{\"address\":" + store::JsonString(address) + ",\"seconds\":" + std::to_string(a.pair.delay) + "}");
  if (a.address.failures == kAddressFreeFailures)
    (void)im.Audit("-", "auth.slowed", "address " + address, "{\"seconds\":" + std::to_string(a.address.delay) + "}");
  if (a.account.failures == kAccountFailureCeiling + 1)
    (void)im.Audit("-", "auth.account_under_attack", subject,
                   "{\"failures\":" + std::to_string(a.account.failures) + "}");
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
  Attempt attempt = AttemptOf(username, req.remote_address);

  std::optional<UserSecrets> user;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    // Refused before any hashing, and neither counted nor audited one by
    // one: the entry that started the wait was, and a flood of refusals must
    // not become a flood of fsyncs in the audit log.
    auto may = MayTry(im, attempt, now);
    if (!may.ok() || !may.value()) return Failed();
    if (normalised.ok()) {
      auto loaded = LoadSecrets(im, username);
      if (!loaded.ok()) return Failed();
      user = std::move(loaded).value();
    }
    if (!ChargeInAdvance(im, attempt, now).ok()) return Failed();
  }
  // Not a failure after all (a success, or one of the answers below that
  // is not the requester's fault): give the advance charge back.
  auto refund = [&]() { (void)im.InTransaction([&]() -> Status { return RefundAttempt(im, attempt); }); };

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
    auto required = im.RequiresMfa(user->info.role);
    if (!required.ok()) return Failed();
    if (user->totp_secret.empty() && required.value()) {
      // Not a failure: the password was right, and the way on is to enrol
      // an authenticator now (a new installation's administrator included),
      // rather than to wait for an administrator who may not exist yet.
      refund();
      auto pending = im.NewPendingTotp(user->info, user->password_hash, /*signs_in=*/true);
      if (!pending.ok()) return Failed();
      (void)im.Audit(user->info.username, "auth.enrolment_started", "user " + user->info.username,
                     "{\"address\":" + store::JsonString(req.remote_address) + ",\"reason\":\"role requires a second factor\"}");
      SignInResult r;
      r.outcome = SignInOutcome::kSecondFactorNotSetUp;
      r.message = "Your role requires a second factor and none is set up for you yet. Add the key below to an "
                  "authenticator app, then enter the 6-digit code it shows to finish signing in.";
      r.enrolment = std::move(pending).value();
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
    AuditWaits(im, attempt, subject, req.remote_address);
    return Failed();
  }

  // Success: a brand-new token (ASVS 7.2.4), the throttle for this account
  // from this address cleared (the address and the account only get their
  // advance charge back: one good account must not launder an address that
  // is guessing others, nor the owner's sign-in end an attack on them from
  // elsewhere), expired sessions swept.
  std::string token;
  Status s = im.InTransaction([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, im.OpenSession(user->info.id, now, req.previous_session_token));
    token = t;
    if (Status st = RefundAttempt(im, attempt); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(clear, im.db->Prepare("DELETE FROM sign_in_throttle WHERE key_sha256 = ?1"));
    if (Status st = clear.Bind(1, attempt.pair_key).Run(); !st.ok()) return st;
    // Keys quiet for an hour with no wait in force count for nothing.
    CSU_ASSIGN_OR_RETURN(prune, im.db->Prepare(
        "DELETE FROM sign_in_throttle WHERE locked_until <= ?1 AND last_failure_at <= ?1 - ?2"));
    if (Status st = prune.Bind(1, now).Bind(2, kThrottleForgetSeconds).Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
        "UPDATE users SET last_sign_in_at = ?2, totp_last_step = CASE WHEN totp_last_step > ?3 THEN totp_last_step ELSE ?3 END "
        "WHERE id = ?1"));
    return up.Bind(1, user->info.id).Bind(2, IsoUtc(now)).Bind(3, totp_step.value_or(0)).Run();
  });
  if (!s.ok()) return Failed();
  return im.SignedIn(user->info, token, now, req.remote_address, totp_step.has_value());
}

Result<std::string> Accounts::Impl::OpenSession(int64_t user_id, int64_t now, const std::string& previous_token) {
  CSU_ASSIGN_OR_RETURN(token_bytes, RandomBytes(kSessionTokenBytes));
  const std::string token = Hex(token_bytes);
  CSU_ASSIGN_OR_RETURN(ins, db->Prepare(
      "INSERT INTO sessions(token_sha256, user_id, created_at, last_seen_at, expires_at) VALUES (?1,?2,?3,?3,?4)"));
  if (Status st = ins.Bind(1, TokenDigest(token)).Bind(2, user_id).Bind(3, now).Bind(4, now + kSessionAbsoluteSeconds).Run();
      !st.ok())
    return st.error();
  if (!previous_token.empty()) {
    CSU_ASSIGN_OR_RETURN(old, db->Prepare("DELETE FROM sessions WHERE token_sha256 = ?1"));
    if (Status st = old.Bind(1, TokenDigest(previous_token)).Run(); !st.ok()) return st.error();
  }
  CSU_ASSIGN_OR_RETURN(sweep, db->Prepare("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2"));
  if (Status st = sweep.Bind(1, now).Bind(2, kSessionIdleSeconds).Run(); !st.ok()) return st.error();
  return token;
}

SignInResult Accounts::Impl::SignedIn(const UserInfo& user, const std::string& token, int64_t now,
                                      const std::string& address, bool second_factor) {
  if (Status a = Audit(user.username, "auth.sign_in", "user " + user.username,
                       "{\"address\":" + store::JsonString(address) + ",\"second_factor\":" +
                           (second_factor ? "true" : "false") + "}");
      !a.ok()) {
    // Every sign-in must be attributable (NDG standard 2): without its audit
    // entry the session is withdrawn.
    auto del = db->Prepare("DELETE FROM sessions WHERE token_sha256 = ?1");
    if (del.ok()) (void)del.value().Bind(1, TokenDigest(token)).Run();
    return Failed();
  }
  SignInResult r;
  r.outcome = SignInOutcome::kSignedIn;
  r.message = "Signed in.";
  r.session_token = token;
  r.expires_at = now + kSessionAbsoluteSeconds;
  r.principal = PrincipalOf(user);
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
        "VALUES (?1,?2,?3,?4,0,0) RETURNING id"));
    ins.Bind(1, TokenDigest(token)).Bind(2, u->id).Bind(3, name).Bind(4, info.created_at);
    CSU_ASSIGN_OR_RETURN(got, ins.Step());
    info.id = got ? ins.Int(0) : 0;
    ins.Reset();
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

// ---- enrolling an authenticator ----

Result<PendingEnrolment> Accounts::Impl::NewPendingTotp(const UserInfo& user, const std::string& password_hash,
                                                        bool signs_in) {
  CSU_ASSIGN_OR_RETURN(secret, NewTotpSecret());
  CSU_ASSIGN_OR_RETURN(ticket_bytes, RandomBytes(kSessionTokenBytes));
  PendingEnrolment e;
  e.ticket = Hex(ticket_bytes);
  e.totp_secret = secret;
  e.totp_uri = TotpUri(secret, user.username, "OpenCSU");
  const int64_t now = Now();
  // One pending enrolment per user (a new one voids the last), and none
  // past its time: the table stays as small as the users. In the database,
  // so that the code may be entered on another node.
  Status stored = InTransaction([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(sweep, db->Prepare("DELETE FROM pending_enrolments WHERE user_id = ?1 OR expires_at <= ?2"));
    if (Status s = sweep.Bind(1, user.id).Bind(2, now).Run(); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(ins, db->Prepare(
        "INSERT INTO pending_enrolments(ticket_sha256, user_id, secret, password_hash, expires_at, signs_in, attempts) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)"));
    ins.Bind(1, TokenDigest(e.ticket)).Bind(2, user.id).Bind(3, secret).Bind(4, password_hash);
    return ins.Bind(5, now + kEnrolmentSeconds).Bind(6, signs_in ? 1 : 0).Run();
  });
  if (!stored.ok()) return stored.error();
  return e;
}

namespace {

// Caller holds mu. Checks `code` against the pending enrolment of `ticket`
// (of a signed-in user's or a first sign-in's, as `signs_in` says, and of
// `user_id` when not 0). On a match the secret is stored as the user's
// second factor and the user returned; a wrong code counts towards the
// ticket's attempts. The error never says which check failed.
Result<UserInfo> FinishPending(Accounts::Impl& im, std::string_view ticket, std::string_view code, bool signs_in,
                               int64_t user_id, int64_t& step) {
  const auto none = [] { return MakeError("authenticator", "no such enrolment, or it has expired: start again"); };
  if (!IsHexToken(ticket, kSessionTokenBytes * 2)) return none();
  const int64_t now = im.Now();
  // One transaction: two nodes given the same ticket at once count its
  // attempts and use it once, as one node does.
  enum class Outcome { kNone, kWrongCode, kEnrolled } outcome = Outcome::kNone;
  int64_t id = 0;
  std::optional<int64_t> matched;
  Status done = im.InTransaction([&]() -> Status {
    const std::string key = TokenDigest(ticket);
    CSU_ASSIGN_OR_RETURN(p, im.db->Prepare(
        "SELECT e.user_id, e.secret, e.expires_at, e.signs_in, e.attempts, "
        "CASE WHEN u.password_hash = e.password_hash AND u.disabled = 0 THEN 1 ELSE 0 END "
        "FROM pending_enrolments e JOIN users u ON u.id = e.user_id WHERE e.ticket_sha256 = ?1"));
    CSU_ASSIGN_OR_RETURN(row, p.Bind(1, key).Step());
    if (!row) return Status::Ok();
    id = p.Int(0);
    const std::string secret = p.Text(1);
    const int64_t expires_at = p.Int(2), attempts = p.Int(4);
    const bool kind_ok = (p.Int(3) != 0) == signs_in && (user_id == 0 || id == user_id);
    const bool user_ok = p.Int(5) != 0;
    p.Reset();
    if (!kind_ok) return Status::Ok();  // another's ticket: left for its owner
    CSU_ASSIGN_OR_RETURN(drop, im.db->Prepare("DELETE FROM pending_enrolments WHERE ticket_sha256 = ?1"));
    drop.Bind(1, key);
    // Expired, or the user disabled or their password reset since it
    // started: void.
    if (expires_at <= now || !user_ok) return drop.Run();
    matched = VerifyTotp(secret, code, now, 0);
    if (!matched) {
      outcome = Outcome::kWrongCode;
      if (attempts + 1 >= kEnrolmentCodeAttempts) return drop.Run();
      CSU_ASSIGN_OR_RETURN(count, im.db->Prepare(
          "UPDATE pending_enrolments SET attempts = attempts + 1 WHERE ticket_sha256 = ?1"));
      return count.Bind(1, key).Run();
    }
    outcome = Outcome::kEnrolled;
    if (Status s = drop.Run(); !s.ok()) return s;  // used once, whatever happens next
    CSU_ASSIGN_OR_RETURN(up, im.db->Prepare(
        "UPDATE users SET totp_secret = ?2, totp_last_step = ?3, updated_at = ?4 WHERE id = ?1"));
    return up.Bind(1, id).Bind(2, secret).Bind(3, *matched).Bind(4, im.NowIso()).Run();
  });
  if (!done.ok()) return done.error();
  if (outcome == Outcome::kNone) return none();
  if (outcome == Outcome::kWrongCode)
    return MakeError("authenticator code", "does not match the new key; check the app and the device's clock");
  CSU_ASSIGN_OR_RETURN(u, im.LoadUserById(id));
  if (!u) return none();
  step = *matched;
  (void)im.Audit(u->username, "user.enrol_totp", "user " + u->username,
                 std::string("{\"at\":") + (signs_in ? "\"first sign-in\"" : "\"account page\"") + "}");
  return std::move(*u);
}

}  // namespace

SignInResult Accounts::FinishSignInEnrolment(std::string_view ticket, std::string_view code, const std::string& address,
                                             const std::string& previous_session_token) {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.mu);
  int64_t step = 0;
  auto user = FinishPending(im, ticket, code, /*signs_in=*/true, 0, step);
  if (!user.ok()) {
    SignInResult r = Failed();
    r.message = "That code did not finish setting up your authenticator. Check the app shows OpenCSU for your "
                "user name and enter its current code; after several wrong codes, sign in again for a new key.";
    return r;
  }
  const int64_t now = im.Now();
  std::string token;
  Status s = im.InTransaction([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, im.OpenSession(user.value().id, now, previous_session_token));
    token = t;
    CSU_ASSIGN_OR_RETURN(up, im.db->Prepare("UPDATE users SET last_sign_in_at = ?2 WHERE id = ?1"));
    return up.Bind(1, user.value().id).Bind(2, IsoUtc(now)).Run();
  });
  if (!s.ok()) return Failed();
  return im.SignedIn(user.value(), token, now, address, /*second_factor=*/true);
}

Result<PendingEnrolment> Accounts::StartEnrolment(const Principal& who, std::string_view password,
                                                  const std::string& address) {
  Impl& im = *impl_;
  const auto refused = [] { return MakeError("password", std::string(kSignInFailedMessage)); };
  if (who.api_token_id != 0 || who.username.empty())
    return MakeError("authenticator", "sign in to set up an authenticator; an API token cannot");
  const int64_t now = im.Now();
  Attempt attempt = AttemptOf(who.username, address);
  std::optional<UserSecrets> user;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    CSU_ASSIGN_OR_RETURN(may, MayTry(im, attempt, now));
    if (!may) return refused();
    CSU_ASSIGN_OR_RETURN(loaded, LoadSecrets(im, who.username));
    if (!loaded || loaded->info.id != who.user_id || loaded->info.disabled) return refused();
    user = std::move(loaded);
    if (Status st = ChargeInAdvance(im, attempt, now); !st.ok()) return st.error();
  }
  if (!im.hash_slots.try_acquire_for(std::chrono::milliseconds(im.options.hash_wait_ms))) {
    std::lock_guard<std::mutex> lock(im.mu);
    (void)im.InTransaction([&]() -> Status { return RefundAttempt(im, attempt); });
    return MakeError("password", "the service is busy signing other people in; try again in a few seconds");
  }
  const bool password_ok = VerifyPassword(password, user->password_hash);
  im.hash_slots.release();
  std::lock_guard<std::mutex> lock(im.mu);
  const std::string subject = "user " + user->info.username;
  if (!password_ok) {
    (void)im.Audit(user->info.username, "auth.reauth.failed", subject,
                   "{\"address\":" + store::JsonString(address) + ",\"reason\":\"wrong password\",\"for\":\"authenticator\"}");
    AuditWaits(im, attempt, subject, address);
    return refused();
  }
  if (Status st = im.InTransaction([&]() -> Status { return RefundAttempt(im, attempt); }); !st.ok())
    return st.error();
  CSU_ASSIGN_OR_RETURN(pending, im.NewPendingTotp(user->info, user->password_hash, /*signs_in=*/false));
  (void)im.Audit(user->info.username, "auth.enrolment_started", subject,
                 "{\"address\":" + store::JsonString(address) + ",\"reason\":\"the user asked\"}");
  return pending;
}

Status Accounts::FinishEnrolment(const Principal& who, std::string_view ticket, std::string_view code) {
  if (who.api_token_id != 0 || who.user_id == 0)
    return MakeError("authenticator", "sign in to set up an authenticator; an API token cannot");
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.mu);
  int64_t step = 0;
  auto user = FinishPending(im, ticket, code, /*signs_in=*/false, who.user_id, step);
  if (!user.ok()) return user.error();
  return Status::Ok();
}

// ---- the sign-in form's anti-forgery values ----

Result<std::string> Accounts::IssueSignInForm() {
  Impl& im = *impl_;
  CSU_ASSIGN_OR_RETURN(bytes, RandomBytes(16));
  std::string value = Hex(bytes);
  std::lock_guard<std::mutex> lock(im.mu);
  const int64_t now = im.Now();
  Status s = im.InTransaction([&]() -> Status {
    // Expired values go, and beyond the cap the oldest live ones.
    CSU_ASSIGN_OR_RETURN(sweep, im.db->Prepare("DELETE FROM signin_forms WHERE expires_at <= ?1"));
    if (Status st = sweep.Bind(1, now).Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(count, im.db->Prepare("SELECT count(*) FROM signin_forms"));
    CSU_ASSIGN_OR_RETURN(row, count.Step());
    const int64_t over = row ? count.Int(0) - kMaxSignInForms + 1 : 0;
    count.Reset();
    if (over > 0) {
      CSU_ASSIGN_OR_RETURN(oldest, im.db->Prepare(
          "DELETE FROM signin_forms WHERE value_sha256 IN "
          "(SELECT value_sha256 FROM signin_forms ORDER BY expires_at, value_sha256 LIMIT ?1)"));
      if (Status st = oldest.Bind(1, over).Run(); !st.ok()) return st;
    }
    CSU_ASSIGN_OR_RETURN(ins, im.db->Prepare("INSERT INTO signin_forms(value_sha256, expires_at) VALUES (?1, ?2)"));
    return ins.Bind(1, TokenDigest(value)).Bind(2, now + kSignInFormSeconds).Run();
  });
  if (!s.ok()) return s.error();
  return value;
}

bool Accounts::ConsumeSignInForm(std::string_view value) {
  if (!IsHexToken(value, 32)) return false;
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.mu);
  const int64_t now = im.Now();
  bool fresh = false;
  Status s = im.InTransaction([&]() -> Status {
    // Deleted whatever its age: a value works once.
    CSU_ASSIGN_OR_RETURN(del, im.db->Prepare(
        "DELETE FROM signin_forms WHERE value_sha256 = ?1 RETURNING expires_at"));
    CSU_ASSIGN_OR_RETURN(row, del.Bind(1, TokenDigest(value)).Step());
    fresh = row && del.Int(0) > now;
    del.Reset();
    return Status::Ok();
  });
  return s.ok() && fresh;
}

}  // namespace csu::tenancy
