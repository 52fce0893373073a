// An int64 from a JSON number, for the readers of what nodes send each other
// (cube_partials.cc, overview_figures.cc): nlohmann keeps numbers above
// INT64_MAX as unsigned, and those are out of range, not wrapped.
#pragma once

#include <nlohmann/json.hpp>

#include <climits>
#include <cstdint>
#include <optional>

namespace csu::analytics {

inline std::optional<int64_t> Int64Of(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  return std::nullopt;
}

}  // namespace csu::analytics
