// Invariant checks for the cube partials' reader (analytics::PartialsFromJson,
// docs/formats/cube-partials-v1.md), what a node reads from another node.
// Shared by fuzz/cube_partials_fuzz.cc and
// src/analytics/cube_partials_fuzz_corpus_test.cc, which replays
// fuzz/corpus/cube_partials in the default suite. Header-only.
#pragma once

#include <string>
#include <string_view>

#include "analytics/cube_partials.h"

namespace csu::fuzz {

// Returns "" when every invariant held for `data` as an answer: either an
// error naming the node and saying why, or partials that (1) write back and
// read again to the same bytes, (2) merge with themselves to twice every
// cell or refuse with an overflow, changing nothing, and (3) render the
// cross-CCG view the same way twice.
inline std::string CheckCubePartials(std::string_view data) {
  auto r = analytics::PartialsFromJson(data, "node z");
  if (!r.ok()) {
    if (r.error().where != "node z") return "the error does not name the node: " + r.error().ToString();
    if (r.error().why.rfind("cube partials: ", 0) != 0 || r.error().why.size() <= 15) return "the error says nothing";
    return "";
  }
  const analytics::CubePartials& p = r.value();
  const std::string wire = analytics::PartialsToJson(p);
  auto back = analytics::PartialsFromJson(wire, "node z");
  if (!back.ok()) return "written partials do not read back: " + back.error().ToString();
  if (analytics::PartialsToJson(back.value()) != wire) return "partials do not round-trip";
  analytics::CubePartials twice = p;
  const Status merged = twice.Merge(p);
  if (merged.ok()) {
    for (const auto& [key, cells] : p.cells) {
      const auto& doubled = twice.cells.at(key);
      for (size_t i = 0; i < cells.size(); ++i)
        if (doubled[i].activity != 2 * cells[i].activity || doubled[i].pence != 2 * cells[i].pence)
          return "a merge did not add cell by cell";
    }
  } else if (analytics::PartialsToJson(twice) != wire) {
    return "a refused merge changed the partials";
  }
  std::set<std::string> ccgs;
  for (const auto& [key, cells] : p.cells) ccgs.insert(key.first);
  if (analytics::CrossCcgActivityJson(p, 0, ccgs) != analytics::CrossCcgActivityJson(back.value(), 0, ccgs))
    return "the view is not the same from the same partials";
  return "";
}

}  // namespace csu::fuzz
