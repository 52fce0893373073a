// Accounts: the platform's users and how they are signed in, over the state
// folder's platform.sqlite (format: docs/store-format.md §11; rules:
// docs/permissions.md). It owns
//   * users, tenants (the CCGs this CSU serves), analyst assignments and the
//     second-factor policy per role;
//   * sign-in: throttling per account from each remote address and per
//     address BEFORE any Argon2 work (growing waits, never a lockout), a cap on concurrent hashes, one message for every
//     failure whether or not the account exists (and comparable time:
//     unknown names are verified against a dummy hash), TOTP with replay
//     refusal, and enrolment of an authenticator (at a first sign-in the
//     role requires it, or by the user with their password again);
//   * sessions (128-bit tokens, 30-minute idle and 12-hour absolute expiry,
//     killed on sign-out, disable, password reset and role change) and API
//     tokens (256-bit, named, revocable; made only by their own user, or by
//     the local operator on the command line); only their SHA-256 is stored;
//   * Authorize: the permission matrix plus an audit entry for each refusal.
// Security events go to `AccountsOptions::audit` (the catalog's hash-chained
// log in production). Passwords, tokens and codes are never logged.
//
//   CSU_ASSIGN_OR_RETURN(accounts, Accounts::Open(dir, {.audit = ..., .ref = &ref, .policy = &policy}));
//   SignInResult r = accounts->SignIn({"alice", password, code, "10.0.0.7"});
//   if (r.outcome == SignInOutcome::kSignedIn) set cookie r.session_token ...
//   CSU_ASSIGN_OR_RETURN(who, accounts->ValidateSession(cookie));   // nullopt: sign in again
//   if (!accounts->Authorize(*who, Action::kView, who->tenant, Identifiability::kRecordLevel)) ... 403 ...
//
// Thread-safety: every method may be called from any thread. Database work
// is serialised by one mutex; Argon2 runs outside it, at most
// `max_concurrent_hashes` at a time. Open it under the state folder's lock
// (the Store holds it), one Accounts per process.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes.h"
#include "core/result.h"
#include "tenancy/clock.h"
#include "tenancy/password_policy.h"
#include "tenancy/permissions.h"

namespace csu::refdata {
class RefData;
}

