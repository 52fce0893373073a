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

#include "migrate/migrate.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "primarycare/claims_store.h"
#include "primarycare/pc_store.h"
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

// The primary care step: practices, a contract, a posted schedule, a scheme
// and a claim with its evidence file move with equal counts; on PostgreSQL
// the stores of a node read them back (the file's bytes from the database),
// a new claim is numbered after the migrated one, and a damaged evidence
// file refuses the whole run before anything is written.
TEST_P(MigrateTest, PrimaryCareMovesWithItsEvidenceFiles) {
  const std::string pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  int64_t claim_id = 0;
  std::string sha;
  {
    auto pc = primarycare::PcStore::Open(Source());
    ASSERT_TRUE(pc.ok()) << pc.error().ToString();
    const primarycare::Actor by{"2024-04-01T09:00:00Z", "cli:test"};
    ASSERT_TRUE(pc.value()->AddPractices({{"N81007", "02E", "", "", 9000}}, by).ok());
    ASSERT_TRUE(pc.value()->AddContract({0, "N81007", primarycare::ContractType::kGms, Date::FromYmd(2004, 4, 1),
                                         std::nullopt, "G-1", "", ""},
                                        by)
                    .ok());
    const auto may = ledger::LedgerPeriod::Parse("2024-05").value();
    ASSERT_TRUE(pc.value()->RecordPosting({"02E", may, 7, 100, 1, "t", "x"},
                                          {{"N81007", may, primarycare::LineKind::kGlobalSum, "Global sum", 100, "x"}})
                    .ok());
    auto claims = primarycare::ClaimsStore::Open(Source(), [](auto&&...) { return Status::Ok(); });
    ASSERT_TRUE(claims.ok()) << claims.error().ToString();
    primarycare::Scheme scheme;
    scheme.ccg = "02E";
    scheme.code = "LES-ANTICOAG";
    scheme.name = "Anticoagulation monitoring";
    scheme.specification = "INR monitoring";
    scheme.fee_pence = 750;
    scheme.window_from = Date::FromYmd(2024, 4, 1);
    scheme.window_to = Date::FromYmd(2025, 3, 31);
    scheme.max_units_per_claim = 400;
    scheme.evidence = "INR test list";
    const primarycare::ClaimsActor team{"2024-06-03T09:00:00Z", "team", ""};
    ASSERT_TRUE(claims.value()->AddScheme(scheme, team).ok());
    primarycare::NewClaim c{"LES-ANTICOAG", "N81007", "2024-05", 10, "", std::nullopt, std::nullopt};
    c.file = primarycare::NewClaim::File{"inr.pdf", pdf};
    auto id = claims.value()->Submit({"02E", "N81007"}, c, team);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    claim_id = id.value();
    sha = claims.value()->Evidence({"02E", ""}, claim_id).value().at(0).sha256;
  }
  const std::string evidence_path = Source() + "/primary-care-evidence/" + sha;
  // A damaged file: refused, naming it, and nothing written.
  {
    std::ofstream out(evidence_path, std::ios::binary | std::ios::trunc);
    out << "%PDF-damaged";
  }
  auto refused = Run();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().ToString().find("no longer matches its SHA-256"), std::string::npos)
      << refused.error().ToString();
  EXPECT_EQ(TargetTables(), 0);
  {
    std::ofstream out(evidence_path, std::ios::binary | std::ios::trunc);
    out << pdf;
  }
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  std::map<std::string, int64_t> rows;
  for (const StepReport& st : report.value().steps)
    for (const TableCount& t : st.tables) {
      EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
      rows[t.table] = t.target_rows;
    }
  EXPECT_EQ(rows["practices"], 1);
  EXPECT_EQ(rows[pg_ ? "gp_contracts" : "contracts"], 1);
  EXPECT_EQ(rows["schedule_lines"], 1);
  EXPECT_EQ(rows["es_claims"], 1);
  EXPECT_EQ(rows["es_claim_events"], 1);
  EXPECT_EQ(rows["es_evidence"], 1);
  EXPECT_EQ(rows["es_evidence_files"], 1);
  if (!pg_) return;
  // A node on the target.
  auto pc = primarycare::PcStore::OpenServer(Target());
  ASSERT_TRUE(pc.ok()) << pc.error().ToString();
  auto contract = pc.value()->ContractOn("N81007", Date::FromYmd(2024, 5, 1));
  ASSERT_TRUE(contract.ok() && contract.value().has_value());
  EXPECT_EQ(contract.value()->reference, "G-1");
  EXPECT_TRUE(pc.value()->FindPosting("02E", ledger::LedgerPeriod::Parse("2024-05").value()).value().has_value());
  auto claims = primarycare::ClaimsStore::OpenServer(Target(), [](auto&&...) { return Status::Ok(); });
  ASSERT_TRUE(claims.ok()) << claims.error().ToString();
  auto files = claims.value()->Evidence({"02E", "N81007"}, claim_id);
  ASSERT_TRUE(files.ok() && files.value().size() == 1u);
  auto read = claims.value()->ReadEvidence({"02E", "N81007"}, files.value()[0].id);
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  ASSERT_TRUE(read.value().has_value());
  EXPECT_EQ(read.value()->bytes, pdf);
  auto next = claims.value()->Submit({"02E", "N81007"},
                                     {"LES-ANTICOAG", "N81007", "2024-06", 5, "", std::nullopt, std::nullopt},
                                     {"2024-07-01T09:00:00Z", "team", ""});
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  EXPECT_EQ(next.value(), claim_id + 1);
}

}  // namespace
}  // namespace csu::migrate
