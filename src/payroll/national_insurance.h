// Class 1 National Insurance for one pay period by HMRC's exact percentage
// method, employee and employer calculated separately: each band's amount
// kept to 4 decimal places of a pound, the bands added, the 4th decimal
// ignored and the 3rd deciding (5 or less down, 6 or more up). Rules and
// sources: docs/payroll.md, "National Insurance". Checked against every
// weekly and monthly row of HMRC's 2025-26 NICs test data for categories A,
// B, C, H, J, M, V and Z (tests/golden/payroll/).
#pragma once

#include <string>

#include "core/money.h"
#include "payroll/rates.h"

namespace csu::payroll {

struct NiResult {
  Money employee;
  Money employer;
  std::string explanation;
};

// `earnings` are the period's NI-able pay (gross: pension contributions
// under the net pay arrangement are not deducted first).
Result<NiResult> CalculateNi(const TaxYearRates& rates, Frequency frequency, char category, Money earnings);

// The NI rounding on an amount in 1/10,000 £ (>= 0): the 4th decimal is
// ignored and the 3rd rounds down at 5 or less, up at 6 or more. Pence.
int64_t NiRound(int64_t ten_thousandths);

}  // namespace csu::payroll
