#include "payroll/nhs_pension.h"

#include "core/text.h"
#include "payroll/explain_text.h"

namespace csu::payroll {

PensionResult CalculateNhsPension(const TaxYearRates& rates, Money pensionable_pay, Money annual_pensionable_pay) {
  PensionResult r;
  // NHS Employers publish the tier limits in whole pounds ("rounded down to
  // the nearest pound"), so pay with pence above a limit is still in that tier.
  const int64_t annual_pounds = annual_pensionable_pay.pence() / 100;
  const PensionTier* tier = nullptr;
  int64_t lower = 0;
  for (const PensionTier& t : rates.pension_tiers) {
    if (!t.up_to_pounds || annual_pounds <= *t.up_to_pounds) {
      r.member_bp = t.member_bp;
      tier = &t;
      break;
    }
    lower = *t.up_to_pounds + 1;
  }
  const int64_t p = pensionable_pay.pence();
  auto at = [p](int64_t bp) { return Money::FromPence(DivRoundHalfAway(static_cast<Int128>(p) * bp, 10'000)); };
  r.member = at(r.member_bp);
  r.employer = at(rates.employer_pension_bp);
  r.levy = at(rates.pension_levy_bp);
  using explain::Append;
  using explain::Percent;
  using explain::Pounds;
  std::string& why = explain::Scratch();
  Append(why, "NHS Pension: annual pensionable pay ", annual_pensionable_pay, " is in the tier ");
  // The loader refuses a table without a top tier, so a tier always holds the pay.
  if (tier != nullptr && tier->up_to_pounds) {
    Append(why, Pounds{lower}, " to ", Pounds{*tier->up_to_pounds});
  } else if (tier != nullptr) {
    Append(why, "above ", Pounds{lower - 1});
  }
  Append(why, " (", Percent{r.member_bp}, "): ", Percent{r.member_bp}, " × ", pensionable_pay, " = ", r.member,
         "; employer ", Percent{rates.employer_pension_bp}, " = ", r.employer, " and levy ",
         Percent{rates.pension_levy_bp}, " = ", r.levy);
  r.explanation = why;
  return r;
}

}  // namespace csu::payroll
