// The standstill period after an award decision: eight working days under
// both the Provider Selection Regime and the Procurement Act 2023, counted
// with the England and Wales bank holidays (data/refdata/
// bank_holidays_england_wales.csv). The two regimes start the count on
// different days:
//   * PSR, regulation 12 of the Health Care Services (Provider Selection
//     Regime) Regulations 2023 (SI 2023/1348), as NHS England's statutory
//     guidance reads it: the count begins the day AFTER the day the notice of
//     the intention to award is published.
//   * Procurement Act 2023, section 51: eight working days BEGINNING WITH the
//     day the contract award notice is published (that day counts when it is
//     a working day).
// A working day is Monday to Friday and not an England and Wales bank
// holiday (Christmas Day and Good Friday are in that list). Sources and the
// readings chosen: docs/procurement.md, "Standstill".
//
//   CSU_ASSIGN_OR_RETURN(hol, BankHolidays::Load(dir + "/bank_holidays_england_wales.csv"));
//   CSU_ASSIGN_OR_RETURN(s, StandstillPeriod(Regime::kPsr, Date::FromYmd(2025, 12, 19), hol));
//   s.last_day;       // 2026-01-05, the last day of standstill
//   s.contract_from;  // 2026-01-06, the first day the contract may be entered into
//
// Dates outside the years the holiday file covers are refused rather than
// counted as if they had no holidays.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace csu::procurement {

enum class Regime : uint8_t { kPsr, kProcurementAct2023, kPcr2015 };
std::string_view RegimeName(Regime r);  // "psr", "pa2023", "pcr2015"
std::string_view RegimeTitle(Regime r); // the instrument's full title
std::optional<Regime> ParseRegime(std::string_view s);

class BankHolidays {
 public:
  // Reads the refdata file (columns date,name). Errors name file:line.
  static Result<BankHolidays> Load(const std::string& path);
  // From dates already known; the covered years are first..last of them.
  static BankHolidays FromDates(const std::vector<Date>& dates);

  bool IsHoliday(Date d) const { return dates_.count(d.days()) != 0; }
  // Covered: the year is within the years the file lists.
  bool Covers(Date d) const { return d.year() >= first_year_ && d.year() <= last_year_; }
  bool IsWorkingDay(Date d) const;

 private:
  std::set<int32_t> dates_;
  int32_t first_year_ = 0;
  int32_t last_year_ = -1;
};

struct Standstill {
  Regime regime = Regime::kPsr;
  Date notice;              // the day the notice was published
  std::vector<Date> counted;  // the eight working days, in order
  Date last_day;            // standstill ends at midnight at the end of this day
  Date contract_from;       // the day after last_day
  std::string rule;         // the rule as one sentence, for the decision record
};

inline constexpr int kStandstillWorkingDays = 8;

// The standstill period for a notice published on `notice`. The earlier
// regulations (Public Contracts Regulations 2015) are kept for historic
// records only and their calendar-day standstill is not computed: an error.
Result<Standstill> StandstillPeriod(Regime regime, Date notice, const BankHolidays& holidays);

}  // namespace csu::procurement
