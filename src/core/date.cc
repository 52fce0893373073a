#include "core/date.h"

#include <cassert>
#include <cstdio>

#include "core/text.h"

namespace csu {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar, after
// Howard Hinnant's public-domain "days_from_civil".
int32_t DaysFromCivil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Ymd {
  int32_t y, m, d;
};

Ymd CivilFromDays(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t y = yoe + era * 400;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  const int32_t d = doy - (153 * mp + 2) / 5 + 1;
  const int32_t m = mp + (mp < 10 ? 3 : -9);
  return {y + (m <= 2), m, d};
}

bool Digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

bool Date::IsLeapYear(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int32_t Date::DaysInMonth(int32_t y, int32_t m) {
  static constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

Date Date::FromYmd(int32_t y, int32_t m, int32_t d) {
  assert(m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m) && "not a calendar date");
  return Date(DaysFromCivil(y, m, d));
}

Result<Date> Date::Parse(std::string_view s) {
  auto bad = [&](const char* why) -> Result<Date> {
    return MakeError("", "'" + std::string(s) + "' is not a date: " + why);
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad("expected YYYY-MM-DD");
  if (!Digits(s.substr(0, 4)) || !Digits(s.substr(5, 2)) || !Digits(s.substr(8, 2))) {
    return bad("expected YYYY-MM-DD");
  }
  // Digits() checked every character, so plain arithmetic is safe and avoids
  // three from_chars calls on the ingest hot path.
  auto digit = [&](size_t i) { return static_cast<int32_t>(s[i] - '0'); };
  const int32_t y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const int32_t m = digit(5) * 10 + digit(6);
  const int32_t d = digit(8) * 10 + digit(9);
  if (y < 1800 || y > 2999) return bad("year out of range 1800-2999");
  if (m < 1 || m > 12) return bad("month must be 01-12");
  if (d < 1 || d > DaysInMonth(y, m)) return bad("no such day in that month");
  return Date(DaysFromCivil(y, m, d));
}

int32_t Date::year() const { return CivilFromDays(days_).y; }
int32_t Date::month() const { return CivilFromDays(days_).m; }
int32_t Date::day() const { return CivilFromDays(days_).d; }
int32_t Date::weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int32_t w = (days_ + 3) % 7;
  return w < 0 ? w + 7 : w;
}

std::string Date::ToString() const {
  Ymd c = CivilFromDays(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y, c.m, c.d);
  return buf;
}

int32_t Date::AgeOn(Date dob) const {
  Ymd now = CivilFromDays(days_);
  Ymd born = CivilFromDays(dob.days_);
  int32_t age = now.y - born.y;
  if (now.m < born.m || (now.m == born.m && now.d < born.d)) --age;
  return age;
}

Result<DateTime> DateTime::Parse(std::string_view s) {
  auto bad = [&](const char* why) -> Result<DateTime> {
    return MakeError("", "'" + std::string(s) + "' is not a date-time: " + why);
  };
  if (s.size() != 16 || s[10] != 'T' || s[13] != ':') return bad("expected YYYY-MM-DDTHH:MM");
  auto date = Date::Parse(s.substr(0, 10));
  if (!date.ok()) return bad("expected YYYY-MM-DDTHH:MM");
  if (!Digits(s.substr(11, 2)) || !Digits(s.substr(14, 2))) return bad("expected YYYY-MM-DDTHH:MM");
  auto h = static_cast<int32_t>(*ParseInt(s.substr(11, 2)));
  auto mi = static_cast<int32_t>(*ParseInt(s.substr(14, 2)));
  if (h > 23 || mi > 59) return bad("time must be 00:00-23:59");
  return At(date.value(), h, mi);
}

Date DateTime::date() const {
  int64_t d = minutes_ >= 0 ? minutes_ / 1440 : -((-minutes_ + 1439) / 1440);
  return Date::FromDays(static_cast<int32_t>(d));
}

std::string DateTime::ToString() const {
  Date d = date();
  int64_t in_day = minutes_ - int64_t{d.days()} * 1440;
  char buf[8];
  std::snprintf(buf, sizeof buf, "T%02d:%02d", static_cast<int>(in_day / 60), static_cast<int>(in_day % 60));
  return d.ToString() + buf;
}

FinancialYear FinancialYear::Of(Date d) {
  Ymd c = CivilFromDays(d.days());  // one conversion, not one per field
  return FinancialYear(c.m >= 4 ? c.y : c.y - 1);
}

Result<FinancialYear> FinancialYear::Parse(std::string_view s) {
  auto bad = [&](const char* why) -> Result<FinancialYear> {
    return MakeError("", "'" + std::string(s) + "' is not a financial year: " + why);
  };
  std::string_view first, second;
  if (s.size() == 7 && (s[4] == '/' || s[4] == '-')) {
    first = s.substr(0, 4);
    second = s.substr(5, 2);
  } else if (s.size() == 6) {
    first = s.substr(0, 4);
    second = s.substr(4, 2);
  } else {
    return bad("expected a form like 2018/19");
  }
  if (!Digits(first) || !Digits(second)) return bad("expected a form like 2018/19");
  auto y = static_cast<int32_t>(*ParseInt(first));
  auto next = static_cast<int32_t>(*ParseInt(second));
  if (y < 1900 || y > 2998) return bad("year out of range");
  if ((y + 1) % 100 != next) return bad("the second year must follow the first");
  return FinancialYear(y);
}

Date FinancialYear::first_day() const { return Date::FromYmd(start_year_, 4, 1); }
Date FinancialYear::last_day() const { return Date::FromYmd(start_year_ + 1, 3, 31); }

std::string FinancialYear::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02d", start_year_, (start_year_ + 1) % 100);
  return buf;
}

int32_t FinancialYear::MonthOf(Date d) const {
  assert(Contains(d) && "date outside the financial year");
  int32_t m = d.month();
  return m >= 4 ? m - 3 : m + 9;
}

Date FinancialYear::MonthStart(int32_t m) const {
  assert(m >= 1 && m <= 12 && "financial month must be 1..12");
  return m <= 9 ? Date::FromYmd(start_year_, m + 3, 1) : Date::FromYmd(start_year_ + 1, m - 9, 1);
}

std::string_view FinancialYear::MonthName(int32_t m) {
  static constexpr std::string_view kNames[] = {"Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                                "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"};
  assert(m >= 1 && m <= 12);
  return kNames[m - 1];
}

}  // namespace csu
