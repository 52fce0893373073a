// When activity happens: day-of-year weights for each kind of flow (season,
// weekday, bank holidays) and arrival hours for A&E.
//
// Seasonality comes from real data where it exists: the national Type 1 A&E
// attendances and emergency admissions per day of each month of the chosen
// financial year (refdata ae_history, NHS England). Weekday and holiday
// patterns are domain knowledge [K]: planned care happens on working days;
// A&E is busiest on Mondays (16% of the week, domain.md 2.6 [V]).
//
// Each flow is drawn over a window that starts before 1 April (`pre_days`),
// so that spells admitted in March and discharged in April, and follow-ups
// of appointments booked last year, appear in the year as they would in a
// real extract. Immutable after construction; safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/date.h"
#include "synth/random.h"

namespace csu::refdata {
class RefData;
}

namespace csu::synth {

enum class Flow : uint8_t { kAe, kEmergency, kElective, kOutpatient, kMaternity, kCount };

class Calendar {
 public:
  Calendar(const refdata::RefData& refdata, FinancialYear year);

  FinancialYear year() const { return year_; }
  // A day of the flow's window, weighted.
  Date Draw(Flow flow, Rng& rng) const {
    const auto& w = windows_[static_cast<size_t>(flow)];
    return w.first.AddDays(static_cast<int32_t>(w.days.Pick(rng)));
  }
  // Expected events in the window per event a year: a yearly rate times
  // this is the Poisson mean for the whole window.
  double WindowFactor(Flow flow) const { return windows_[static_cast<size_t>(flow)].factor; }
  // Minute of the day (0..1439) an A&E attendance arrives; Type 3/4 units
  // keep daytime hours.
  int32_t DrawArrivalMinute(bool type1_or_2, Rng& rng) const;
  // The same weekday/holiday weight a planned appointment gets; used to move
  // a re-booked outpatient appointment off a weekend.
  bool IsWorkingDay(Date d) const;
  // True for an England and Wales bank holiday.
  static bool IsBankHoliday(Date d);

 private:
  struct Window {
    Date first;
    AliasTable days;
    double factor = 1.0;
  };
  FinancialYear year_;
  std::array<Window, static_cast<size_t>(Flow::kCount)> windows_;
  AliasTable hours_major_;
  AliasTable hours_minor_;
};

}  // namespace csu::synth
