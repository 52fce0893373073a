// NHS Pension Scheme contributions for one pay period: the member's tier
// from actual annual pensionable pay, the member rate on the period's
// pensionable pay (deducted before tax under the net pay arrangement, not
// before NI), and the employer contribution and administration levy, each
// shown separately. Each amount is rounded once to the nearest penny,
// halves up (no published rule was found: docs/payroll.md, "NHS Pension").
#pragma once

#include <string>

#include "core/money.h"
#include "payroll/rates.h"

namespace csu::payroll {

struct PensionResult {
  int64_t member_bp = 0;
  Money member;
  Money employer;
  Money levy;
  std::string explanation;
};

PensionResult CalculateNhsPension(const TaxYearRates& rates, Money pensionable_pay, Money annual_pensionable_pay);

}  // namespace csu::payroll
