#include "analytics/year_calendar.h"

namespace csu::analytics {

YearCalendar::YearCalendar(FinancialYear year) : year_(year), first_day_(year.first_day().days()) {
  const int32_t last = year.last_day().days();
  for (int32_t d = first_day_; d <= last; ++d)
    months_[static_cast<size_t>(d - first_day_)] = static_cast<uint8_t>(year.MonthOf(Date::FromDays(d)));
}

}  // namespace csu::analytics
