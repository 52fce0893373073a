// The CHC database: the case lifecycle, package versions, the sealing of
// identifiable fields (bound to their case, under the folder's key only),
// and that nothing identifiable reaches the database file in clear. Every
// test runs on SQLite (a state folder) and on PostgreSQL (server mode, a
// fresh schema per test) when CSU_TEST_POSTGRES_URL names a server; there,
// "another connection" is another node.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "chc/chc_store.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::chc {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

class ChcStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : name)
      if (ch == '/') ch = '_';
    dir_ = std::filesystem::temp_directory_path() / ("chc_store_test_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::array<uint8_t, 32> key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
    cipher_ = std::make_unique<FieldCipher>(FieldCipher::FromKey(key, store::kChcCipherDomain));
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
    auto db = OpenWith(*cipher_);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
  }
  // A new connection each time: on PostgreSQL, another node.
  Result<std::unique_ptr<ChcStore>> OpenWith(const FieldCipher& cipher) {
    if (!pg_) return ChcStore::Open(dir_.string(), cipher);
    CSU_ASSIGN_OR_RETURN(conn, pg::Connect(pg_->url()));
    return ChcStore::OpenServer(std::move(conn), cipher);
  }
  // Every stored byte of every CHC table, as the database holds it: the
  // files of the folder (the WAL too), or each PostgreSQL table's rows read
  // raw as text.
  std::string RawContents() {
    std::string all;
    if (!pg_) {
      for (const auto& f : std::filesystem::directory_iterator(dir_)) {
        std::ifstream in(f.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        all += ss.str();
      }
      return all;
    }
    auto conn = pg::Connect(pg_->url());
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return all;
    auto tables = conn.value()->Prepare(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1");
    EXPECT_TRUE(tables.ok());
    std::vector<std::string> names;
    while (tables.value().Step().value()) names.push_back(tables.value().Text(0));
    EXPECT_EQ(names.size(), 14u);  // chc_meta and the 13 CHC tables, all read
    for (const std::string& t : names) {
      auto rows = conn.value()->Prepare("SELECT t::text FROM " + t + " t");
      EXPECT_TRUE(rows.ok()) << t;
      while (rows.value().Step().value()) all += rows.value().Text(0) + "\n";
    }
    return all;
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  int64_t Refer(const std::string& ccg, const std::string& name, const std::string& nhs) {
    NewCase c{ccg, std::string(64, 'a'), D("2018-09-01"), false, std::nullopt};
    return db_->Refer(c, {name, nhs, "1931-02-17", "12 Orchard Row, Leeds"}, *cipher_, actor_).value();
  }
  int64_t Eligible(const std::string& ccg) {
    int64_t id = Refer(ccg, "Ada Brightwater", "9434765919");
    EXPECT_TRUE(db_->RecordChecklist(id, D("2018-09-03"), true, actor_).ok());
    Assessment a;
    a.case_id = id;
    a.assessed_on = D("2018-09-20");
    a.levels[Domain::kBreathing] = Level::kPriority;
    a.recommendation = "eligible";
    EXPECT_TRUE(db_->RecordAssessment(a, actor_).ok());
    EXPECT_TRUE(db_->Decide(id, D("2018-09-28"), true, "priority need in breathing; MDT agrees", actor_).ok());
    return id;
  }
  std::filesystem::path dir_;
  std::unique_ptr<FieldCipher> cipher_;
  std::unique_ptr<ChcStore> db_;
  std::optional<pg::TestSchema> pg_;
  Actor actor_{"2018-09-01T10:00:00Z", "cli:tester"};
};
std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, ChcStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(ChcStoreTest, LifecycleAndTimeline) {
  int64_t id = Eligible("02E");
  auto c = db_->FindCase(id).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "eligible");
  EXPECT_EQ(c->decided_on, D("2018-09-28"));
  EXPECT_EQ(c->assessments, 1);
  auto t = db_->Timeline(id).value();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[2].kind, "assessment");
  EXPECT_NE(t[2].detail.find("indication clear"), std::string::npos);
  auto as = db_->Assessments(id).value();
  ASSERT_EQ(as.size(), 1u);
  EXPECT_EQ(as[0].levels[Domain::kBreathing], Level::kPriority);
  // A second decision, or a decision without a DST, is refused.
  EXPECT_FALSE(db_->Decide(id, D("2018-10-01"), false, "again", actor_).ok());
  int64_t other = Refer("02E", "B", "9434765870");
  ASSERT_TRUE(db_->RecordChecklist(other, D("2018-09-02"), true, actor_).ok());
  EXPECT_FALSE(db_->Decide(other, D("2018-10-01"), false, "no DST", actor_).ok());
  // A DST level the domain does not have is refused and nothing is stored.
  Assessment bad;
  bad.case_id = other;
  bad.assessed_on = D("2018-09-10");
  bad.levels[Domain::kContinence] = Level::kSevere;
  bad.recommendation = "eligible";
  EXPECT_FALSE(db_->RecordAssessment(bad, actor_).ok());
  EXPECT_EQ(db_->Assessments(other).value().size(), 0u);
}

