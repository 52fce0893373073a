// csu migrate's runner and steps over a real state folder (a store and its
// accounts: users of several roles, an analyst's assignment, sessions, an
// API token, a throttled failure, audit entries from all of it; contracts
// and challenges; a billing year with invoices, a credit note, meters,
// supplier and customer details; activity batches, one withdrawn) into a
// target on SQLite (the accounts and audit log only: the other steps need
// PostgreSQL) and on PostgreSQL (when CSU_TEST_POSTGRES_URL names a server;
// skipped otherwise). The folder's files are compared byte for byte before
// and after: the source is only read. On PostgreSQL the server-mode stores
// are then read back equal to the embedded ones (documents rendered byte
// for byte), a new invoice continues the numbering, and an empty folder
// catches up from the migrated batches.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "billing/billing_store.h"
#include "billing/invoice_document.h"
#include "billing/invoice_run.h"
#include "billing/meter.h"
#include "contracts/contract_store.h"
#include "ledger/ledger_store.h"
#include "ledger/ledger_testing.h"
#include "chc/chc_store.h"
#include "migrate/migrate.h"
#include "migrate/steps.h"
#include "pg/batch_chunks.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "primarycare/claims_testing.h"
#include "primarycare/claims_store.h"
#include "primarycare/pc_store.h"
#include "procurement/ocds.h"
#include "procurement/procurement_store.h"
#include "procurement/procurement_testing.h"
#include "refdata/refdata_for_tests.h"
#include "store/audit_chain.h"
#include "store/sql_audit_log.h"
#include "store/sha256.h"
#include "store/sqlite_db.h"
#include "store/store.h"
#include "store/store_testing.h"
#include "tenancy/accounts.h"
#include "tenancy/accounts_server.h"

