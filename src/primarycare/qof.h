// Quality and Outcomes Framework (QOF) achievement and payment for one
// practice and indicator, exact to the penny, with the arithmetic explained.
//
// The rules, their order and their sources are in docs/primary-care.md
// ("QOF achievement and payment"); in short:
//   achievement % = numerator ÷ (denominator − PCAs) × 100            (exact)
//   points        = 0 at or below the lower threshold, all at or above the
//                   upper, linear between; rounded to 2 places        (once)
//   payment £     = points × £ per point × CPI × APDF                 (once)
//   CPI  = practice list size ÷ national average practice list size
//   APDF = (register ÷ practice list size) ÷ national prevalence
//          (1 for indicators that are not prevalence-adjusted)
// Every figure is carried as an exact integer ratio; the two roundings are
// the platform's one rule (DivRoundHalfAway, half away from zero), which for
// these never-negative figures is "halves up".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/money.h"

namespace csu::primarycare {

// Percentages (thresholds, prevalence) are exact decimals scaled by 10^6:
// 45% is 45'000'000, 6.960123% is 6'960'123.
inline constexpr int kPercentDigits = 6;
inline constexpr int64_t kPercentScale = 1'000'000;

struct QofPractice {
  std::string practice_code;  // e.g. "N81001"
  std::string year;           // e.g. "2024/25"
  int64_t list_size = 0;      // registered patients (> 0)
  int64_t national_average_list_size = 0;  // (> 0)
  Money gbp_per_point;        // £ per point for the year (> 0)
  // The prior year's figures for aspiration payments (all or none; see
  // QofAspiration below).
  struct Prior {
    int64_t points_hundredths = 0;  // achievement points of the prior year
    Money gbp_per_point;
    int64_t list_size = 0;
    int64_t national_average_list_size = 0;
    int64_t aspiration_bp = 0;  // 8000 = 80% (2024/25), 7000 before
  };
  std::optional<Prior> prior;
};

struct QofIndicator {
  std::string practice_code;
  std::string indicator;  // e.g. "DM012"
  int64_t points_available = 0;
  int64_t lower_threshold = 0;  // percent × 10^6
  int64_t upper_threshold = 0;  // percent × 10^6, > lower
  int64_t numerator = 0;
  int64_t denominator = 0;  // before personalised care adjustments
  int64_t pcas = 0;         // personalised care adjustments (exceptions)
  int64_t register_size = 0;  // patients on the disease register
  int64_t national_prevalence = 0;  // percent × 10^6; > 0 when prevalence-adjusted
  bool prevalence_adjusted = false;
};

struct QofResult {
  // Achievement in hundredths of a percent, rounded for display only
  // (points are computed from the exact ratio); empty when the cohort is
  // empty after PCAs.
  std::optional<int64_t> achievement_hundredths;
  int64_t points_hundredths = 0;  // points × 100, rounded once
  Money payment;                  // rounded once, to the penny
  std::string explanation;        // the arithmetic, one line
};

// Checks the inputs a calculation relies on (the file reader has already
// checked each field's shape); returns the reason when they cannot be used,
// e.g. a numerator above the denominator after PCAs.
std::optional<std::string> QofInputProblem(const QofPractice& practice, const QofIndicator& indicator);

// The indicator's achievement, points and payment, and with kExplain the
// arithmetic as text (the figures are the same either way; building the
// text is most of the cost, so bulk runs that only need the money skip it).
// The inputs must have no QofInputProblem (asserted in debug builds).
enum class Explain : bool { kNo, kYes };
QofResult CalculateQof(const QofPractice& practice, const QofIndicator& indicator, Explain explain = Explain::kYes);

// Aspiration payments during the year and the balancing payment at its end
// (docs/primary-care.md, "Aspiration and balancing"):
//   unadjusted prior payment = prior points × prior £ per point × prior CPI
//                              (no prevalence adjustment), to the penny;
//   annual aspiration = aspiration % × that, to the penny;
//   monthly = annual ÷ 12, to the penny, paid 12 times;
//   balancing = this year's achievement payment − 12 × monthly (negative is
//   a recovery from the practice).
struct QofAspiration {
  Money unadjusted_prior;
  Money annual;
  Money monthly;
  Money paid;       // 12 × monthly
  Money balancing;  // achievement − paid
  std::string explanation;
};

QofAspiration CalculateAspiration(const QofPractice::Prior& prior, Money achievement_payment);

}  // namespace csu::primarycare
