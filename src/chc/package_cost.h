// Care package arithmetic (rules: docs/chc.md, "Care packages and their
// cost"). A package is a list of versions, each in force from its start day
// until the day before the next version's start, the last until the
// package's end (or open). Weekly cost = unit cost × units per week; the
// cost of any run of days = unit cost × units per week × days / 7, rounded
// once, half away from zero, to the penny (core DivRoundHalfAway). Units per
// week are kept in hundredths (10.5 hours = 1050), so nothing is rounded
// before that one division. Pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace csu::chc {

enum class Setting : uint8_t { kCareHomeNursing, kCareHome, kDomiciliary, kPersonalHealthBudget };
std::string_view SettingName(Setting s);  // "care_home_nursing", "care_home", "domiciliary", "phb"
std::optional<Setting> ParseSetting(std::string_view name);

// Units per week in hundredths from text: "7", "10.5", "37.25" (at most two
// decimals, more than 0, at most 168 per day-unit week × 100 scale is not imposed).
Result<int64_t> ParseUnitsX100(std::string_view text);
std::string UnitsX100ToString(int64_t units_x100);

struct PackageVersion {
  int64_t version = 1;
  Date start;                 // in force from this day
  std::string provider;       // ODS code or local register id
  Setting setting = Setting::kCareHomeNursing;
  Money unit_cost;            // per unit (a week in a home, an hour of care)
  int64_t units_x100 = 100;   // units per week, in hundredths
};

struct Package {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string ccg;
  std::vector<PackageVersion> versions;  // ascending start, distinct starts
  std::optional<Date> end;               // last day paid; none = open
};

// unit cost × units per week, rounded once.
Money WeeklyCost(const PackageVersion& v);

// The cost of `v` over `days` days: unit × units × days / 7, rounded once.
Money CostForDays(const PackageVersion& v, int64_t days);

// The days version i of `p` is in force: [from, to]; `to` is nullopt while open.
struct Span {
  const PackageVersion* version = nullptr;
  Date from;
  std::optional<Date> to;
};
std::vector<Span> Spans(const Package& p);

// The cost of `p` over [from, to] inclusive: the sum over its versions of
// each one's days within the range, each version rounded once.
Money CostBetween(const Package& p, Date from, Date to);

// Committed cost from `as_of` (inclusive) to the end of its financial year
// (31 March), per CCG per month: the sum over live versions of each
// version's days in the month, each (version, month) rounded once. Months run
// from as_of's month to March; every month appears, zero when nothing falls
// in it. For the ledger's budget monitoring: pence per CCG per month.
struct MonthCommitment {
  Date month;    // the month's first day
  Money amount;
};
std::map<std::string, std::vector<MonthCommitment>> CommittedToYearEnd(const std::vector<Package>& packages, Date as_of);

// Checks a version before it is stored: a provider, unit cost > 0, units > 0.
Status CheckVersion(const PackageVersion& v);

}  // namespace csu::chc
