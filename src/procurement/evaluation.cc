#include "procurement/evaluation.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace csu::procurement {

std::string_view KindName(CriterionKind k) {
  switch (k) {
    case CriterionKind::kQuality: return "quality";
    case CriterionKind::kSocialValue: return "social_value";
    case CriterionKind::kPrice: return "price";
  }
  return "quality";
}

std::optional<CriterionKind> ParseKind(std::string_view s) {
  if (s == "quality") return CriterionKind::kQuality;
  if (s == "social_value") return CriterionKind::kSocialValue;
  if (s == "price") return CriterionKind::kPrice;
  return std::nullopt;
}

const CriterionGroup* Criteria::Group(std::string_view id) const {
  for (const auto& g : groups)
    if (g.id == id) return &g;
  return nullptr;
}
const SubCriterion* Criteria::Sub(std::string_view id) const {
  for (const auto& s : subs)
    if (s.id == id) return &s;
  return nullptr;
}
const CriterionGroup* Criteria::PriceGroup() const {
  for (const auto& g : groups)
    if (g.kind == CriterionKind::kPrice) return &g;
  return nullptr;
}

Status CheckCriteria(const Criteria& c) {
  std::set<std::string> ids;
  int64_t total = 0;
  int prices = 0;
  if (c.groups.empty()) return MakeError("criteria", "there are no criteria");
  for (const auto& g : c.groups) {
    const std::string where = "criterion " + g.id;
    if (g.id.empty()) return MakeError("criteria", "a criterion has no id");
    if (!ids.insert(g.id).second) return MakeError(where, "the id is used twice");
    if (g.weight <= 0 || g.weight > 100) return MakeError(where, "the weight must be 1 to 100 points");
    total += g.weight;
    if (g.kind == CriterionKind::kPrice) ++prices;
  }
  if (prices > 1) return MakeError("criteria", "there is more than one price criterion");
  if (total != 100)
    return MakeError("criteria", fmt::format("the criteria weights add up to {} points, not 100", total));
  std::map<std::string, int64_t> sums;
  for (const auto& s : c.subs) {
    const std::string where = "criterion " + s.id;
    if (s.id.empty()) return MakeError("criteria", "a sub-criterion has no id");
    if (!ids.insert(s.id).second) return MakeError(where, "the id is used twice");
    const CriterionGroup* g = c.Group(s.group);
    if (g == nullptr) return MakeError(where, "its parent criterion '" + s.group + "' is not defined");
    if (g->kind == CriterionKind::kPrice)
      return MakeError(where, "price is scored by the price formula and has no sub-criteria");
    if (s.weight <= 0) return MakeError(where, "the weight must be at least 1 point");
    sums[s.group] += s.weight;
  }
  for (const auto& g : c.groups) {
    if (g.kind == CriterionKind::kPrice) continue;
    if (sums[g.id] != g.weight)
      return MakeError("criterion " + g.id, fmt::format("its sub-criteria add up to {} points, not its weight {}",
                                                        sums[g.id], g.weight));
  }
  if (c.scale.size() < 2 || c.scale.size() > 11)
    return MakeError("scale", "the scoring scale must run from 0 to a maximum of 1 to 10");
  for (size_t i = 0; i < c.scale.size(); ++i) {
    if (c.scale[i].score != static_cast<int64_t>(i))
      return MakeError("scale", fmt::format("the levels must be 0, 1, 2, ... in order; level {} is {}", i,
                                            c.scale[i].score));
    if (c.scale[i].descriptor.empty())
      return MakeError("scale", fmt::format("score {} has no descriptor", i));
  }
  return Status::Ok();
}

