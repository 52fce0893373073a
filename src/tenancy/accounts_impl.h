// Private to src/tenancy: the state behind Accounts, shared by accounts.cc
// (users, tenants, policy) and sign_in.cc (sign-in, sessions, tokens).
#pragma once

#include <mutex>
#include <semaphore>

#include "store/sqlite_db.h"
#include "tenancy/accounts.h"

namespace csu::tenancy {

struct Accounts::Impl {
  std::unique_ptr<store::SqliteDb> db;
  AccountsOptions options;
  Clock* clock = nullptr;
  std::mutex mu;  // guards db
  std::counting_semaphore<64> hash_slots{2};

  explicit Impl(int slots) : hash_slots(slots) {}

  int64_t Now() { return clock->NowUnixSeconds(); }
  std::string NowIso() { return IsoUtc(Now()); }

  // Runs `body` inside BEGIN IMMEDIATE .. COMMIT; rolls back on error.
  // Caller holds mu.
  template <typename F>
  Status InTransaction(F&& body) {
    return store::InTransaction(*db, std::forward<F>(body));
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
};

Principal PrincipalOf(const UserInfo& u);

}  // namespace csu::tenancy
