// The SVG chart: structure, MDC colours, text alternatives and escaping.
// How it looks was checked by rendering it (docs/spc.md, "The chart").
#include "spc/svg_chart.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace csu::spc {
namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

size_t Count(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

XmrChart Chart(const std::vector<double>& values, XmrOptions options = {}) {
  std::vector<Observation> series;
  for (size_t i = 0; i < values.size(); ++i) series.push_back({"2024-" + std::to_string(10 + i), values[i]});
  auto chart = CalculateXmr(series, options);
  EXPECT_TRUE(chart.ok());
  return chart.value();
}

// Baseline 10/11 then 30 above the UPL (an improvement when increase is
// better) and the nine below the mean a shift (a concern).
const std::vector<double> kSpike{10, 11, 10, 11, 10, 11, 10, 11, 10, 30};

TEST(SpcSvgTest, IsOneSelfContainedSvgDocument) {
  std::string svg = SvgChart(Chart(kSpike), {});
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(Count(svg, "<svg"), 1u);
  EXPECT_FALSE(Contains(svg, "<script"));
  EXPECT_FALSE(Contains(svg, "href"));
  EXPECT_FALSE(Contains(svg, "url("));
  EXPECT_FALSE(Contains(svg, "@import"));
  EXPECT_TRUE(Contains(svg, "font-family=\"Arial, Helvetica, sans-serif\""));
}

TEST(SpcSvgTest, HasATextAlternative) {
  SvgChartOptions o;
  o.title = "Emergency admissions";
  std::string svg = SvgChart(Chart(kSpike), o);
  EXPECT_TRUE(Contains(svg, "role=\"img\" aria-labelledby=\"spc-title spc-desc\"")) << svg;
  EXPECT_TRUE(Contains(svg, "<title id=\"spc-title\">Emergency admissions</title>"));
  EXPECT_TRUE(Contains(svg, "<desc id=\"spc-desc\">XmR chart of 10 points from 2024-10 to 2024-19.")) << svg;
  EXPECT_TRUE(Contains(svg, "Special cause points: 1 improvement, 9 concern.")) << svg;
}

TEST(SpcSvgTest, PointsCarryTheMakingDataCountColours) {
  std::string svg = SvgChart(Chart(kSpike), {});
  EXPECT_EQ(Count(svg, "fill=\"#00b0f0\"><title>"), 1u);  // the 30: improvement
  EXPECT_EQ(Count(svg, "fill=\"#e46c0a\"><title>"), 9u);  // the shift below: concern
  XmrOptions neutral;
  neutral.improvement = Improvement::kNeutral;
  EXPECT_EQ(Count(SvgChart(Chart(kSpike, neutral), {}), "fill=\"#490092\"><title>"), 10u);
  std::string calm = SvgChart(Chart({10, 12, 11, 13, 12}), {});
  EXPECT_EQ(Count(calm, "fill=\"#a6a6a6\"><title>"), 5u);
}

TEST(SpcSvgTest, DrawsLimitsDashedAndTheTargetInRed) {
  XmrOptions o;
  o.target = 14;
  std::string svg = SvgChart(Chart({10, 12, 11, 13, 12}, o), {});
  EXPECT_EQ(Count(svg, "stroke-dasharray=\"6 4\"/>"), 2u + 1u);  // UPL, LPL and the legend sample
  EXPECT_TRUE(Contains(svg, "stroke=\"#de1b1b\""));
  EXPECT_TRUE(Contains(svg, ">Target 14</text>"));
  // Ticks every 2 (no decimals): line labels get one decimal.
  EXPECT_TRUE(Contains(svg, ">UPL 15.6</text>")) << svg;
  EXPECT_TRUE(Contains(svg, ">LPL 7.6</text>"));
  EXPECT_TRUE(Contains(svg, ">Mean 11.6</text>"));
  // Assurance icon drawn: the target is inside the limits.
  EXPECT_TRUE(Contains(svg, "<title>Assurance: the process will inconsistently meet the target</title>"));
}

TEST(SpcSvgTest, YTicksAreNiceNumbers) {
  std::string svg = SvgChart(Chart({10, 12, 11, 13, 12}), {});
  // Limits 7.61-15.59 give ticks at whole numbers.
  EXPECT_TRUE(Contains(svg, ">8</text>") || Contains(svg, ">6</text>")) << svg;
  EXPECT_TRUE(Contains(svg, ">16</text>")) << svg;
  EXPECT_FALSE(Contains(svg, ">7.61</text>"));
}

TEST(SpcSvgTest, AxisLabelsIncludeUnits) {
  SvgChartOptions o;
  o.y_label = "Seen within 4 hours";
  o.units = "%";
  o.x_label = "Month";
  std::string svg = SvgChart(Chart(kSpike), o);
  EXPECT_TRUE(Contains(svg, ">Seen within 4 hours (%)</text>"));
  EXPECT_TRUE(Contains(svg, ">Month</text>"));
  EXPECT_TRUE(Contains(svg, "<title>2024-19: 30 %, special cause, improvement (above the upper process limit)</title>"))
      << svg;
}

TEST(SpcSvgTest, ThinsPeriodLabelsWhenThereAreMany) {
  std::vector<double> values;
  for (int i = 0; i < 120; ++i) values.push_back(10 + (i % 3));
  std::string svg = SvgChart(Chart(values), {});
  // Each label is "2024-NNN" (8 characters): a 720-pixel plot cannot show
  // all 120, but shows more than a handful.
  const size_t labels = Count(svg, "text-anchor=\"middle\" font-size=\"11\"");
  EXPECT_LT(labels, 40u);
  EXPECT_GT(labels, 5u);
  EXPECT_TRUE(Contains(svg, ">2024-10</text>"));  // the first is always shown
  std::string few = SvgChart(Chart({1, 2, 3, 2, 1}), {});
  EXPECT_EQ(Count(few, "text-anchor=\"middle\" font-size=\"11\""), 5u);
}

TEST(SpcSvgTest, EscapesEveryTextFromTheCaller) {
  std::vector<Observation> series{{"<b>&\"Q1\"", 1}, {"Q2 <script>alert(1)</script>", 2}, {"Q3'", 3}};
  auto chart = CalculateXmr(series, {});
  ASSERT_TRUE(chart.ok());
  SvgChartOptions o;
  o.title = "Beds & <trolleys>";
  o.y_label = "\"occupied\"";
  o.units = "<%>";
  std::string svg = SvgChart(chart.value(), o);
  EXPECT_FALSE(Contains(svg, "<script"));
  EXPECT_FALSE(Contains(svg, "<b>"));
  EXPECT_FALSE(Contains(svg, "<trolleys>"));
  EXPECT_FALSE(Contains(svg, "<%>"));
  EXPECT_TRUE(Contains(svg, "Beds &amp; &lt;trolleys&gt;"));
  EXPECT_TRUE(Contains(svg, "&lt;b&gt;&amp;&quot;Q1&quot;"));
  EXPECT_TRUE(Contains(svg, "Q3&#39;"));
}

TEST(SpcSvgTest, XmlEscapeHandlesControlsAndInvalidUtf8) {
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(XmlEscape(std::string("x\x01y\x1Fz", 5)), "x y z");
  EXPECT_EQ(XmlEscape("caf\xC3\xA9"), "caf\xC3\xA9");  // valid UTF-8 kept
  EXPECT_EQ(XmlEscape("bad\xFF"), "bad?");
}

TEST(SpcSvgTest, EmptyAndSinglePointCharts) {
  XmrChart empty;
  std::string svg = SvgChart(empty, {});
  EXPECT_TRUE(Contains(svg, ">No data</text>"));
  EXPECT_TRUE(Contains(svg, "<desc id=\"spc-desc\">An XmR chart with no data.</desc>"));
  std::string one = SvgChart(Chart({42}), {});
  EXPECT_TRUE(Contains(one, ">Mean 42.0</text>")) << one;  // axis 36-48 by 2
  EXPECT_FALSE(Contains(one, ">UPL"));
  EXPECT_FALSE(Contains(one, "nan"));
  std::string flat = SvgChart(Chart(std::vector<double>(15, 5.0)), {});
  EXPECT_FALSE(Contains(flat, "nan"));
  EXPECT_FALSE(Contains(flat, "inf"));
}

TEST(SpcSvgTest, RebaseIsMarkedAndLimitsDrawnPerGroup) {
  XmrOptions o;
  o.rebase_periods = {"2024-15"};
  std::string svg = SvgChart(Chart({10, 11, 10, 11, 10, 20, 22, 20, 22, 20}, o), {});
  EXPECT_TRUE(Contains(svg, "<title>Limits recalculated from 2024-15</title>"));
  EXPECT_EQ(Count(svg, "stroke-dasharray=\"6 4\"/>"), 4u + 1u);  // two groups x (UPL, LPL) + legend
  EXPECT_TRUE(Contains(svg, "Limits are recalculated at 2024-15."));
}

}  // namespace
}  // namespace csu::spc
