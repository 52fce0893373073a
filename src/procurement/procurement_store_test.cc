// The procurement database: the pipeline end to end, sealed scores, CCG
// isolation, immutable releases, and bad input that changes nothing. Every
// test runs on SQLite (a state folder) and on PostgreSQL (server mode, a
// fresh schema per test) when CSU_TEST_POSTGRES_URL names a server; then
// two connections are two nodes, and the release numbering is tested with
// two writers at once.
#include "procurement/procurement_store.h"

#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "pg/pg_for_tests.h"
#include "procurement/ocds.h"
#include "procurement/procurement_testing.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::procurement {
namespace {

using testing::OcdsExport;
using testing::TestAward;

class ProcurementStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();  // "Test/sqlite"
    for (char& c : name)
      if (c == '/') c = '_';
    dir_ = ::testing::TempDir() + "/proc_store_" + std::to_string(::getpid()) + "_" + name;
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
    auto db = Open();
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A new connection each time: another node on PostgreSQL, another
  // connection to the same file on SQLite.
  Result<std::unique_ptr<ProcurementStore>> Open() {
    if (!pg_) return ProcurementStore::Open(dir_);
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return ProcurementStore::OpenServer(std::move(db));
  }

  // The database underneath the store, for what the store never does.
  std::unique_ptr<store::SqlConnection> Raw() {
    if (pg_) {
      auto c = pg::Connect(pg_->url());
      EXPECT_TRUE(c.ok()) << c.error().ToString();
      return c.ok() ? std::move(c).value() : nullptr;
    }
    auto c = store::SqliteDb::Open(dir_ + "/procurement.sqlite", "");
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return c.ok() ? std::make_unique<store::SqliteConnection>(std::move(c).value()) : nullptr;
  }
  // A table's name on this engine.
  std::string Table(const std::string& name) const { return pg_ ? "procurement_" + name : name; }

  PlanLine Plan(const std::string& ccg, const std::string& ref) {
    PlanLine p;
    p.ccg = ccg;
    p.ref = ref;
    p.title = "Community MSK service";
    p.value = Money::FromPounds(1200000);
    p.regime = Regime::kPsr;
    p.process = PsrProcess::kCompetitive;
    p.reasons = "several capable providers; no incumbent to continue";
    p.key_criteria = "quality and innovation; value; integration; access; social value";
    p.start = Date::FromYmd(2025, 6, 1);
    p.award_by = Date::FromYmd(2025, 12, 1);
    return p;
  }

  Criteria Crit() {
    Criteria c;
    c.groups = {{"Q", "Quality", CriterionKind::kQuality, 70}, {"P", "Price", CriterionKind::kPrice, 30}};
    c.subs = {{"Q1", "Q", "Service model", 70}};
    c.scale = {{0, "Unacceptable"}, {1, "Poor"}, {2, "Satisfactory"}, {3, "Good"}, {4, "Excellent"}};
    return c;
  }

  // A tender for CCG 05D with two bids; alice evaluates both, bob only B1.
  void MakeTender() {
    ASSERT_TRUE(db_->AddPlanLine(Plan("05D", "P1"), by_).ok());
    Tender t{"05D", "T-1", "P1", "MSK", Date::FromYmd(2025, 9, 1), TenderStatus::kOpen, std::nullopt};
    ASSERT_TRUE(db_->CreateTender(t, by_).ok());
    ASSERT_TRUE(db_->SetCriteria("05D", "T-1", Crit(), by_).ok());
    ASSERT_TRUE(db_->AddBid("05D", "T-1", {{"B1", "Alpha", Money::FromPounds(100000)}, "RX1"}, by_).ok());
    ASSERT_TRUE(db_->AddBid("05D", "T-1", {{"B2", "Beta", Money::FromPounds(80000)}, "RX2"}, by_).ok());
    for (const char* who : {"alice", "bob"})
      ASSERT_TRUE(db_->DeclareInterest("05D", "T-1", {who, "none", false, "", ""}, by_).ok());
    ASSERT_TRUE(db_->AssignEvaluator("05D", "T-1", "alice", "B1", by_).ok());
    ASSERT_TRUE(db_->AssignEvaluator("05D", "T-1", "alice", "B2", by_).ok());
    ASSERT_TRUE(db_->AssignEvaluator("05D", "T-1", "bob", "B1", by_).ok());
  }

