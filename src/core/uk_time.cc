#include "core/uk_time.h"

namespace csu {
namespace {

// 01:00 UTC on the last Sunday of `month` in `year`.
DateTime LastSundayOneUtc(int32_t year, int32_t month) {
  const Date last = Date::FromYmd(year, month, Date::DaysInMonth(year, month));
  // weekday(): 0 = Monday ... 6 = Sunday, so a Sunday steps back 0 days and a
  // Monday 1.
  const Date sunday = last.AddDays(-((last.weekday() + 1) % 7));
  return DateTime::At(sunday, 1, 0);
}

}  // namespace

DateTime BstStartUtc(int32_t year) { return LastSundayOneUtc(year, 3); }
DateTime BstEndUtc(int32_t year) { return LastSundayOneUtc(year, 10); }

bool IsBst(DateTime utc) {
  // The UTC year is the right one: both transitions lie well inside it.
  const int32_t year = utc.date().year();
  return utc >= BstStartUtc(year) && utc < BstEndUtc(year);
}

DateTime UkLocalTime(DateTime utc) { return IsBst(utc) ? utc.AddMinutes(60) : utc; }

Date UkDate(DateTime utc) { return UkLocalTime(utc).date(); }

std::optional<Date> UkDateOfTimestamp(std::string_view utc_timestamp) {
  if (utc_timestamp.size() < 16) return std::nullopt;
  Result<DateTime> at = DateTime::Parse(utc_timestamp.substr(0, 16));
  if (!at.ok()) return std::nullopt;
  return UkDate(at.value());
}

}  // namespace csu