namespace csu::migrate {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "tangerine lorry whistle";
const billing::Actor kBiller{"2026-11-23T09:00:00Z", "cli:biller"};
const Date kToday = Date::FromYmd(2026, 11, 23);

bool KnownCcg(const std::string& ccg) {
  Result<OdsCode> code = OdsCode::Parse(ccg);
  return code.ok() && refdata::TestRefData().FindCcg(code.value()) != nullptr;
}

// A contract as text, every field: what "equal" means below.
std::string Dump(const contracts::Contract& c) {
  std::string out = std::string(c.commissioner.view()) + "/" + std::string(c.provider.view()) + "/" +
                    std::to_string(c.year.start_year()) + " mret " +
                    (c.mret_baseline ? std::to_string(c.mret_baseline->pence()) : std::string("none")) + "@" +
                    std::to_string(c.mret_rate_percent) + " readm " + std::to_string(c.readmission_rule);
  for (const contracts::PlanLine& l : c.lines) {
    out += " | " + std::to_string(static_cast<int>(l.pod)) + ":" + std::to_string(l.activity) + ":" +
           std::to_string(l.value.pence()) + ":";
    for (int64_t w : l.profile) out += std::to_string(w) + ",";
  }
  return out;
}

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
    // Activity: two kinds, a quarantined row each, and a withdrawn batch.
    Commit(*store.value(), ingest::ExtractKind::kApc, 0, 1500, "apc-1.csv");
    Commit(*store.value(), ingest::ExtractKind::kOp, 0, 700, "op-1.csv");
    Commit(*store.value(), ingest::ExtractKind::kApc, 1500, 400, "apc-wrong.csv");
    ASSERT_TRUE(store.value()->RemoveBatch(3, "admin").ok());
    store.value().reset();
    MakeCommissioning();
    MakeBilling();
  }

  store::BatchInfo Commit(store::Store& s, ingest::ExtractKind kind, uint64_t first, int n, const std::string& name) {
    auto b = s.NewBatch(kind);
    EXPECT_TRUE(b.ok()) << b.error().ToString();
    for (uint64_t i = first; i < first + static_cast<uint64_t>(n); ++i) {
      if (kind == ingest::ExtractKind::kApc) b.value()->AddApc(store::testing::MakeApc(i));
      else b.value()->AddOp(store::testing::MakeOp(i));
    }
    b.value()->AddQuarantined({0, 17, "nhs_number", "check digit invalid", "", "*****,1970-01-01"});
    store::BatchInfo info;
    info.file_name = name;
    info.content_sha256 = store::Sha256Hex(name);
    info.loaded_by = "tester";
    auto done = s.CommitBatch(std::move(b).value(), info);
    EXPECT_TRUE(done.ok()) << done.error().ToString();
    return done.ok() ? done.value() : store::BatchInfo();
  }

  // Two years of contracts (one replaced, so ids have a gap) and a
  // challenge log with a challenge changing its mind.
  void MakeCommissioning() {
    auto db = contracts::ContractStore::Open(Source());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto contract = [](const char* ccg, const char* provider, int year, int64_t nel, std::optional<int64_t> mret) {
      contracts::Contract c;
      c.commissioner = OdsCode::Parse(ccg).value();
      c.provider = OdsCode::Parse(provider).value();
      c.year = FinancialYear(year);
      c.mret_baseline = mret ? std::optional<Money>(Money::FromPence(*mret)) : std::nullopt;
      c.readmission_rule = year % 2 == 0;
      contracts::Profile winter = {5, 5, 5, 5, 5, 5, 9, 10, 12, 12, 10, 7};
      c.lines.push_back({pricing::Pod::kElective, 1200, Money::FromPence(312345678), contracts::kFlatProfile});
      c.lines.push_back({pricing::Pod::kNonElective, nel, Money::FromPence(nel * 180003), winter});
      return c;
    };
    const contracts::Provenance from{"2026-11-01T10:00:00Z", "cli:loader", std::string(64, 'a')};
    ASSERT_TRUE(db.value()->Replace({contract("02E", "RAE", 2018, 900, 5000000000), contract("02E", "RCF", 2018, 40, {}),
                                     contract("02N", "RAE", 2019, 77, {})},
                                    from).ok());
    ASSERT_TRUE(db.value()->Replace({contract("02E", "RCF", 2018, 41, 12345)}, from).ok());
    ASSERT_TRUE(db.value()->SetChallengeStatus("dup:apc:1:2", "02E", contracts::ChallengeStatus::kRaised, "", "2026-11-02T10:00:00Z",
                                               "carol").ok());
    ASSERT_TRUE(db.value()->SetChallengeStatus("dup:apc:1:2", "02E", contracts::ChallengeStatus::kAgreed, "coded twice",
                                               "2026-11-03T10:00:00Z", "carol").ok());
    ASSERT_TRUE(db.value()->SetChallengeStatus("readm:apc:7", "02N", contracts::ChallengeStatus::kRejected,
                                               "a planned return", "2026-11-04T10:00:00Z", "bob").ok());
  }

  // The golden catalogue, 02E on every service and 02N on one, a
  // population update, usage recorded and metered, supplier and customer
  // details, June to July invoiced and one June invoice credited.
  void MakeBilling() {
    auto db = billing::BillingStore::Open(Source());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    billing::BillingStore& b = *db.value();
    auto versions = billing::ReadCatalogueFile(std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv");
    ASSERT_TRUE(versions.ok()) << versions.error().ToString();
    ASSERT_TRUE(b.AddVersions(versions.value(), kBiller).ok());
    billing::Supplier supplier;
    supplier.name = "Midlands CSU";
    supplier.address = "1 High Street, Leicester";
    supplier.vat_number = "GB 123 4567 89";
    supplier.remittance = "Sort code 12-34-56";
    ASSERT_TRUE(b.SetSupplier(supplier).ok());
    ASSERT_TRUE(b.SetCustomerAddress("02E", "Town Hall, Rotherham", kBiller).ok());
    for (const char* item : {"BI-CORE", "CONTRACTS", "PAYROLL", "BI-API", "BI-USERS"}) {
      billing::Subscription s;
      s.ccg = "02E";
      s.item = item;
      s.start = Date::FromYmd(2018, 4, 1);
      s.term_months = 36;
      s.notice_months = 6;
      s.purchase_order = std::string(item) == "BI-CORE" ? "PO-4711" : "";
      auto added = b.AddSubscription(s, KnownCcg, kBiller);
      ASSERT_TRUE(added.ok()) << added.error().ToString();
    }
    billing::Subscription s;
    s.ccg = "02N";
    s.item = "BI-CORE";
    s.start = Date::FromYmd(2018, 5, 1);
    s.term_months = 24;
    s.notice_months = 3;
    auto second = b.AddSubscription(s, KnownCcg, kBiller);
    ASSERT_TRUE(second.ok()) << second.error().ToString();
    ASSERT_TRUE(b.SetPopulation("02E", Date::FromYmd(2018, 7, 1), 260000, kBiller).ok());
    ASSERT_TRUE(b.SetPopulation("02N", Date::FromYmd(2018, 5, 1), 150000, kBiller).ok());
    ASSERT_TRUE(b.RecordUsage("02E", billing::Period(2018, 6), "payslips", 1234, "payroll-2018-06", kBiller).ok());
    auto meter = billing::Meter::Open(Source());
    ASSERT_TRUE(meter.ok()) << meter.error().ToString();
    ASSERT_TRUE(meter.value()->Count("02E", billing::Period(2018, 6), "api_calls", "", 45678).ok());
    ASSERT_TRUE(meter.value()->CountOnce("active:1:02E:2018-06", "02E", billing::Period(2018, 6), "active_users", "", 1,
                                         kBiller.at, kBiller.by).ok());
    for (int month : {6, 7}) {
      auto run = billing::RunInvoices(b, refdata::TestRefData(), billing::Period(2018, month), {2000, kToday, false},
                                      kBiller);
      ASSERT_TRUE(run.ok()) << run.error().ToString();
      ASSERT_FALSE(run.value().issued.empty());
    }
    auto credit = b.Credit("INV-000001", "billed the wrong month", kBiller);
    ASSERT_TRUE(credit.ok()) << credit.error().ToString();
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

  // Every step on PostgreSQL; on a SQLite target those that can go there.
  std::vector<std::unique_ptr<MigrationStep>> Steps() {
    std::vector<std::unique_ptr<MigrationStep>> out;
    for (auto& step : DefaultSteps())
      if (pg_ || !step->NeedsPostgres()) out.push_back(std::move(step));
    return out;
  }

  Result<MigrateReport> Run(const ProgressFn& progress = nullptr) {
    auto target = Target();
    MigrateOptions o = Opts();
    o.progress = progress;
    return Migrate(Source(), *target, Steps(), o);
  }

  // A run killed outright (SIGKILL, in a child process) when `step` has
  // copied `done` rows of a table: the target must be left empty.
  void KillRunAt(const std::string& step, int64_t done) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto r = Run([&](const MigrateProgress& p) {
        if (p.step == step && p.done == done) ::raise(SIGKILL);
      });
      ::_exit(r.ok() ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the run was not killed midway";
    EXPECT_EQ(TargetTables(), 0) << "a killed run left tables behind";
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
  if (!pg_) GTEST_SKIP() << "the CHC step moves into PostgreSQL only";
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
  EXPECT_EQ(rows["chc_identities"], 4);
  EXPECT_EQ(rows["events"], 2);
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
  // How many tables, how many with rows, and the largest of those named
  // with their rows (never an empty one).
  EXPECT_NE(why.find(" tables, "), std::string::npos) << why;
  EXPECT_NE(why.find(" of them with rows ("), std::string::npos) << why;
  EXPECT_NE(why.find("audit_log "), std::string::npos) << why;
  EXPECT_EQ(why.find(" 0 rows"), std::string::npos) << why;
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
  // Killed outright in the middle of the audit log's copy, after the
  // accounts were copied in the same transaction.
  KillRunAt("audit log", 3);
  if (HasFatalFailure()) return;
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
  auto missing = Migrate((root_ / "nowhere").string(), *Target(), Steps(), Opts());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().ToString().find("no such state folder"), std::string::npos);
}

// ---- the module databases and the batches (PostgreSQL only) ----

// The folder migrated, then every server-mode store read back equal to the
// embedded one it came from.
TEST_P(MigrateTest, TheModulesAndBatchesRoundTripIntoServerMode) {
  if (!pg_) GTEST_SKIP() << "the commissioning, billing and batch steps move into PostgreSQL only";
  {
    // A batch whose files span several 1 MiB chunks.
    auto store = store::Store::Open(Source(), store::testing::kFingerprint);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    Commit(*store.value(), ingest::ExtractKind::kApc, 10000, 60000, "apc-big.csv");
  }
  const auto before = Snapshot(Source());
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(Changed(before, Snapshot(Source())), "") << "the state folder changed";
  std::map<std::string, int64_t> rows;
  std::map<std::string, std::string> checks;
  for (const StepReport& step : report.value().steps) {
    for (const TableCount& t : step.tables) {
      EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
      rows[t.table] = t.target_rows;
    }
    for (const auto& [k, v] : step.checks) checks[k] = v;
  }
  EXPECT_EQ(rows["contracts"], 3);
  EXPECT_EQ(rows["plan_lines"], 6);
  EXPECT_EQ(rows["challenge_log"], 3);
  EXPECT_EQ(rows["documents"], 5);  // 02E June and July, 02N June and July, the credit note
  EXPECT_EQ(rows["subscriptions"], 6);
  EXPECT_EQ(rows["customers"], 1);
  EXPECT_EQ(rows["server_batches"], 4);
  EXPECT_EQ(rows["batch_files"], 6);  // the withdrawn batch has none
  EXPECT_GE(rows["batch_chunks"], 5);
  EXPECT_EQ(rows["batch_quarantine"], 4);
  EXPECT_GT(rows["batch_codes"], 0);
  EXPECT_EQ(checks["numbering"], "continues CN after 1, INV after 4");

  // Contracts and challenges, field for field.
  auto embedded_c = contracts::ContractStore::Open(Source());
  auto server_c = contracts::ContractStore::OpenServer(Target());
  ASSERT_TRUE(embedded_c.ok() && server_c.ok());
  auto years = embedded_c.value()->Years();
  ASSERT_TRUE(years.ok());
  ASSERT_EQ(years.value().size(), 2u);
  EXPECT_EQ(server_c.value()->Years().value(), years.value());
  for (FinancialYear y : years.value()) {
    auto a = embedded_c.value()->Contracts(y).value(), b = server_c.value()->Contracts(y).value();
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(Dump(a[i]), Dump(b[i]));
  }
  auto ca = embedded_c.value()->ChallengeStatuses().value(), cb = server_c.value()->ChallengeStatuses().value();
  ASSERT_EQ(ca.size(), 2u);
  ASSERT_EQ(ca.size(), cb.size());
  for (const auto& [id, e] : ca) {
    const contracts::ChallengeLogEntry& f = cb.at(id);
    EXPECT_EQ(std::tie(e.seq, e.status, e.note, e.at, e.actor), std::tie(f.seq, f.status, f.note, f.at, f.actor)) << id;
  }
  // The log goes on after the copied entries, and stays append-only.
  ASSERT_TRUE(server_c.value()->SetChallengeStatus("dup:apc:1:2", "02E", contracts::ChallengeStatus::kRejected, "after all",
                                                   "2026-12-07T11:00:00Z", "carol").ok());
  EXPECT_EQ(server_c.value()->ChallengeStatuses().value().at("dup:apc:1:2").seq, 4);

  // Billing: every document rendered byte for byte alike, and the rest.
  auto embedded_b = billing::BillingStore::Open(Source());
  auto server_b = billing::BillingStore::OpenServer(Target());
  ASSERT_TRUE(embedded_b.ok() && server_b.ok());
  auto da = embedded_b.value()->Documents("").value(), dbs = server_b.value()->Documents("").value();
  ASSERT_EQ(da.size(), 5u);
  ASSERT_EQ(da.size(), dbs.size());
  for (size_t i = 0; i < da.size(); ++i) {
    EXPECT_EQ(da[i].number, dbs[i].number);
    EXPECT_EQ(da[i].sha256, dbs[i].sha256);
    EXPECT_EQ(billing::CanonicalJson(da[i]), billing::CanonicalJson(dbs[i])) << da[i].number;
    EXPECT_EQ(billing::InvoiceText(da[i]), billing::InvoiceText(dbs[i])) << da[i].number;
    EXPECT_EQ(billing::InvoiceHtml(da[i], ""), billing::InvoiceHtml(dbs[i], "")) << da[i].number;
  }
  EXPECT_TRUE(server_b.value()->Verify().value().empty());
  EXPECT_EQ(server_b.value()->GetSupplier().value().remittance, "Sort code 12-34-56");
  EXPECT_EQ(server_b.value()->CustomerAddress("02E").value(), "Town Hall, Rotherham");
  EXPECT_EQ(server_b.value()->Versions().value().size(), embedded_b.value()->Versions().value().size());
  auto ua = embedded_b.value()->Usage("").value(), ub = server_b.value()->Usage("").value();
  ASSERT_EQ(ua.size(), ub.size());
  for (size_t i = 0; i < ua.size(); ++i)
    EXPECT_EQ(std::tie(ua[i].ccg, ua[i].meter, ua[i].detail, ua[i].quantity),
              std::tie(ub[i].ccg, ub[i].meter, ub[i].detail, ub[i].quantity));
  // A reference counted before migrating is still counted once.
  EXPECT_FALSE(server_b.value()->RecordUsage("02E", billing::Period(2018, 6), "payslips", 1234, "payroll-2018-06",
                                            kBiller).value());

  // Issued documents stay immutable on the target.
  {
    auto raw = Target();
    EXPECT_FALSE(raw->Exec("UPDATE documents SET total_pence = 1 WHERE number = 'INV-000002'").ok());
    EXPECT_FALSE(raw->Exec("DELETE FROM document_lines WHERE number = 'INV-000002'").ok());
  }
  // The next invoice in server mode continues the folder's series: August
  // for 02E and 02N takes INV-000005 and INV-000006, the next credit note
  // CN-000002, a new subscription the next id.
  auto august = billing::RunInvoices(*server_b.value(), refdata::TestRefData(), billing::Period(2018, 8),
                                     {2000, kToday, false}, kBiller);
  ASSERT_TRUE(august.ok()) << august.error().ToString();
  ASSERT_EQ(august.value().issued.size(), 2u);
  EXPECT_EQ(august.value().issued[0].number, "INV-000005");
  EXPECT_EQ(august.value().issued[1].number, "INV-000006");
  auto credit = server_b.value()->Credit("INV-000002", "a second thought", kBiller);
  ASSERT_TRUE(credit.ok()) << credit.error().ToString();
  EXPECT_EQ(credit.value().number, "CN-000002");
  billing::Subscription more;
  more.ccg = "02N";
  more.item = "CONTRACTS";
  more.start = Date::FromYmd(2019, 1, 1);
  more.term_months = 24;
  more.notice_months = 3;
  auto added = server_b.value()->AddSubscription(more, KnownCcg, kBiller);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_EQ(added.value().id, 7);

  // Batches: what the database holds is what the folder exports, the
  // folder itself finds nothing to publish or fetch, and an empty folder
  // catches up to the same activity.
  auto chunks = pg::BatchChunks::Open(Target());
  ASSERT_TRUE(chunks.ok()) << chunks.error().ToString();
  EXPECT_EQ(chunks.value()->Generation().value(), 4);
  EXPECT_EQ(chunks.value()->KeyFingerprint().value(), store::testing::kFingerprint);
  auto source = store::Store::Open(Source(), store::testing::kFingerprint);
  ASSERT_TRUE(source.ok()) << source.error().ToString();
  auto listed = chunks.value()->List().value();
  auto local = source.value()->ListBatches().value();
  ASSERT_EQ(listed.size(), local.size());
  for (size_t i = 0; i < local.size(); ++i) {
    EXPECT_EQ(listed[i].id, local[i].id);
    EXPECT_EQ(listed[i].content_sha256, local[i].content_sha256);
    EXPECT_EQ(listed[i].removed, local[i].removed);
    if (local[i].removed) continue;
    auto fetched = chunks.value()->Fetch(local[i].id);
    ASSERT_TRUE(fetched.ok()) << fetched.error().ToString();
    auto exported = source.value()->ExportBatch(local[i].id).value();
    EXPECT_EQ(fetched.value().rows, exported.rows);
    EXPECT_EQ(fetched.value().cols, exported.cols);
    EXPECT_EQ(fetched.value().codes.size(), exported.codes.size());
    EXPECT_EQ(fetched.value().quarantine.size(), exported.quarantine.size());
  }
  auto caught = pg::CatchUp(*chunks.value(), *source.value(), store::testing::kFingerprint, "node-a");
  ASSERT_TRUE(caught.ok()) << caught.error().ToString();
  EXPECT_EQ(caught.value().adopted + caught.value().removed, 0);
  auto published = pg::PublishLocal(*chunks.value(), *source.value(), store::testing::kFingerprint);
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  EXPECT_EQ(published.value().published, 0);
  auto fresh = store::Store::Open((root_ / "fresh").string(), store::testing::kFingerprint);
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  auto adopted = pg::CatchUp(*chunks.value(), *fresh.value(), store::testing::kFingerprint, "node-b");
  ASSERT_TRUE(adopted.ok()) << adopted.error().ToString();
  EXPECT_EQ(adopted.value().adopted, 4);
  auto la = source.value()->LoadAll(), lb = fresh.value()->LoadAll();
  ASSERT_TRUE(la.ok() && lb.ok());
  EXPECT_EQ(la.value().apc.size(), 61500u);
  EXPECT_EQ(lb.value().apc.size(), la.value().apc.size());
  EXPECT_EQ(lb.value().op.size(), la.value().op.size());
  EXPECT_EQ(lb.value().apc.hrg, la.value().apc.hrg);
  EXPECT_TRUE(fresh.value()->Verify().value().empty());

  // The move is in the audit chain, with every step's counts.
  auto log = store::SqlAuditLog::Open(Target());
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log.value()->Verify().ok());
  const auto entries = log.value()->Entries().value();
  ASSERT_FALSE(entries.empty());
  const std::string& details = entries.back().details;
  for (const char* step : {"\"accounts\"", "\"audit log\"", "\"commissioning\"", "\"billing\"", "\"batches\""})
    EXPECT_NE(details.find(step), std::string::npos) << details;
}

