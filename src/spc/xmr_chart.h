// An XmR (individuals) chart as NHS England's "Making Data Count" draws it,
// following NHSRplotthedots (rules, sources and our choices: docs/spc.md).
//
// For each limit group (the whole series, or the pieces between rebase
// periods), from its baseline (all its points, or the first
// fix_after_points of them):
//   mean        = mean of the baseline values
//   MR_i        = |y_i - y_(i-1)| within the group (none for its first point)
//   AMR         = mean of the baseline MRs; with screening, MRs >= 3.267 AMR
//                 are dropped and AMR is computed again from the rest
//   limits      = mean +/- 2.66 AMR; 2-sigma lines mean +/- 1.7733 AMR
// A group whose baseline has one point has a mean but no limits. When every
// baseline MR is 0 (all values equal) screening is skipped, as no range can
// be an outlier of a zero average, and the limits equal the mean.
// Each point then gets a special-cause rule (special_cause.h) and a point
// type from the improvement direction; the chart gets the variation icon of
// its last point and, with a target and a direction, an assurance icon from
// the last group's limits.
//
// Usage:
//   XmrOptions options;
//   options.improvement = Improvement::kDecrease;
//   options.target = 4.0;
//   auto chart = CalculateXmr({{"2024-04", 5.1}, {"2024-05", 4.8}, ...}, options);
//   if (!chart.ok()) return chart.error();   // where = "point 3 (2024-06)"
//   for (const XmrPoint& p : chart.value().points) ... p.type ...
//
// Pure function; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "spc/special_cause.h"

namespace csu::spc {

// Which way is better. kNeutral: changes either way are neither good nor bad
// (activity volumes), shown purple, and no assurance icon is possible.
enum class Improvement : uint8_t { kIncrease, kDecrease, kNeutral };

enum class PointType : uint8_t {
  kCommonCause,
  kSpecialCauseImprovement,
  kSpecialCauseConcern,
  kSpecialCauseNeutralHigh,
  kSpecialCauseNeutralLow,
};

// The MDC variation icon, from the last point's type and the direction.
enum class VariationIcon : uint8_t {
  kNone,  // empty series
  kCommonCause,
  kImprovementHigh,
  kImprovementLow,
  kConcernHigh,
  kConcernLow,
  kNeutralHigh,
  kNeutralLow,
};

// The MDC assurance icon: will the process meet the target?
enum class AssuranceIcon : uint8_t {
  kNone,  // no target, neutral direction, or the last group has no limits
  kConsistentPass,
  kConsistentFail,
  kInconsistent,  // the target lies within the process limits
};

// Stable snake_case names for output ("special_cause_improvement",
// "improvement_high", "consistent_pass", "increase"); kNone icons are "none".
std::string_view ImprovementName(Improvement improvement);
std::string_view PointTypeName(PointType type);
std::string_view VariationIconName(VariationIcon icon);
std::string_view AssuranceIconName(AssuranceIcon icon);
// "increase", "decrease" or "neutral"; anything else is an Error.
Result<Improvement> ParseImprovement(std::string_view text);

struct Observation {
  std::string period;  // a label, unique in the series; shown as given
  double value = 0;
};

struct XmrOptions {
  Improvement improvement = Improvement::kIncrease;
  std::optional<double> target;  // must be finite
  // Each listed period starts a new limit group (it must be in the series;
  // the first period is allowed and changes nothing).
  std::vector<std::string> rebase_periods;
  // 0: limits from every point of a group; n >= 2: from its first n points
  // only, then fixed for the rest of the group.
  int fix_after_points = 0;
  RuleOptions rules;                 // run_length must be 6 or 7
  bool screen_moving_ranges = true;  // NHSRplotthedots' screen_outliers
  // Limits from fewer points than this are "trial limits" and get a warning
  // (NHSRplotthedots' default threshold; MDC advises 15-20 points).
  int trial_limit_points = 13;
};

struct XmrPoint {
  std::string period;
  double value = 0;
  size_t group = 0;                    // index into XmrChart::groups
  std::optional<double> moving_range;  // none for the first point of a group
  // True when moving_range is part of the group's AMR: it is in the
  // baseline and was not screened out.
  bool moving_range_used = false;
  SpecialCauseRule rule = SpecialCauseRule::kNone;
  PointType type = PointType::kCommonCause;
};

struct XmrGroup {
  size_t first_point = 0;      // index into XmrChart::points
  size_t points = 0;
  size_t baseline_points = 0;  // points the limits come from
  size_t moving_ranges_screened = 0;
  XmrLimits limits;
};

struct XmrChart {
  std::vector<XmrPoint> points;
  std::vector<XmrGroup> groups;
  Improvement improvement = Improvement::kIncrease;
  std::optional<double> target;
  VariationIcon variation = VariationIcon::kNone;
  AssuranceIcon assurance = AssuranceIcon::kNone;
  // For the analyst, not printed here: trial limits, limits that collapse to
  // the mean. Plain sentences naming the periods concerned.
  std::vector<std::string> warnings;

  const XmrLimits& LimitsAt(size_t point) const { return groups[points[point].group].limits; }
};

// Calculates the chart. An empty series gives an empty chart (no groups,
// icons kNone). Errors, with where = "point N (PERIOD)" or the option name:
// a non-finite value or target, an empty or repeated period, a rebase period
// not in the series, run_length other than 6 or 7, fix_after_points of 1 or
// negative, a negative trial_limit_points.
Result<XmrChart> CalculateXmr(std::vector<Observation> series, const XmrOptions& options);

}  // namespace csu::spc
