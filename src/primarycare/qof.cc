#include "primarycare/qof.h"

#include <cassert>

#include "core/text.h"

namespace csu::primarycare {
namespace {

constexpr int64_t kMaxCount = 10'000'000;

int64_t Pow10(int digits) {
  int64_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

// A value scaled by 10^digits as text with thousands separators and exactly
// `digits` places ("1,234.56").
std::string Fixed(int64_t scaled, int digits) {
  const int64_t p = Pow10(digits);
  const bool negative = scaled < 0;
  const int64_t a = negative ? -scaled : scaled;
  std::string out = (negative ? "-" : "") + WithThousands(a / p);
  if (digits > 0) {
    std::string frac = std::to_string(a % p);
    out += "." + std::string(static_cast<size_t>(digits) - frac.size(), '0') + frac;
  }
  return out;
}

// num ÷ den shown to `digits` places (display only: rounded half away).
std::string Ratio(Int128 num, Int128 den, int digits) {
  return Fixed(DivRoundHalfAway(num * Pow10(digits), den), digits);
}

// An exact input percentage (× 10^6) without trailing zeros: "45", "6.960123".
std::string Percent(int64_t scaled) {
  std::string s = Fixed(scaled, kPercentDigits);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

}  // namespace

std::optional<std::string> QofInputProblem(const QofPractice& p, const QofIndicator& i) {
  // The bounds are far beyond any real practice and keep every exact
  // product within 128 bits and every payment within int64 pence.
  if (p.list_size <= 0 || p.list_size > kMaxCount) return "list_size: must be between 1 and 10,000,000";
  if (p.national_average_list_size < 1000 || p.national_average_list_size > kMaxCount) {
    return "national_average_list_size: must be between 1,000 and 10,000,000";
  }
  if (p.gbp_per_point <= Money() || p.gbp_per_point > Money::FromPounds(10'000)) {
    return "gbp_per_point: must be above £0 and at most £10,000";
  }
  if (i.points_available < 0 || i.points_available > 1000) return "points_available: must be between 0 and 1,000";
  if (i.numerator > kMaxCount || i.denominator > kMaxCount || i.pcas > kMaxCount || i.register_size > kMaxCount) {
    return "numerator, denominator, pcas, register: must be at most 10,000,000";
  }
  if (i.lower_threshold < 0 || i.upper_threshold > 100 * kPercentScale) return "lower_threshold_pct, upper_threshold_pct: must lie between 0 and 100";
  if (i.lower_threshold >= i.upper_threshold) return "lower_threshold_pct: must be below upper_threshold_pct";
  if (i.numerator < 0 || i.denominator < 0 || i.pcas < 0 || i.register_size < 0) return "numerator, denominator, pcas, register: must not be negative";
  if (i.pcas > i.denominator) return "pcas: more than the denominator";
  if (i.numerator > i.denominator - i.pcas) return "numerator: more than the denominator less the PCAs";
  if (i.prevalence_adjusted) {
    if (i.national_prevalence < kPercentScale / 100 || i.national_prevalence > 100 * kPercentScale) {
      return "national_prevalence_pct: must be between 0.01 and 100 for a prevalence-adjusted indicator";
    }
    if (i.register_size > p.list_size) return "register: larger than the practice's list_size";
  }
  return std::nullopt;
}

QofResult CalculateQof(const QofPractice& p, const QofIndicator& i, Explain explain) {
  assert(!QofInputProblem(p, i));
  QofResult r;
  const int64_t cohort = i.denominator - i.pcas;
  if (cohort == 0) {
    // QOF guidance 2024/25 §1.3 v: no registered patients in the cohort, no
    // points can be earned (docs/primary-care.md, rule 2).
    if (explain == Explain::kYes) {
      r.explanation = "no patients in the cohort (denominator " + WithThousands(i.denominator) + " less " +
                      WithThousands(i.pcas) + " PCAs is 0): no points can be earned; payment £0.00";
    }
    return r;
  }
  // Achievement as the exact ratio 100·n / cohort, compared with thresholds
  // T / 10^6 by cross-multiplying: 100·n·10^6 against T·cohort.
  const Int128 ach_num = static_cast<Int128>(100) * i.numerator * kPercentScale;  // over cohort·10^6
  const Int128 at_lower = static_cast<Int128>(i.lower_threshold) * cohort;
  const Int128 at_upper = static_cast<Int128>(i.upper_threshold) * cohort;
  r.achievement_hundredths = DivRoundHalfAway(static_cast<Int128>(100) * 100 * i.numerator, cohort);
  if (ach_num <= at_lower) {
    r.points_hundredths = 0;
  } else if (ach_num >= at_upper) {
    r.points_hundredths = i.points_available * 100;
  } else {
    // points = max × (a − L) ÷ (U − L) with a = 100·n/cohort, so in
    // hundredths: 100·max·(100·n·10^6 − L·cohort) ÷ (cohort·(U − L)).
    const Int128 num = static_cast<Int128>(100) * i.points_available * (ach_num - at_lower);
    const Int128 den = static_cast<Int128>(cohort) * (i.upper_threshold - i.lower_threshold);
    r.points_hundredths = DivRoundHalfAway(num, den);
  }
  const int64_t pts = r.points_hundredths;
  const int64_t gbp = p.gbp_per_point.pence();
  if (i.prevalence_adjusted) {
    // APDF = (R / list) ÷ (P / (100·10^6)) = 100·10^6·R / (list·P). The
    // practice list cancels against the CPI's:
    //   pts/100 × gbp × list/avg × 100·10^6·R/(list·P) = pts·gbp·10^6·R / (avg·P).
    r.payment = Money::FromPence(DivRoundHalfAway(static_cast<Int128>(pts) * gbp * kPercentScale * i.register_size,
                                                  static_cast<Int128>(p.national_average_list_size) * i.national_prevalence));
  } else {
    // pts/100 × gbp × list/avg.
    r.payment = Money::FromPence(DivRoundHalfAway(static_cast<Int128>(pts) * gbp * p.list_size,
                                                  static_cast<Int128>(100) * p.national_average_list_size));
  }
  if (explain == Explain::kNo) return r;

  std::string& why = r.explanation;
  const std::string ach = Fixed(*r.achievement_hundredths, 2) + "%";
  why = "achievement " + WithThousands(i.numerator) + " ÷ (" + WithThousands(i.denominator) + " − " +
        WithThousands(i.pcas) + " PCAs) = " + ach + "; ";
  const std::string band = "thresholds " + Percent(i.lower_threshold) + "–" + Percent(i.upper_threshold);
  if (ach_num <= at_lower) {
    why += "at or below the lower of " + band + ": 0 points";
  } else if (ach_num >= at_upper) {
    why += "at or above the upper of " + band + ": all " + WithThousands(i.points_available) + " points";
  } else {
    why += "between " + band + ": " + WithThousands(i.points_available) + " × (" + ach + " − " +
           Percent(i.lower_threshold) + ") ÷ (" + Percent(i.upper_threshold) + " − " + Percent(i.lower_threshold) +
           ") = " + Fixed(pts, 2) + " points (2 places)";
  }
  why += "; payment " + Fixed(pts, 2) + " × " + p.gbp_per_point.ToString() + " × CPI " + WithThousands(p.list_size) +
         " ÷ " + WithThousands(p.national_average_list_size) + " = " +
         Ratio(p.list_size, p.national_average_list_size, 4);
  if (!i.prevalence_adjusted) {
    why += " = " + r.payment.ToString() + " (not prevalence-adjusted; to the penny)";
    return r;
  }
  why += " × APDF (" + WithThousands(i.register_size) + " ÷ " + WithThousands(p.list_size) + ") ÷ " +
         Percent(i.national_prevalence) + " = " +
         Ratio(static_cast<Int128>(100) * kPercentScale * i.register_size,
               static_cast<Int128>(p.list_size) * i.national_prevalence, 4) +
         " = " + r.payment.ToString() + " (to the penny, rounded once)";
  return r;
}

QofAspiration CalculateAspiration(const QofPractice::Prior& prior, Money achievement) {
  QofAspiration a;
  // points/100 × £ × list/avg, rounded once to the penny.
  a.unadjusted_prior = Money::FromPence(
      DivRoundHalfAway(static_cast<Int128>(prior.points_hundredths) * prior.gbp_per_point.pence() * prior.list_size,
                       static_cast<Int128>(100) * prior.national_average_list_size));
  a.annual = Money::FromPence(DivRoundHalfAway(static_cast<Int128>(a.unadjusted_prior.pence()) * prior.aspiration_bp, 10'000));
  a.monthly = Money::FromPence(DivRoundHalfAway(a.annual.pence(), 12));
  a.paid = a.monthly * 12;
  a.balancing = achievement - a.paid;
  a.explanation = "prior year " + Fixed(prior.points_hundredths, 2) + " points × " + prior.gbp_per_point.ToString() +
                  " × CPI " + WithThousands(prior.list_size) + " ÷ " + WithThousands(prior.national_average_list_size) +
                  " = " + a.unadjusted_prior.ToString() + " unadjusted; " +
                  Percent(prior.aspiration_bp * (kPercentScale / 100)) + " of it = " + a.annual.ToString() + " a year, " + a.monthly.ToString() + " a month (÷ 12) × 12 = " +
                  a.paid.ToString() + "; balancing " + achievement.ToString() + " − " + a.paid.ToString() + " = " +
                  a.balancing.ToString() + (a.balancing < Money() ? " (recovered from the practice)" : "");
  return a;
}

}  // namespace csu::primarycare
