// Calendar values: Date (days since 1970-01-01), DateTime (minutes since
// 1970-01-01T00:00, local time as the extracts give it, no time zone), and the
// NHS FinancialYear (1 April to 31 March; month 1 is April, month 12 March).
// All are small trivially-copyable values, safe to share between threads.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days) { return Date(days); }
  // Asserts the fields form a real date (use Parse for untrusted input).
  static Date FromYmd(int32_t year, int32_t month, int32_t day);
  // Strict "YYYY-MM-DD" with a real calendar date in years 1800..2999.
  static Result<Date> Parse(std::string_view text);
  static bool IsLeapYear(int32_t year);
  static int32_t DaysInMonth(int32_t year, int32_t month);

  constexpr int32_t days() const { return days_; }
  int32_t year() const;
  int32_t month() const;  // 1..12
  int32_t day() const;    // 1..31
  // 0 = Monday ... 6 = Sunday.
  int32_t weekday() const;
  std::string ToString() const;  // "YYYY-MM-DD"

  // Whole years from date_of_birth to this date (birthday not yet reached
  // this year does not count; someone born 29 February turns a year older
  // on 1 March in non-leap years).
  int32_t AgeOn(Date date_of_birth) const;

  constexpr Date AddDays(int32_t n) const { return Date(days_ + n); }
  constexpr int32_t operator-(Date o) const { return days_ - o.days_; }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

class DateTime {
 public:
  constexpr DateTime() = default;
  static constexpr DateTime FromMinutes(int64_t minutes) { return DateTime(minutes); }
  static DateTime At(Date date, int32_t hour, int32_t minute) {
    return DateTime(int64_t{date.days()} * 1440 + hour * 60 + minute);
  }
  // Strict "YYYY-MM-DDTHH:MM".
  static Result<DateTime> Parse(std::string_view text);

  constexpr int64_t minutes() const { return minutes_; }
  Date date() const;
  std::string ToString() const;  // "YYYY-MM-DDTHH:MM"
  constexpr DateTime AddMinutes(int64_t n) const { return DateTime(minutes_ + n); }
  constexpr int64_t operator-(DateTime o) const { return minutes_ - o.minutes_; }
  constexpr auto operator<=>(const DateTime&) const = default;

 private:
  constexpr explicit DateTime(int64_t minutes) : minutes_(minutes) {}
  int64_t minutes_ = 0;
};

// An NHS financial year, named by the calendar year it starts in:
// FinancialYear(2018) is 2018/19, 1 April 2018 to 31 March 2019.
class FinancialYear {
 public:
  constexpr explicit FinancialYear(int32_t start_year = 2018) : start_year_(start_year) {}
  static FinancialYear Of(Date date);
  // Accepts "2018/19", "2018-19" and "201819"; the second half must follow
  // the first (2018/20 is an error).
  static Result<FinancialYear> Parse(std::string_view text);

  constexpr int32_t start_year() const { return start_year_; }
  Date first_day() const;  // 1 April
  Date last_day() const;   // 31 March of the next year
  std::string ToString() const;  // "2018/19"
  bool Contains(Date d) const { return d >= first_day() && d <= last_day(); }

  // Month of the financial year, 1 (April) .. 12 (March). d must be inside.
  int32_t MonthOf(Date d) const;
  // First day of financial month m (1..12).
  Date MonthStart(int32_t m) const;
  // Three-letter calendar name of financial month m: 1 -> "Apr".
  static std::string_view MonthName(int32_t m);

  constexpr auto operator<=>(const FinancialYear&) const = default;

 private:
  int32_t start_year_;
};

}  // namespace csu
