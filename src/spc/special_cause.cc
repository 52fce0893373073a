#include "spc/special_cause.h"

#include <cstddef>

namespace csu::spc {

XmrLimits XmrLimits::MeanOnly(double mean) {
  XmrLimits l;
  l.mean = mean;
  return l;
}

XmrLimits XmrLimits::FromMeanAndAmr(double mean, double average_moving_range) {
  XmrLimits l;
  l.mean = mean;
  l.has_limits = true;
  l.average_moving_range = average_moving_range;
  l.lpl = mean - kProcessLimitFactor * average_moving_range;
  l.upl = mean + kProcessLimitFactor * average_moving_range;
  l.lower_2sigma = mean - kTwoSigmaFactor * average_moving_range;
  l.upper_2sigma = mean + kTwoSigmaFactor * average_moving_range;
  return l;
}

int RuleDirection(SpecialCauseRule rule) {
  switch (rule) {
    case SpecialCauseRule::kAboveUpperLimit:
    case SpecialCauseRule::kTrendIncreasing:
    case SpecialCauseRule::kTwoOfThreeAbove:
    case SpecialCauseRule::kShiftAbove:
      return 1;
    case SpecialCauseRule::kBelowLowerLimit:
    case SpecialCauseRule::kTrendDecreasing:
    case SpecialCauseRule::kTwoOfThreeBelow:
    case SpecialCauseRule::kShiftBelow:
      return -1;
    case SpecialCauseRule::kNone:
      break;
  }
  return 0;
}

std::string_view RuleName(SpecialCauseRule rule) {
  switch (rule) {
    case SpecialCauseRule::kNone: return "none";
    case SpecialCauseRule::kAboveUpperLimit: return "above_upper_limit";
    case SpecialCauseRule::kBelowLowerLimit: return "below_lower_limit";
    case SpecialCauseRule::kTrendIncreasing: return "trend_increasing";
    case SpecialCauseRule::kTrendDecreasing: return "trend_decreasing";
    case SpecialCauseRule::kTwoOfThreeAbove: return "two_of_three_above";
    case SpecialCauseRule::kTwoOfThreeBelow: return "two_of_three_below";
    case SpecialCauseRule::kShiftAbove: return "shift_above";
    case SpecialCauseRule::kShiftBelow: return "shift_below";
  }
  return "none";
}

namespace {

int Sign(double x) { return (x > 0) - (x < 0); }

// Marks [first, last] of every window of `run` consecutive entries of `sign`
// that are all equal and non-zero with that sign; later windows overwrite
// earlier ones, so a point shared by two opposite runs takes the later one.
std::vector<int> RunsOf(const std::vector<int>& sign, size_t run) {
  std::vector<int> marked(sign.size(), 0);
  size_t length = 0;  // consecutive equal non-zero signs ending at i
  for (size_t i = 0; i < sign.size(); ++i) {
    length = (sign[i] != 0 && i > 0 && sign[i] == sign[i - 1]) ? length + 1 : (sign[i] != 0 ? 1 : 0);
    if (length >= run) {
      for (size_t j = i + 1 - run; j <= i; ++j) marked[j] = sign[i];
    }
  }
  return marked;
}

}  // namespace

std::vector<SpecialCauseRule> FindSpecialCauses(std::span<const double> values, const XmrLimits& limits,
                                                const RuleOptions& options) {
  const size_t n = values.size();
  const auto run = static_cast<size_t>(options.run_length);
  std::vector<SpecialCauseRule> rule(n, SpecialCauseRule::kNone);

  // Side of the mean, and each point's position relative to the limits.
  std::vector<int> side(n), beyond_limit(n, 0), counts_for_two_of_three(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const double y = values[i];
    side[i] = Sign(y - limits.mean);
    if (!limits.has_limits) continue;
    beyond_limit[i] = y > limits.upl ? 1 : (y < limits.lpl ? -1 : 0);
    const bool beyond_2sigma = y > limits.upper_2sigma || y < limits.lower_2sigma;
    counts_for_two_of_three[i] =
        beyond_2sigma && (options.two_of_three == TwoOfThreeCounting::kBeyondTwoSigma || beyond_limit[i] == 0);
  }

  // Trend: run - 1 consecutive differences of one strict sign cover `run`
  // points. difference[i] compares point i with point i - 1.
  std::vector<int> trend(n, 0);
  if (n >= run && run >= 2) {
    std::vector<int> difference(n, 0);
    for (size_t i = 1; i < n; ++i) difference[i] = Sign(values[i] - values[i - 1]);
    // Runs of differences start at index 1; difference[0] is 0 so never joins.
    std::vector<int> diff_runs = RunsOf(difference, run - 1);
    // A marked difference at i covers points i - 1 and i. Walking in time
    // order and overwriting makes the later trend win at a turning point.
    for (size_t i = 1; i < n; ++i) {
      if (diff_runs[i] == 0) continue;
      trend[i - 1] = diff_runs[i];
      trend[i] = diff_runs[i];
    }
  }

  // Two of three: windows of three points, all strictly on one side, with at
  // least two counting points; only the counting points are flagged.
  std::vector<int> two_of_three(n, 0);
  for (size_t i = 0; i + 2 < n; ++i) {
    const int s = side[i];
    if (s == 0 || side[i + 1] != s || side[i + 2] != s) continue;
    if (counts_for_two_of_three[i] + counts_for_two_of_three[i + 1] + counts_for_two_of_three[i + 2] < 2) continue;
    for (size_t j = i; j < i + 3; ++j) {
      if (counts_for_two_of_three[j]) two_of_three[j] = s;
    }
  }

  std::vector<int> shift = RunsOf(side, run);

  for (size_t i = 0; i < n; ++i) {
    if (beyond_limit[i] != 0) {
      rule[i] = beyond_limit[i] > 0 ? SpecialCauseRule::kAboveUpperLimit : SpecialCauseRule::kBelowLowerLimit;
    } else if (trend[i] != 0) {
      rule[i] = trend[i] > 0 ? SpecialCauseRule::kTrendIncreasing : SpecialCauseRule::kTrendDecreasing;
    } else if (two_of_three[i] != 0) {
      rule[i] = two_of_three[i] > 0 ? SpecialCauseRule::kTwoOfThreeAbove : SpecialCauseRule::kTwoOfThreeBelow;
    } else if (shift[i] != 0) {
      rule[i] = shift[i] > 0 ? SpecialCauseRule::kShiftAbove : SpecialCauseRule::kShiftBelow;
    }
  }
  return rule;
}

}  // namespace csu::spc