  std::string dir_;
  std::optional<pg::TestSchema> pg_;
  std::unique_ptr<ProcurementStore> db_;
  Actor by_{"2025-09-02T10:00:00Z", "pat"};
};
std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, ProcurementStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(ProcurementStoreTest, AnEvaluatorSeesOnlyTheirOwnScoresUntilModeration) {
  MakeTender();
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 3, ""}, {"B2", "Q1", "alice", 2, ""}}, by_).ok());
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "bob", {{"B1", "Q1", "bob", 4, "strong"}}, by_).ok());
  auto own = db_->OwnScores("05D", "T-1", "bob");
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own.value().size(), 1u);
  EXPECT_EQ(own.value()[0].evaluator, "bob");
  // Nobody can read every score before moderation opens.
  auto all = db_->AllScores("05D", "T-1");
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.error().why.find("sealed"), std::string::npos);
  EXPECT_FALSE(db_->EvaluationInputOf("05D", "T-1").ok());
  // Bob cannot score a bid not assigned to him, nor as alice.
  auto s = db_->SubmitScores("05D", "T-1", "bob", {{"B2", "Q1", "bob", 4, ""}}, by_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("not assigned"), std::string::npos);
  EXPECT_FALSE(db_->SubmitScores("05D", "T-1", "bob", {{"B1", "Q1", "alice", 0, ""}}, by_).ok());
  // Bob sees only B1.
  auto bids = db_->AssignedBids("05D", "T-1", "bob");
  ASSERT_TRUE(bids.ok());
  ASSERT_EQ(bids.value().size(), 1u);
  EXPECT_EQ(bids.value()[0].bid.id, "B1");
  // Moderation seals scoring and opens all scores.
  ASSERT_TRUE(db_->OpenModeration("05D", "T-1", by_).ok());
  EXPECT_FALSE(db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 4, ""}}, by_).ok());
  all = db_->AllScores("05D", "T-1");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 3u);
}

TEST_P(ProcurementStoreTest, ABadScoreInABatchStoresNone) {
  MakeTender();
  auto s = db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 3, ""}, {"B2", "Q1", "alice", 9, ""}}, by_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, "bid B2, criterion Q1");
  EXPECT_TRUE(db_->OwnScores("05D", "T-1", "alice").value().empty());
  // Moderation cannot open while scores are missing.
  auto m = db_->OpenModeration("05D", "T-1", by_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().why.find("has not scored bid B1"), std::string::npos);
}

TEST_P(ProcurementStoreTest, OneCcgCannotSeeAnothersProcurements) {
  MakeTender();
  ASSERT_TRUE(db_->AddPlanLine(Plan("06H", "P1"), by_).ok());  // same ref, other CCG: allowed
  EXPECT_EQ(db_->PlanLines("06H").value().size(), 1u);
  EXPECT_TRUE(db_->Tenders("06H").value().empty());
  auto t = db_->FindTender("06H", "T-1");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().why, "no such tender for CCG 06H");  // as if it did not exist
  EXPECT_FALSE(db_->Bids("06H", "T-1").ok());
  EXPECT_FALSE(db_->OwnScores("06H", "T-1", "alice").ok());
  EXPECT_FALSE(db_->AddBid("06H", "T-1", {{"B9", "Gamma", Money::FromPounds(1)}, ""}, by_).ok());
  EXPECT_TRUE(db_->TendersEvaluatedBy("06H", "alice").value().empty());
  // A tender cannot hang off another CCG's plan line.
  Tender other{"06H", "T-2", "P9", "x", Date::FromYmd(2025, 9, 1), TenderStatus::kOpen, std::nullopt};
  EXPECT_FALSE(db_->CreateTender(other, by_).ok());
}

