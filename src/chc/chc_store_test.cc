// The CHC database: the case lifecycle, package versions, the sealing of
// identifiable fields (bound to their case, under the folder's key only),
// and that nothing identifiable reaches the database file in clear.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "chc/chc_store.h"
#include "store/sqlite_db.h"

namespace csu::chc {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

class ChcStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("chc_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::array<uint8_t, 32> key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
    cipher_ = std::make_unique<FieldCipher>(FieldCipher::FromKey(key, store::kChcCipherDomain));
    db_ = ChcStore::Open(dir_.string(), *cipher_).value();
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
  Actor actor_{"2018-09-01T10:00:00Z", "cli:tester"};
};

TEST_F(ChcStoreTest, LifecycleAndTimeline) {
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

TEST_F(ChcStoreTest, AppealsFollowTheDecisionLocalResolutionFirst) {
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

TEST_F(ChcStoreTest, PackagesAreVersions) {
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

TEST_F(ChcStoreTest, IdentityIsSealedAndBoundToItsCase) {
  int64_t a = Refer("02E", "Ada Brightwater", "9434765919");
  int64_t b = Refer("02E", "Bram Oakhollow", "9434765870");
  Identity who = db_->ReadIdentity(a, *cipher_).value();
  EXPECT_EQ(who.name, "Ada Brightwater");
  EXPECT_EQ(who.nhs_number, "9434765919");
  EXPECT_EQ(who.date_of_birth, "1931-02-17");
  // A ciphertext moved to another case does not open.
  ASSERT_TRUE(db_->db().Exec("UPDATE identities SET sealed = (SELECT sealed FROM identities WHERE case_id = " +
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
  EXPECT_FALSE(ChcStore::Open(dir_.string(), wrong).ok());
}

TEST_F(ChcStoreTest, NoIdentifierInClearInTheFolder) {
  Eligible("02E");
  Refer("00C", "Bram Oakhollow", "9434765870");
  db_.reset();  // checkpoint nothing: read the WAL as it is too
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    for (const char* secret : {"Ada Brightwater", "Brightwater", "9434765919", "9434765870", "1931-02-17", "Orchard Row"})
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in " << f.path();
  }
}

}  // namespace
}  // namespace csu::chc
