// Invariants of the QOF calculator's input files and arithmetic, shared by
// the qof_files fuzz target and the test that replays its corpus
// (src/primarycare/qof_fuzz_corpus_test.cc). Header-only so that the fuzz
// build needs no test framework.
//
// CheckQofFiles(data) feeds bytes to ReadQofFiles: with a NUL byte, the bytes
// before it are the practices file and those after it the indicators file;
// without one, the bytes are the indicators file and the practices file is
// a fixed valid one. A refusal must name a file (and line) and give a
// reason; every accepted indicator must pass CheckQofResult, which recomputes
// the figures by a different route (unreduced fractions and a rounding test
// by cross-multiplication, not the calculator's own DivRoundHalfAway calls).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "primarycare/qof.h"
#include "primarycare/qof_files.h"

namespace csu::fuzz {

// True when `rounded` is num/den (num >= 0, den > 0) rounded half up.
inline bool RoundedHalfUp(Int128 num, Int128 den, Int128 rounded) {
  const Int128 twice_gap = 2 * (num - rounded * den);  // 2·(exact − rounded)·den
  return twice_gap < den && twice_gap >= -den;       // exact − rounded in [−½, ½)
}

// "" when `r` is right for the inputs; otherwise what is wrong.
inline std::string CheckQofResult(const primarycare::QofPractice& p, const primarycare::QofIndicator& i,
                                  const primarycare::QofResult& r) {
  using primarycare::kPercentScale;
  if (r.explanation.empty()) return "no explanation";
  if (r.payment.pence() < 0) return "negative payment";
  const int64_t cohort = i.denominator - i.pcas;
  if (cohort == 0) {
    if (r.achievement_hundredths || r.points_hundredths != 0 || r.payment.pence() != 0) return "empty cohort earned";
    return "";
  }
  if (!r.achievement_hundredths) return "achievement missing";
  if (!RoundedHalfUp(static_cast<Int128>(10000) * i.numerator, cohort, *r.achievement_hundredths)) {
    return "achievement not rounded from the exact ratio";
  }
  // Points: a = 100·n/cohort; below/at the lower none, at/above the upper all.
  const Int128 a_num = static_cast<Int128>(100) * i.numerator * kPercentScale, a_den = cohort;  // a = a_num/(a_den·10^6)
  if (a_num <= static_cast<Int128>(i.lower_threshold) * a_den) {
    if (r.points_hundredths != 0) return "points below the lower threshold";
  } else if (a_num >= static_cast<Int128>(i.upper_threshold) * a_den) {
    if (r.points_hundredths != i.points_available * 100) return "not all points at the upper threshold";
  } else {
    const Int128 num = static_cast<Int128>(i.points_available) * 100 * (a_num - static_cast<Int128>(i.lower_threshold) * a_den);
    const Int128 den = static_cast<Int128>(a_den) * (i.upper_threshold - i.lower_threshold);
    if (!RoundedHalfUp(num, den, r.points_hundredths)) return "points not rounded half up from the exact figure";
  }
  if (r.points_hundredths < 0 || r.points_hundredths > i.points_available * 100) return "points out of range";
  // Payment, unreduced: pts/100 × £ × list/avg × APDF with APDF = (R/list)/(P/(100·10^6)).
  Int128 num = static_cast<Int128>(r.points_hundredths) * p.gbp_per_point.pence() * p.list_size;
  Int128 den = static_cast<Int128>(100) * p.national_average_list_size;
  if (i.prevalence_adjusted) {
    num *= static_cast<Int128>(100) * kPercentScale * i.register_size;
    den *= static_cast<Int128>(p.list_size) * i.national_prevalence;
  }
  if (!RoundedHalfUp(num, den, r.payment.pence())) return "payment not rounded half up from the exact figure";
  const primarycare::QofResult quiet = primarycare::CalculateQof(p, i, primarycare::Explain::kNo);
  if (quiet.payment != r.payment || quiet.points_hundredths != r.points_hundredths ||
      quiet.achievement_hundredths != r.achievement_hundredths) {
    return "figures differ without the explanation";
  }
  return "";
}

inline std::string CheckQofFiles(std::string_view data) {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("csu-qof-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  const std::string practices_path = dir + "/practices.csv", indicators_path = dir + "/indicators.csv";
  std::string_view practices =
      "practice_code,year,list_size,national_average_list_size,gbp_per_point\nN81001,2024/25,8000,9964,220.62\n";
  std::string_view indicators = data;
  if (size_t nul = data.find('\0'); nul != std::string_view::npos) {
    practices = data.substr(0, nul);
    indicators = data.substr(nul + 1);
  }
  std::ofstream(practices_path, std::ios::binary | std::ios::trunc).write(practices.data(), static_cast<std::streamsize>(practices.size()));
  std::ofstream(indicators_path, std::ios::binary | std::ios::trunc).write(indicators.data(), static_cast<std::streamsize>(indicators.size()));
  auto got = primarycare::ReadQofFiles(practices_path, indicators_path);
  if (!got.ok()) {
    const Error& e = got.error();
    if (e.why.empty()) return "a refusal without a reason";
    if (e.where.rfind("practices.csv", 0) != 0 && e.where.rfind("indicators.csv", 0) != 0 &&
        e.where.find("practices.csv") == std::string::npos && e.where.find("indicators.csv") == std::string::npos) {
      return "a refusal that names no file: " + e.ToString();
    }
    return "";
  }
  for (const primarycare::QofIndicator& i : got.value().indicators) {
    const primarycare::QofPractice* practice = nullptr;
    for (const auto& p : got.value().practices) {
      if (p.practice_code == i.practice_code) practice = &p;
    }
    if (practice == nullptr) return "an indicator whose practice was not read";
    if (auto problem = primarycare::QofInputProblem(*practice, i)) return "accepted an unusable row: " + *problem;
    std::string bad = CheckQofResult(*practice, i, primarycare::CalculateQof(*practice, i));
    if (!bad.empty()) return i.practice_code + " " + i.indicator + ": " + bad;
  }
  return "";
}

}  // namespace csu::fuzz