TEST_P(ProcurementStoreTest, PipelineToContractWithStandstillAndRepresentations) {
  MakeTender();
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 3, ""}, {"B2", "Q1", "alice", 2, ""}}, by_).ok());
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "bob", {{"B1", "Q1", "bob", 4, ""}}, by_).ok());
  ASSERT_TRUE(db_->OpenModeration("05D", "T-1", by_).ok());
  EXPECT_FALSE(db_->Moderate("05D", "T-1", {"B1", "Q1", 4, ""}, by_).ok());  // moved, no reason
  ASSERT_TRUE(db_->Moderate("05D", "T-1", {"B1", "Q1", 4, "evidence of outcomes"}, by_).ok());
  auto in = db_->EvaluationInputOf("05D", "T-1");
  ASSERT_TRUE(in.ok()) << in.error().ToString();
  auto ev = Evaluate(in.value());
  ASSERT_TRUE(ev.ok()) << ev.error().ToString();
  // B1: 4/4 × 70 + 80,000/100,000 × 30 = 70 + 24 = 94; B2: 2/4 × 70 + 30 = 65.
  EXPECT_EQ(ev.value().most_advantageous, "B1");
  EXPECT_EQ(ev.value().bids[0].total, Rational(94));

  Award a = TestAward();
  a.decided_at = by_.at;
  a.decided_by = by_.user;
  ASSERT_TRUE(db_->RecordAward("05D", "T-1", a).ok());
  EXPECT_FALSE(db_->Moderate("05D", "T-1", {"B1", "Q1", 3, "x"}, by_).ok());  // awarded: closed

  // Outside standstill: refused. Inside: kept and must be decided first.
  EXPECT_FALSE(db_->AddRepresentation("05D", "T-1", {0, "Beta", Date::FromYmd(2026, 1, 6), "late", "", ""}, by_).ok());
  auto seq = db_->AddRepresentation("05D", "T-1", {0, "Beta", Date::FromYmd(2026, 1, 2), "scoring of Q1", "", ""}, by_);
  ASSERT_TRUE(seq.ok());
  EXPECT_FALSE(db_->MarkContracted("05D", "T-1", Date::FromYmd(2026, 1, 5), by_).ok());  // in standstill
  auto open = db_->MarkContracted("05D", "T-1", Date::FromYmd(2026, 1, 7), by_);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.error().why.find("awaiting"), std::string::npos);
  ASSERT_TRUE(db_->DecideRepresentation("05D", "T-1", seq.value(), "not upheld: scoring reviewed", by_).ok());
  ASSERT_TRUE(db_->MarkContracted("05D", "T-1", Date::FromYmd(2026, 1, 7), by_).ok());
  EXPECT_EQ(db_->FindTender("05D", "T-1").value().status, TenderStatus::kContracted);
  EXPECT_EQ(*db_->ContractSigned("05D", "T-1").value(), Date::FromYmd(2026, 1, 7));
}

TEST_P(ProcurementStoreTest, DocumentsAreVersionedByHash) {
  MakeTender();
  auto v1 = db_->AddDocument("05D", "T-1", "spec.pdf", std::string("v1\0bytes", 8), by_);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1.value().version, 1);
  EXPECT_EQ(v1.value().bytes, 8);
  auto same = db_->AddDocument("05D", "T-1", "spec.pdf", std::string("v1\0bytes", 8), by_);
  EXPECT_EQ(same.value().version, 1);
  auto v2 = db_->AddDocument("05D", "T-1", "spec.pdf", "v2", by_);
  EXPECT_EQ(v2.value().version, 2);
  EXPECT_NE(v1.value().sha256, v2.value().sha256);
  EXPECT_EQ(db_->DocumentBytes("05D", "T-1", "spec.pdf", 1).value(), std::string("v1\0bytes", 8));
  EXPECT_EQ(db_->Documents("05D", "T-1").value().size(), 2u);
  EXPECT_FALSE(db_->Documents("06H", "T-1").ok());
}

TEST_P(ProcurementStoreTest, ConflictsNeedManagementAndUndeclaredEvaluatorsCannotBeAssigned) {
  MakeTender();
  auto c = db_->DeclareInterest("05D", "T-1", {"carol", "director of Alpha", true, "", ""}, by_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().why.find("managed"), std::string::npos);
  ASSERT_TRUE(db_->DeclareInterest("05D", "T-1", {"carol", "director of Alpha", true, "excluded from Alpha's bid", ""}, by_).ok());
  EXPECT_FALSE(db_->AssignEvaluator("05D", "T-1", "dave", "B1", by_).ok());  // no declaration
  EXPECT_EQ(db_->Interests("05D", "T-1").value().size(), 3u);
}

