// csu migrate's runner and steps over a real state folder (a store and its
// accounts: users of several roles, an analyst's assignment, sessions, an
// API token, a throttled failure, audit entries from all of it) into a
// target on SQLite (always) and on PostgreSQL (when CSU_TEST_POSTGRES_URL
// names a server; skipped otherwise). The folder's files are compared byte
// for byte before and after: the source is only read.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "chc/chc_store.h"
#include "migrate/migrate.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "refdata/refdata_for_tests.h"
#include "store/audit_chain.h"
#include "store/sql_audit_log.h"
#include "store/sqlite_db.h"
#include "store/store.h"
#include "store/store_testing.h"
#include "tenancy/accounts.h"
#include "tenancy/accounts_server.h"

namespace csu::migrate {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "tangerine lorry whistle";

const tenancy::PasswordPolicy& Policy() {
  static const tenancy::PasswordPolicy* p = [] {
    auto loaded = tenancy::PasswordPolicy::Load(std::string(CSU_SOURCE_DIR) + "/data/security/common-passwords.txt");
    return new tenancy::PasswordPolicy(std::move(loaded).value());
  }();
  return *p;
}

// The files that differ between two snapshots, by name ("" when none).
std::string Changed(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::string out;
  for (const auto& [name, bytes] : a) {
    auto it = b.find(name);
    if (it == b.end()) out += name + " (gone) ";
    else if (it->second != bytes) out += name + " (changed) ";
  }
  for (const auto& [name, bytes] : b)
    if (!a.count(name)) out += name + " (new) ";
  return out;
}

// Every file of a folder and its bytes.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out[fs::relative(e.path(), dir).string()] = ss.str();
  }
  return out;
}

class MigrateTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("csu-migrate-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "target");
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
    MakeDemoFolder();
  }
  void TearDown() override {
    pg_.reset();
    fs::remove_all(root_);
  }
  std::string Source() const { return (root_ / "state").string(); }

  tenancy::AccountsOptions Options(store::Store* store) {
    tenancy::AccountsOptions o;
    o.audit = [store](const std::string& actor, const std::string& action, const std::string& subject,
                      const std::string& details) { return store->AppendAudit(actor, action, subject, details); };
    o.ref = &refdata::TestRefData();
    o.policy = &Policy();
    return o;
  }

  // A folder as `make demo` leaves one after some use: users, sessions, an
  // API token, a failure in the throttle, and their audit entries.
  void MakeDemoFolder() {
    auto store = store::Store::Open(Source(), store::testing::kFingerprint);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    auto accounts = tenancy::Accounts::Open(Source(), Options(store.value().get()));
    ASSERT_TRUE(accounts.ok()) << accounts.error().ToString();
    tenancy::Accounts& a = *accounts.value();
    for (tenancy::Role r : tenancy::kAllRoles) ASSERT_TRUE(a.SetRoleRequiresMfa(r, false, "admin").ok());
    ASSERT_TRUE(a.AddUser({"alice", "Alice", tenancy::Role::kCsuAdmin, "", false, ""}, kPassword, "admin").ok());
    ASSERT_TRUE(a.AddUser({"bob", "Bob", tenancy::Role::kCcgViewer, "02E", false, ""}, kPassword, "admin").ok());
    ASSERT_TRUE(a.AddUser({"carol", "Carol", tenancy::Role::kCsuAnalyst, "", true, ""}, kPassword, "admin").ok());
    ASSERT_TRUE(a.Assign("carol", "02E", true, "admin").ok());
    auto s1 = a.SignIn({"alice", kPassword, "", "10.0.0.1", ""});
    ASSERT_EQ(s1.outcome, tenancy::SignInOutcome::kSignedIn) << s1.message;
    auto s2 = a.SignIn({"bob", kPassword, "", "10.0.0.2", ""});
    ASSERT_EQ(s2.outcome, tenancy::SignInOutcome::kSignedIn) << s2.message;
    EXPECT_EQ(a.SignIn({"bob", "wrong password here", "", "10.0.0.3", ""}).outcome, tenancy::SignInOutcome::kFailed);
    auto token = a.CreateApiTokenAsOperator("bob", "dashboard", "admin");
    ASSERT_TRUE(token.ok());
    session_ = s1.session_token;
    api_token_ = token.value().second;
    accounts.value().reset();
    store.value().reset();
  }

  // A new connection to the target: a fresh SQLite file (named
  // platform.sqlite, so that Accounts::Open can read it back) or the test's
  // PostgreSQL schema.
  std::unique_ptr<store::SqlConnection> Target() {
    if (pg_) {
      auto c = pg::Connect(pg_->url());
      EXPECT_TRUE(c.ok()) << c.error().ToString();
      return c.ok() ? std::move(c).value() : nullptr;
    }
    auto db = store::SqliteDb::Open((root_ / "target" / "platform.sqlite").string(), "");
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE(db.value()->Exec("PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON").ok());
    return std::make_unique<store::SqliteConnection>(std::move(db).value());
  }

  MigrateOptions Opts() {
    MigrateOptions o;
    o.actor = "operator";
    o.now_iso = "2026-12-07T10:00:00Z";
    return o;
  }

  Result<MigrateReport> Run(const ProgressFn& progress = nullptr) {
    auto target = Target();
    MigrateOptions o = Opts();
    o.progress = progress;
    return Migrate(Source(), *target, DefaultSteps(), o);
  }

  // The catalog's audit chain, read directly.
  std::vector<store::AuditEntry> SourceAudit() {
    auto db = OpenReadOnly(Source() + "/catalog.sqlite");
    EXPECT_TRUE(db.ok());
    auto q = db.value()->Prepare("SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit ORDER BY seq");
    std::vector<store::AuditEntry> out;
    while (q.value().Step().value())
      out.push_back({q.value().Int(0), q.value().Text(1), q.value().Text(2), q.value().Text(3), q.value().Text(4),
                     q.value().Text(5), q.value().Text(6), q.value().Text(7)});
    return out;
  }

  // The tables in the target (none: it is as it was).
  int64_t TargetTables() {
    auto t = Target();
    auto q = t->Prepare(t->Backend() == "postgresql"
                            ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                            : "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    EXPECT_TRUE(q.ok());
    EXPECT_TRUE(q.value().Step().value());
    return q.value().Int(0);
  }

  // The target's accounts, as a node would open them.
  std::unique_ptr<tenancy::Accounts> TargetAccounts() {
    tenancy::AccountsOptions o;
    o.audit = [](const std::string&, const std::string&, const std::string&, const std::string&) { return Status::Ok(); };
    o.ref = &refdata::TestRefData();
    o.policy = &Policy();
    auto a = pg_ ? tenancy::OpenServerAccounts(Target(), o) : tenancy::Accounts::Open((root_ / "target").string(), o);
    EXPECT_TRUE(a.ok()) << a.error().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }

  fs::path root_;
  std::optional<pg::TestSchema> pg_;
  std::string session_, api_token_;
};

