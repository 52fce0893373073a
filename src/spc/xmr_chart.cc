#include "spc/xmr_chart.h"

#include <cmath>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace csu::spc {

std::string_view ImprovementName(Improvement improvement) {
  switch (improvement) {
    case Improvement::kIncrease: return "increase";
    case Improvement::kDecrease: return "decrease";
    case Improvement::kNeutral: return "neutral";
  }
  return "increase";
}

std::string_view PointTypeName(PointType type) {
  switch (type) {
    case PointType::kCommonCause: return "common_cause";
    case PointType::kSpecialCauseImprovement: return "special_cause_improvement";
    case PointType::kSpecialCauseConcern: return "special_cause_concern";
    case PointType::kSpecialCauseNeutralHigh: return "special_cause_neutral_high";
    case PointType::kSpecialCauseNeutralLow: return "special_cause_neutral_low";
  }
  return "common_cause";
}

std::string_view VariationIconName(VariationIcon icon) {
  switch (icon) {
    case VariationIcon::kNone: return "none";
    case VariationIcon::kCommonCause: return "common_cause";
    case VariationIcon::kImprovementHigh: return "improvement_high";
    case VariationIcon::kImprovementLow: return "improvement_low";
    case VariationIcon::kConcernHigh: return "concern_high";
    case VariationIcon::kConcernLow: return "concern_low";
    case VariationIcon::kNeutralHigh: return "neutral_high";
    case VariationIcon::kNeutralLow: return "neutral_low";
  }
  return "none";
}

std::string_view AssuranceIconName(AssuranceIcon icon) {
  switch (icon) {
    case AssuranceIcon::kNone: return "none";
    case AssuranceIcon::kConsistentPass: return "consistent_pass";
    case AssuranceIcon::kConsistentFail: return "consistent_fail";
    case AssuranceIcon::kInconsistent: return "inconsistent";
  }
  return "none";
}

Result<Improvement> ParseImprovement(std::string_view text) {
  if (text == "increase") return Improvement::kIncrease;
  if (text == "decrease") return Improvement::kDecrease;
  if (text == "neutral") return Improvement::kNeutral;
  return MakeError("", "improvement direction '" + std::string(text) + "' is not increase, decrease or neutral");
}

namespace {

std::string PointWhere(size_t index, const std::string& period) {
  return "point " + std::to_string(index + 1) + " (" + period + ")";
}

Status CheckInput(const std::vector<Observation>& series, const XmrOptions& options) {
  if (options.rules.run_length != 6 && options.rules.run_length != 7) {
    return MakeError("run length", "must be 6 or 7 points, not " + std::to_string(options.rules.run_length));
  }
  if (options.fix_after_points < 0 || options.fix_after_points == 1) {
    return MakeError("fix after points",
                     "must be 0 (use every point) or at least 2, not " + std::to_string(options.fix_after_points));
  }
  if (options.trial_limit_points < 0) return MakeError("trial limit points", "must not be negative");
  if (options.target && !std::isfinite(*options.target)) return MakeError("target", "is not a finite number");
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < series.size(); ++i) {
    const Observation& o = series[i];
    if (o.period.empty()) return MakeError(PointWhere(i, o.period), "the period is empty");
    if (!std::isfinite(o.value)) {
      return MakeError(PointWhere(i, o.period), "the value is not a finite number (NaN and infinity are refused)");
    }
    auto [it, inserted] = seen.emplace(o.period, i);
    if (!inserted) {
      return MakeError(PointWhere(i, o.period),
                       "the period repeats point " + std::to_string(it->second + 1) + "; periods must be unique");
    }
  }
  for (const std::string& period : options.rebase_periods) {
    if (!seen.contains(period)) return MakeError("rebase", "period '" + period + "' is not in the series");
  }
  return Status::Ok();
}

// Mean and screened average moving range of one group's baseline; fills the
// points' moving ranges.
XmrGroup Limits(std::vector<XmrPoint>& points, size_t first, size_t count, const XmrOptions& options) {
  XmrGroup group;
  group.first_point = first;
  group.points = count;
  group.baseline_points = options.fix_after_points > 0
                              ? std::min(count, static_cast<size_t>(options.fix_after_points))
                              : count;
  for (size_t i = first + 1; i < first + count; ++i) {
    points[i].moving_range = std::fabs(points[i].value - points[i - 1].value);
  }
  double sum = 0;
  for (size_t i = first; i < first + group.baseline_points; ++i) sum += points[i].value;
  const double mean = sum / static_cast<double>(group.baseline_points);
  if (group.baseline_points < 2) {
    group.limits = XmrLimits::MeanOnly(mean);
    return group;
  }

  const size_t mr_first = first + 1, mr_end = first + group.baseline_points;
  double mr_sum = 0;
  for (size_t i = mr_first; i < mr_end; ++i) mr_sum += *points[i].moving_range;
  double amr = mr_sum / static_cast<double>(mr_end - mr_first);
  for (size_t i = mr_first; i < mr_end; ++i) points[i].moving_range_used = true;
  if (options.screen_moving_ranges && amr > 0) {
    const double cut = kMovingRangeScreenFactor * amr;
    double kept_sum = 0;
    size_t kept = 0;
    for (size_t i = mr_first; i < mr_end; ++i) {
      if (*points[i].moving_range >= cut) {
        points[i].moving_range_used = false;
        ++group.moving_ranges_screened;
      } else {
        kept_sum += *points[i].moving_range;
        ++kept;
      }
    }
    // At least one MR is below 3.267 times the mean of them all, so kept > 0.
    amr = kept_sum / static_cast<double>(kept);
  }
  group.limits = XmrLimits::FromMeanAndAmr(mean, amr);
  return group;
}

