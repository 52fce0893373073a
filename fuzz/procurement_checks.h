// Invariants of the procurement CSV readers and the evaluation they feed,
// shared by the procurement_files fuzz target and the test that replays its
// corpus (src/procurement/procurement_fuzz_corpus_test.cc). Header-only so
// that the fuzz build needs no test framework.
//
// CheckProcurementFiles(data): with a NUL byte, the bytes before it are a
// criteria file and those after it a scores file; without one, the bytes are
// a criteria file. A refusal must name a place and a reason, with no control
// characters; accepted criteria must pass CheckCriteria; accepted scores
// must be evaluated without a crash, and an accepted evaluation must rank
// by exact totals in order, with every total the sum of its parts.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "procurement/evaluation.h"
#include "procurement/procurement_files.h"

namespace csu::fuzz {

inline std::string CheckRefusal(const Error& e) {
  if (e.where.empty() || e.why.empty()) return "refusal without a place or reason";
  for (char c : e.where + e.why)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "control character in an error";
  return "";
}

inline std::string CheckEvaluation(const procurement::Evaluation& ev) {
  using procurement::Rational;
  for (size_t i = 0; i < ev.bids.size(); ++i) {
    const auto& b = ev.bids[i];
    if (b.excluded) {
      if (b.rank != 0) return "excluded bid ranked";
      continue;
    }
    Rational sum;
    for (const auto& c : b.criteria) sum += c.weighted;
    if (sum != b.non_price) return "non-price score is not the sum of its criteria";
    if (b.non_price + b.price_score != b.total) return "total is not quality plus price";
    if (b.total > Rational(100) || b.total < Rational(0)) return "total outside 0..100";
    if (i > 0 && !ev.bids[i - 1].excluded && ev.bids[i - 1].total < b.total) return "ranking out of order";
  }
  if (!ev.most_advantageous.empty() && ev.bids.front().bid != ev.most_advantageous) return "MAT is not ranked first";
  return "";
}

inline std::string CheckProcurementFiles(std::string_view data) {
  const size_t nul = data.find('\0');
  const std::string_view criteria_text = data.substr(0, nul);
  auto c = procurement::ParseCriteriaCsv("criteria.csv", criteria_text);
  if (!c.ok()) return CheckRefusal(c.error());
  if (Status s = procurement::CheckCriteria(c.value()); !s.ok()) return "accepted criteria fail CheckCriteria";
  if (nul == std::string_view::npos) return "";
  auto scores = procurement::ParseScoresCsv("scores.csv", data.substr(nul + 1), "e1");
  if (!scores.ok()) return CheckRefusal(scores.error());
  procurement::EvaluationInput in;
  in.criteria = c.value();
  std::set<std::string> bids;
  for (const auto& s : scores.value()) {
    if (s.evaluator != "e1") return "score lost its evaluator";
    bids.insert(s.bid);
  }
  int64_t price = 100;
  for (const auto& b : bids) in.bids.push_back({b, "bidder " + b, Money::FromPence(price += 37)});
  in.scores = scores.value();
  auto ev = procurement::Evaluate(in);
  if (!ev.ok()) return CheckRefusal(ev.error());
  return CheckEvaluation(ev.value());
}

}  // namespace csu::fuzz
