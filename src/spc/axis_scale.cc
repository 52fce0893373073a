#include "spc/axis_scale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace csu::spc {
namespace {

// The nice number near x: 1, 2, 5 or 10 times a power of ten; rounded to
// the nearest when `round`, else the smallest not below x.
double NiceNumber(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double fraction = x / std::pow(10.0, exponent);
  double nice;
  if (round) {
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  } else {
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  }
  return nice * std::pow(10.0, exponent);
}

}  // namespace

AxisScale NiceScale(double lo, double hi, int target_ticks) {
  target_ticks = std::max(target_ticks, 2);
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double range = NiceNumber(hi - lo, false);
  AxisScale s;
  s.step = NiceNumber(range / (target_ticks - 1), true);
  const double first = std::floor(lo / s.step);
  const double last = std::ceil(hi / s.step);
  s.min = first * s.step;
  s.max = last * s.step;
  s.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(s.step))));
  // Ticks from integer multiples of the step, so they do not drift.
  for (double k = first; k <= last + 0.5; k += 1) s.ticks.push_back(k * s.step);
  return s;
}

std::string FormatNumber(double value, int decimals) {
  decimals = std::clamp(decimals, 0, 12);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string text = buf;
  bool negative = !text.empty() && text[0] == '-';
  std::string digits = negative ? text.substr(1) : text;
  if (digits.find_first_not_of("0.") == std::string::npos) negative = false;  // "-0.00"
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  const std::string rest = dot == std::string::npos ? "" : digits.substr(dot);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return (negative ? "-" : "") + grouped + rest;
}

std::string FormatSignificant(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return value == 0 ? "0" : FormatNumber(value, 0);
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  const int decimals = std::clamp(digits - 1 - magnitude, 0, 12);
  std::string text = FormatNumber(value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

}  // namespace csu::spc
