#include "payroll/paye.h"

#include "core/text.h"
#include "payroll/explain_text.h"

namespace csu::payroll {
namespace {

int64_t FloorDiv(Int128 a, Int128 b) {  // b > 0
  Int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return static_cast<int64_t>(q);
}
int64_t CeilDiv(Int128 a, Int128 b) { return -FloorDiv(-a, b); }

using explain::Append;
using explain::Percent;
using explain::Pounds;

// Free (or, for K codes, additional) pay for one period, in pence. Spec
// "Tables A" note for programmers: split N into q = (N − 1) div 500 and
// r = (N − 1) mod 500 + 1; r gives (10r + 9) ÷ 12 (÷ 52 weekly) rounded UP
// to the penny; each 500 gives £416.67 a month or £96.16 a week.
int64_t FreePayPerPeriod(int64_t number, Frequency f) {
  if (number == 0) return 0;
  const int64_t q = (number - 1) / 500, r = (number - 1) % 500 + 1;
  const int64_t periods = PeriodsPerYear(f);
  const int64_t part = CeilDiv(static_cast<Int128>(10 * r + 9) * 100, periods);
  return part + q * (f == Frequency::kWeekly ? 9616 : 41667);
}

}  // namespace

Result<PayeResult> CalculatePaye(const TaxYearRates& rates, const PayeInput& in) {
  const int periods = PeriodsPerYear(in.frequency);
  if (in.period < 1 || in.period > periods) {
    return MakeError("period", std::to_string(in.period) + " is not a " + std::string(FrequencyName(in.frequency)) +
                                   " period (1–" + std::to_string(periods) + ")");
  }
  const auto& bands = rates.bands.at(in.code.region);
  PayeResult r;
  // Built in the thread's buffer and copied out once at the end.
  std::string& why = explain::Scratch();
  const int n = in.code.cumulative ? in.period : 1;  // W1/M1: always period 1
  const int64_t pay = in.code.cumulative ? in.taxable_pay_to_date.pence() : in.taxable_pay.pence();
  const int64_t previous = in.code.cumulative ? in.tax_to_date.pence() : 0;
  Append(why, "tax code ", in.code.text, " (");
  if (in.code.cumulative) {
    Append(why, "cumulative, ", in.frequency == Frequency::kWeekly ? "week " : "month ", in.period);
  } else {
    Append(why, in.frequency == Frequency::kWeekly ? "week 1 basis" : "month 1 basis");
  }
  Append(why, "): ");

  int64_t due = 0;  // pence, tax due to date
  switch (in.code.kind) {
    case TaxCode::Kind::kNoTax:
      // No tax is due to date, so on the cumulative basis what was deducted
      // before is refunded (HMRC 2025-26 test data, cumulative row 10).
      Append(why, "no tax due");
      break;
    case TaxCode::Kind::kFlat: {
      if (in.code.flat_band >= bands.size()) {
        return MakeError("tax_code", "'" + in.code.text + "' names a rate band this region does not have in " + rates.year);
      }
      const int64_t bp = bands[in.code.flat_band].rate_bp;
      r.taxable_whole_pounds = pay > 0 ? pay / 100 : 0;
      // Whole pounds of pay to date × the one rate, rounded down to the penny.
      due = FloorDiv(static_cast<Int128>(r.taxable_whole_pounds) * bp, 100);
      Append(why, Pounds{r.taxable_whole_pounds}, " (pay to date in whole pounds) × ", Percent{bp}, " = ",
             Money::FromPence(due));
      break;
    }
    case TaxCode::Kind::kAllowance:
    case TaxCode::Kind::kK: {
      const int64_t per_period = FreePayPerPeriod(in.code.number, in.frequency);
      const bool k = in.code.kind == TaxCode::Kind::kK;
      r.free_pay_to_date = Money::FromPence(k ? -per_period * n : per_period * n);
      const int64_t u = pay - r.free_pay_to_date.pence();  // taxable pay to date after free/additional pay
      Append(why, k ? "additional pay " : "free pay ", Money::FromPence(per_period));
      if (n > 1) Append(why, " × ", n);
      Append(why, "; taxable ", Money::FromPence(pay), k ? " + " : " − ", Money::FromPence(per_period * n), " = ",
             Money::FromPence(u));
      if (u <= 0) {
        Append(why, ": nothing to tax");
        break;
      }
      r.taxable_whole_pounds = u / 100;  // rounded down to whole pounds
      // Band limits for this period: annual × n ÷ periods, kept to 3
      // decimal places of a pound (rounded down); each full band's tax kept
      // to 4 places (rounded down); the band holding the pay is the first
      // whose limit, rounded up to whole pounds, is not below it. Matches
      // all of HMRC's 2025-26 test data (docs/payroll.md).
      const int64_t t = r.taxable_whole_pounds;
      int64_t k_units = 0;  // tax of the full bands below, in 1/10,000 £
      int64_t c_prev = 0;   // previous band limit in 1/1,000 £
      for (size_t b = 0; b < bands.size(); ++b) {
        const int64_t bp = bands[b].rate_bp;
        const bool top = !bands[b].upper_pounds;
        const int64_t c = top ? 0 : FloorDiv(static_cast<Int128>(*bands[b].upper_pounds) * 1000 * n, periods);
        if (top || t <= CeilDiv(c, 1000)) {
          // L = k + (T − c_prev) × R, rounded down to the penny.
          due = FloorDiv(static_cast<Int128>(k_units) * 1000 + static_cast<Int128>(t * 1000 - c_prev) * bp, 100'000);
          Append(why, "; ", Pounds{t}, " taxed: ", Percent{bp}, " band");
          if (b > 0) Append(why, " (tax on the bands below it ", Money::FromPence(k_units / 100), ")");
          Append(why, ", due to date ", Money::FromPence(due));
          break;
        }
        k_units += FloorDiv(static_cast<Int128>(c - c_prev) * bp, 1000);
        c_prev = c;
      }
      break;
    }
  }
  r.tax_due_to_date = Money::FromPence(due);
  int64_t tax = due - previous;
  if (in.code.cumulative && previous != 0) Append(why, " − ", Money::FromPence(previous), " already deducted");
  // The regulatory limit: a deduction may not exceed 50% of the period's
  // taxable pay (rounded down); what is held back is recovered later by the
  // cumulative calculation.
  const int64_t limit = in.taxable_pay.pence() > 0 ? in.taxable_pay.pence() / 2 : 0;
  if (tax > limit) {
    tax = limit;
    r.regulatory_limit_applied = true;
    Append(why, "; limited to 50% of this period's taxable pay");
  }
  if (!in.code.cumulative && tax < 0) tax = 0;  // no refunds on the week 1/month 1 basis
  r.tax = Money::FromPence(tax);
  Append(why, " = ", r.tax, tax < 0 ? " (a refund)" : "");
  r.explanation = why;
  return r;
}

}  // namespace csu::payroll