TEST_P(ChcStoreTest, AppealsFollowTheDecisionLocalResolutionFirst) {
  int64_t undecided = Refer("02E", "C", "9434765870");
  EXPECT_FALSE(db_->RecordAppeal(undecided, ChcStore::AppealStage::kLocalResolution, D("2018-10-01"), actor_).ok());
  int64_t id = Eligible("02E");
  EXPECT_FALSE(db_->RecordAppeal(id, ChcStore::AppealStage::kIndependentReview, D("2018-10-01"), actor_).ok());
  EXPECT_FALSE(db_->RecordAppeal(id, ChcStore::AppealStage::kLocalResolution, D("2018-09-27"), actor_).ok());
  int64_t local = db_->RecordAppeal(id, ChcStore::AppealStage::kLocalResolution, D("2018-10-01"), actor_).value();
  EXPECT_FALSE(db_->RecordAppeal(id, ChcStore::AppealStage::kLocalResolution, D("2018-10-02"), actor_).ok());  // one open
  EXPECT_FALSE(db_->AppealOutcome(local, D("2018-11-01"), false, "", actor_).ok());
  ASSERT_TRUE(db_->AppealOutcome(local, D("2018-11-01"), false, "the DST levels stand", actor_).ok());
  EXPECT_FALSE(db_->AppealOutcome(local, D("2018-11-02"), true, "again", actor_).ok());
  int64_t review = db_->RecordAppeal(id, ChcStore::AppealStage::kIndependentReview, D("2018-11-20"), actor_).value();
  auto appeals = db_->Appeals(id).value();
  ASSERT_EQ(appeals.size(), 2u);
  EXPECT_EQ(appeals[0].outcome, "not_upheld");
  EXPECT_EQ(appeals[1].id, review);
  EXPECT_EQ(appeals[1].outcome, "");
  auto t = db_->Timeline(id).value();
  EXPECT_EQ(t.back().kind, "appeal");
}

TEST_P(ChcStoreTest, PackagesAreVersions) {
  int64_t id = Eligible("02E");
  PackageVersion v{1, D("2018-10-01"), "NVC01", Setting::kCareHomeNursing, Money::FromPence(95000), 100};
  int64_t p = db_->AddPackage(id, v, actor_).value();
  PackageVersion v2 = v;
  v2.start = D("2018-10-15");
  v2.unit_cost = Money::FromPence(102050);
  ASSERT_TRUE(db_->ChangePackage(p, v2, "fee uplift", actor_).ok());
  PackageVersion early = v;
  early.start = D("2018-10-15");
  EXPECT_FALSE(db_->ChangePackage(p, early, "same start", actor_).ok());
  ASSERT_TRUE(db_->EndPackage(p, D("2019-01-31"), "moved", actor_).ok());
  EXPECT_FALSE(db_->ChangePackage(p, v2, "after end", actor_).ok());
  auto ps = db_->Packages("02E").value();
  ASSERT_EQ(ps.size(), 1u);
  ASSERT_EQ(ps[0].versions.size(), 2u);
  EXPECT_EQ(ps[0].end, D("2019-01-31"));
  // Versions are immutable in the database itself.
  EXPECT_FALSE(db_->db().Exec("UPDATE package_versions SET unit_cost_pence = 1").ok());
  EXPECT_FALSE(db_->db().Exec("DELETE FROM package_versions").ok());
  EXPECT_TRUE(db_->Packages("00C").value().empty());
}

