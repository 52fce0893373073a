// Server mode's cost on a request (docs/server-mode.md): validating a
// session cookie, which every signed-in request does, and a whole sign-in,
// on the state folder's platform.sqlite (the baseline: embedded mode) and on
// PostgreSQL, measured in the same run. The PostgreSQL cases need
// CSU_BENCH_POSTGRES_URL (or CSU_TEST_POSTGRES_URL): a server whose role may
// create a schema; without it they are reported as skipped. A sign-in is
// dominated by its Argon2id hash (19 MiB, 2 passes) on either engine.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "tenancy/accounts.h"
#include "tenancy/accounts_server.h"
#include "tenancy/password_policy.h"

namespace {

using namespace csu;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "accounts bench: wrong answer: %s\n", what);
    std::abort();
  }
}

constexpr const char* kPassword = "tangerine lorry whistle";

struct Fixture {
  std::optional<pg::TestSchema> schema;
  std::string dir;
  std::unique_ptr<tenancy::PasswordPolicy> policy;
  std::unique_ptr<tenancy::Accounts> accounts;
  std::string session;
};

tenancy::AccountsOptions Options(const tenancy::PasswordPolicy* policy) {
  tenancy::AccountsOptions o;
  o.audit = [](const std::string&, const std::string&, const std::string&, const std::string&) { return Status::Ok(); };
  o.policy = policy;
  return o;
}

// One csu_admin (no second factor), signed in once.
void Populate(Fixture& f) {
  Check(f.accounts->SetRoleRequiresMfa(tenancy::Role::kCsuAdmin, false, "bench").ok(), "policy set");
  Check(f.accounts->AddUser({"bench", "Bench", tenancy::Role::kCsuAdmin, "", false, ""}, kPassword, "bench").ok(),
        "user added");
  auto r = f.accounts->SignIn({"bench", kPassword, "", "127.0.0.1", ""});
  Check(r.outcome == tenancy::SignInOutcome::kSignedIn, "signed in");
  f.session = r.session_token;
}

std::unique_ptr<tenancy::PasswordPolicy> Policy() {
  auto p = tenancy::PasswordPolicy::Load(std::string(CSU_SOURCE_DIR) + "/data/security/common-passwords.txt");
  Check(p.ok(), "password list loads");
  return std::make_unique<tenancy::PasswordPolicy>(std::move(p).value());
}

Fixture* SqliteFixture() {
  static Fixture* f = [] {
    auto* x = new Fixture;
    x->dir = (std::filesystem::temp_directory_path() / ("csu-bench-accounts-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(x->dir);
    std::filesystem::create_directories(x->dir);
    static std::string dir = x->dir;  // removed when the run ends
    std::atexit([] { std::filesystem::remove_all(dir); });
    x->policy = Policy();
    auto a = tenancy::Accounts::Open(x->dir, Options(x->policy.get()));
    Check(a.ok(), "platform.sqlite opens");
    x->accounts = std::move(a).value();
    Populate(*x);
    return x;
  }();
  return f;
}

// nullptr when no server is named.
Fixture* PostgresFixture() {
  static Fixture* f = []() -> Fixture* {
    if (std::getenv("CSU_BENCH_POSTGRES_URL") != nullptr) ::setenv("CSU_TEST_POSTGRES_URL", std::getenv("CSU_BENCH_POSTGRES_URL"), 1);
    auto schema = pg::TestSchema::Create();
    Check(schema.ok(), "the PostgreSQL server named for the bench is usable");
    if (!schema.value()) return nullptr;
    auto* x = new Fixture;
    x->schema.emplace(std::move(*schema.value()));
    x->policy = Policy();
    auto db = pg::Connect(x->schema->url());
    Check(db.ok(), "PostgreSQL connects");
    auto a = tenancy::OpenServerAccounts(std::move(db).value(), Options(x->policy.get()));
    Check(a.ok(), "accounts open on PostgreSQL");
    x->accounts = std::move(a).value();
    Populate(*x);
    // The schema is dropped when the run ends.
    static Fixture* keep = x;
    std::atexit([] {
      keep->accounts.reset();
      keep->schema.reset();
    });
    return x;
  }();
  return f;
}

void Validate(benchmark::State& state, Fixture* f) {
  if (f == nullptr) {
    state.SkipWithError("set CSU_BENCH_POSTGRES_URL (or CSU_TEST_POSTGRES_URL) to measure PostgreSQL");
    return;
  }
  for (auto _ : state) {
    auto who = f->accounts->ValidateSession(f->session);
    Check(who.ok() && who.value().has_value() && who.value()->username == "bench", "the session is valid");
  }
  state.SetItemsProcessed(state.iterations());
}

void SignIn(benchmark::State& state, Fixture* f) {
  if (f == nullptr) {
    state.SkipWithError("set CSU_BENCH_POSTGRES_URL (or CSU_TEST_POSTGRES_URL) to measure PostgreSQL");
    return;
  }
  for (auto _ : state) {
    auto r = f->accounts->SignIn({"bench", kPassword, "", "127.0.0.1", ""});
    Check(r.outcome == tenancy::SignInOutcome::kSignedIn, "signed in");
    // Leaves one session per sign-in behind; sign out (not timed) so the
    // table stays the size of a real one.
    state.PauseTiming();
    Check(f->accounts->SignOut(r.session_token).ok(), "signed out");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations());
}

void ValidateSqlite(benchmark::State& s) { Validate(s, SqliteFixture()); }
void ValidatePostgres(benchmark::State& s) { Validate(s, PostgresFixture()); }
void SignInSqlite(benchmark::State& s) { SignIn(s, SqliteFixture()); }
void SignInPostgres(benchmark::State& s) { SignIn(s, PostgresFixture()); }

BENCHMARK(ValidateSqlite)->Name("session_validate/baseline-sqlite")->Unit(benchmark::kMicrosecond);
BENCHMARK(ValidatePostgres)->Name("session_validate/postgresql")->Unit(benchmark::kMicrosecond);
BENCHMARK(SignInSqlite)->Name("sign_in/baseline-sqlite")->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(SignInPostgres)->Name("sign_in/postgresql")->Unit(benchmark::kMillisecond)->Iterations(20);

}  // namespace
