// Axis numbers a reader can take in at a glance: "nice" tick steps of 1, 2
// or 5 times a power of ten (Heckbert, "Nice numbers for graph labels",
// Graphics Gems, 1990), and number labels with thousands separators.
//
// Usage:
//   AxisScale y = NiceScale(7.61, 15.59, 6);  // 6, 8, 10, 12, 14, 16
//   for (double t : y.ticks) label = FormatNumber(t, y.decimals);
//
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

namespace csu::spc {

struct AxisScale {
  double min = 0;  // first tick, <= the data's low end
  double max = 1;  // last tick, >= the data's high end
  double step = 1;
  int decimals = 0;           // enough to tell the ticks apart
  std::vector<double> ticks;  // min, min + step, ..., max
};

// Ticks covering [lo, hi] (finite, lo <= hi), about `target_ticks` of them
// (at least 2). An empty range is widened around its value first.
AxisScale NiceScale(double lo, double hi, int target_ticks);

// `value` with `decimals` places and thousands separators: 12345.678, 1 ->
// "12,345.7"; "-0" is written "0".
std::string FormatNumber(double value, int decimals);

// `value` to about `digits` significant figures, without trailing zeros,
// never rounding away integer digits: 95.2345 -> "95.23", 12.4 -> "12.4",
// 1234.56 -> "1,235", 0.012346 -> "0.01235" (digits = 4).
std::string FormatSignificant(double value, int digits);

}  // namespace csu::spc
