// Most-advantageous-tender evaluation: weighted criteria, each evaluator's
// independent scores, moderation, exclusions, the price formula, weighted
// totals, ranking and the tie rule, with every step of the arithmetic kept
// as text for the decision record. Pure: no storage, no clock.
// Rules and sources: docs/procurement.md, "Evaluation"; hand-worked examples:
// tests/golden/procurement/README.md.
//
//   EvaluationInput in{criteria, bids, scores, moderations, exclusions};
//   CSU_ASSIGN_OR_RETURN(ev, Evaluate(in));
//   ev.most_advantageous;   // bid id, or empty with ev.tie_note
//   ev.steps;               // every multiplication and sum, in order
//
// Weights are whole points out of 100. A criterion group (quality, social
// value, price) carries a weight; a quality or social value group is split
// into sub-criteria whose weights add up to the group's. A sub-criterion's
// weighted score is agreed score ÷ scale maximum × weight; price is
// lowest price ÷ bid price × price weight, the lowest taken over bids not
// excluded. Totals are exact rationals; ranking uses the exact values, and
// display rounds once to two decimal places, half away from zero.
//
// Tie rule: equal exact totals are separated by the higher exact non-price
// score (quality plus social value); bids equal on both share a rank, and
// when they share first place no most advantageous tender is named: the tie
// is recorded as needing a decision (docs/procurement.md, "Ties").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/result.h"
#include "procurement/rational.h"

namespace csu::procurement {

enum class CriterionKind : uint8_t { kQuality, kSocialValue, kPrice };
std::string_view KindName(CriterionKind k);  // "quality", "social_value", "price"
std::optional<CriterionKind> ParseKind(std::string_view s);

// A top-level criterion with its weight in points (the groups add up to 100).
struct CriterionGroup {
  std::string id;
  std::string name;
  CriterionKind kind = CriterionKind::kQuality;
  int64_t weight = 0;
};

// A scored sub-criterion of a quality or social value group; its weight is in
// points of the whole (the sub-criteria of a group add up to the group's).
struct SubCriterion {
  std::string id;
  std::string group;
  std::string name;
  int64_t weight = 0;
};

// One level of the scoring scale (0 Unacceptable … 4 Excellent).
struct ScaleLevel {
  int64_t score = 0;
  std::string descriptor;
};

struct Criteria {
  std::vector<CriterionGroup> groups;
  std::vector<SubCriterion> subs;
  std::vector<ScaleLevel> scale;  // scores 0..max, each once, in order
  int64_t ScaleMax() const { return scale.empty() ? 0 : scale.back().score; }
  const CriterionGroup* Group(std::string_view id) const;
  const SubCriterion* Sub(std::string_view id) const;
  const CriterionGroup* PriceGroup() const;
};

// Checks a criteria set: unique ids, weights positive, groups adding up to
// 100, sub-criteria adding up to their group's weight, at most one price
// group and no sub-criteria under it, a scale 0..max (max 1..10) with a
// descriptor at every level.
Status CheckCriteria(const Criteria& c);

struct Bid {
  std::string id;
  std::string bidder;
  Money price;  // the evaluated price (whole-life cost), pence
};

struct EvaluatorScore {
  std::string bid;
  std::string criterion;  // a sub-criterion id
  std::string evaluator;
  int64_t score = 0;
  std::string comment;
};

struct Moderation {
  std::string bid;
  std::string criterion;
  int64_t agreed = 0;
  std::string reason;  // why the score is what it is; required when it moved
};

struct Exclusion {
  std::string bid;
  std::string ground;  // the ground, with its regulation or section
};

struct EvaluationInput {
  Criteria criteria;
  std::vector<Bid> bids;
  std::vector<EvaluatorScore> scores;
  std::vector<Moderation> moderations;
  std::vector<Exclusion> exclusions;
};

struct CriterionResult {
  std::string criterion;
  int64_t weight = 0;
  std::vector<std::pair<std::string, int64_t>> evaluator_scores;  // by evaluator id
  int64_t agreed = 0;
  bool moderated = false;  // a moderation record set the agreed score
  bool moved = false;      // the agreed score differs from some evaluator's
  std::string reason;
  Rational weighted;       // agreed ÷ scale max × weight
};

struct BidResult {
  std::string bid;
  std::string bidder;
  Money price;
  bool excluded = false;
  std::string exclusion_ground;
  std::vector<CriterionResult> criteria;  // in criteria order
  Rational non_price;    // quality + social value
  Rational price_score;  // lowest ÷ price × price weight
  Rational total;
  int rank = 0;          // 1 = best; tied bids share a rank; 0 when excluded
  bool tied = false;     // shares its rank with another bid
};

struct Evaluation {
  std::vector<BidResult> bids;  // ranked bids best first, then excluded bids
  std::optional<Money> lowest_price;
  std::string lowest_bid;
  std::string most_advantageous;  // empty when none (a tie, or no eligible bid)
  std::string tie_note;           // why none was named, when so
  std::vector<std::string> steps;
};

// Evaluates. Errors (where = "bid B1, criterion Q1" and the like): a score or
// moderation for an unknown bid or criterion, a score outside the scale, an
// eligible bid missing a score on some sub-criterion, evaluators who disagree
// with no moderation, a moderation that moves a score without a reason, an
// exclusion without a ground, an eligible bid with no positive price when
// price is weighted, duplicate bids or duplicate scores by one evaluator.
Result<Evaluation> Evaluate(const EvaluationInput& in);

// The number shown for a weighted score: two decimal places, half away from zero.
inline std::string Shown(const Rational& r) { return r.ToFixed(2); }

}  // namespace csu::procurement