PointType TypeOf(SpecialCauseRule rule, Improvement improvement) {
  const int direction = RuleDirection(rule);
  if (direction == 0) return PointType::kCommonCause;
  if (improvement == Improvement::kNeutral) {
    return direction > 0 ? PointType::kSpecialCauseNeutralHigh : PointType::kSpecialCauseNeutralLow;
  }
  const int better = improvement == Improvement::kIncrease ? 1 : -1;
  return direction == better ? PointType::kSpecialCauseImprovement : PointType::kSpecialCauseConcern;
}

VariationIcon VariationOf(PointType last, Improvement improvement) {
  const bool increase = improvement == Improvement::kIncrease;
  switch (last) {
    case PointType::kCommonCause: return VariationIcon::kCommonCause;
    case PointType::kSpecialCauseNeutralHigh: return VariationIcon::kNeutralHigh;
    case PointType::kSpecialCauseNeutralLow: return VariationIcon::kNeutralLow;
    // Improvement is high when higher is better; concern is the other side.
    case PointType::kSpecialCauseImprovement:
      return increase ? VariationIcon::kImprovementHigh : VariationIcon::kImprovementLow;
    case PointType::kSpecialCauseConcern: return increase ? VariationIcon::kConcernLow : VariationIcon::kConcernHigh;
  }
  return VariationIcon::kCommonCause;
}

AssuranceIcon AssuranceOf(const XmrChart& chart) {
  if (!chart.target || chart.improvement == Improvement::kNeutral || chart.groups.empty()) {
    return AssuranceIcon::kNone;
  }
  const XmrLimits& l = chart.groups.back().limits;
  if (!l.has_limits) return AssuranceIcon::kNone;
  const bool increase = chart.improvement == Improvement::kIncrease;
  if (*chart.target > l.upl) return increase ? AssuranceIcon::kConsistentFail : AssuranceIcon::kConsistentPass;
  if (*chart.target < l.lpl) return increase ? AssuranceIcon::kConsistentPass : AssuranceIcon::kConsistentFail;
  return AssuranceIcon::kInconsistent;
}

std::string Span(const XmrChart& chart, const XmrGroup& g) {
  const std::string& a = chart.points[g.first_point].period;
  const std::string& b = chart.points[g.first_point + g.points - 1].period;
  return g.points == 1 ? "period " + a : "periods " + a + " to " + b;
}

void AddWarnings(XmrChart& chart, const XmrOptions& options) {
  for (const XmrGroup& g : chart.groups) {
    const std::string span = Span(chart, g);
    if (g.baseline_points < 2) {
      chart.warnings.push_back(span + ": one point cannot give process limits; only the mean is shown");
    } else if (static_cast<int>(g.baseline_points) < options.trial_limit_points) {
      chart.warnings.push_back(span + ": limits from " + std::to_string(g.baseline_points) +
                               " points are trial limits; at least " + std::to_string(options.trial_limit_points) +
                               " points are recommended");
    }
    if (g.limits.has_limits && g.limits.average_moving_range == 0) {
      chart.warnings.push_back(span + ": the baseline values are all equal, so the process limits equal the mean");
    }
  }
}

}  // namespace

Result<XmrChart> CalculateXmr(std::vector<Observation> series, const XmrOptions& options) {
  if (Status s = CheckInput(series, options); !s.ok()) return s.error();
  XmrChart chart;
  chart.improvement = options.improvement;
  chart.target = options.target;
  chart.points.reserve(series.size());
  for (Observation& o : series) {
    XmrPoint p;
    p.period = std::move(o.period);
    p.value = o.value;
    chart.points.push_back(std::move(p));
  }
  if (chart.points.empty()) return chart;

  const std::unordered_set<std::string_view> rebase(options.rebase_periods.begin(), options.rebase_periods.end());
  std::vector<size_t> starts{0};
  for (size_t i = 1; i < chart.points.size(); ++i) {
    if (rebase.contains(chart.points[i].period)) starts.push_back(i);
  }
  starts.push_back(chart.points.size());

  std::vector<double> values;
  for (size_t k = 0; k + 1 < starts.size(); ++k) {
    const size_t first = starts[k], count = starts[k + 1] - starts[k];
    XmrGroup group = Limits(chart.points, first, count, options);
    values.clear();
    for (size_t i = first; i < first + count; ++i) values.push_back(chart.points[i].value);
    std::vector<SpecialCauseRule> rules = FindSpecialCauses(values, group.limits, options.rules);
    for (size_t i = 0; i < count; ++i) {
      XmrPoint& p = chart.points[first + i];
      p.group = k;
      p.rule = rules[i];
      p.type = TypeOf(rules[i], options.improvement);
    }
    chart.groups.push_back(group);
  }
  chart.variation = VariationOf(chart.points.back().type, options.improvement);
  chart.assurance = AssuranceOf(chart);
  AddWarnings(chart, options);
  return chart;
}

}  // namespace csu::spc
