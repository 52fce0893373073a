// Invariant checks for the CSU overview figures' reader
// (analytics::OverviewFromJson, docs/formats/overview-figures-v1.md), what a
// node reads from another node. Shared by fuzz/overview_figures_fuzz.cc and
// src/analytics/overview_figures_fuzz_corpus_test.cc, which replays
// fuzz/corpus/overview_figures in the default suite. Header-only.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "analytics/overview_figures.h"

namespace csu::fuzz {

// Returns "" when every invariant held for `data` as an answer for group
// g1 (02E, 27D, 03F) in 2018/19: either an error naming the node and saying
// why, or figures of the group's CCGs only, each month 1 to 12, that write
// back and read again to the same figures and bytes.
inline std::string CheckOverviewFigures(std::string_view data) {
  const FinancialYear year(2018);
  const std::set<std::string> members = {"02E", "03F", "27D"};
  auto r = analytics::OverviewFromJson(data, "node z", year, "g1", members);
  if (!r.ok()) {
    if (r.error().where != "node z") return "the error does not name the node: " + r.error().ToString();
    if (r.error().why.rfind("overview figures: ", 0) != 0 || r.error().why.size() <= 18) return "the error says nothing";
    return "";
  }
  for (const auto& [ccg, f] : r.value()) {
    if (!members.count(ccg)) return "a CCG outside the group was accepted";
    if (f.month < 1 || f.month > 12) return "a month outside 1 to 12 was accepted";
  }
  const std::string wire = analytics::OverviewToJson(year, "g1", r.value());
  auto back = analytics::OverviewFromJson(wire, "node z", year, "g1", members);
  if (!back.ok()) return "written figures do not read back: " + back.error().ToString();
  if (back.value() != r.value()) return "figures do not round-trip";
  if (analytics::OverviewToJson(year, "g1", back.value()) != wire) return "the bytes do not round-trip";
  if (analytics::OverviewFromJson(wire, "node z", FinancialYear(2019), "g1", members).ok())
    return "an answer for another year was accepted";
  if (analytics::OverviewFromJson(wire, "node z", year, "g2", members).ok()) return "an answer for another group was accepted";
  return "";
}

}  // namespace csu::fuzz
