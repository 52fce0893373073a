#include "core/money.h"

#include <cassert>
#include <limits>

#include "core/text.h"

namespace csu {

int64_t DivRoundHalfAway(Int128 numerator, Int128 denominator) {
  assert(denominator != 0 && "division by zero in money rounding");
  [[maybe_unused]] constexpr Int128 kMin128 = -(Int128{1} << 126) - (Int128{1} << 126);  // -2^127
  assert(!(numerator == kMin128 && denominator == -1) && "quotient overflows");
  const bool negative = (numerator < 0) != (denominator < 0);
  Int128 q = numerator / denominator;  // truncates toward zero
  Int128 r = numerator % denominator;  // |r| < |denominator|
  // Round away when 2|r| >= |d|. Neither |r| nor |d| (nor 2|r|) need fit in
  // 128 bits, so compare their negations, which always do: -|r| <= -|d| + |r|.
  const Int128 neg_r = r < 0 ? r : -r;
  const Int128 neg_d = denominator < 0 ? denominator : -denominator;
  if (neg_r <= neg_d - neg_r) q += negative ? -1 : 1;
  assert(q >= std::numeric_limits<int64_t>::min() && q <= std::numeric_limits<int64_t>::max() &&
         "rounded quotient does not fit in int64");
  return static_cast<int64_t>(q);
}

Result<Money> Money::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  const std::string_view original = s;
  auto fail = [&](const char* why) -> Result<Money> {
    return MakeError("", std::string("'") + std::string(original) + "' is not an amount of money: " + why);
  };
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  constexpr std::string_view kPound = "\xC2\xA3";  // U+00A3 in UTF-8
  if (s.substr(0, kPound.size()) == kPound) s.remove_prefix(kPound.size());
  if (!negative && !s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return fail("empty");
  // One sign only: ParseScaled would otherwise take a second one ("--5").
  if (s[0] == '-' || s[0] == '+') return fail("not a number");
  // Thousands separators are allowed only in groups of three before the point.
  // The sign goes to ParseScaled so that INT64_MIN pence parses too.
  std::string digits = negative ? "-" : "";
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (whole.find(',') != std::string_view::npos) {
    auto groups = Split(whole, ',');
    for (size_t i = 0; i < groups.size(); ++i) {
      bool good = i == 0 ? (!groups[i].empty() && groups[i].size() <= 3) : groups[i].size() == 3;
      if (!good) return fail("misplaced thousands separator");
      digits.append(groups[i]);
    }
  } else {
    digits.append(whole);
  }
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.size() > 2) return fail("more than two decimal places");
    digits.push_back('.');
    digits.append(frac);
  }
  auto pence = ParseScaled(digits, 2);
  if (!pence) return fail("not a number");
  return Money::FromPence(*pence);
}

std::string Money::ToString() const {
  uint64_t mag = pence_ < 0 ? 0 - static_cast<uint64_t>(pence_) : static_cast<uint64_t>(pence_);
  std::string out = pence_ < 0 ? "-\xC2\xA3" : "\xC2\xA3";
  out += WithThousands(static_cast<int64_t>(mag / 100));
  uint64_t p = mag % 100;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + p / 10));
  out.push_back(static_cast<char>('0' + p % 10));
  return out;
}

std::string Money::ToDecimal() const {
  uint64_t mag = pence_ < 0 ? 0 - static_cast<uint64_t>(pence_) : static_cast<uint64_t>(pence_);
  std::string out = pence_ < 0 ? "-" : "";
  out += std::to_string(mag / 100);
  uint64_t p = mag % 100;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + p / 10));
  out.push_back(static_cast<char>('0' + p % 10));
  return out;
}

Money Money::MulRatio(int64_t numerator, int64_t denominator) const {
  return Money(DivRoundHalfAway(static_cast<Int128>(pence_) * numerator, denominator));
}

}  // namespace csu
