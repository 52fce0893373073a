// Tender evaluation worked by hand: tests/golden/procurement/README.md,
// "Evaluation" (three bids with moderation and the price formula, an
// excluded bid) and "Ties".
#include "procurement/evaluation.h"

#include <gtest/gtest.h>

namespace csu::procurement {
namespace {

std::vector<ScaleLevel> Scale0To4() {
  return {{0, "Unacceptable"}, {1, "Poor"}, {2, "Satisfactory"}, {3, "Good"}, {4, "Excellent"}};
}

Criteria ThreeGroups() {
  Criteria c;
  c.groups = {{"Q", "Quality", CriterionKind::kQuality, 60},
              {"S", "Social value", CriterionKind::kSocialValue, 10},
              {"P", "Price", CriterionKind::kPrice, 30}};
  c.subs = {{"Q1", "Q", "Clinical model", 40}, {"Q2", "Q", "Workforce", 20}, {"S1", "S", "Local employment", 10}};
  c.scale = Scale0To4();
  return c;
}

void Score(EvaluationInput& in, const std::string& bid, const std::string& crit, int64_t e1, int64_t e2) {
  in.scores.push_back({bid, crit, "E1", e1, ""});
  in.scores.push_back({bid, crit, "E2", e2, ""});
}

EvaluationInput Golden() {
  EvaluationInput in;
  in.criteria = ThreeGroups();
  in.bids = {{"B1", "Alpha Health", Money::FromPounds(100000)},
             {"B2", "Beta Care", Money::FromPounds(80000)},
             {"B3", "Gamma Services", Money::FromPounds(90000)},
             {"B4", "Delta Ltd", Money::FromPounds(70000)}};
  Score(in, "B1", "Q1", 3, 4);
  Score(in, "B1", "Q2", 3, 3);
  Score(in, "B1", "S1", 2, 2);
  Score(in, "B2", "Q1", 2, 3);
  Score(in, "B2", "Q2", 3, 3);
  Score(in, "B2", "S1", 4, 3);
  Score(in, "B3", "Q1", 4, 4);
  Score(in, "B3", "Q2", 4, 3);
  Score(in, "B3", "S1", 3, 3);
  in.moderations = {{"B1", "Q1", 4, "seven-day service evidenced in the method statement"},
                    {"B2", "Q1", 2, "pathway for urgent referrals not described"},
                    {"B2", "S1", 3, "local jobs pledged but not quantified"},
                    {"B3", "Q2", 4, "recruitment plan already in place"}};
  in.exclusions = {{"B4", "mandatory exclusion: Procurement Act 2023 Schedule 6 (debarment list)"}};
  return in;
}

const BidResult& Find(const Evaluation& ev, const std::string& id) {
  for (const auto& b : ev.bids)
    if (b.bid == id) return b;
  throw std::runtime_error("no bid " + id);
}

TEST(ProcurementEvaluation, GoldenThreeBidsWithModerationPriceAndExclusion) {
  auto r = Evaluate(Golden());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Evaluation& ev = r.value();
  // Lowest eligible price is B2's £80,000; B4's £70,000 does not count.
  ASSERT_TRUE(ev.lowest_price);
  EXPECT_EQ(ev.lowest_price->pence(), 8000000);
  EXPECT_EQ(ev.lowest_bid, "B2");

  const BidResult& b1 = Find(ev, "B1");
  EXPECT_EQ(b1.criteria[0].agreed, 4);
  EXPECT_TRUE(b1.criteria[0].moved);
  EXPECT_EQ(b1.criteria[0].weighted, Rational(40));
  EXPECT_FALSE(b1.criteria[1].moderated);  // unanimous 3
  EXPECT_EQ(b1.criteria[1].weighted, Rational(15));
  EXPECT_EQ(b1.criteria[2].weighted, Rational(5));
  EXPECT_EQ(b1.non_price, Rational(60));
  EXPECT_EQ(b1.price_score, Rational(24));
  EXPECT_EQ(b1.total, Rational(84));

  const BidResult& b2 = Find(ev, "B2");
  EXPECT_EQ(b2.criteria[0].weighted, Rational(20));
  EXPECT_EQ(b2.criteria[2].weighted, Rational(15, 2));
  EXPECT_EQ(b2.price_score, Rational(30));
  EXPECT_EQ(b2.total, Rational(145, 2));
  EXPECT_EQ(Shown(b2.total), "72.50");

  const BidResult& b3 = Find(ev, "B3");
  EXPECT_EQ(b3.non_price, Rational(135, 2));
  EXPECT_EQ(b3.price_score, Rational(80, 3));
  EXPECT_EQ(Shown(b3.price_score), "26.67");
  EXPECT_EQ(b3.total, Rational(565, 6));
  EXPECT_EQ(Shown(b3.total), "94.17");

  ASSERT_EQ(ev.bids.size(), 4u);
  EXPECT_EQ(ev.bids[0].bid, "B3");
  EXPECT_EQ(ev.bids[0].rank, 1);
  EXPECT_EQ(ev.bids[1].bid, "B1");
  EXPECT_EQ(ev.bids[1].rank, 2);
  EXPECT_EQ(ev.bids[2].bid, "B2");
  EXPECT_EQ(ev.bids[2].rank, 3);
  EXPECT_EQ(ev.bids[3].bid, "B4");
  EXPECT_TRUE(ev.bids[3].excluded);
  EXPECT_EQ(ev.bids[3].rank, 0);
  EXPECT_EQ(ev.most_advantageous, "B3");
  EXPECT_TRUE(ev.tie_note.empty());

  // Every step is shown, including the moderation reason and the exact value.
  bool saw_b3_price = false, saw_reason = false, saw_exclusion = false;
  for (const auto& s : ev.steps) {
    saw_b3_price = saw_b3_price || s.find("Bid B3, price (weight 30): £80,000.00 ÷ £90,000.00 × 30 = 26.67 (exact 80/3)") != std::string::npos;
    saw_reason = saw_reason || s.find("because seven-day service") != std::string::npos;
    saw_exclusion = saw_exclusion || s.find("Bid B4 (Delta Ltd) is excluded") != std::string::npos;
  }
  EXPECT_TRUE(saw_b3_price);
  EXPECT_TRUE(saw_reason);
  EXPECT_TRUE(saw_exclusion);
}

TEST(ProcurementEvaluation, WithoutTheExclusionTheLowestPriceWouldMove) {
  EvaluationInput in = Golden();
  in.exclusions.clear();
  auto r = Evaluate(in);
  ASSERT_FALSE(r.ok());  // B4 has no scores: an eligible bid must be scored
  EXPECT_EQ(r.error().where, "bid B4, criterion Q1");
}

Criteria TieCriteria() {
  Criteria c;
  c.groups = {{"Q", "Quality", CriterionKind::kQuality, 70}, {"P", "Price", CriterionKind::kPrice, 30}};
  c.subs = {{"Q1", "Q", "Service model", 70}};
  c.scale = {{0, "None"}, {1, "Very poor"}, {2, "Poor"}, {3, "Adequate"}, {4, "Good"}, {5, "Excellent"}};
  return c;
}

TEST(ProcurementEvaluation, GoldenTieOnTotalIsBrokenByQuality) {
  EvaluationInput in;
  in.criteria = TieCriteria();
  in.bids = {{"T1", "Tern", Money::FromPounds(80000)}, {"T2", "Teal", Money::FromPounds(150000)}};
  Score(in, "T1", "Q1", 4, 4);
  Score(in, "T2", "Q1", 5, 5);
  auto r = Evaluate(in);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  // T1: 4/5 × 70 = 56, + 30 = 86. T2: 70 + 80,000/150,000 × 30 = 70 + 16 = 86.
  EXPECT_EQ(r.value().bids[0].bid, "T2");
  EXPECT_EQ(r.value().bids[0].total, Rational(86));
  EXPECT_EQ(r.value().bids[1].total, Rational(86));
  EXPECT_EQ(r.value().bids[1].rank, 2);
  EXPECT_FALSE(r.value().bids[0].tied);
  EXPECT_EQ(r.value().most_advantageous, "T2");
}

TEST(ProcurementEvaluation, GoldenFullTieNamesNoMostAdvantageousTender) {
  EvaluationInput in;
  in.criteria = TieCriteria();
  in.bids = {{"T1", "Tern", Money::FromPounds(80000)},
             {"T2", "Teal", Money::FromPounds(150000)},
             {"T3", "Tit", Money::FromPounds(150000)}};
  Score(in, "T1", "Q1", 4, 4);
  Score(in, "T2", "Q1", 5, 5);
  Score(in, "T3", "Q1", 5, 5);
  auto r = Evaluate(in);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Evaluation& ev = r.value();
  EXPECT_EQ(ev.bids[0].rank, 1);
  EXPECT_EQ(ev.bids[1].rank, 1);
  EXPECT_TRUE(ev.bids[0].tied && ev.bids[1].tied);
  EXPECT_EQ(ev.bids[2].bid, "T1");
  EXPECT_EQ(ev.bids[2].rank, 3);
  EXPECT_TRUE(ev.most_advantageous.empty());
  EXPECT_NE(ev.tie_note.find("bids T2, T3 tie"), std::string::npos);
}

TEST(ProcurementEvaluation, EveryBidExcludedNamesNone) {
  EvaluationInput in;
  in.criteria = TieCriteria();
  in.bids = {{"T1", "Tern", Money::FromPounds(80000)}};
  in.exclusions = {{"T1", "discretionary exclusion: PSR regulation 20"}};
  auto r = Evaluate(in);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().most_advantageous.empty());
  EXPECT_FALSE(r.value().lowest_price);
}

TEST(ProcurementEvaluation, BadInputNamesWhereAndWhy) {
  {
    EvaluationInput in = Golden();
    in.moderations.erase(in.moderations.begin());  // B1 Q1: 3 vs 4, no moderation
    auto r = Evaluate(in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "bid B1, criterion Q1");
    EXPECT_NE(r.error().why.find("disagree (E1 3, E2 4)"), std::string::npos);
  }
  {
    EvaluationInput in = Golden();
    in.moderations[0].reason.clear();
    auto r = Evaluate(in);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().why.find("needs a reason"), std::string::npos);
  }
  {
    EvaluationInput in = Golden();
    in.scores[0].score = 5;
    auto r = Evaluate(in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "bid B1, criterion Q1, evaluator E1");
  }
  {
    EvaluationInput in = Golden();
    in.scores.push_back(in.scores[0]);
    EXPECT_FALSE(Evaluate(in).ok());
  }
  {
    EvaluationInput in = Golden();
    in.exclusions[0].ground.clear();
    EXPECT_FALSE(Evaluate(in).ok());
  }
  {
    EvaluationInput in = Golden();
    in.criteria.subs[1].weight = 19;  // Q adds to 59
    auto r = Evaluate(in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "criterion Q");
  }
  {
    EvaluationInput in = Golden();
    in.criteria.groups[2].weight = 31;
    auto r = Evaluate(in);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().why.find("101 points"), std::string::npos);
  }
}

TEST(ProcurementRational, RoundsHalfAwayOnceForDisplay) {
  EXPECT_EQ(Rational(1, 8).ToFixed(2), "0.13");   // 0.125 -> 0.13
  EXPECT_EQ(Rational(-1, 8).ToFixed(2), "-0.13");
  EXPECT_EQ(Rational(1, 3).ToFixed(2), "0.33");
  EXPECT_EQ(Rational(2, 3).ToFixed(0), "1");
  EXPECT_EQ(Rational(10, 4).ToFraction(), "5/2");
  EXPECT_TRUE(Rational(1, 3) < Rational(333, 999) + Rational(1, 1000000));
}

}  // namespace
}  // namespace csu::procurement