TEST_P(ProcurementStoreTest, PlanLinesFollowTheRegimeRules) {
  PlanLine p = Plan("05D", "P2");
  p.process = PsrProcess::kNone;
  EXPECT_FALSE(db_->AddPlanLine(p, by_).ok());
  p = Plan("05D", "P2");
  p.reasons.clear();
  EXPECT_FALSE(db_->AddPlanLine(p, by_).ok());
  p = Plan("05D", "P2");
  p.start = Date::FromYmd(2023, 12, 31);
  EXPECT_FALSE(db_->AddPlanLine(p, by_).ok());
  p = Plan("05D", "P2");
  p.regime = Regime::kProcurementAct2023;
  EXPECT_FALSE(db_->AddPlanLine(p, by_).ok());  // a PSR process under the Act
  p.process = PsrProcess::kNone;
  EXPECT_TRUE(db_->AddPlanLine(p, by_).ok());
  EXPECT_FALSE(db_->AddPlanLine(p, by_).ok());  // same ref twice
  p = Plan("05D", "P3");
  p.regime = Regime::kPcr2015;
  p.process = PsrProcess::kNone;
  EXPECT_FALSE(db_->AddPlanLine(p, by_).ok());  // PCR 2015 after 24 Feb 2025
  p.start = Date::FromYmd(2022, 1, 1);
  EXPECT_TRUE(db_->AddPlanLine(p, by_).ok());
}

TEST_P(ProcurementStoreTest, PublishedReleasesNeverChange) {
  Release r{"ocds-test00-T-1", "ocds-test00-T-1-planning-1", "planning", "2025-06-01T00:00:00Z", "{}", ""};
  ASSERT_TRUE(db_->Publish(r).ok());
  r.json = "{\"changed\":true}";
  EXPECT_FALSE(db_->Publish(r).ok());
  EXPECT_EQ(db_->Releases("ocds-test00-T-1").value()[0].json, "{}");
}

TEST_P(ProcurementStoreTest, CriteriaAreFrozenOnceScored) {
  MakeTender();
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 3, ""}}, by_).ok());
  auto s = db_->SetCriteria("05D", "T-1", Crit(), by_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("once scores are in"), std::string::npos);
}

// Clarifications: numbered per tender; an answer is given once, refused for
// a missing or already answered question, and another CCG's tender reads as
// missing. A refused answer changes nothing.
TEST_P(ProcurementStoreTest, ClarificationsAreAnsweredOnceAndStayWithTheirCcg) {
  MakeTender();
  auto q1 = db_->AddClarification("05D", "T-1", {0, "Alpha", Date::FromYmd(2025, 8, 1), "Is TUPE in scope?"}, by_);
  ASSERT_TRUE(q1.ok()) << q1.error().ToString();
  EXPECT_EQ(q1.value(), 1);
  auto q2 = db_->AddClarification("05D", "T-1", {0, "Beta", Date::FromYmd(2025, 8, 2), "Which sites?"}, by_);
  ASSERT_TRUE(q2.ok());
  EXPECT_EQ(q2.value(), 2);
  EXPECT_FALSE(db_->AddClarification("05D", "T-1", {0, "", Date::FromYmd(2025, 8, 2), "x"}, by_).ok());

  // Answer dated before the question: refused, nothing stored.
  Status early = db_->AnswerClarification("05D", "T-1", 1, "Yes", Date::FromYmd(2025, 7, 31), true, by_);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().why.find("before the question"), std::string::npos);
  ASSERT_TRUE(db_->AnswerClarification("05D", "T-1", 1, "Yes, see schedule 4", Date::FromYmd(2025, 8, 4), true, by_).ok());
  Status again = db_->AnswerClarification("05D", "T-1", 1, "No", Date::FromYmd(2025, 8, 5), true, by_);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("already answered on 2025-08-04 by pat"), std::string::npos) << again.error().ToString();
  Status missing = db_->AnswerClarification("05D", "T-1", 9, "Yes", Date::FromYmd(2025, 8, 5), true, by_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().where, "clarification 9 of tender T-1");
  EXPECT_NE(missing.error().why.find("no such question"), std::string::npos);
  EXPECT_FALSE(db_->AnswerClarification("05D", "T-1", 2, "", Date::FromYmd(2025, 8, 5), false, by_).ok());

  auto list = db_->Clarifications("05D", "T-1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().size(), 2u);
  EXPECT_EQ(list.value()[0].answer, "Yes, see schedule 4");
  EXPECT_EQ(list.value()[0].answered, Date::FromYmd(2025, 8, 4));
  EXPECT_EQ(list.value()[0].answered_by, "pat");
  EXPECT_TRUE(list.value()[0].published);
  EXPECT_TRUE(list.value()[1].answer.empty());
  EXPECT_FALSE(list.value()[1].answered.has_value());

  // Another CCG: the tender is missing, for reading and for writing.
  EXPECT_FALSE(db_->Clarifications("06A", "T-1").ok());
  EXPECT_FALSE(db_->AddClarification("06A", "T-1", {0, "Gamma", Date::FromYmd(2025, 8, 2), "?"}, by_).ok());
  EXPECT_FALSE(db_->AnswerClarification("06A", "T-1", 2, "x", Date::FromYmd(2025, 8, 5), true, by_).ok());
  // Reopening the file keeps them (the table is created only when missing).
  db_.reset();
  auto again_db = Open();
  ASSERT_TRUE(again_db.ok()) << again_db.error().ToString();
  EXPECT_EQ(again_db.value()->Clarifications("05D", "T-1").value().size(), 2u);
}