TEST_P(ChcStoreTest, IdentityIsSealedAndBoundToItsCase) {
  int64_t a = Refer("02E", "Ada Brightwater", "9434765919");
  int64_t b = Refer("02E", "Bram Oakhollow", "9434765870");
  Identity who = db_->ReadIdentity(a, *cipher_).value();
  EXPECT_EQ(who.name, "Ada Brightwater");
  EXPECT_EQ(who.nhs_number, "9434765919");
  EXPECT_EQ(who.date_of_birth, "1931-02-17");
  // A ciphertext moved to another case does not open.
  // (chc_identities in PostgreSQL, where payroll's share the schema)
  const std::string t = db_->db().Backend() == "postgresql" ? "chc_identities" : "identities";
  ASSERT_TRUE(db_->db().Exec("UPDATE " + t + " SET sealed = (SELECT sealed FROM " + t + " WHERE case_id = " +
                             std::to_string(a) + " AND field = 'name') WHERE case_id = " + std::to_string(b) +
                             " AND field = 'name'").ok());
  auto moved = db_->ReadIdentity(b, *cipher_);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().ToString().find("Ada"), std::string::npos);
  // Another key neither opens the fields nor the database.
  std::array<uint8_t, 32> other{};
  other.fill(9);
  FieldCipher wrong = FieldCipher::FromKey(other, store::kChcCipherDomain);
  EXPECT_FALSE(db_->ReadIdentity(a, wrong).ok());
  auto refused = OpenWith(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().ToString().find("fingerprint differs"), std::string::npos);
}

// The folder's files, or PostgreSQL's rows read raw: no NHS number, name,
// date of birth or address in clear, while the pseudonymised columns are
// there (so the read is not of an empty database).
TEST_P(ChcStoreTest, NoIdentifierInClearInTheDatabase) {
  Eligible("02E");
  Refer("00C", "Bram Oakhollow", "9434765870");
  db_.reset();  // checkpoint nothing: read the WAL as it is too
  const std::string bytes = RawContents();
  EXPECT_NE(bytes.find("priority need in breathing"), std::string::npos);  // the rows were read
  EXPECT_NE(bytes.find(std::string(64, 'a')), std::string::npos);
  for (const char* secret : {"Ada Brightwater", "Brightwater", "Oakhollow", "9434765919", "9434765870", "1931-02-17",
                             "Orchard Row"})
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  // And the identity is still there, sealed: the key opens it again.
  auto again = OpenWith(*cipher_).value();
  EXPECT_EQ(again->ReadIdentity(1, *cipher_).value().nhs_number, "9434765919");
}

// Two connections to one database (two nodes in server mode): each sees
// the other's writes on its next read, with no reopening.
TEST_P(ChcStoreTest, TwoConnectionsSeeEachOthersWrites) {
  auto other = OpenWith(*cipher_).value();
  int64_t id = Refer("02E", "Ada Brightwater", "9434765919");
  auto seen = other->FindCase(id).value();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->status, "referred");
  ASSERT_TRUE(other->RecordChecklist(id, D("2018-09-03"), true, actor_).ok());
  EXPECT_EQ(db_->FindCase(id).value()->status, "assessment");
  EXPECT_EQ(db_->Timeline(id).value().size(), 2u);
  // The identity sealed through one opens through the other (same key).
  EXPECT_EQ(other->ReadIdentity(id, *cipher_).value().name, "Ada Brightwater");
  EXPECT_EQ(other->Cases("02E").value().size(), 1u);
}

