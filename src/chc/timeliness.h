// The clocks of NHS Continuing Healthcare (rules and sources: docs/chc.md):
// the 28-day standard from the Checklist reaching the CCG to the eligibility
// decision, counted in calendar days, with the valid reasons for delay the
// framework allows; Fast Track decided and in place within 48 hours; and
// reviews at three months after eligibility and then every twelve months.
// Pure functions over dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"

namespace csu::chc {

inline constexpr int32_t kStandardDays = 28;   // the framework's standard
inline constexpr int32_t kNearingFromDay = 21;  // listed as nearing from this day (a working choice, docs/chc.md)
inline constexpr int64_t kFastTrackMinutes = 48 * 60;

// Why a case may take longer than 28 days without counting against the
// standard (docs/chc.md, "Valid reasons for delay").
enum class DelayReason : uint8_t {
  kIndividual,   // caused by the individual or their representative (e.g. no agreed date, no consent)
  kCondition,    // the individual's condition or health made assessment not possible (e.g. too unwell)
  kExceptional,  // other exceptional circumstances outside the CCG's control, described in the reason
};
std::string_view DelayReasonName(DelayReason r);  // "individual", "condition", "exceptional"
std::optional<DelayReason> ParseDelayReason(std::string_view name);

enum class ClockBand : uint8_t {
  kOnTrack,    // undecided, before day 21
  kNearing,    // undecided, day 21..28
  kOverdue,    // undecided, past day 28
  kMet,        // decided on or before day 28
  kMissed,     // decided after day 28
};
std::string_view ClockBandName(ClockBand b);

struct ClockStatus {
  int32_t days = 0;          // calendar days from the Checklist's receipt to the decision (or to today)
  ClockBand band = ClockBand::kOnTrack;
  bool valid_exception = false;  // a valid reason for delay is recorded: excluded from the 28-day share
};

// Day 0 is the day the Checklist reached the CCG; a decision on day 28 meets
// the standard. `today` is used while undecided.
ClockStatus TwentyEightDay(Date checklist_received, std::optional<Date> decided, Date today, bool valid_exception);

// Fast Track: from the referral reaching the CCG to the package in place.
// Whole minutes; exactly 48 hours meets it.
bool FastTrackMet(DateTime received, DateTime in_place);

// `d` plus `months` calendar months, the day clamped to the month's end
// (31 May + 3 months = 31 Aug; 30 Nov + 3 months = 28 or 29 Feb).
Date AddMonths(Date d, int32_t months);

// When the next review is due: three months after eligibility when none has
// been done, else twelve months after the latest review done.
Date NextReviewDue(Date eligible_from, std::optional<Date> last_review);

}  // namespace csu::chc