// Two nodes: a write through one connection is what the other reads next
// (no cache in the store), including a change of status that gates writes.
TEST_P(ProcurementStoreTest, TwoConnectionsSeeEachOthersWrites) {
  MakeTender();
  auto other = Open();
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  ProcurementStore& b = *other.value();
  EXPECT_EQ(b.Bids("05D", "T-1").value().size(), 2u);
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 3, ""}, {"B2", "Q1", "alice", 2, ""}}, by_).ok());
  ASSERT_TRUE(b.SubmitScores("05D", "T-1", "bob", {{"B1", "Q1", "bob", 4, ""}}, by_).ok());
  EXPECT_EQ(db_->OwnScores("05D", "T-1", "bob").value().size(), 1u);
  ASSERT_TRUE(b.OpenModeration("05D", "T-1", by_).ok());
  // Moderation opened on the other node seals scoring here.
  auto late = db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 4, ""}}, by_);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().why.find("only while the tender is open"), std::string::npos) << late.error().ToString();
  EXPECT_EQ(db_->AllScores("05D", "T-1").value().size(), 3u);
  // Question numbers are shared: one node's question 1 makes the other's 2.
  ASSERT_TRUE(db_->AddPlanLine(Plan("05D", "P2"), by_).ok());
  Tender t{"05D", "T-2", "P2", "MSK 2", Date::FromYmd(2025, 9, 1), TenderStatus::kOpen, std::nullopt};
  ASSERT_TRUE(b.CreateTender(t, by_).ok());
  EXPECT_EQ(db_->AddClarification("05D", "T-2", {0, "Alpha", Date::FromYmd(2025, 8, 1), "a?"}, by_).value(), 1);
  EXPECT_EQ(b.AddClarification("05D", "T-2", {0, "Beta", Date::FromYmd(2025, 8, 1), "b?"}, by_).value(), 2);
  EXPECT_FALSE(db_->CreateTender(t, by_).ok());  // the id is taken, on either node
}


// Published things never change: a release (the database's own triggers
// refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE), a document version,
// and the award (recorded once; a second is refused and the first kept).
TEST_P(ProcurementStoreTest, PublishedReleasesDocumentsAndAwardsNeverChange) {
  MakeTender();
  ASSERT_TRUE(db_->AddDocument("05D", "T-1", "spec.pdf", "v1", by_).ok());
  Release r{"ocds-test00-T-1", "ocds-test00-T-1-planning-1", "planning", "2025-06-01T00:00:00Z", "{}", ""};
  ASSERT_TRUE(db_->Publish(r).ok());
  auto raw = Raw();
  ASSERT_NE(raw, nullptr);
  Status up = raw->Exec("UPDATE " + Table("releases") + " SET json = '{\"x\":1}'");
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.error().ToString().find("published releases are immutable"), std::string::npos) << up.error().ToString();
  EXPECT_FALSE(raw->Exec("DELETE FROM " + Table("releases")).ok());
  if (pg_) {
    EXPECT_FALSE(raw->Exec("TRUNCATE " + Table("releases")).ok());
  }
  Status doc = raw->Exec("UPDATE " + Table("documents") + " SET sha256 = 'x'");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().ToString().find("document versions are immutable"), std::string::npos);
  EXPECT_EQ(db_->Releases("ocds-test00-T-1").value()[0].json, "{}");
  EXPECT_EQ(db_->DocumentBytes("05D", "T-1", "spec.pdf", 1).value(), "v1");

  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 3, ""}, {"B2", "Q1", "alice", 2, ""}}, by_).ok());
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "bob", {{"B1", "Q1", "bob", 3, ""}}, by_).ok());
  ASSERT_TRUE(db_->OpenModeration("05D", "T-1", by_).ok());
  ASSERT_TRUE(db_->RecordAward("05D", "T-1", TestAward()).ok());
  Award other = TestAward();
  other.bid = "B2";
  auto again = Open();  // the second attempt from another node
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value()->RecordAward("05D", "T-1", other).ok());
  EXPECT_EQ(db_->AwardOf("05D", "T-1").value()->bid, "B1");
}

