// Financial months of one year as a lookup from day number, so that a scan
// over millions of records turns a date column into a month with one load
// and one compare instead of calendar arithmetic.
//
//   YearCalendar cal(FinancialYear(2018));
//   int m = cal.Month(apc.discharge_date[i]);   // 1 (April) .. 12, 0 outside
#pragma once

#include <array>
#include <cstdint>

#include "core/date.h"

namespace csu::analytics {

class YearCalendar {
 public:
  explicit YearCalendar(FinancialYear year);
  FinancialYear year() const { return year_; }
  // Financial month 1..12 of a day (days since 1970-01-01), 0 outside the year.
  int Month(int32_t day) const {
    const uint32_t i = static_cast<uint32_t>(day - first_day_);
    return i < kMaxDays ? months_[i] : 0;
  }
  int32_t first_day() const { return first_day_; }

 private:
  static constexpr uint32_t kMaxDays = 366;
  FinancialYear year_;
  int32_t first_day_;
  std::array<uint8_t, kMaxDays> months_{};
};

}  // namespace csu::analytics