Result<Evaluation> Evaluate(const EvaluationInput& in) {
  if (Status s = CheckCriteria(in.criteria); !s.ok()) return s.error();
  const Criteria& c = in.criteria;
  const int64_t max = c.ScaleMax();
  const CriterionGroup* price_group = c.PriceGroup();

  std::map<std::string, const Bid*> bids;
  for (const auto& b : in.bids) {
    if (b.id.empty()) return MakeError("bids", "a bid has no id");
    if (!bids.emplace(b.id, &b).second) return MakeError("bid " + b.id, "the bid is listed twice");
  }
  std::map<std::string, std::string> excluded;
  for (const auto& x : in.exclusions) {
    if (!bids.count(x.bid)) return MakeError("exclusion of bid " + x.bid, "there is no such bid");
    if (x.ground.empty()) return MakeError("exclusion of bid " + x.bid, "an exclusion needs its ground");
    excluded[x.bid] = x.ground;
  }

  // Scores by bid × criterion, one per evaluator.
  std::map<std::pair<std::string, std::string>, std::map<std::string, int64_t>> scores;
  for (const auto& s : in.scores) {
    const std::string where = "bid " + s.bid + ", criterion " + s.criterion + ", evaluator " + s.evaluator;
    if (!bids.count(s.bid)) return MakeError(where, "there is no such bid");
    if (c.Sub(s.criterion) == nullptr) return MakeError(where, "there is no such sub-criterion");
    if (s.evaluator.empty()) return MakeError(where, "the score names no evaluator");
    if (s.score < 0 || s.score > max)
      return MakeError(where, fmt::format("score {} is outside the scale 0 to {}", s.score, max));
    if (!scores[{s.bid, s.criterion}].emplace(s.evaluator, s.score).second)
      return MakeError(where, "the evaluator scored this twice");
  }
  std::map<std::pair<std::string, std::string>, const Moderation*> moderations;
  for (const auto& m : in.moderations) {
    const std::string where = "moderation of bid " + m.bid + ", criterion " + m.criterion;
    if (!bids.count(m.bid)) return MakeError(where, "there is no such bid");
    if (c.Sub(m.criterion) == nullptr) return MakeError(where, "there is no such sub-criterion");
    if (m.agreed < 0 || m.agreed > max)
      return MakeError(where, fmt::format("score {} is outside the scale 0 to {}", m.agreed, max));
    if (!moderations.emplace(std::make_pair(m.bid, m.criterion), &m).second)
      return MakeError(where, "the score is moderated twice");
  }

  Evaluation ev;
  // The lowest price over eligible bids (the first such bid in bid order on equal prices).
  if (price_group != nullptr) {
    for (const auto& b : in.bids) {
      if (excluded.count(b.id)) continue;
      if (b.price.pence() <= 0) return MakeError("bid " + b.id, "the bid has no positive price, and price is weighted");
      if (!ev.lowest_price || b.price < *ev.lowest_price) {
        ev.lowest_price = b.price;
        ev.lowest_bid = b.id;
      }
    }
    if (ev.lowest_price)
      ev.steps.push_back(fmt::format("Lowest price of the bids not excluded: {} (bid {}).",
                                     ev.lowest_price->ToString(), ev.lowest_bid));
  }

  std::vector<BidResult> ranked, out;
  for (const auto& b : in.bids) {
    BidResult r;
    r.bid = b.id;
    r.bidder = b.bidder;
    r.price = b.price;
    if (auto x = excluded.find(b.id); x != excluded.end()) {
      r.excluded = true;
      r.exclusion_ground = x->second;
      ev.steps.push_back(fmt::format("Bid {} ({}) is excluded: {}. It is not scored or ranked and its price does "
                                     "not set the lowest price.", b.id, b.bidder, x->second));
      out.push_back(std::move(r));
      continue;
    }
    std::vector<std::string> parts;
    for (const auto& sub : c.subs) {
      const std::string where = "bid " + b.id + ", criterion " + sub.id;
      CriterionResult cr;
      cr.criterion = sub.id;
      cr.weight = sub.weight;
      auto sit = scores.find({b.id, sub.id});
      if (sit == scores.end() || sit->second.empty()) return MakeError(where, "no evaluator has scored it");
      for (const auto& [e, s] : sit->second) cr.evaluator_scores.emplace_back(e, s);
      auto mit = moderations.find({b.id, sub.id});
      bool all_same = true;
      for (const auto& [e, s] : cr.evaluator_scores) all_same = all_same && s == cr.evaluator_scores[0].second;
      if (mit != moderations.end()) {
        cr.agreed = mit->second->agreed;
        cr.moderated = true;
        cr.reason = mit->second->reason;
        for (const auto& [e, s] : cr.evaluator_scores) cr.moved = cr.moved || s != cr.agreed;
        if (cr.moved && cr.reason.empty())
          return MakeError(where, "the moderated score differs from an evaluator's and needs a reason");
      } else {
        if (!all_same) {
          std::string given;
          for (const auto& [e, s] : cr.evaluator_scores) given += fmt::format("{}{} {}", given.empty() ? "" : ", ", e, s);
          return MakeError(where, "the evaluators disagree (" + given + ") and the score is not moderated");
        }
        cr.agreed = cr.evaluator_scores[0].second;
      }
      cr.weighted = Rational(cr.agreed * sub.weight, max);
      std::string given;
      for (const auto& [e, s] : cr.evaluator_scores) given += fmt::format("{}{} {}", given.empty() ? "" : ", ", e, s);
      ev.steps.push_back(fmt::format(
          "Bid {}, {} (weight {}): evaluators {}; {} {}{}; {} ÷ {} × {} = {} (exact {}).", b.id, sub.id, sub.weight,
          given, cr.moderated ? "moderated to" : "agreed", cr.agreed,
          cr.moderated ? (cr.reason.empty() ? "" : " because " + cr.reason) : " (all evaluators gave it)", cr.agreed,
          max, sub.weight, Shown(cr.weighted), cr.weighted.ToFraction()));
      r.non_price += cr.weighted;
      parts.push_back(Shown(cr.weighted));
      r.criteria.push_back(std::move(cr));
    }
    if (price_group != nullptr) {
      r.price_score = Rational(ev.lowest_price->pence(), b.price.pence()) * Rational(price_group->weight);
      ev.steps.push_back(fmt::format("Bid {}, price (weight {}): {} ÷ {} × {} = {} (exact {}).", b.id,
                                     price_group->weight, ev.lowest_price->ToString(), b.price.ToString(),
                                     price_group->weight, Shown(r.price_score), r.price_score.ToFraction()));
    }
    r.total = r.non_price + r.price_score;
    std::string sum;
    for (const auto& p : parts) sum += (sum.empty() ? "" : " + ") + p;
    ev.steps.push_back(fmt::format("Bid {} total: {}{} = {} (exact {}; quality and social value {}).", b.id, sum,
                                   price_group ? " + " + Shown(r.price_score) : "", Shown(r.total),
                                   r.total.ToFraction(), Shown(r.non_price)));
    ranked.push_back(std::move(r));
  }

  // Ranking: exact total, then exact non-price score, both descending; bid
  // order only makes the listing stable, never the rank.
  std::stable_sort(ranked.begin(), ranked.end(), [](const BidResult& a, const BidResult& b) {
    if (a.total != b.total) return a.total > b.total;
    return a.non_price > b.non_price;
  });
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (i > 0 && ranked[i].total == ranked[i - 1].total && ranked[i].non_price == ranked[i - 1].non_price) {
      ranked[i].rank = ranked[i - 1].rank;
      ranked[i].tied = ranked[i - 1].tied = true;
    } else {
      ranked[i].rank = static_cast<int>(i) + 1;
      if (i > 0 && ranked[i].total == ranked[i - 1].total)
        ev.steps.push_back(fmt::format("Bids {} and {} have equal totals ({}); {} ranks higher on quality and social "
                                       "value ({} against {}).", ranked[i - 1].bid, ranked[i].bid,
                                       ranked[i].total.ToFraction(), ranked[i - 1].bid, Shown(ranked[i - 1].non_price),
                                       Shown(ranked[i].non_price)));
    }
  }
  if (ranked.empty()) {
    ev.tie_note = "no bid is eligible: every bid is excluded or there are none";
  } else if (ranked.size() > 1 && ranked[1].rank == 1) {
    std::string names;
    for (const auto& r : ranked)
      if (r.rank == 1) names += (names.empty() ? "" : ", ") + r.bid;
    ev.tie_note = "bids " + names + " tie on total and on quality and social value: the award needs a recorded decision";
    ev.steps.push_back("Tie: " + ev.tie_note + "; no most advantageous tender is named.");
  } else {
    ev.most_advantageous = ranked[0].bid;
    ev.steps.push_back(fmt::format("Most advantageous tender: bid {} ({}), total {}.", ranked[0].bid,
                                   ranked[0].bidder, Shown(ranked[0].total)));
  }
  ev.bids = std::move(ranked);
  for (auto& r : out) ev.bids.push_back(std::move(r));
  return ev;
}

}  // namespace csu::procurement