std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, MigrateTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(MigrateTest, AFolderMovesWithEqualCountsAndTheSameAuditHead) {
  const auto before = Snapshot(Source());
  const std::vector<store::AuditEntry> source_audit = SourceAudit();
  ASSERT_GE(source_audit.size(), 8u);
  int64_t progress_calls = 0;
  auto report = Run([&](const MigrateProgress&) { ++progress_calls; });
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(Changed(before, Snapshot(Source())), "") << "the state folder changed";

  // Every table's count, as the runner checked it, and some known figures.
  std::map<std::string, int64_t> rows;
  for (const StepReport& s : report.value().steps)
    for (const TableCount& t : s.tables) {
      EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
      rows[t.table] = t.target_rows;
    }
  EXPECT_EQ(rows["users"], 3);
  EXPECT_EQ(rows["tenants"], 1);
  EXPECT_EQ(rows["analyst_tenants"], 1);
  EXPECT_EQ(rows["sessions"], 2);
  EXPECT_EQ(rows["api_tokens"], 1);
  EXPECT_GE(rows["sign_in_throttle"], 1);
  EXPECT_EQ(rows["role_policy"], static_cast<int64_t>(std::size(tenancy::kAllRoles)));
  EXPECT_EQ(rows["audit_log"], static_cast<int64_t>(source_audit.size()));
  EXPECT_GT(progress_calls, rows["audit_log"]);

  // The chain in the target verifies; its entry at the source's head has
  // the source's hash, and the one after it records the move.
  auto log = store::SqlAuditLog::Open(Target());
  ASSERT_TRUE(log.ok());
  auto verified = log.value()->Verify();
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  const auto target_audit = log.value()->Entries().value();
  ASSERT_EQ(target_audit.size(), source_audit.size() + 1);
  for (size_t i = 0; i < source_audit.size(); ++i) EXPECT_EQ(target_audit[i].hash, source_audit[i].hash);
  EXPECT_EQ(target_audit.back().action, "store.migrate");
  EXPECT_EQ(target_audit.back().prev_hash, source_audit.back().hash);

  // A node on the target: the old session and API token work, the users
  // sign in with their passwords, and a new user gets a new id.
  auto accounts = TargetAccounts();
  ASSERT_TRUE(accounts);
  auto who = accounts->ValidateSession(session_);
  ASSERT_TRUE(who.ok() && who.value()) << "the migrated session does not work";
  EXPECT_EQ(who.value()->username, "alice");
  auto api = accounts->ValidateApiToken(api_token_);
  ASSERT_TRUE(api.ok() && api.value());
  EXPECT_EQ(api.value()->username, "bob");
  EXPECT_EQ(accounts->SignIn({"alice", kPassword, "", "10.0.0.9", ""}).outcome, tenancy::SignInOutcome::kSignedIn);
  EXPECT_TRUE(accounts->FindUser("carol").value()->has_totp);
  auto dave = accounts->AddUser({"dave", "Dave", tenancy::Role::kCcgViewer, "02E", false, ""}, kPassword, "admin");
  ASSERT_TRUE(dave.ok()) << dave.error().ToString();
  EXPECT_EQ(dave.value().user.id, 4);
}

// The CHC database moves with its identifiable fields still sealed (the
// run never holds the key) and the key's fingerprint: on PostgreSQL a node
// opening the target with the folder's key reads the cases and who they
// are, a new case continues the ids, and another key is refused.
TEST_P(MigrateTest, TheChcDatabaseMovesSealedWithItsKeysFingerprint) {
  std::array<uint8_t, 32> key{};
  key.fill(7);
  const chc::FieldCipher cipher = chc::FieldCipher::FromKey(key, store::kChcCipherDomain);
  const chc::Actor actor{"2018-09-01T10:00:00Z", "cli:tester"};
  {
    auto db = chc::ChcStore::Open(Source(), cipher);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto id = db.value()->Refer({"02E", std::string(64, 'c'), Date::Parse("2018-09-01").value(), false, std::nullopt},
                                {"Ada Brightwater", "9434765919", "1931-02-17", "12 Orchard Row"}, cipher, actor);
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(db.value()->RecordChecklist(id.value(), Date::Parse("2018-09-03").value(), true, actor).ok());
  }
  const auto before = Snapshot(Source());
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(Changed(before, Snapshot(Source())), "") << "the state folder changed";
  std::map<std::string, int64_t> rows;
  for (const StepReport& s : report.value().steps)
    for (const TableCount& t : s.tables) {
      EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
      rows[t.table] = t.target_rows;
    }
  EXPECT_EQ(rows["cases"], 1);
  EXPECT_EQ(rows["identities"], 4);
  EXPECT_EQ(rows["events"], 2);
  if (!pg_) return;  // the rest opens the target as a server node does
  auto node = chc::ChcStore::OpenServer(Target(), cipher);
  ASSERT_TRUE(node.ok()) << node.error().ToString();
  EXPECT_EQ(node.value()->FindCase(1).value()->status, "assessment");
  EXPECT_EQ(node.value()->ReadIdentity(1, cipher).value().name, "Ada Brightwater");
  auto next = node.value()->Refer({"02E", std::string(64, 'd'), Date::Parse("2018-10-01").value(), false, std::nullopt},
                                  {"Bram Oakhollow", "9434765870", "1944-07-30", "3 Mill Lane"}, cipher, actor);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  EXPECT_EQ(next.value(), 2);
  key.fill(8);
  auto wrong = chc::ChcStore::OpenServer(Target(), chc::FieldCipher::FromKey(key, store::kChcCipherDomain));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().ToString().find("fingerprint differs"), std::string::npos);
}

