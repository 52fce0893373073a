#include "spc/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "spc/axis_scale.h"

namespace csu::spc {

namespace {

// Making Data Count colours (NHSRplotthedots ptd_spc_colours) and NHS
// identity colours for text and furniture.
constexpr const char* kCommonCause = "#a6a6a6";
constexpr const char* kImprovement = "#00b0f0";
constexpr const char* kConcern = "#e46c0a";
constexpr const char* kNeutral = "#490092";
constexpr const char* kTarget = "#de1b1b";
constexpr const char* kValueLine = "#a6a6a6";
constexpr const char* kMeanLine = "#231f20";
constexpr const char* kLimitLine = "#768692";
constexpr const char* kText = "#231f20";
constexpr const char* kSubtleText = "#425563";
constexpr const char* kGrid = "#e8edee";
constexpr const char* kNhsBlue = "#005eb8";

const char* ColourOf(PointType type) {
  switch (type) {
    case PointType::kCommonCause: return kCommonCause;
    case PointType::kSpecialCauseImprovement: return kImprovement;
    case PointType::kSpecialCauseConcern: return kConcern;
    case PointType::kSpecialCauseNeutralHigh:
    case PointType::kSpecialCauseNeutralLow: return kNeutral;
  }
  return kCommonCause;
}

std::string_view PointTypeText(PointType type) {
  switch (type) {
    case PointType::kCommonCause: return "common cause";
    case PointType::kSpecialCauseImprovement: return "special cause, improvement";
    case PointType::kSpecialCauseConcern: return "special cause, concern";
    case PointType::kSpecialCauseNeutralHigh: return "special cause, neutral (high)";
    case PointType::kSpecialCauseNeutralLow: return "special cause, neutral (low)";
  }
  return "";
}

std::string_view RuleText(SpecialCauseRule rule) {
  switch (rule) {
    case SpecialCauseRule::kNone: return "";
    case SpecialCauseRule::kAboveUpperLimit: return "above the upper process limit";
    case SpecialCauseRule::kBelowLowerLimit: return "below the lower process limit";
    case SpecialCauseRule::kTrendIncreasing: return "part of an increasing trend";
    case SpecialCauseRule::kTrendDecreasing: return "part of a decreasing trend";
    case SpecialCauseRule::kTwoOfThreeAbove: return "two of three points above the upper 2-sigma line";
    case SpecialCauseRule::kTwoOfThreeBelow: return "two of three points below the lower 2-sigma line";
    case SpecialCauseRule::kShiftAbove: return "part of a run above the mean";
    case SpecialCauseRule::kShiftBelow: return "part of a run below the mean";
  }
  return "";
}

std::string_view VariationText(VariationIcon icon) {
  switch (icon) {
    case VariationIcon::kNone: return "none";
    case VariationIcon::kCommonCause: return "common cause variation";
    case VariationIcon::kImprovementHigh: return "special cause improvement (high)";
    case VariationIcon::kImprovementLow: return "special cause improvement (low)";
    case VariationIcon::kConcernHigh: return "special cause concern (high)";
    case VariationIcon::kConcernLow: return "special cause concern (low)";
    case VariationIcon::kNeutralHigh: return "special cause, neither improvement nor concern (high)";
    case VariationIcon::kNeutralLow: return "special cause, neither improvement nor concern (low)";
  }
  return "";
}

std::string_view AssuranceText(AssuranceIcon icon) {
  switch (icon) {
    case AssuranceIcon::kNone: return "none";
    case AssuranceIcon::kConsistentPass: return "the process will consistently meet the target";
    case AssuranceIcon::kConsistentFail: return "the process will consistently fail the target";
    case AssuranceIcon::kInconsistent: return "the process will inconsistently meet the target";
  }
  return "";
}

std::string Px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Characters, not bytes, for width estimates.
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A rough width of Arial text: 0.52 em a character on average (digits are
// 0.56, lower case ~0.5), erring wide so labels never touch.
double TextWidth(std::string_view s, double font_px) { return static_cast<double>(Utf8Length(s)) * font_px * 0.52; }

// At most `max_chars` characters, cut at a character boundary, with "…".
std::string Shorten(std::string_view s, size_t max_chars) {
  if (Utf8Length(s) <= max_chars) return std::string(s);
  size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == max_chars - 1) break;
  }
  return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

std::string Text(double x, double y, std::string_view text, const std::string& attributes) {
  return "<text x=\"" + Px(x) + "\" y=\"" + Px(y) + "\" " + attributes + ">" + XmlEscape(text) + "</text>\n";
}

std::string Line(double x1, double y1, double x2, double y2, const std::string& attributes) {
  return "<line x1=\"" + Px(x1) + "\" y1=\"" + Px(y1) + "\" x2=\"" + Px(x2) + "\" y2=\"" + Px(y2) + "\" " +
         attributes + "/>\n";
}

struct LegendItem {
  enum Kind { kDot, kSolid, kDashed } kind;
  const char* colour;
  std::string label;
  double width = 0;
  double x = 0;
  int row = 0;
};

// The MDC icons as simple circles: variation shows H or L in the signal's
// colour (a grey zigzag for common cause); assurance shows P, F or ?.
std::string VariationIconSvg(VariationIcon icon, double cx, double cy, double r) {
  const char* colour = kCommonCause;
  std::string letter;
  switch (icon) {
    case VariationIcon::kImprovementHigh: colour = kImprovement; letter = "H"; break;
    case VariationIcon::kImprovementLow: colour = kImprovement; letter = "L"; break;
    case VariationIcon::kConcernHigh: colour = kConcern; letter = "H"; break;
    case VariationIcon::kConcernLow: colour = kConcern; letter = "L"; break;
    case VariationIcon::kNeutralHigh: colour = kNeutral; letter = "H"; break;
    case VariationIcon::kNeutralLow: colour = kNeutral; letter = "L"; break;
    case VariationIcon::kCommonCause:
    case VariationIcon::kNone: break;
  }
  std::string s = "<g><title>Variation: " + XmlEscape(VariationText(icon)) + "</title>\n";
  s += "<circle cx=\"" + Px(cx) + "\" cy=\"" + Px(cy) + "\" r=\"" + Px(r) + "\" fill=\"#ffffff\" stroke=\"" + colour +
       "\" stroke-width=\"3\"/>\n";
  if (letter.empty()) {
    std::string points;
    const double dx[] = {-0.55, -0.28, 0.0, 0.28, 0.55}, dy[] = {0.15, -0.2, 0.2, -0.15, 0.1};
    for (int i = 0; i < 5; ++i) points += Px(cx + dx[i] * r) + "," + Px(cy + dy[i] * r) + " ";
    s += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + std::string(kCommonCause) +
         "\" stroke-width=\"2\"/>\n";
  } else {
    s += Text(cx, cy + r * 0.38, letter,
              "text-anchor=\"middle\" font-size=\"" + Px(r * 1.1) + "\" font-weight=\"bold\" fill=\"" + colour + "\"");
  }
  s += Text(cx, cy + r + 11, "Variation", "text-anchor=\"middle\" font-size=\"9\" fill=\"" + std::string(kSubtleText) + "\"");
  return s + "</g>\n";
}

std::string AssuranceIconSvg(AssuranceIcon icon, double cx, double cy, double r) {
  const char* colour = kCommonCause;
  std::string letter = "?";
  if (icon == AssuranceIcon::kConsistentPass) {
    colour = kImprovement;
    letter = "P";
  } else if (icon == AssuranceIcon::kConsistentFail) {
    colour = kConcern;
    letter = "F";
  }
  std::string s = "<g><title>Assurance: " + XmlEscape(AssuranceText(icon)) + "</title>\n";
  s += "<circle cx=\"" + Px(cx) + "\" cy=\"" + Px(cy) + "\" r=\"" + Px(r) + "\" fill=\"#ffffff\" stroke=\"" + colour +
       "\" stroke-width=\"3\"/>\n";
  s += Text(cx, cy + r * 0.38, letter,
            "text-anchor=\"middle\" font-size=\"" + Px(r * 1.1) + "\" font-weight=\"bold\" fill=\"" + colour + "\"");
  s += Text(cx, cy + r + 11, "Assurance", "text-anchor=\"middle\" font-size=\"9\" fill=\"" + std::string(kSubtleText) + "\"");
  return s + "</g>\n";
}

std::string Description(const XmrChart& chart, const SvgChartOptions& options) {
  if (chart.points.empty()) return "An XmR chart with no data.";
  const std::string units = options.units.empty() ? "" : " " + options.units;
  std::string d = "XmR chart of " + std::to_string(chart.points.size()) + " points from " +
                  chart.points.front().period + " to " + chart.points.back().period + ".";
  if (chart.groups.size() > 1) {
    d += " Limits are recalculated at";
    for (size_t g = 1; g < chart.groups.size(); ++g) {
      d += (g > 1 ? ", " : " ") + chart.points[chart.groups[g].first_point].period;
    }
    d += ".";
  }
  const XmrLimits& l = chart.groups.back().limits;
  d += std::string(chart.groups.size() > 1 ? " Latest limits: mean " : " Mean ") + FormatSignificant(l.mean, 4) + units;
  if (l.has_limits) {
    d += ", process limits " + FormatSignificant(l.lpl, 4) + " to " + FormatSignificant(l.upl, 4) + units;
  }
  d += ".";
  if (chart.target) d += " Target " + FormatSignificant(*chart.target, 4) + units + ".";
  size_t improvement = 0, concern = 0, neutral = 0;
  for (const XmrPoint& p : chart.points) {
    improvement += p.type == PointType::kSpecialCauseImprovement;
    concern += p.type == PointType::kSpecialCauseConcern;
    neutral += p.type == PointType::kSpecialCauseNeutralHigh || p.type == PointType::kSpecialCauseNeutralLow;
  }
  if (improvement + concern + neutral == 0) {
    d += " All points show common cause variation.";
  } else {
    d += " Special cause points:";
    std::string sep = " ";
    if (improvement) d += sep + std::to_string(improvement) + " improvement", sep = ", ";
    if (concern) d += sep + std::to_string(concern) + " concern", sep = ", ";
    if (neutral) d += sep + std::to_string(neutral) + " neutral";
    d += ".";
  }
  d += " Latest point " + chart.points.back().period + ": " + FormatSignificant(chart.points.back().value, 6) + units +
       ", " + std::string(VariationText(chart.variation)) + ".";
  if (chart.assurance != AssuranceIcon::kNone) d += " Assurance: " + std::string(AssuranceText(chart.assurance)) + ".";
  return d;
}

}  // namespace

std::string SvgChart(const XmrChart& chart, const SvgChartOptions& options) {
  const double width = std::max(options.width_px, 480);
  const double height = std::max(options.height_px, 320);
  const std::string title = options.title.empty() ? "XmR chart" : options.title;
  const std::string units = options.units.empty() ? "" : " " + options.units;
  const std::string y_title = options.y_label + (options.units.empty() ? "" : " (" + options.units + ")");

  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Px(width) + "\" height=\"" + Px(height) +
       "\" viewBox=\"0 0 " + Px(width) + " " + Px(height) +
       "\" role=\"img\" aria-labelledby=\"spc-title spc-desc\" font-family=\"Arial, Helvetica, sans-serif\">\n";
  s += "<title id=\"spc-title\">" + XmlEscape(title) + "</title>\n";
  s += "<desc id=\"spc-desc\">" + XmlEscape(Description(chart, options)) + "</desc>\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  s += "<rect width=\"100%\" height=\"4\" fill=\"" + std::string(kNhsBlue) + "\"/>\n";

  // Title, shortened to leave room for the icons.
  const double icons_width = chart.assurance != AssuranceIcon::kNone ? 104 : 60;
  const auto title_chars = static_cast<size_t>(std::max(10.0, (width - 24 - icons_width) / (18 * 0.58)));
  s += Text(16, 32, Shorten(title, title_chars), "font-size=\"18\" font-weight=\"bold\" fill=\"" + std::string(kText) + "\"");
  std::string subtitle = "XmR chart: mean and process limits";
  if (!chart.points.empty()) {
    subtitle += " \xC2\xB7 " + std::to_string(chart.points.size()) + " points, " + chart.points.front().period + " to " +
                chart.points.back().period;
  }
  subtitle += " \xC2\xB7 improvement: " + std::string(ImprovementName(chart.improvement));
  const auto subtitle_chars = static_cast<size_t>(std::max(10.0, (width - 24 - icons_width) / (12 * 0.52)));
  s += Text(16, 52, Shorten(subtitle, subtitle_chars), "font-size=\"12\" fill=\"" + std::string(kSubtleText) + "\"");
  if (chart.variation != VariationIcon::kNone) {
    const double r = 16, cy = 34;
    double cx = width - 30;
    if (chart.assurance != AssuranceIcon::kNone) {
      s += AssuranceIconSvg(chart.assurance, cx, cy, r);
      cx -= 44;
    }
    s += VariationIconSvg(chart.variation, cx, cy, r);
  }

  if (chart.points.empty()) {
    s += Text(width / 2, height / 2, "No data", "text-anchor=\"middle\" font-size=\"16\" fill=\"" +
                                                    std::string(kSubtleText) + "\"");
    return s + "</svg>\n";
  }

  // Legend entries present in this chart, laid out in rows from the left.
  std::vector<LegendItem> legend;
  auto has = [&](auto pred) { return std::any_of(chart.points.begin(), chart.points.end(), pred); };
  legend.push_back({LegendItem::kDot, kCommonCause, "Common cause"});
  if (has([](const XmrPoint& p) { return p.type == PointType::kSpecialCauseImprovement; })) {
    legend.push_back({LegendItem::kDot, kImprovement, "Special cause: improvement"});
  }
  if (has([](const XmrPoint& p) { return p.type == PointType::kSpecialCauseConcern; })) {
    legend.push_back({LegendItem::kDot, kConcern, "Special cause: concern"});
  }
  if (has([](const XmrPoint& p) {
        return p.type == PointType::kSpecialCauseNeutralHigh || p.type == PointType::kSpecialCauseNeutralLow;
      })) {
    legend.push_back({LegendItem::kDot, kNeutral, "Special cause: neutral"});
  }
  legend.push_back({LegendItem::kSolid, kMeanLine, "Mean"});
  const bool any_limits = std::any_of(chart.groups.begin(), chart.groups.end(),
                                      [](const XmrGroup& g) { return g.limits.has_limits; });
  if (any_limits) legend.push_back({LegendItem::kDashed, kLimitLine, "Process limits"});
  if (chart.target) legend.push_back({LegendItem::kSolid, kTarget, "Target"});
  int legend_rows = 1;
  {
    double x = 16;
    for (LegendItem& item : legend) {
      item.width = 26 + TextWidth(item.label, 11) + 18;
      if (x + item.width > width - 16 && x > 16) {
        ++legend_rows;
        x = 16;
      }
      item.x = x;
      item.row = legend_rows - 1;
      x += item.width;
    }
  }

  // Plot area.
  const double plot_left = 80, plot_right = width - 100, plot_top = 84;
  const double plot_bottom = height - 70 - 18.0 * legend_rows;
  const double plot_w = plot_right - plot_left, plot_h = plot_bottom - plot_top;

  double lo = chart.points[0].value, hi = lo;
  for (const XmrPoint& p : chart.points) lo = std::min(lo, p.value), hi = std::max(hi, p.value);
  for (const XmrGroup& g : chart.groups) {
    lo = std::min(lo, g.limits.mean), hi = std::max(hi, g.limits.mean);
    if (g.limits.has_limits) lo = std::min(lo, g.limits.lpl), hi = std::max(hi, g.limits.upl);
  }
  if (chart.target) lo = std::min(lo, *chart.target), hi = std::max(hi, *chart.target);
  const AxisScale y = NiceScale(lo, hi, std::max(3, static_cast<int>(plot_h / 45)));
  auto ymap = [&](double v) { return plot_bottom - (v - y.min) / (y.max - y.min) * plot_h; };
  const size_t n = chart.points.size();
  const double step = plot_w / static_cast<double>(n);
  auto xmap = [&](size_t i) { return plot_left + step * (static_cast<double>(i) + 0.5); };

  // Grid and y axis.
  for (double t : y.ticks) {
    const double py = ymap(t);
    s += Line(plot_left, py, plot_right, py, "stroke=\"" + std::string(kGrid) + "\" stroke-width=\"1\"");
    s += Text(plot_left - 8, py + 4, FormatNumber(t, y.decimals),
              "text-anchor=\"end\" font-size=\"11\" fill=\"" + std::string(kSubtleText) + "\"");
  }
  s += Line(plot_left, plot_bottom, plot_right, plot_bottom, "stroke=\"" + std::string(kLimitLine) + "\" stroke-width=\"1\"");
  s += "<text transform=\"translate(20," + Px(plot_top + plot_h / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"" + std::string(kText) + "\">" +
       XmlEscape(y_title) + "</text>\n";

  // X axis: a tick per point (per label when points are dense), labels
  // thinned so they do not collide.
  double label_w = 0;
  std::vector<std::string> labels;
  for (const XmrPoint& p : chart.points) {
    labels.push_back(Shorten(p.period, 16));
    label_w = std::max(label_w, TextWidth(labels.back(), 11) + 10);
  }
  const auto every = static_cast<size_t>(std::max(1.0, std::ceil(label_w / step)));
  for (size_t i = 0; i < n; ++i) {
    const bool labelled = i % every == 0;
    if (!labelled && step < 6) continue;
    s += Line(xmap(i), plot_bottom, xmap(i), plot_bottom + (labelled ? 5 : 3),
              "stroke=\"" + std::string(kLimitLine) + "\" stroke-width=\"1\"");
    if (labelled) {
      s += Text(xmap(i), plot_bottom + 18, labels[i],
                "text-anchor=\"middle\" font-size=\"11\" fill=\"" + std::string(kSubtleText) + "\"");
    }
  }
  s += Text(plot_left + plot_w / 2, plot_bottom + 40, options.x_label,
            "text-anchor=\"middle\" font-size=\"12\" fill=\"" + std::string(kText) + "\"");

  // Mean and limits per group; a dotted rule where the limits were rebased.
  const std::string limit_style = "stroke=\"" + std::string(kLimitLine) + "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"";
  const std::string mean_style = "stroke=\"" + std::string(kMeanLine) + "\" stroke-width=\"1.5\"";
  for (size_t g = 0; g < chart.groups.size(); ++g) {
    const XmrGroup& group = chart.groups[g];
    const double x1 = xmap(group.first_point) - (group.points == 1 ? step / 2 : 0);
    const double x2 = xmap(group.first_point + group.points - 1) + (group.points == 1 ? step / 2 : 0);
    if (g > 0) {
      const double xr = xmap(group.first_point) - step / 2;
      s += "<g><title>Limits recalculated from " + XmlEscape(chart.points[group.first_point].period) + "</title>" +
           Line(xr, plot_top, xr, plot_bottom, "stroke=\"" + std::string(kNhsBlue) + "\" stroke-width=\"1\" stroke-dasharray=\"2 3\"") +
           "</g>\n";
    }
    s += Line(x1, ymap(group.limits.mean), x2, ymap(group.limits.mean), mean_style);
    if (group.limits.has_limits) {
      s += Line(x1, ymap(group.limits.upl), x2, ymap(group.limits.upl), limit_style);
      s += Line(x1, ymap(group.limits.lpl), x2, ymap(group.limits.lpl), limit_style);
    }
  }
  if (chart.target) {
    s += Line(plot_left, ymap(*chart.target), plot_right, ymap(*chart.target),
              "stroke=\"" + std::string(kTarget) + "\" stroke-width=\"1.5\"");
  }

  // The series, then its points on top.
  std::string points;
  for (size_t i = 0; i < n; ++i) points += Px(xmap(i)) + "," + Px(ymap(chart.points[i].value)) + " ";
  s += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + std::string(kValueLine) +
       "\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>\n";
  const double radius = std::clamp(step * 0.35, 2.0, 4.5);
  for (size_t i = 0; i < n; ++i) {
    const XmrPoint& p = chart.points[i];
    std::string tip = p.period + ": " + FormatSignificant(p.value, 6) + units + ", " + std::string(PointTypeText(p.type));
    if (p.rule != SpecialCauseRule::kNone) tip += " (" + std::string(RuleText(p.rule)) + ")";
    s += "<circle cx=\"" + Px(xmap(i)) + "\" cy=\"" + Px(ymap(p.value)) + "\" r=\"" + Px(radius) + "\" fill=\"" +
         ColourOf(p.type) + "\"><title>" + XmlEscape(tip) + "</title></circle>\n";
  }

  // Labels right of the plot for the last group's lines, pushed apart so
  // they do not overlap; one decimal finer than the axis, so they line up.
  const int label_decimals = std::min(y.decimals + 1, 6);
  struct EndLabel {
    double y;
    std::string text;
    const char* colour;
  };
  std::vector<EndLabel> ends;
  const XmrLimits& last = chart.groups.back().limits;
  ends.push_back({ymap(last.mean), "Mean " + FormatNumber(last.mean, label_decimals), kMeanLine});
  if (last.has_limits) {
    ends.push_back({ymap(last.upl), "UPL " + FormatNumber(last.upl, label_decimals), kSubtleText});
    ends.push_back({ymap(last.lpl), "LPL " + FormatNumber(last.lpl, label_decimals), kSubtleText});
  }
  if (chart.target) ends.push_back({ymap(*chart.target), "Target " + FormatSignificant(*chart.target, 4), kTarget});
  std::sort(ends.begin(), ends.end(), [](const EndLabel& a, const EndLabel& b) { return a.y < b.y; });
  for (size_t i = 1; i < ends.size(); ++i) ends[i].y = std::max(ends[i].y, ends[i - 1].y + 13);
  const double overflow = ends.empty() ? 0 : ends.back().y - (plot_bottom + 4);
  for (EndLabel& e : ends) {
    if (overflow > 0) e.y -= overflow;
    s += Text(plot_right + 8, e.y + 4, Shorten(e.text, 14), "font-size=\"11\" fill=\"" + std::string(e.colour) + "\"");
  }

  // Legend.
  const double legend_top = height - 14 - 18.0 * (legend_rows - 1);
  for (const LegendItem& item : legend) {
    const double ly = legend_top + 18.0 * item.row;
    const std::string colour = item.colour;
    if (item.kind == LegendItem::kDot) {
      s += "<circle cx=\"" + Px(item.x + 11) + "\" cy=\"" + Px(ly - 4) + "\" r=\"4.5\" fill=\"" + colour + "\"/>\n";
    } else {
      s += Line(item.x, ly - 4, item.x + 22, ly - 4,
                "stroke=\"" + colour + "\" stroke-width=\"1.5\"" +
                    (item.kind == LegendItem::kDashed ? " stroke-dasharray=\"6 4\"" : ""));
    }
    s += Text(item.x + 28, ly, item.label, "font-size=\"11\" fill=\"" + std::string(kText) + "\"");
  }
  return s + "</svg>\n";
}

}  // namespace csu::spc
