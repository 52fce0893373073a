#include "payroll/national_insurance.h"

#include <algorithm>

#include "payroll/explain_text.h"

namespace csu::payroll {
namespace {

// (earnings − from) up to `to` (pence, whole pounds for the limits) × bp, in
// 1/10,000 £ rounded down: the band's amount kept to 4 decimal places.
int64_t Band(int64_t earnings_pence, int64_t from_pounds, int64_t to_pence_or_max, int64_t bp) {
  const int64_t top = std::min(earnings_pence, to_pence_or_max);
  const int64_t slice = top - from_pounds * 100;
  if (slice <= 0 || bp == 0) return 0;
  // slice pence × bp / 10,000 = £ × 100 ... in 1/10,000 £: slice × bp / 100.
  return static_cast<int64_t>(static_cast<Int128>(slice) * bp / 100);
}

}  // namespace

int64_t NiRound(int64_t ten_thousandths) {
  const int64_t thousandths = ten_thousandths / 10;  // the 4th decimal ignored
  const int64_t pence = thousandths / 10, third = thousandths % 10;
  return pence + (third >= 6 ? 1 : 0);
}

Result<NiResult> CalculateNi(const TaxYearRates& rates, Frequency frequency, char category, Money earnings) {
  const NiCategory* c = rates.Category(category);
  if (c == nullptr) {
    std::string known;
    for (const NiCategory& k : rates.categories) known += (known.empty() ? "" : ", ") + std::string(1, k.letter);
    return MakeError("ni_category", "'" + std::string(1, category) + "' is not a category with rates for " + rates.year +
                                        " (known: " + known + ")");
  }
  const NiThresholds& t = rates.Thresholds(frequency);
  const int64_t e = earnings.pence();
  const int64_t max = INT64_MAX;
  const int64_t employee_units = Band(e, t.pt, t.uel * 100, c->employee_main_bp) + Band(e, t.uel, max, c->employee_above_uel_bp);
  const int64_t employer_from = c->employer_from_uel ? t.uel : t.st;
  const int64_t employer_units = Band(e, employer_from, max, c->employer_bp);
  NiResult r;
  r.employee = Money::FromPence(NiRound(employee_units));
  r.employer = Money::FromPence(NiRound(employer_units));
  using explain::Percent;
  const std::string_view per = frequency == Frequency::kWeekly ? " a week" : " a month";
  r.explanation = explain::Cat("NI category ", category, " on ", earnings, ": employee ", Percent{c->employee_main_bp},
                               " from £", t.pt, " to £", t.uel, per, " and ", Percent{c->employee_above_uel_bp},
                               " above = ", r.employee, "; employer ", Percent{c->employer_bp}, " above £", employer_from,
                               per, " = ", r.employer);
  return r;
}

}  // namespace csu::payroll
