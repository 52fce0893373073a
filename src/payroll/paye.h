// PAYE income tax for one pay period by HMRC's exact percentage method
// (Specification for PAYE Tax Table Routines), cumulative or week 1/month 1.
// The arithmetic, each rounding and its source: docs/payroll.md, "PAYE".
// Checked against every row of HMRC's 2025-26 tax test data
// (tests/golden/payroll/).
#pragma once

#include <cstdint>
#include <string>

#include "core/money.h"
#include "payroll/rates.h"
#include "payroll/tax_code.h"

namespace csu::payroll {

struct PayeInput {
  Frequency frequency = Frequency::kMonthly;
  int period = 1;                  // 1–12 monthly, 1–52 weekly
  TaxCode code;
  Money taxable_pay;               // this period (gross less pension under the net pay arrangement)
  Money taxable_pay_to_date;       // this employment in this tax year, INCLUDING this period
  Money tax_to_date;               // deducted in earlier periods of this tax year (not this one)
};

struct PayeResult {
  Money free_pay_to_date;  // negative for K codes: the additional pay added
  int64_t taxable_whole_pounds = 0;  // the pay the bands are applied to
  Money tax_due_to_date;
  Money tax;               // this period; negative is a refund
  bool regulatory_limit_applied = false;
  std::string explanation;
};

// Returns an error when the code does not fit the year's rates (D2 outside
// Scotland) or the period the frequency (month 13).
Result<PayeResult> CalculatePaye(const TaxYearRates& rates, const PayeInput& in);

}  // namespace csu::payroll