namespace csu::tenancy {

// Appends one entry to the audit log (actor, action, subject, details as a
// JSON object). Must be thread-safe if Accounts is shared between threads.
using AuditFn = std::function<Status(const std::string& actor, const std::string& action, const std::string& subject,
                                     const std::string& details_json)>;

inline constexpr int64_t kSessionIdleSeconds = 30 * 60;
inline constexpr int64_t kSessionAbsoluteSeconds = 12 * 60 * 60;
// last_seen_at is written at most this often per session (one fsync a minute,
// not one per request); idle expiry is exact to this.
inline constexpr int64_t kSessionTouchSeconds = 60;
// Sign-in throttle (docs/permissions.md, "Sign-in"): waits that grow, never
// a lockout, so nobody can keep an account shut by failing on purpose.
// After this many failures of one account from one address, each further
// attempt from that address must wait 2, 4, 8 ... seconds after the last
// failure (2^(n-4) after n failures), at most kThrottleMaxDelaySeconds.
inline constexpr int64_t kPairFreeFailures = 5;
// One address failing on many accounts (password spraying) waits the same
// way after this many. Addresses get more room: an office shares one.
inline constexpr int64_t kAddressFreeFailures = 20;
// An account with more failures than this, from all addresses together, is
// under attack: then each address waits after its first failure on it. It
// slows attackers only: an address with no failures is never refused.
inline constexpr int64_t kAccountFailureCeiling = 50;
inline constexpr int64_t kThrottleMaxDelaySeconds = 15 * 60;
// A count is forgotten after this long without a failure (and no wait in force).
inline constexpr int64_t kThrottleForgetSeconds = 60 * 60;

// The one message a requester sees for any failed sign-in: a wrong name,
// password or code, a missing code, a disabled account, or a wait.
inline constexpr std::string_view kSignInFailedMessage =
    "Sign-in failed. Check your user name and password, and the code from your authenticator app if you use one. "
    "After repeated failures each further attempt has to wait a little longer.";

// Whether users of `role` need a second factor while no administrator has
// set the role's policy: CSU administrators and analysts, and CCG finance
// staff (OWASP ASVS 4.0.3 level 2, 2.2.3; docs/permissions.md).
bool SecondFactorRequiredByDefault(Role role);

// An authenticator being enrolled: a new secret the server holds, unused
// (in the accounts database, so any node can finish it), for
// kEnrolmentSeconds under a random ticket, until a code from the app
// proves the user has added it. At most kEnrolmentCodeAttempts wrong codes.
inline constexpr int64_t kEnrolmentSeconds = 10 * 60;
inline constexpr int kEnrolmentCodeAttempts = 5;

// The sign-in form's one-time values: their lifetime, and how many may be
// open at once.
inline constexpr int64_t kSignInFormSeconds = 15 * 60;
inline constexpr int64_t kMaxSignInForms = 10'000;

struct PendingEnrolment {
  std::string ticket;       // 32 hex digits: what the form sends back; kept by the server only as its SHA-256
  std::string totp_secret;  // base32, shown once
  std::string totp_uri;     // otpauth://...
};

struct AccountsOptions {
  AuditFn audit;                          // required
  const refdata::RefData* ref = nullptr;  // required to name tenants (CCG codes are checked against it)
  const PasswordPolicy* policy = nullptr; // required to set passwords
  Clock* clock = nullptr;                 // null: Clock::System()
  int max_concurrent_hashes = 2;          // Argon2 at once; more sign-ins wait for a slot ...
  int hash_wait_ms = 2000;                // ... this long, then get kBusy
  std::string sqlite_vfs;                 // for fault-injection tests; "" = SQLite's default
};

struct UserInfo {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kCcgViewer;
  OdsCode tenant;                 // CCG roles only
  std::vector<OdsCode> assigned;  // csu_analyst and csu_procurement only
  OdsCode practice;               // gp_practice only: its practice (of `tenant`)
  bool disabled = false;
  bool has_totp = false;
  std::string created_at, updated_at, last_sign_in_at;  // ISO 8601 UTC; last_sign_in_at "" = never
};

struct NewUser {
  std::string username;      // normalised to lower case
  std::string display_name;
  Role role = Role::kCcgViewer;
  std::string tenant;        // CCG ODS code for a CCG role and gp_practice; empty for CSU staff
  bool enrol_totp = false;   // make a TOTP secret now (returned once)
  std::string practice;      // gp_practice only: its practice's ODS code, a practice of `tenant`
};

// What a command shows once and never again.
struct Enrolment {
  UserInfo user;
  std::string totp_secret;  // base32; empty when not enrolled
  std::string totp_uri;     // otpauth://...
};

struct SignInRequest {
  std::string username;
  std::string password;
  std::string totp_code;               // empty when the form had none
  std::string remote_address;          // as the server saw it (or X-Forwarded-For from a trusted proxy)
  std::string previous_session_token;  // the browser's old session, revoked on success (fixation)
};

enum class SignInOutcome {
  kSignedIn,
  kFailed,                // wrong name, password or code, no code, disabled, or waiting: one message for all
  kSecondFactorNotSetUp,  // password right, the role requires a second factor the user has not enrolled:
                          // `enrolment` holds a new one to finish with FinishSignInEnrolment
  kBusy,                  // too many sign-ins hashing at once; try again shortly
};

struct SignInResult {
  SignInOutcome outcome = SignInOutcome::kFailed;
  std::string message;        // safe to show the requester
  std::string session_token;  // kSignedIn only: 32 hex digits; give it to the browser, never store it
  int64_t expires_at = 0;     // absolute expiry of that session
  std::optional<Principal> principal;
  std::optional<PendingEnrolment> enrolment;  // kSecondFactorNotSetUp only
};

struct ApiTokenInfo {
  int64_t id = 0;
  std::string name;
  std::string username;
  int64_t created_at = 0, last_used_at = 0, revoked_at = 0;  // 0 = never
};

class Accounts {
 public:
  // Opens (creating) DIR/platform.sqlite. Errors name the file.
  static Result<std::unique_ptr<Accounts>> Open(const std::string& dir, AccountsOptions options);
  ~Accounts();

  // ---- users (each change audited as `actor`) ----
  // Adds a user with `password` (checked against the policy). A CCG role
  // needs a CCG tenant known to refdata (it becomes a tenant of the CSU); a
  // CSU role must have none. Error when the name is taken or invalid.
  Result<Enrolment> AddUser(const NewUser& user, std::string_view password, const std::string& actor);
  Result<std::vector<UserInfo>> ListUsers();
  // nullopt when there is no such user.
  Result<std::optional<UserInfo>> FindUser(std::string_view username);
  // Disabling kills every session and API token of the user.
  Status SetDisabled(std::string_view username, bool disabled, const std::string& actor);
  // New password (policy-checked); kills sessions and API tokens. With
  // `new_totp`, also replaces the second factor and returns the new secret.
  Result<Enrolment> ResetPassword(std::string_view username, std::string_view password, bool new_totp,
                                  const std::string& actor);
  // Assigns or unassigns a CCG to a csu_analyst (Error for other roles).
  // An unassigned CCG stops working at the analyst's next request.
  Status Assign(std::string_view username, std::string_view tenant, bool assign, const std::string& actor);
  // Whether users of `role` must sign in with a second factor: the policy an
  // administrator set, or SecondFactorRequiredByDefault while none has.
  Status SetRoleRequiresMfa(Role role, bool required, const std::string& actor);
  Result<bool> RoleRequiresMfa(Role role);
  // The CCGs this CSU serves (every tenant named by a user or assignment).
  Result<std::vector<OdsCode>> Tenants();

