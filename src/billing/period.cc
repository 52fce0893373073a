#include "billing/period.h"

#include "core/text.h"

namespace csu::billing {

Result<Period> Period::Parse(std::string_view text) {
  std::string shown(text.substr(0, 40));
  if (text.size() != 7 || text[4] != '-') return MakeError(shown, "a billing period is written YYYY-MM, e.g. 2018-06");
  std::optional<int64_t> year = ParseInt(text.substr(0, 4));
  std::optional<int64_t> month = ParseInt(text.substr(5, 2));
  if (!year || !month || text[5] == '-' || text[0] == '-')
    return MakeError(shown, "a billing period is written YYYY-MM, e.g. 2018-06");
  if (*year < 2000 || *year > 2199) return MakeError(shown, "the year must be 2000–2199");
  if (*month < 1 || *month > 12) return MakeError(shown, "the month must be 01–12");
  return Period(static_cast<int32_t>(*year), static_cast<int32_t>(*month));
}

Period Period::AddMonths(int32_t n) const {
  int32_t index = year_ * 12 + (month_ - 1) + n;
  int32_t y = index >= 0 ? index / 12 : (index - 11) / 12;
  return Period(y, index - y * 12 + 1);
}

std::string Period::ToString() const {
  std::string m = std::to_string(month_);
  return std::to_string(year_) + "-" + (m.size() == 1 ? "0" + m : m);
}

std::string Period::Name() const {
  static const char* kNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  return std::string(kNames[month_ - 1]) + " " + std::to_string(year_);
}

}  // namespace csu::billing
