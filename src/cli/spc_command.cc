// `csu spc`: an NHS "Making Data Count" XmR chart of a period,value CSV:
// limits and special-cause rules per point (CSV or JSON on stdout), a
// summary with the variation and assurance icons on stderr, and optionally
// the chart as an SVG image. Rules: docs/spc.md.
#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/command.h"
#include "core/csv_reader.h"
#include "core/csv_writer.h"
#include "core/file.h"
#include "core/text.h"
#include "spc/svg_chart.h"
#include "spc/xmr_chart.h"

namespace csu::cli {
namespace {

struct SpcArgs {
  std::string input;
  std::string improvement = "increase";
  std::string target;  // parsed by ParseNumber, so "95%" gets a clear message
  std::vector<std::string> rebase;
  std::string format = "csv";
  std::string svg;
  std::string title;
  std::string y_label = "Value";
  std::string units;
  int run_length = 7;
  int fix_after = 0;
  std::string two_of_three = "beyond-2-sigma";
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Parses a decimal number the way an analyst writes one ("12", "-3.5",
// "1e3", "+4"); nullopt for anything else, including "1,234" and "95%".
std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (ptr != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return HUGE_VAL;  // refused below as not finite
  if (ec != std::errc()) return std::nullopt;
  return v;
}

// Reads `period,value` rows (a header naming both columns, in any order;
// other columns are ignored). Errors name the file and line.
Result<std::vector<spc::Observation>> ReadSeries(const std::string& path) {
  CSU_ASSIGN_OR_RETURN(text, ReadFile(path));
  if (Trim(text).find_first_not_of("\r\n") == std::string_view::npos) {
    return MakeError(path, "the file is empty; expected a header line 'period,value' and a row per period");
  }
  auto at = [&](int64_t line) { return path + ":" + std::to_string(line); };
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto header = reader.Next(fields);
  if (!header.ok()) return MakeError(at(reader.record_line()), header.error().why);
  const int64_t header_line = reader.record_line();
  int period_col = -1, value_col = -1;
  std::string names;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string name = Lower(Trim(fields[i]));
    if (name == "period" && period_col < 0) period_col = static_cast<int>(i);
    if (name == "value" && value_col < 0) value_col = static_cast<int>(i);
    names += (i ? "," : "") + std::string(fields[i]);
  }
  for (const auto& [col, name] : {std::pair{period_col, "period"}, std::pair{value_col, "value"}}) {
    if (col < 0) {
      return MakeError(at(header_line), std::string("no '") + name +
                                            "' column; the header must name the columns period and value (found: " +
                                            names + ")");
    }
  }
  const size_t columns = fields.size();

  std::vector<spc::Observation> series;
  std::unordered_map<std::string, int64_t> line_of;
  while (true) {
    auto next = reader.Next(fields);
    if (!next.ok()) return MakeError(path + ":" + std::to_string(reader.record_line()), next.error().why);
    if (!next.value()) break;
    const int64_t line = reader.record_line();
    if (fields.size() != columns) {
      return MakeError(at(line), "expected " + std::to_string(columns) + " fields as in the header, found " +
                                     std::to_string(fields.size()));
    }
    const std::string_view period = Trim(fields[static_cast<size_t>(period_col)]);
    const std::string_view value_text = Trim(fields[static_cast<size_t>(value_col)]);
    if (period.empty()) return MakeError(at(line), "the period is empty");
    if (!IsValidUtf8(period)) return MakeError(at(line), "the period is not valid UTF-8 text; save the file as UTF-8");
    if (value_text.empty()) {
      return MakeError(at(line), "the value for " + std::string(period) +
                                     " is empty; an XmR chart needs a value for every period");
    }
    std::optional<double> value = ParseNumber(value_text);
    if (!value) {
      return MakeError(at(line), "value '" + ReplaceInvalidUtf8(value_text, '?') +
                                     "' is not a number (write plain decimals such as 1234.5, without separators or %)");
    }
    if (!std::isfinite(*value)) {
      return MakeError(at(line), "value '" + std::string(value_text) + "' is not a finite number");
    }
    auto [it, inserted] = line_of.emplace(std::string(period), line);
    if (!inserted) {
      return MakeError(at(line), "period '" + std::string(period) + "' repeats line " + std::to_string(it->second) +
                                     "; each period must appear once");
    }
    series.push_back({std::string(period), *value});
  }
  if (series.empty()) return MakeError(path, "no data rows after the header");
  return series;
}

// Computed figures to 10 significant digits: enough for any analysis,
// without binary noise such as 7.609999999999999.
std::string Num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v == 0 ? 0.0 : v);
  return buf;
}

// Input values exactly as parsed (shortest text that reads back the same).
std::string Exact(double v) {
  char buf[40];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : Num(v);
}

std::string CsvOutput(const spc::XmrChart& chart) {
  std::string out =
      "period,value,mean,lpl,upl,lower_2sigma,upper_2sigma,moving_range,special_cause_rule,point_type\n";
  for (size_t i = 0; i < chart.points.size(); ++i) {
    const spc::XmrPoint& p = chart.points[i];
    const spc::XmrLimits& l = chart.LimitsAt(i);
    AppendCsvField(out, p.period);
    out += "," + Exact(p.value) + "," + Num(l.mean) + ",";
    if (l.has_limits) out += Num(l.lpl) + "," + Num(l.upl) + "," + Num(l.lower_2sigma) + "," + Num(l.upper_2sigma);
    else out += ",,,";
    out += "," + (p.moving_range ? Num(*p.moving_range) : std::string()) + ",";
    out += std::string(spc::RuleName(p.rule)) + "," + std::string(spc::PointTypeName(p.type)) + "\n";
  }
  return out;
}

nlohmann::json JsonNumber(bool present, double v) { return present ? nlohmann::json(v) : nlohmann::json(); }

std::string JsonOutput(const spc::XmrChart& chart, const SpcArgs& args, const spc::XmrOptions& options) {
  nlohmann::json groups = nlohmann::json::array();
  for (const spc::XmrGroup& g : chart.groups) {
    const spc::XmrLimits& l = g.limits;
    groups.push_back({{"first_period", chart.points[g.first_point].period},
                      {"last_period", chart.points[g.first_point + g.points - 1].period},
                      {"points", g.points},
                      {"baseline_points", g.baseline_points},
                      {"mean", l.mean},
                      {"average_moving_range", JsonNumber(l.has_limits, l.average_moving_range)},
                      {"moving_ranges_screened", g.moving_ranges_screened},
                      {"lpl", JsonNumber(l.has_limits, l.lpl)},
                      {"upl", JsonNumber(l.has_limits, l.upl)},
                      {"lower_2sigma", JsonNumber(l.has_limits, l.lower_2sigma)},
                      {"upper_2sigma", JsonNumber(l.has_limits, l.upper_2sigma)}});
  }
  nlohmann::json points = nlohmann::json::array();
  for (size_t i = 0; i < chart.points.size(); ++i) {
    const spc::XmrPoint& p = chart.points[i];
    const spc::XmrLimits& l = chart.LimitsAt(i);
    points.push_back({{"period", p.period},
                      {"value", p.value},
                      {"group", p.group},
                      {"mean", l.mean},
                      {"lpl", JsonNumber(l.has_limits, l.lpl)},
                      {"upl", JsonNumber(l.has_limits, l.upl)},
                      {"lower_2sigma", JsonNumber(l.has_limits, l.lower_2sigma)},
                      {"upper_2sigma", JsonNumber(l.has_limits, l.upper_2sigma)},
                      {"moving_range", JsonNumber(p.moving_range.has_value(), p.moving_range.value_or(0))},
                      {"special_cause_rule", spc::RuleName(p.rule)},
                      {"point_type", spc::PointTypeName(p.type)}});
  }
  nlohmann::json out = {
      {"input", args.input},
      {"improvement", spc::ImprovementName(chart.improvement)},
      {"target", JsonNumber(chart.target.has_value(), chart.target.value_or(0))},
      {"run_length", options.rules.run_length},
      {"two_of_three", args.two_of_three},
      {"fix_after_points", options.fix_after_points},
      {"variation_icon", spc::VariationIconName(chart.variation)},
      {"assurance_icon", spc::AssuranceIconName(chart.assurance)},
      {"groups", groups},
      {"points", points},
      {"warnings", chart.warnings},
  };
  return out.dump(2) + "\n";
}

void PrintSummary(const spc::XmrChart& chart, const SpcArgs& args) {
  const spc::XmrGroup& g = chart.groups.back();
  std::string latest = "mean " + Num(g.limits.mean);
  if (g.limits.has_limits) latest += ", process limits " + Num(g.limits.lpl) + " to " + Num(g.limits.upl);
  std::fprintf(stderr, "%s: %zu points, %zu limit group%s; %s limits: %s\n", args.input.c_str(), chart.points.size(),
               chart.groups.size(), chart.groups.size() == 1 ? "" : "s", chart.groups.size() == 1 ? "the" : "latest",
               latest.c_str());
  const spc::XmrPoint& last = chart.points.back();
  std::string why = std::string(spc::PointTypeName(last.type));
  if (last.rule != spc::SpecialCauseRule::kNone) why += ", " + std::string(spc::RuleName(last.rule));
  std::fprintf(stderr, "variation icon: %s (last point %s: %s)\n", std::string(spc::VariationIconName(chart.variation)).c_str(),
               last.period.c_str(), why.c_str());
  std::string assurance = std::string(spc::AssuranceIconName(chart.assurance));
  if (!chart.target) assurance += " (no --target given)";
  else if (chart.improvement == spc::Improvement::kNeutral) assurance += " (needs --improvement increase or decrease)";
  else if (!g.limits.has_limits) assurance += " (the last group has no process limits)";
  else assurance += " (target " + Num(*chart.target) + "; " + std::string(spc::ImprovementName(chart.improvement)) + " is better)";
  std::fprintf(stderr, "assurance icon: %s\n", assurance.c_str());
  for (const std::string& w : chart.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
}

int RunSpc(const SpcArgs& args) {
  spc::XmrOptions options;
  options.improvement = spc::ParseImprovement(args.improvement).value();  // CLI11 checked the name
  if (!args.target.empty()) {
    options.target = ParseNumber(Trim(args.target));
    if (!options.target || !std::isfinite(*options.target)) {
      PrintError("--target: '" + args.target + "' is not a finite number");
      return kExitUsage;
    }
  }
  options.rebase_periods = args.rebase;
  options.fix_after_points = args.fix_after;
  options.rules.run_length = args.run_length;
  options.rules.two_of_three = args.two_of_three == "beyond-2-sigma" ? spc::TwoOfThreeCounting::kBeyondTwoSigma
                                                                     : spc::TwoOfThreeCounting::kBetweenTwoAndThreeSigma;

  auto series = ReadSeries(args.input);
  if (!series.ok()) {
    PrintError(series.error().ToString());
    return kExitFailure;
  }
  for (const std::string& period : args.rebase) {
    bool found = false;
    for (const spc::Observation& o : series.value()) found = found || o.period == period;
    if (!found) {
      PrintError("--rebase: period '" + period + "' is not in " + args.input);
      return kExitUsage;
    }
  }
  auto chart = spc::CalculateXmr(std::move(series).value(), options);
  if (!chart.ok()) {
    PrintError(args.input + ": " + chart.error().ToString());
    return kExitFailure;
  }

  const std::string out = args.format == "json" ? JsonOutput(chart.value(), args, options) : CsvOutput(chart.value());
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  PrintSummary(chart.value(), args);

  if (!args.svg.empty()) {
    spc::SvgChartOptions svg_options;
    svg_options.title = args.title;
    svg_options.y_label = args.y_label;
    svg_options.units = args.units;
    AtomicFileWriter writer(args.svg);
    Status s = writer.Open();
    if (s.ok()) {
      writer.Append(spc::SvgChart(chart.value(), svg_options));
      s = writer.Commit();
    }
    if (!s.ok()) {
      PrintError(s.error().ToString());
      return kExitFailure;
    }
    std::fprintf(stderr, "wrote %s\n", args.svg.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddSpcCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<SpcArgs>();
  auto* cmd = app.add_subcommand("spc", "Statistical process control: an NHS Making Data Count XmR chart of a series");
  cmd->add_option("--input", args->input, "CSV with a header and columns period,value (one row per period, in time order)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--improvement", args->improvement, "Which way is better: increase, decrease or neutral")
      ->check(CLI::IsMember({"increase", "decrease", "neutral"}))
      ->capture_default_str();
  cmd->add_option("--target", args->target, "Target value: draws the target line and gives the assurance icon");
  cmd->add_option("--rebase", args->rebase, "Recalculate the limits from this period on (repeatable)");
  cmd->add_option("--fix-after", args->fix_after,
                  "Compute each group's limits from its first N points (N >= 2) and keep them fixed (default: all points)")
      ->check(CLI::Range(2, 1'000'000));
  cmd->add_option("--run-length", args->run_length, "Points in a trend or shift: 7, or 6 as the MDC Excel tool allows")
      ->check(CLI::IsMember({6, 7}))
      ->capture_default_str();
  cmd->add_option("--two-of-three", args->two_of_three,
                  "Points counted by the 2-of-3 rule: beyond-2-sigma (all beyond 2 sigma, current MDC guidance) or "
                  "between-2-and-3-sigma (NHSRplotthedots 0.2.2)")
      ->check(CLI::IsMember({"beyond-2-sigma", "between-2-and-3-sigma"}))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "Output on stdout: csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--svg", args->svg, "Also draw the chart as an SVG image in this file");
  cmd->add_option("--title", args->title, "Chart title (SVG)");
  cmd->add_option("--y-label", args->y_label, "Y axis label (SVG)")->capture_default_str();
  cmd->add_option("--units", args->units, "Units of the values, e.g. % or patients (SVG axis and tooltips)");
  cmd->footer(
      "Output (stdout), one row per period:\n"
      "  period,value,mean,lpl,upl,lower_2sigma,upper_2sigma,moving_range,special_cause_rule,point_type\n"
      "lpl/upl are the process limits (mean -/+ 2.66 x average moving range) of the point's limit group;\n"
      "cells are empty where there is nothing to compute (no limits from one point; no moving range\n"
      "for the first point of a group). special_cause_rule is none, above_upper_limit,\n"
      "below_lower_limit, trend_increasing, trend_decreasing, two_of_three_above, two_of_three_below,\n"
      "shift_above or shift_below; point_type is common_cause, special_cause_improvement,\n"
      "special_cause_concern or special_cause_neutral_high/low.\n"
      "The chart as a whole goes to stderr, so that stdout stays one clean table: the latest limits,\n"
      "the variation icon (from the last point), the assurance icon (needs --target and a direction)\n"
      "and warnings such as trial limits from fewer than 13 points. --format json has all of it.\n"
      "Rules and sources: docs/spc.md.\n"
      "Example: csu spc --input ae_4h.csv --improvement increase --target 95 --svg ae_4h.svg --units %\n");
  cmd->callback([&ctx, args] { ctx.action = [args] { return RunSpc(*args); }; });
}

}  // namespace csu::cli
