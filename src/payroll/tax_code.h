// A PAYE tax code as HMRC issues it: an optional country prefix (S Scotland,
// C Wales), then a number with a suffix (1257L, 0T; L, M, N and T are all
// treated alike by payroll), a K code (K475: pay to add, not allowance), BR,
// D0–D3 (one rate on all pay), or NT (no tax); and an optional basis, " W1",
// " M1" or " X", for the week 1/month 1 (non-cumulative) basis. Rules and
// sources: docs/payroll.md, "Tax codes".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "payroll/rates.h"

namespace csu::payroll {

struct TaxCode {
  enum class Kind : uint8_t {
    kAllowance,  // number + L/M/N/T: free pay from the number
    kK,          // K + number: additional pay from the number
    kFlat,       // BR, D0–D3: one band's rate on all pay
    kNoTax,      // NT
  };
  std::string text;  // as normalised: "S1257L M1"
  TaxRegion region = TaxRegion::kUk;
  Kind kind = Kind::kAllowance;
  int64_t number = 0;      // kAllowance / kK
  size_t flat_band = 0;    // kFlat: index into the region's bands (BR is the basic rate)
  bool cumulative = true;  // false for W1, M1 and X
};

// Parses a code in any case and with surrounding spaces. Errors say why in
// one sentence (the caller adds where).
Result<TaxCode> ParseTaxCode(std::string_view text);

}  // namespace csu::payroll