// Release numbering with two writers at once (two nodes publishing the same
// procurement): each stage's numbers are 1..N with no repeat and no gap,
// and Releases lists them in the order they were numbered. Without the
// write lock both writers read the same count and one of them fails (or
// both store the same number under different ids).
TEST_P(ProcurementStoreTest, ReleaseNumbersStayUniqueAndInOrderUnderTwoWriters) {
  const std::string ocid = "ocds-test00-T-9";
  constexpr int kEach = 15;
  auto second = Open();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  auto publish = [&](ProcurementStore& db, std::vector<std::string>* errors) {
    for (int i = 0; i < kEach; ++i) {
      auto r = db.PublishNext(ocid, "tender", [&](int64_t seq) -> Result<Release> {
        const std::string id = ocid + "-tender-" + std::to_string(seq);
        return Release{ocid, id, "tender", "2025-07-01T09:00:00Z", "{\"id\":\"" + id + "\"}", ""};
      });
      if (!r.ok()) errors->push_back(r.error().ToString());
    }
  };
  std::vector<std::string> errors_a, errors_b;
  std::thread ta([&] { publish(*db_, &errors_a); });
  std::thread tb([&] { publish(*second.value(), &errors_b); });
  ta.join();
  tb.join();
  EXPECT_TRUE(errors_a.empty()) << errors_a[0];
  EXPECT_TRUE(errors_b.empty()) << errors_b[0];
  auto list = db_->Releases(ocid);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list.value().size(), 2u * kEach);
  for (size_t i = 0; i < list.value().size(); ++i)
    EXPECT_EQ(list.value()[i].release_id, ocid + "-tender-" + std::to_string(i + 1));
  // Another stage starts at 1; a release dated before the latest is refused.
  auto planning = db_->PublishNext(ocid, "planning", [&](int64_t seq) -> Result<Release> {
    return Release{ocid, ocid + "-planning-" + std::to_string(seq), "planning", "2025-07-02T09:00:00Z", "{}", ""};
  });
  ASSERT_TRUE(planning.ok()) << planning.error().ToString();
  EXPECT_EQ(planning.value().release_id, ocid + "-planning-1");
  auto early = db_->PublishNext(ocid, "planning", [&](int64_t seq) -> Result<Release> {
    return Release{ocid, ocid + "-planning-" + std::to_string(seq), "planning", "2025-07-01T00:00:00Z", "{}", ""};
  });
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().why.find("published in order"), std::string::npos) << early.error().ToString();
  EXPECT_EQ(db_->Releases(ocid).value().size(), 2u * kEach + 1);
}


// The OCDS export is byte for byte the same from a state folder and from
// PostgreSQL: the same facts read back (document sizes and hashes of binary
// content, lots and bids in the same order), the same numbering, the same
// release order.
TEST(ProcurementServerMode, OcdsExportIsByteIdenticalOnBothEngines) {
  std::optional<pg::TestSchema> pg_schema;
  CSU_PG_TEST_SCHEMA(pg_schema);
  const std::string dir = ::testing::TempDir() + "/proc_ocds_both_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto lite = ProcurementStore::Open(dir);
  ASSERT_TRUE(lite.ok()) << lite.error().ToString();
  auto conn = pg::Connect(pg_schema->url());
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  auto server = ProcurementStore::OpenServer(std::move(conn).value());
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  auto fail = [](const std::string& why) { ADD_FAILURE() << why; };
  const std::string from_sqlite = OcdsExport(*lite.value(), fail);
  const std::string from_postgres = OcdsExport(*server.value(), fail);
  ASSERT_FALSE(from_sqlite.empty());
  EXPECT_NE(from_sqlite.find("specification.pdf-v2"), std::string::npos);
  EXPECT_NE(from_sqlite.find("-tender-2"), std::string::npos);
  EXPECT_EQ(from_sqlite, from_postgres);
  std::filesystem::remove_all(dir);
}

TEST(ProcurementServerMode, OpenServerRefusesASqliteConnection) {
  const std::string dir = ::testing::TempDir() + "/proc_refuse_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  auto db = store::SqliteDb::Open(dir + "/x.sqlite", "");
  ASSERT_TRUE(db.ok());
  auto s = ProcurementStore::OpenServer(std::make_unique<store::SqliteConnection>(std::move(db).value()));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("PostgreSQL"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace csu::procurement