  // ---- sign-in and sessions ----
  // Never reveals whether the account exists. Errors of the database come
  // back as kFailed with the same message (and are audited when possible).
  SignInResult SignIn(const SignInRequest& request);
  // The principal of a live session, or nullopt (unknown, expired, or the
  // user was disabled). Refreshes last_seen (at most once a minute).
  Result<std::optional<Principal>> ValidateSession(std::string_view token);
  // Ends the session server-side. OK when there was no such session.
  Status SignOut(std::string_view token);
  // Ends every session of a user (e.g. an administrator's "sign out everywhere").
  Status RevokeSessions(std::string_view username, const std::string& actor);

  // ---- enrolling an authenticator ----
  // Finishes the enrolment a first sign-in started (SignInResult::enrolment)
  // with a code from the new secret, and signs in as SignIn does (a session,
  // the browser's previous one ended). The ticket works once; a wrong code
  // answers kFailed with the one message and counts towards
  // kEnrolmentCodeAttempts.
  SignInResult FinishSignInEnrolment(std::string_view ticket, std::string_view code, const std::string& address,
                                     const std::string& previous_session_token);
  // A signed-in user (a session: `who.api_token_id` must be 0) starts setting
  // up a new authenticator; their password is asked again, throttled like a
  // sign-in from `address` (a session left open must not be enough to swap
  // the second factor: ASVS 2.5.x, 3.7.1). Error with the sign-in failure
  // message when the password is wrong or the attempt must wait.
  Result<PendingEnrolment> StartEnrolment(const Principal& who, std::string_view password, const std::string& address);
  // Finishes it with a code from the new secret, replacing any old one.
  // Another user's ticket is "no such enrolment" alike.
  Status FinishEnrolment(const Principal& who, std::string_view ticket, std::string_view code);

  // ---- the sign-in form's anti-forgery values (docs/web.md, "CSRF") ----
  // A new one-time value (32 hex digits) for the sign-in and enrolment
  // forms, good for kSignInFormSeconds. Only its SHA-256 is kept, in the
  // accounts database, so the form may be posted to any node. At most
  // kMaxSignInForms are open; beyond that the oldest go first, so a flood of
  // form requests costs its own forms, not storage.
  Result<std::string> IssueSignInForm();
  // True once for a value IssueSignInForm gave, within its lifetime; used
  // up either way. False on any error.
  bool ConsumeSignInForm(std::string_view value);

  // ---- API tokens ----
  // A token acts with its user's role and CCGs, so only the user makes one
  // for themself: an administrator who could make one for someone else could
  // act, and read records, in their name. "csu_" + 64 hex digits, returned
  // once. `who` must be signed in with a session (a token makes no tokens);
  // audited with the user as the actor.
  Result<std::pair<ApiTokenInfo, std::string>> CreateOwnApiToken(const Principal& who, std::string_view name);
  // The local operator's way (`csu users token create`): whoever runs the
  // command owns the state folder and could read every file of it anyway.
  // Audited as `operator_actor` with "created_by":"operator" and the user
  // it is for, so the log never shows it as the user's own doing.
  Result<std::pair<ApiTokenInfo, std::string>> CreateApiTokenAsOperator(std::string_view username,
                                                                        std::string_view name,
                                                                        const std::string& operator_actor);
  Result<std::vector<ApiTokenInfo>> ListApiTokens(std::string_view username);
  // Administrators and the operator revoke any token.
  Status RevokeApiToken(int64_t id, const std::string& actor);
  // A user revokes their own; another's id is "no such token" alike.
  Status RevokeOwnApiToken(const Principal& who, int64_t id);
  // The principal of an active token whose user is enabled, with
  // `api_token_id` set, or nullopt.
  Result<std::optional<Principal>> ValidateApiToken(std::string_view token);

  // ---- authorisation ----
  // Check() plus an audit entry ("permission.refused", with the API token's
  // id when a token is acting) when refused.
  Permission Authorize(const Principal& who, Action action, const OdsCode& tenant, Identifiability level);

  struct PassKey {
    explicit PassKey() = default;
  };
  struct Impl;
  Accounts(PassKey, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Normalises a user name (lower case) and checks it: 2..64 of a-z 0-9 . _ @ -.
Result<std::string> NormaliseUsername(std::string_view name);

}  // namespace csu::tenancy
