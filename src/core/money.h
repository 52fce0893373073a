// Money is a whole number of pence in an int64: never floating point.
//
// The one rounding rule of the platform is DivRoundHalfAway(): round half away
// from zero, to the penny, once, at the end of a calculation. Calculations that
// multiply by fractional factors (MFF, top-up percentages, SSEM percentages)
// carry the exact product as a scaled integer and call it exactly once.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu {

// 128-bit intermediate for exact money products (a GCC/Clang extension).
__extension__ typedef __int128 Int128;

// numerator / denominator rounded half away from zero. denominator must be
// non-zero and the rounded quotient must fit in int64_t (both asserted).
// Exact for every numerator and denominator representable in __int128.
int64_t DivRoundHalfAway(Int128 numerator, Int128 denominator);

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromPence(int64_t pence) { return Money(pence); }
  static constexpr Money FromPounds(int64_t pounds) { return Money(pounds * 100); }

  // Accepts "1234.56", "1,234.56", "£1,234.56", "-£3.50", "£-3.50", "12",
  // "0.5" (= 50p). At most two decimal places: a third is an error, not a
  // rounding, because a published price with fractional pence is a bad file.
  static Result<Money> Parse(std::string_view text);

  constexpr int64_t pence() const { return pence_; }

  // "£1,234.56"; negatives as "-£1,234.56". For people.
  std::string ToString() const;
  // "1234.56"; negatives as "-1234.56". For CSV exports and machines.
  std::string ToDecimal() const;

  // This amount times numerator/denominator, rounded once (DivRoundHalfAway).
  Money MulRatio(int64_t numerator, int64_t denominator) const;

  constexpr Money operator+(Money o) const { return Money(pence_ + o.pence_); }
  constexpr Money operator-(Money o) const { return Money(pence_ - o.pence_); }
  constexpr Money operator-() const { return Money(-pence_); }
  constexpr Money operator*(int64_t n) const { return Money(pence_ * n); }
  constexpr Money& operator+=(Money o) {
    pence_ += o.pence_;
    return *this;
  }
  constexpr Money& operator-=(Money o) {
    pence_ -= o.pence_;
    return *this;
  }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(int64_t pence) : pence_(pence) {}
  int64_t pence_ = 0;
};

}  // namespace csu
