#include "synth/calendar.h"

#include "refdata/refdata.h"

namespace csu::synth {
namespace {

// Days before 1 April each flow starts (see the header).
constexpr int32_t kPreDays[] = {60, 60, 120, 300, 30};

// Weekday weights, Monday first.
constexpr double kAeWeekday[7] = {1.12, 1.0, 0.97, 0.96, 0.97, 0.98, 1.0};
constexpr double kEmergencyWeekday[7] = {1.15, 1.1, 1.08, 1.08, 1.1, 0.75, 0.7};
constexpr double kPlannedWeekday[7] = {1, 1, 1, 1, 1, 0.05, 0.02};
// Planned care by calendar month (January first): summer and Christmas
// holidays [K].
constexpr double kPlannedMonth[12] = {1.0, 1.03, 1.04, 0.96, 1.0, 1.02, 1.0, 0.9, 1.02, 1.05, 1.05, 0.86};
// Arrivals by hour for major (Type 1/2) departments and minor units [K].
constexpr double kMajorHours[24] = {2.2, 1.8, 1.5, 1.3, 1.2, 1.2, 1.6, 2.6, 4.5, 6.0, 6.7, 6.6,
                                    6.3, 6.0, 5.8, 5.7, 5.7, 5.7, 5.6, 5.2, 4.6, 4.0, 3.4, 2.7};
constexpr double kMinorHours[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 1.5, 5.5, 8.0, 8.5, 8.3,
                                    7.8, 7.5, 7.3, 7.0, 6.8, 6.5, 6.0, 5.0, 3.8, 2.2, 1.0, 0.5};

Date EasterSunday(int32_t y) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int32_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const int32_t f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int32_t i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int32_t m = (a + 11 * h + 22 * l) / 451;
  const int32_t month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return Date::FromYmd(y, month, day);
}

Date FirstMonday(int32_t y, int32_t month) {
  Date d = Date::FromYmd(y, month, 1);
  return d.AddDays((7 - d.weekday()) % 7);
}

Date LastMonday(int32_t y, int32_t month) {
  Date d = Date::FromYmd(y, month, Date::DaysInMonth(y, month));
  return d.AddDays(-d.weekday());
}

// A fixed-date holiday (New Year's Day) moves to the Monday when it falls
// at a weekend.
bool IsSubstitutedHoliday(Date d, int32_t month, int32_t day) {
  const int32_t y = d.year();
  Date h = Date::FromYmd(y, month, day);
  if (h == d && h.weekday() < 5) return true;
  if (h.weekday() == 5) return d == h.AddDays(2);
  if (h.weekday() == 6) return d == h.AddDays(1);
  return false;
}

}  // namespace

bool Calendar::IsBankHoliday(Date d) {
  const int32_t y = d.year();
  const int32_t m = d.month();
  if (m == 1 && IsSubstitutedHoliday(d, 1, 1)) return true;
  if (m == 3 || m == 4) {
    const Date easter = EasterSunday(y);
    if (d == easter.AddDays(-2) || d == easter.AddDays(1)) return true;
  }
  if (m == 5 && (d == FirstMonday(y, 5) || d == LastMonday(y, 5))) return true;
  if (m == 8 && d == LastMonday(y, 8)) return true;
  if (m == 12) {
    // Christmas and Boxing Day with their substitutes, by Christmas weekday.
    static constexpr int32_t kDays[7][2] = {{25, 26}, {25, 26}, {25, 26}, {25, 26}, {25, 28}, {27, 28}, {26, 27}};
    const int32_t wd = Date::FromYmd(y, 12, 25).weekday();
    if (d.day() == kDays[wd][0] || d.day() == kDays[wd][1]) return true;
  }
  return false;
}

bool Calendar::IsWorkingDay(Date d) const { return d.weekday() < 5 && !IsBankHoliday(d); }

Calendar::Calendar(const refdata::RefData& refdata, FinancialYear year) : year_(year) {
  // Real national Type 1 attendances and admissions per day, by financial
  // month of the chosen year; flat when the data lacks a month.
  double ae_per_day[13] = {}, admit_per_day[13] = {};
  for (const auto& m : refdata.ae_history()) {
    if (m.type != "1" || !year.Contains(m.month)) continue;
    const int32_t fm = year.MonthOf(m.month);
    const double days = Date::DaysInMonth(m.month.year(), m.month.month());
    ae_per_day[fm] += static_cast<double>(m.attendances) / days;
    admit_per_day[fm] += static_cast<double>(m.admissions) / days;
  }
  for (int fm = 1; fm <= 12; ++fm) {
    if (ae_per_day[fm] <= 0) ae_per_day[fm] = 1.0;
    if (admit_per_day[fm] <= 0) admit_per_day[fm] = 1.0;
  }

  const Date first = year.first_day();
  const Date last = year.last_day();
  for (size_t f = 0; f < windows_.size(); ++f) {
    Window& w = windows_[f];
    w.first = first.AddDays(-kPreDays[f]);
    std::vector<double> weights;
    double in_year = 0, total = 0;
    for (Date d = w.first; d <= last; d = d.AddDays(1)) {
      // Days before the year take the weight of the same month of the year.
      const int32_t cal_month = d.month();
      const int32_t fm = cal_month >= 4 ? cal_month - 3 : cal_month + 9;
      const int32_t wd = d.weekday();
      const bool holiday = IsBankHoliday(d);
      double weight = 1.0;
      switch (static_cast<Flow>(f)) {
        case Flow::kAe:
          weight = ae_per_day[fm] * kAeWeekday[wd] * (holiday ? 1.05 : 1.0);
          break;
        case Flow::kEmergency:
          weight = admit_per_day[fm] * kEmergencyWeekday[wd] * (holiday ? 0.7 : 1.0);
          break;
        case Flow::kElective:
        case Flow::kOutpatient:
          weight = kPlannedMonth[cal_month - 1] * (holiday ? 0.02 : kPlannedWeekday[wd]);
          break;
        case Flow::kMaternity:
        case Flow::kCount:
          weight = 1.0;
          break;
      }
      weights.push_back(weight);
      total += weight;
      if (d >= first) in_year += weight;
    }
    w.days = AliasTable(weights);
    w.factor = total / in_year;
  }
  hours_major_ = AliasTable(std::vector<double>(std::begin(kMajorHours), std::end(kMajorHours)));
  hours_minor_ = AliasTable(std::vector<double>(std::begin(kMinorHours), std::end(kMinorHours)));
}

int32_t Calendar::DrawArrivalMinute(bool type1_or_2, Rng& rng) const {
  const auto hour = static_cast<int32_t>((type1_or_2 ? hours_major_ : hours_minor_).Pick(rng));
  return hour * 60 + static_cast<int32_t>(rng.Below(60));
}

}  // namespace csu::synth
