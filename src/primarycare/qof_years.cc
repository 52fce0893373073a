#include "primarycare/qof_years.h"

#include <unordered_map>

#include "core/text.h"

namespace csu::primarycare {
namespace {

// A figure scaled by 100 shown with two places ("1,234.50").
std::string Fixed(int64_t hundredths, int /*digits: always 2*/) {
  const bool negative = hundredths < 0;
  const int64_t a = negative ? -hundredths : hundredths;
  const std::string frac = std::to_string(a % 100);
  return (negative ? "-" : "") + WithThousands(a / 100) + "." + std::string(2 - frac.size(), '0') + frac;
}

}  // namespace

QofLoad QofYearsFrom(const QofInputs& inputs, const std::string& source) {
  QofLoad out;
  std::unordered_map<std::string, std::vector<const QofIndicator*>> by_practice;
  for (const QofIndicator& i : inputs.indicators) by_practice[i.practice_code].push_back(&i);
  for (const QofPractice& p : inputs.practices) {
    QofYear y;
    y.practice = p.practice_code;
    y.year = p.year;
    y.source = source;
    const auto& list = by_practice[p.practice_code];
    if (!list.empty()) {
      int64_t pence = 0, points = 0;
      for (const QofIndicator* i : list) {
        const QofResult r = CalculateQof(p, *i, Explain::kNo);
        pence += r.payment.pence();
        points += r.points_hundredths;
        out.indicators.push_back({p.practice_code, p.year, i->indicator, r.achievement_hundredths, r.points_hundredths,
                                  i->points_available, r.payment.pence()});
      }
      y.achievement_pence = pence;
      y.points_hundredths = points;
      y.achievement_explanation = "sum of " + WithThousands(static_cast<int64_t>(list.size())) +
                                  " indicator payments, " + Fixed(points, 2) + " points at " +
                                  p.gbp_per_point.ToString() + " a point, " + source;
    }
    if (p.prior) {
      const QofAspiration a = CalculateAspiration(*p.prior, Money());
      y.aspiration_annual_pence = a.annual.pence();
      y.aspiration_monthly_pence = a.monthly.pence();
      y.aspiration_explanation = "prior year " + Fixed(p.prior->points_hundredths, 2) + " points × " +
                                 p.prior->gbp_per_point.ToString() + " × CPI " + WithThousands(p.prior->list_size) +
                                 " ÷ " + WithThousands(p.prior->national_average_list_size) + " = " +
                                 a.unadjusted_prior.ToString() + " unadjusted × " +
                                 Fixed(p.prior->aspiration_bp, 2) + "% = " + a.annual.ToString();
    }
    out.years.push_back(std::move(y));
  }
  return out;
}

}  // namespace csu::primarycare