TEST_P(MigrateTest, AKillDuringTheBatchesLeavesTheTargetEmpty) {
  if (!pg_) GTEST_SKIP() << "the batch step moves into PostgreSQL only";
  // After the accounts, audit log, contracts and billing were copied and
  // the first batch published, in the same transaction.
  KillRunAt("batches", 1);
  if (HasFatalFailure()) return;
  auto r = Run();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto chunks = pg::BatchChunks::Open(Target());
  ASSERT_TRUE(chunks.ok());
  EXPECT_EQ(chunks.value()->List().value().size(), 3u);
}

TEST_P(MigrateTest, ADamagedBatchFileOrAnUnknownModuleTableIsRefusedWritingNothing) {
  if (!pg_) {
    // A SQLite target cannot take the PostgreSQL-only steps: refused before
    // anything is read.
    auto r = Migrate(Source(), *Target(), DefaultSteps(), Opts());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().ToString().find("moves into PostgreSQL only"), std::string::npos) << r.error().ToString();
    EXPECT_EQ(TargetTables(), 0);
    return;
  }
  {
    auto db = store::SqliteDb::Open(Source() + "/billing.sqlite", "", false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db.value()->Exec("CREATE TABLE invoice_notes(x TEXT)").ok());
  }
  auto r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().ToString().find("'invoice_notes'"), std::string::npos) << r.error().ToString();
  EXPECT_NE(r.error().ToString().find("step billing"), std::string::npos) << r.error().ToString();
  EXPECT_EQ(TargetTables(), 0);
  {
    auto db = store::SqliteDb::Open(Source() + "/billing.sqlite", "", false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db.value()->Exec("DROP TABLE invoice_notes").ok());
  }
  // One byte of the first batch's rows file flipped: its size is right,
  // its checksum is not. Found while copying; the transaction is rolled back.
  std::string rows;
  for (const auto& e : fs::directory_iterator(Source() + "/batches")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("000001-", 0) == 0 && name.find(".rows") != std::string::npos) rows = e.path().string();
  }
  ASSERT_FALSE(rows.empty());
  {
    std::fstream f(rows, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    char c = 0;
    f.read(&c, 1);
    f.seekp(100);
    c = static_cast<char>(c ^ 0x5a);
    f.write(&c, 1);
  }
  r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().ToString().find(fs::path(rows).filename().string()), std::string::npos) << r.error().ToString();
  EXPECT_NE(r.error().ToString().find("does not match its catalog checksum"), std::string::npos) << r.error().ToString();
  EXPECT_EQ(TargetTables(), 0);
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
    const primarycare::ClaimsActor team{"2024-06-03T09:00:00Z", "team", ""};
    ASSERT_TRUE(claims.value()->AddScheme(primarycare::AnticoagScheme("02E"), team).ok());
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

