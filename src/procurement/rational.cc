#include "procurement/rational.h"

#include <cassert>

namespace csu::procurement {
namespace {

Int128 Abs(Int128 v) { return v < 0 ? -v : v; }

Int128 Gcd(Int128 a, Int128 b) {
  a = Abs(a);
  b = Abs(b);
  while (b != 0) {
    Int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace

std::string Int128ToString(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string out;
  Int128 a = Abs(v);
  while (a > 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(a % 10)));
    a /= 10;
  }
  if (negative) out.insert(out.begin(), '-');
  return out;
}

Rational::Rational(Int128 num, Int128 den) {
  assert(den != 0);
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const Int128 g = Gcd(num, den);
  num_ = g == 0 ? 0 : num / g;
  den_ = g == 0 ? 1 : den / g;
}

Rational Rational::operator+(const Rational& o) const {
  const Int128 g = Gcd(den_, o.den_);
  return Rational(num_ * (o.den_ / g) + o.num_ * (den_ / g), den_ / g * o.den_);
}
Rational Rational::operator-(const Rational& o) const { return *this + Rational(-o.num_, o.den_); }
Rational Rational::operator*(const Rational& o) const {
  const Int128 g1 = Gcd(num_, o.den_), g2 = Gcd(o.num_, den_);
  const Int128 a = g1 == 0 ? 1 : g1, b = g2 == 0 ? 1 : g2;
  return Rational((num_ / a) * (o.num_ / b), (den_ / b) * (o.den_ / a));
}
Rational Rational::operator/(const Rational& o) const {
  assert(o.num_ != 0);
  return *this * Rational(o.den_, o.num_);
}

std::strong_ordering Rational::operator<=>(const Rational& o) const {
  // Denominators are positive, so cross-multiplying keeps the order.
  const Int128 l = num_ * o.den_, r = o.num_ * den_;
  if (l < r) return std::strong_ordering::less;
  if (l > r) return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

std::string Rational::ToFixed(int places) const {
  Int128 scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  // Round half away from zero once: |num| × scale ÷ den.
  const Int128 a = Abs(num_) * scale;
  Int128 q = a / den_;
  if ((a % den_) * 2 >= den_) ++q;
  std::string digits = Int128ToString(q);
  if (places > 0) {
    if (digits.size() <= static_cast<size_t>(places))
      digits.insert(0, static_cast<size_t>(places) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<size_t>(places), ".");
  }
  return (num_ < 0 && q != 0 ? "-" : "") + digits;
}

std::string Rational::ToFraction() const {
  if (den_ == 1) return Int128ToString(num_);
  return Int128ToString(num_) + "/" + Int128ToString(den_);
}

}  // namespace csu::procurement
