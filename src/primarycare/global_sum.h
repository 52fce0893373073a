// The global sum: a practice's core payment under its GMS contract (and the
// equivalent baseline of PMS and APMS contracts paid the same way here),
// the weighted list × the year's price per weighted patient, paid monthly
// (docs/primary-care.md, "Global sum"):
//
//   monthly £ = weighted list at the start of the month's quarter
//               × price per weighted patient for the year ÷ 12
//
// rounded once to the penny (DivRoundHalfAway, halves up for these
// non-negative figures). The weighted list is exact in millionths, the price
// in pence, so the product is exact before that one rounding.
//
// Prices are dated reference data (data/primarycare/global_sum.csv), each row
// with its source; a year without a row is refused, never guessed.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "ledger/ledger_types.h"

namespace csu::primarycare {

struct GlobalSumRate {
  FinancialYear year;
  Money per_weighted_patient;
  std::string source;
};

class GlobalSumRates {
 public:
  // Loads DIR/global_sum.csv (data/primarycare). Errors name file:line.
  static Result<GlobalSumRates> Load(const std::string& dir);
  static Result<GlobalSumRates> Parse(const std::string& name, std::string_view text);
  // Error naming the year when the data has no price for it.
  Result<GlobalSumRate> For(FinancialYear year) const;
  const std::vector<GlobalSumRate>& rates() const { return rates_; }

 private:
  std::vector<GlobalSumRate> rates_;
};

struct GlobalSumMonth {
  Money amount;
  std::string explanation;  // the arithmetic, one line
};

// The month's global sum for a weighted list (millionths of a patient) at
// `price` a year; `registered` only for the explanation.
GlobalSumMonth CalculateGlobalSumMonth(int64_t weighted_millionths, int64_t registered, const GlobalSumRate& rate,
                                       ledger::LedgerPeriod month, Date quarter);

// "6,120.443712" (trailing zeros after the point dropped, at least one
// decimal kept out: "6,120").
std::string FormatMillionths(int64_t millionths);

}  // namespace csu::primarycare