// The ledger step: an entity with its chart, an open period and a batch of
// journals (one of them reversed into May) move; on PostgreSQL a node's
// ledger reads the same journals and numbers, the next journal continues the
// series, and a posted journal is immutable on the target.
TEST_P(MigrateTest, TheLedgerMovesWithItsJournalNumbers) {
  if (!pg_) GTEST_SKIP() << "the ledger step moves into PostgreSQL only";
  const ledger::Actor alice{"2018-05-01T09:00:00Z", "alice"};
  const auto april = ledger::LedgerPeriod::Parse("2018-04").value();
  std::vector<ledger::Journal> before;
  {
    auto db = ledger::LedgerStore::Open(Source());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    ASSERT_TRUE(db.value()
                    ->AddEntity({"02E", ledger::EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""},
                                ledger::testing::ShippedChart("ccg"), alice)
                    .ok());
    ASSERT_TRUE(db.value()->SetPeriodState("02E", april, ledger::PeriodState::kOpen, alice).ok());
    auto raised = db.value()->Raise("02E", ledger::testing::Txns(R"(2018-04-15 * (BLK-04) Block payment
    expenses:programme:acute              £1,234.56  ; cost-centre:CC100, counterparty:RWW
    assets:current:cash:gbs

2018-04-20 * (PPA-04) Prescribing, April
    expenses:programme:prescribing         £321.09  ; cost-centre:CC600, counterparty:T1450
    liabilities:current:payables:nhs                      ; counterparty:T1450
)"),
                                     {ledger::JournalKind::kManual, "April", "april.journal"}, ledger::testing::AnyOrg,
                                     alice);
    ASSERT_TRUE(raised.ok()) << raised.error().ToString();
    before = db.value()->Journals("02E", april.first_day(), april.last_day()).value();
  }
  ASSERT_EQ(before.size(), 2u);
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  std::map<std::string, int64_t> rows;
  for (const StepReport& step : report.value().steps)
    for (const TableCount& t : step.tables) {
      EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
      rows[t.table] = t.target_rows;
    }
  EXPECT_EQ(rows["ledger_entities"], 1);
  EXPECT_EQ(rows["ledger_journals"], 2);
  EXPECT_EQ(rows["ledger_postings"], 4);
  EXPECT_GT(rows["ledger_accounts"], 0);
  auto node = ledger::LedgerStore::OpenServer(Target());
  ASSERT_TRUE(node.ok()) << node.error().ToString();
  auto after = node.value()->Journals("02E", april.first_day(), april.last_day());
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  ASSERT_EQ(after.value().size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after.value()[i].number, before[i].number);
    EXPECT_EQ(after.value()[i].batch, before[i].batch);
    EXPECT_EQ(after.value()[i].txn.code, before[i].txn.code);
    EXPECT_EQ(after.value()[i].posted, before[i].posted);
  }
  auto next = node.value()->Raise("02E", ledger::testing::Txns(R"(2018-04-25 * (PAY-04) April payroll
    expenses:running-costs:pay               £100.00  ; cost-centre:CC900
    assets:current:cash:gbs
)"),
                                  {ledger::JournalKind::kManual, "pay", "pay.journal"}, ledger::testing::AnyOrg, alice);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  auto all = node.value()->Journals("02E", april.first_day(), april.last_day()).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.back().number, 3) << "the journal series continues after the migrated ones";
  auto raw = Target();
  EXPECT_FALSE(raw->Exec("UPDATE ledger_journals SET description = 'x' WHERE number = 1").ok())
      << "a migrated posted journal was changed";
}

