// An exact non-negative-or-negative fraction of two 128-bit integers, kept in
// lowest terms with a positive denominator. Tender evaluation and the market
// concentration index need exact values: a weighted score such as 10 × 3/4 +
// 30 × 80,000/95,000 has no exact decimal, and ranking two bids by rounded
// figures could put them in the wrong order or call a tie that is not one.
// So the arithmetic is kept exact and rounded once, only for display
// (ToFixed: half away from zero, docs/procurement.md "Exact arithmetic").
//
//   Rational a(3, 4), b(80000, 95000);
//   Rational s = a * Rational(10) + b * Rational(30);   // exact
//   s.ToFixed(2);                                        // "32.76"
//
// Values in this module are small (weights up to 100, prices up to
// £10^12 in pence), so products stay far inside 128 bits; operations assert
// nothing but keep terms reduced after every step.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "core/money.h"

namespace csu::procurement {

class Rational {
 public:
  Rational() = default;
  Rational(Int128 num, Int128 den = 1);  // den != 0

  Int128 num() const { return num_; }
  Int128 den() const { return den_; }
  bool IsZero() const { return num_ == 0; }

  Rational operator+(const Rational& o) const;
  Rational operator-(const Rational& o) const;
  Rational operator*(const Rational& o) const;
  Rational operator/(const Rational& o) const;  // o non-zero
  Rational& operator+=(const Rational& o) { return *this = *this + o; }

  std::strong_ordering operator<=>(const Rational& o) const;
  bool operator==(const Rational& o) const { return num_ == o.num_ && den_ == o.den_; }

  // Decimal text with `places` digits after the point, rounded once half away
  // from zero ("32.76"); places 0 gives a whole number.
  std::string ToFixed(int places) const;
  // "a/b" in lowest terms, or "a" when whole: the exact value in explanations.
  std::string ToFraction() const;

 private:
  Int128 num_ = 0;
  Int128 den_ = 1;
};

std::string Int128ToString(Int128 v);

}  // namespace csu::procurement
