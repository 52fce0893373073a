#include "payroll/nhs_pension.h"

#include "core/text.h"

namespace csu::payroll {

PensionResult CalculateNhsPension(const TaxYearRates& rates, Money pensionable_pay, Money annual_pensionable_pay) {
  PensionResult r;
  // NHS Employers publish the tier limits in whole pounds ("rounded down to
  // the nearest pound"), so pay with pence above a limit is still in that tier.
  const int64_t annual_pounds = annual_pensionable_pay.pence() / 100;
  std::string tier;
  int64_t lower = 0;
  for (const PensionTier& t : rates.pension_tiers) {
    if (!t.up_to_pounds || annual_pounds <= *t.up_to_pounds) {
      r.member_bp = t.member_bp;
      tier = t.up_to_pounds ? "£" + WithThousands(lower) + " to £" + WithThousands(*t.up_to_pounds)
                            : "above £" + WithThousands(lower - 1);
      break;
    }
    lower = *t.up_to_pounds + 1;
  }
  const int64_t p = pensionable_pay.pence();
  auto at = [p](int64_t bp) { return Money::FromPence(DivRoundHalfAway(static_cast<Int128>(p) * bp, 10'000)); };
  r.member = at(r.member_bp);
  r.employer = at(rates.employer_pension_bp);
  r.levy = at(rates.pension_levy_bp);
  r.explanation = "NHS Pension: annual pensionable pay " + annual_pensionable_pay.ToString() + " is in the tier " + tier +
                  " (" + PercentText(r.member_bp) + "): " + PercentText(r.member_bp) + " × " + pensionable_pay.ToString() +
                  " = " + r.member.ToString() + "; employer " + PercentText(rates.employer_pension_bp) + " = " +
                  r.employer.ToString() + " and levy " + PercentText(rates.pension_levy_bp) + " = " + r.levy.ToString();
  return r;
}

}  // namespace csu::payroll