TEST_P(MigrateTest, ASecondRunRefusesNamingWhatIsThere) {
  ASSERT_TRUE(Run().ok());
  const int64_t tables = TargetTables();
  auto again = Run();
  ASSERT_FALSE(again.ok());
  const std::string why = again.error().ToString();
  EXPECT_NE(why.find("is not empty"), std::string::npos) << why;
  EXPECT_NE(why.find("users (3 rows)"), std::string::npos) << why;
  EXPECT_NE(why.find("migrated from " + Source()), std::string::npos) << why;
  EXPECT_EQ(TargetTables(), tables);
}

TEST_P(MigrateTest, ABrokenAuditChainIsRefusedBeforeAnythingIsWritten) {
  {
    auto db = store::SqliteDb::Open(Source() + "/catalog.sqlite", "", false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db.value()->Exec("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 3").ok());
  }
  const auto before = Snapshot(Source());
  auto r = Run();
  ASSERT_FALSE(r.ok());
  const std::string why = r.error().ToString();
  EXPECT_NE(why.find("audit entry 3"), std::string::npos) << why;
  EXPECT_NE(why.find("nothing was written"), std::string::npos) << why;
  EXPECT_EQ(TargetTables(), 0);
  EXPECT_EQ(Changed(before, Snapshot(Source())), "");
}

TEST_P(MigrateTest, AKillMidwayLeavesTheTargetEmptyAndARunAfterItCompletes) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Killed outright in the middle of the audit log's copy, after the
    // accounts were copied in the same transaction.
    auto r = Run([](const MigrateProgress& p) {
      if (p.step == "audit log" && p.done == 3) ::raise(SIGKILL);
    });
    ::_exit(r.ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the run was not killed midway";
  EXPECT_EQ(TargetTables(), 0) << "a killed run left tables behind";
  auto r = Run();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  for (const StepReport& s : r.value().steps)
    for (const TableCount& t : s.tables) EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
}

TEST_P(MigrateTest, AFolderInUseOrWithATableItDoesNotKnowIsRefused) {
  {
    auto store = store::Store::Open(Source(), store::testing::kFingerprint);
    ASSERT_TRUE(store.ok());
    auto r = Run();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().ToString().find("in use"), std::string::npos) << r.error().ToString();
  }
  {
    auto db = store::SqliteDb::Open(Source() + "/platform.sqlite", "", false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db.value()->Exec("CREATE TABLE notes(x TEXT)").ok());
  }
  auto r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().ToString().find("'notes'"), std::string::npos) << r.error().ToString();
  EXPECT_EQ(TargetTables(), 0);
  auto missing = Migrate((root_ / "nowhere").string(), *Target(), DefaultSteps(), Opts());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().ToString().find("no such state folder"), std::string::npos);
}

}  // namespace
}  // namespace csu::migrate
