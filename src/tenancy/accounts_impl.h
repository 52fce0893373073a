// Private to src/tenancy: the state behind Accounts, shared by accounts.cc
// (users, tenants, policy) and sign_in.cc (sign-in, sessions, tokens).
#pragma once

#include <mutex>
#include <semaphore>

#include "store/sql.h"
#include "tenancy/accounts.h"

namespace csu::tenancy {

struct Accounts::Impl {
  // platform.sqlite (embedded) or the PostgreSQL database (server mode):
  // every statement below is written for both (store/sql.h).
  std::unique_ptr<store::SqlConnection> db;
  AccountsOptions options;
  Clock* clock = nullptr;
  std::mutex mu;  // guards db
  std::counting_semaphore<64> hash_slots{2};

  explicit Impl(int slots) : hash_slots(slots) {}

  int64_t Now() { return clock->NowUnixSeconds(); }
  std::string NowIso() { return IsoUtc(Now()); }

  // Runs `body` inside a write transaction (BEGIN IMMEDIATE on SQLite; on
  // PostgreSQL under the accounts' advisory lock, so nodes write one at a
  // time); rolls back on error. Caller holds mu.
  template <typename F>
  Status InTransaction(F&& body) {
    return store::InWriteTransaction(*db, store::kAccountsWriteLock, std::forward<F>(body));
  }

  Status Audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& details_json) {
    return options.audit(actor, action, subject, details_json);
  }

  // Caller holds mu. Reads one user (and assignments) by id or name.
  Result<std::optional<UserInfo>> LoadUserById(int64_t id);
  Result<std::optional<UserInfo>> LoadUserByName(const std::string& normalised);
  // Deletes sessions and revokes API tokens of a user. Caller holds mu and
  // is inside a transaction.
  Status KillCredentials(int64_t user_id);
  // Caller holds mu. The role's policy, or its default while none is set.
  Result<bool> RequiresMfa(Role role);
  // Caller holds mu. A new secret pending for the user, replacing any other
  // of theirs.
  Result<PendingEnrolment> NewPendingTotp(const UserInfo& user, const std::string& password_hash, bool signs_in);
  // Caller holds mu and is inside a transaction. Stores a new session for
  // the user (ending `previous_token`'s, sweeping expired ones); returns its
  // token.
  Result<std::string> OpenSession(int64_t user_id, int64_t now, const std::string& previous_token);
  // Caller holds mu. Audits the sign-in (withdrawing the session if that
  // fails: every sign-in must be attributable) and makes the answer.
  SignInResult SignedIn(const UserInfo& user, const std::string& token, int64_t now, const std::string& address,
                        bool second_factor);
};

Principal PrincipalOf(const UserInfo& u);

// Accounts over an open connection whose schema is ready (Open and
// OpenServerAccounts).
Result<std::unique_ptr<Accounts>> AdoptConnection(std::unique_ptr<store::SqlConnection> db, AccountsOptions options);

}  // namespace csu::tenancy