// A folder's procurement moves whole: the document versions' bytes (binary,
// with NUL and 0xff) as they were, the releases in the order they were
// published, so the OCDS packages exported from the server are byte for byte
// the folder's, a release published after the move is numbered and ordered
// after them, and published releases stay immutable. A document version
// whose bytes no longer match their SHA-256 refuses the run before anything
// is written, naming it.
TEST_P(MigrateTest, ProcurementMovesWithItsDocumentsAndReleases) {
  if (!pg_) GTEST_SKIP() << "the procurement step moves into PostgreSQL only";
  auto fail = [](const std::string& why) { ADD_FAILURE() << why; };
  std::string before;
  std::vector<std::string> versions;
  {
    auto db = procurement::ProcurementStore::Open(Source());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    before = procurement::testing::OcdsExport(*db.value(), fail);
    for (int64_t v : {1, 2}) {
      auto bytes = db.value()->DocumentBytes("05D", "T-1", "specification.pdf", v);
      ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
      versions.push_back(bytes.value());
    }
    // A second tender, still open, with a bidder's question.
    const procurement::Actor pat{"2025-08-02T09:00:00Z", "pat"};
    Status planned =
        db.value()->AddPlanLine(procurement::testing::TestPlanLine("05D", "P2", "Community dermatology", 300000), pat);
    ASSERT_TRUE(planned.ok()) << planned.error().ToString();
    ASSERT_TRUE(db.value()
                    ->CreateTender({"05D", "T-2", "P2", "Dermatology", Date::FromYmd(2025, 9, 1),
                                    procurement::TenderStatus::kOpen, std::nullopt},
                                   pat)
                    .ok());
    auto asked = db.value()->AddClarification("05D", "T-2", {0, "Beta Care", Date::FromYmd(2025, 8, 1), "Is TUPE in scope?"},
                                              pat);
    ASSERT_TRUE(asked.ok()) << asked.error().ToString();
  }
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(versions[0].size(), 12u);
  ASSERT_NE(versions[0].find('\0'), std::string::npos);

  // A damaged version first: refused, nothing written.
  {
    auto raw = store::SqliteDb::Open(Source() + "/procurement.sqlite", "", false);
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw.value()->Exec("DROP TRIGGER documents_no_update; UPDATE documents SET content = 'tampered' "
                                  "WHERE version = 2").ok());
  }
  auto refused = Run();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().ToString().find("document specification.pdf version 2"), std::string::npos)
      << refused.error().ToString();
  EXPECT_EQ(TargetTables(), 0);
  {
    auto raw = store::SqliteDb::Open(Source() + "/procurement.sqlite", "", false);
    ASSERT_TRUE(raw.ok());
    auto put = raw.value()->Prepare("UPDATE documents SET content = ?1 WHERE version = 2");
    ASSERT_TRUE(put.ok());
    ASSERT_TRUE(put.value().Bind(1, std::string_view(versions[1])).Run().ok());
  }

  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  std::map<std::string, int64_t> rows;
  bool checked = false;
  for (const StepReport& step : report.value().steps) {
    for (const TableCount& t : step.tables) {
      EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
      rows[t.table] = t.target_rows;
    }
    for (const auto& [what, said] : step.checks)
      if (what == "document versions") checked = said == "2 copied, each matching its SHA-256";
  }
  EXPECT_TRUE(checked);
  EXPECT_EQ(rows["procurement_documents"], 2);
  EXPECT_EQ(rows["procurement_releases"], 5);
  EXPECT_EQ(rows["procurement_clarifications"], 1);
  EXPECT_EQ(rows["procurement_scores"], 2);

  auto node = procurement::ProcurementStore::OpenServer(Target());
  ASSERT_TRUE(node.ok()) << node.error().ToString();
  EXPECT_EQ(procurement::testing::OcdsPackages(*node.value(), fail), before);
  for (int64_t v : {1, 2}) {
    auto bytes = node.value()->DocumentBytes("05D", "T-1", "specification.pdf", v);
    ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
    EXPECT_EQ(bytes.value(), versions[static_cast<size_t>(v - 1)]);
  }
  // Published after the move: the next number of its stage, listed last.
  const procurement::OcdsPublisher pub{procurement::kTestOcidPrefix, "Example CSU", ""};
  const std::string ocid = procurement::Ocid(pub, "T-1");
  auto next = node.value()->PublishNext(ocid, "tender", [&](int64_t seq) -> Result<procurement::Release> {
    return procurement::Release{ocid, ocid + "-tender-" + std::to_string(seq), "tender", "2026-01-08T09:00:00Z", "{}",
                                ""};
  });
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  EXPECT_EQ(next.value().release_id, ocid + "-tender-3");
  auto listed = node.value()->Releases(ocid);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed.value().size(), 6u);
  EXPECT_EQ(listed.value().back().release_id, ocid + "-tender-3");
  EXPECT_FALSE(Target()->Exec("DELETE FROM procurement_releases").ok()) << "a migrated release was deleted";
}

}  // namespace
}  // namespace csu::migrate
