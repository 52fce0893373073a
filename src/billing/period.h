// A billing period: one calendar month, written "2018-06". Invoices, usage
// and population are all per period; a period is in force from its first day.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"

namespace csu::billing {

class Period {
 public:
  constexpr Period() = default;
  // month 1..12 (asserted by Parse; callers of this constructor check).
  constexpr Period(int32_t year, int32_t month) : year_(year), month_(month) {}
  // "YYYY-MM". Errors say what is wrong ("2018-13: month must be 01–12").
  static Result<Period> Parse(std::string_view text);
  static Period Of(Date day) { return Period(day.year(), day.month()); }

  constexpr int32_t year() const { return year_; }
  constexpr int32_t month() const { return month_; }
  Date first_day() const { return Date::FromYmd(year_, month_, 1); }
  Date last_day() const { return AddMonths(1).first_day().AddDays(-1); }
  // n may be negative.
  Period AddMonths(int32_t n) const;
  // Whole months from `o` to this (this - o).
  int32_t MonthsSince(Period o) const { return (year_ - o.year_) * 12 + (month_ - o.month_); }
  std::string ToString() const;  // "2018-06"
  // "June 2018", for people.
  std::string Name() const;

  constexpr auto operator<=>(const Period&) const = default;

 private:
  int32_t year_ = 1970;
  int32_t month_ = 1;
};

// The first day of the month `n` months after the month of `first_of_month`.
inline Date AddMonths(Date first_of_month, int32_t n) { return Period::Of(first_of_month).AddMonths(n).first_day(); }

}  // namespace csu::billing
