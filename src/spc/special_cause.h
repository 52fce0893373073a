// The four special-cause rules of NHS England's "Making Data Count" (MDC)
// XmR charts, applied to the points of one limit group (one rebase group).
// Rules and sources: docs/spc.md. In precedence order, the first rule that
// matches a point names it:
//   1. beyond a process limit: value > UPL or < LPL (strictly);
//   2. trend: `run_length` consecutive points each strictly higher (or each
//      strictly lower) than the one before; all of them are flagged and an
//      equal value breaks the run;
//   3. two of three: in any three consecutive points all strictly on one side
//      of the mean, at least two beyond the 2-sigma line on that side; the
//      points beyond it are flagged (which points count: TwoOfThreeCounting);
//   4. shift: `run_length` consecutive points strictly on one side of the
//      mean; a point exactly on the mean ends the run.
// Rules 1 and 3 need process limits; a group without them (one point, or a
// one-point baseline) is tested for trends and shifts only.
//
// Usage:
//   XmrLimits limits = XmrLimits::FromMeanAndAmr(10.0, 1.5);
//   std::vector<SpecialCauseRule> rules = FindSpecialCauses(values, limits, RuleOptions{});
//   if (rules[i] == SpecialCauseRule::kShiftAbove) ...
//
// Pure functions of their arguments; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace csu::spc {

// XmR constants (Wheeler): 2.66 = 3 / d2 with d2 = 1.128 for ranges of two;
// 3.267 = D4 for n = 2, the upper limit of the moving ranges themselves.
inline constexpr double kProcessLimitFactor = 2.66;
inline constexpr double kTwoSigmaFactor = 2.0 / 3.0 * kProcessLimitFactor;  // 1.7733...
inline constexpr double kMovingRangeScreenFactor = 3.267;

// The centre line and limits of one group. has_limits is false when there is
// no moving range to estimate the spread from; the mean is then still known.
struct XmrLimits {
  double mean = 0;
  bool has_limits = false;
  double average_moving_range = 0;  // after screening; 0 when !has_limits
  double lpl = 0;                   // lower process limit, mean - 2.66 AMR
  double upl = 0;                   // upper process limit, mean + 2.66 AMR
  double lower_2sigma = 0;          // mean - 1.7733 AMR
  double upper_2sigma = 0;          // mean + 1.7733 AMR

  static XmrLimits MeanOnly(double mean);
  static XmrLimits FromMeanAndAmr(double mean, double average_moving_range);
};

// Which points count toward "two of three beyond 2 sigma".
enum class TwoOfThreeCounting : uint8_t {
  // Every point beyond the 2-sigma line, including those beyond the process
  // limit: current MDC guidance (announced November 2023; NHSRplotthedots
  // issue #194). The default.
  kBeyondTwoSigma,
  // Only points between the 2-sigma line and the process limit, as
  // NHSRplotthedots v0.2.2 computes it (`close_to_limits`).
  kBetweenTwoAndThreeSigma,
};

struct RuleOptions {
  // Points in a trend or a shift: 7 (MDC's SPC default) or 6 (allowed by the
  // MDC Excel tool; NHSRplotthedots issue #202). Callers validate it.
  int run_length = 7;
  TwoOfThreeCounting two_of_three = TwoOfThreeCounting::kBeyondTwoSigma;
};

// Why a point is special cause; kNone for common cause. High/low variants
// say which way the signal points (above the mean, or an increasing trend).
enum class SpecialCauseRule : uint8_t {
  kNone,
  kAboveUpperLimit,
  kBelowLowerLimit,
  kTrendIncreasing,
  kTrendDecreasing,
  kTwoOfThreeAbove,
  kTwoOfThreeBelow,
  kShiftAbove,
  kShiftBelow,
};

// +1 for a signal upwards (above, increasing), -1 downwards, 0 for kNone.
int RuleDirection(SpecialCauseRule rule);

// Stable snake_case names used in CSV and JSON output, e.g. "shift_above";
// "none" for kNone.
std::string_view RuleName(SpecialCauseRule rule);

// The rule that labels each of `values` (one group, in time order) under
// `limits`. The result has values.size() entries. A point in both an
// increasing and a decreasing trend (the turning point between two trends)
// takes the later trend's direction, as NHSRplotthedots does.
std::vector<SpecialCauseRule> FindSpecialCauses(std::span<const double> values, const XmrLimits& limits,
                                                const RuleOptions& options);

}  // namespace csu::spc
