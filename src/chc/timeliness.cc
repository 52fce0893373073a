#include "chc/timeliness.h"

namespace csu::chc {

std::string_view DelayReasonName(DelayReason r) {
  switch (r) {
    case DelayReason::kIndividual: return "individual";
    case DelayReason::kCondition: return "condition";
    case DelayReason::kExceptional: return "exceptional";
  }
  return "?";
}

std::optional<DelayReason> ParseDelayReason(std::string_view name) {
  for (DelayReason r : {DelayReason::kIndividual, DelayReason::kCondition, DelayReason::kExceptional})
    if (DelayReasonName(r) == name) return r;
  return std::nullopt;
}

std::string_view ClockBandName(ClockBand b) {
  switch (b) {
    case ClockBand::kOnTrack: return "on track";
    case ClockBand::kNearing: return "nearing";
    case ClockBand::kOverdue: return "overdue";
    case ClockBand::kMet: return "met";
    case ClockBand::kMissed: return "missed";
  }
  return "?";
}

ClockStatus TwentyEightDay(Date checklist_received, std::optional<Date> decided, Date today, bool valid_exception) {
  ClockStatus s;
  s.valid_exception = valid_exception;
  if (decided) {
    s.days = *decided - checklist_received;
    s.band = s.days <= kStandardDays ? ClockBand::kMet : ClockBand::kMissed;
  } else {
    s.days = today - checklist_received;
    s.band = s.days > kStandardDays    ? ClockBand::kOverdue
             : s.days >= kNearingFromDay ? ClockBand::kNearing
                                         : ClockBand::kOnTrack;
  }
  return s;
}

bool FastTrackMet(DateTime received, DateTime in_place) { return in_place - received <= kFastTrackMinutes; }

Date AddMonths(Date d, int32_t months) {
  int32_t index = d.year() * 12 + (d.month() - 1) + months;
  int32_t year = index / 12, month = index % 12 + 1;
  int32_t day = std::min(d.day(), Date::DaysInMonth(year, month));
  return Date::FromYmd(year, month, day);
}

Date NextReviewDue(Date eligible_from, std::optional<Date> last_review) {
  return last_review ? AddMonths(*last_review, 12) : AddMonths(eligible_from, 3);
}

}  // namespace csu::chc
