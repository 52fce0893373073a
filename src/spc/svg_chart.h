// Draws an XmrChart as a standalone SVG image in the NHS "Making Data Count"
// style: the series as a grey line with dots coloured by point type (grey
// common cause, blue #00b0f0 improvement, orange #e46c0a concern, purple
// #490092 neutral), the mean as a solid line and the process limits dashed,
// per limit group, the target in red #de1b1b, rebase points marked, labels
// for the last group's lines, y-axis ticks at nice numbers, period labels
// (thinned when they would collide), a legend, and the variation and
// assurance icons drawn as MDC-style circles.
//
// The image is self-contained: no script, no external fonts, images or
// styles. Every piece of text from the caller or the data is XML-escaped
// (and invalid UTF-8 replaced), so a period label cannot inject markup. It
// has a <title> and a <desc> (referenced by aria-labelledby) that say in
// words what the chart shows, and each dot has a tooltip.
//
// Usage:
//   SvgChartOptions o;
//   o.title = "A&E four-hour performance, RBT";
//   o.y_label = "Seen within 4 hours";
//   o.units = "%";
//   std::string svg = SvgChart(chart, o);
//
// Pure functions; safe from any thread.
#pragma once

#include "core/text.h"

#include <string>
#include <string_view>

#include "spc/xmr_chart.h"

namespace csu::spc {

struct SvgChartOptions {
  std::string title;  // empty: "XmR chart"
  std::string x_label = "Period";
  std::string y_label = "Value";
  std::string units;  // shown as "y_label (units)" and after values in tooltips
  int width_px = 900;   // clamped to at least 480
  int height_px = 500;  // clamped to at least 320
};

// The whole SVG document, starting "<svg" and ending "</svg>\n". An empty
// chart draws the title and "No data".
std::string SvgChart(const XmrChart& chart, const SvgChartOptions& options);

// The SVG text escaper lives in core (text.h); spc callers keep its old name.
using csu::XmlEscape;

}  // namespace csu::spc
