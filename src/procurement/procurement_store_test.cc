// The procurement database: the pipeline end to end, sealed scores, CCG
// isolation, immutable releases, and bad input that changes nothing.
#include "procurement/procurement_store.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace csu::procurement {
namespace {

class ProcurementStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/proc_store_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = ProcurementStore::Open(dir_);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
  }

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
  std::unique_ptr<ProcurementStore> db_;
  Actor by_{"2025-09-02T10:00:00Z", "pat"};
};

TEST_F(ProcurementStoreTest, AnEvaluatorSeesOnlyTheirOwnScoresUntilModeration) {
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

TEST_F(ProcurementStoreTest, ABadScoreInABatchStoresNone) {
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

TEST_F(ProcurementStoreTest, OneCcgCannotSeeAnothersProcurements) {
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

TEST_F(ProcurementStoreTest, PipelineToContractWithStandstillAndRepresentations) {
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

  Award a;
  a.bid = "B1";
  a.provider = "RX1";
  a.value = Money::FromPounds(100000);
  a.regime = Regime::kPsr;
  a.notice = Date::FromYmd(2025, 12, 19);
  a.standstill_last_day = Date::FromYmd(2026, 1, 5);
  a.contract_from = Date::FromYmd(2026, 1, 6);
  a.decision = "most advantageous";
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

TEST_F(ProcurementStoreTest, DocumentsAreVersionedByHash) {
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

TEST_F(ProcurementStoreTest, ConflictsNeedManagementAndUndeclaredEvaluatorsCannotBeAssigned) {
  MakeTender();
  auto c = db_->DeclareInterest("05D", "T-1", {"carol", "director of Alpha", true, "", ""}, by_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().why.find("managed"), std::string::npos);
  ASSERT_TRUE(db_->DeclareInterest("05D", "T-1", {"carol", "director of Alpha", true, "excluded from Alpha's bid", ""}, by_).ok());
  EXPECT_FALSE(db_->AssignEvaluator("05D", "T-1", "dave", "B1", by_).ok());  // no declaration
  EXPECT_EQ(db_->Interests("05D", "T-1").value().size(), 3u);
}

TEST_F(ProcurementStoreTest, PlanLinesFollowTheRegimeRules) {
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

TEST_F(ProcurementStoreTest, PublishedReleasesNeverChange) {
  Release r{"ocds-test00-T-1", "ocds-test00-T-1-planning-1", "planning", "2025-06-01T00:00:00Z", "{}", ""};
  ASSERT_TRUE(db_->Publish(r).ok());
  r.json = "{\"changed\":true}";
  EXPECT_FALSE(db_->Publish(r).ok());
  EXPECT_EQ(db_->Releases("ocds-test00-T-1").value()[0].json, "{}");
}

TEST_F(ProcurementStoreTest, CriteriaAreFrozenOnceScored) {
  MakeTender();
  ASSERT_TRUE(db_->SubmitScores("05D", "T-1", "alice", {{"B1", "Q1", "alice", 3, ""}}, by_).ok());
  auto s = db_->SetCriteria("05D", "T-1", Crit(), by_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("once scores are in"), std::string::npos);
}

// Clarifications: numbered per tender; an answer is given once, refused for
// a missing or already answered question, and another CCG's tender reads as
// missing. A refused answer changes nothing.
TEST_F(ProcurementStoreTest, ClarificationsAreAnsweredOnceAndStayWithTheirCcg) {
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
  auto again_db = ProcurementStore::Open(dir_);
  ASSERT_TRUE(again_db.ok()) << again_db.error().ToString();
  EXPECT_EQ(again_db.value()->Clarifications("05D", "T-1").value().size(), 2u);
}

}  // namespace
}  // namespace csu::procurement