// Two writers at once on the same cases: a case is decided once and has
// one open appeal at a time, whichever connection asks first; the loser is
// refused and leaves nothing behind. Without the write lock both would read
// "undecided" and both would write.
TEST_P(ChcStoreTest, ConcurrentWritersDecideEachCaseOnce) {
  constexpr int kCases = 12;
  std::vector<int64_t> ids;
  for (int i = 0; i < kCases; ++i) {
    int64_t id = Refer("02E", "C", "9434765870");
    ASSERT_TRUE(db_->RecordChecklist(id, D("2018-09-03"), true, actor_).ok());
    Assessment a;
    a.case_id = id;
    a.assessed_on = D("2018-09-20");
    a.levels[Domain::kBreathing] = Level::kPriority;
    a.recommendation = "eligible";
    ASSERT_TRUE(db_->RecordAssessment(a, actor_).ok());
    ids.push_back(id);
  }
  auto second = OpenWith(*cipher_).value();
  std::atomic<int> decided{0}, appealed{0};
  auto node = [&](ChcStore& db, bool eligible) {
    for (int64_t id : ids) {
      if (db.Decide(id, D("2018-09-28"), eligible, eligible ? "node a" : "node b", actor_).ok()) ++decided;
      if (db.RecordAppeal(id, ChcStore::AppealStage::kLocalResolution, D("2018-10-01"), actor_).ok()) ++appealed;
    }
  };
  std::thread ta(node, std::ref(*db_), true);
  std::thread tb(node, std::ref(*second), false);
  ta.join();
  tb.join();
  EXPECT_EQ(decided.load(), kCases);
  EXPECT_EQ(appealed.load(), kCases);
  for (int64_t id : ids) {
    int decisions = 0, appeals = 0;
    for (const Event& e : db_->Timeline(id).value()) {
      decisions += e.kind == "decision";
      appeals += e.kind == "appeal";
    }
    EXPECT_EQ(decisions, 1) << "case " << id;
    EXPECT_EQ(appeals, 1) << "case " << id;
    EXPECT_EQ(db_->Appeals(id).value().size(), 1u);
    const CaseRow c = *db_->FindCase(id).value();
    EXPECT_EQ(c.status, *c.eligible ? "eligible" : "not_eligible");
    EXPECT_EQ(c.decision_reason, *c.eligible ? "node a" : "node b");
  }
}

// What stays fixed is fixed in the database itself, whoever connects:
// package versions, and (PostgreSQL) TRUNCATE too.
TEST_P(ChcStoreTest, PackageVersionsRefuseEveryChangeInTheDatabase) {
  int64_t id = Eligible("02E");
  PackageVersion v{1, D("2018-10-01"), "NVC01", Setting::kCareHomeNursing, Money::FromPence(95000), 100};
  ASSERT_TRUE(db_->AddPackage(id, v, actor_).ok());
  auto other = OpenWith(*cipher_).value();
  EXPECT_FALSE(other->db().Exec("UPDATE package_versions SET reason = 'edited'").ok());
  EXPECT_FALSE(other->db().Exec("DELETE FROM package_versions").ok());
  if (pg_) {
    auto t = other->db().Exec("TRUNCATE package_versions");
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().ToString().find("immutable"), std::string::npos) << t.error().ToString();
  }
  ASSERT_EQ(db_->Packages("02E").value().size(), 1u);
  EXPECT_EQ(db_->Packages("02E").value()[0].versions[0].provider, "NVC01");
}

TEST(ChcStoreServer, RefusesASqliteConnection) {
  std::array<uint8_t, 32> key{};
  FieldCipher cipher = FieldCipher::FromKey(key, store::kChcCipherDomain);
  const std::string dir = std::filesystem::temp_directory_path() / ("chc_server_refuse_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto sqlite = store::SqliteDb::Open(dir + "/x.sqlite", "");
  ASSERT_TRUE(sqlite.ok());
  auto r = ChcStore::OpenServer(std::make_unique<store::SqliteConnection>(std::move(sqlite).value()), cipher);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().ToString().find("server mode needs a PostgreSQL database"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace csu::chc
