// The quarterly assurance measures of NHS Continuing Healthcare, computed
// from case facts (rules and sources: docs/chc.md, "Quarterly assurance
// measures"). Pure functions: the store supplies the facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace csu::chc {

// What the measures need to know about one case.
struct CaseFacts {
  int64_t id = 0;
  std::string ccg;
  bool fast_track = false;
  std::optional<Date> checklist_received;  // positive Checklist reached the CCG (standard cases)
  std::optional<Date> decided;             // the eligibility decision
  bool eligible = false;                   // the decision was "eligible"
  std::optional<Date> eligibility_ended;   // no longer eligible from the day after (closed, died, review)
  bool valid_delay = false;                // a valid reason for delay recorded
  std::vector<std::pair<Date, bool>> assessments;  // full DST assessments: (date, done in an acute hospital)
  std::optional<DateTime> fast_track_received;     // Fast Track: referral reached the CCG
  std::optional<DateTime> fast_track_in_place;     // Fast Track: package in place
};

// A quarter of a financial year: "2018-Q3" is the third quarter of 2018/19,
// 1 October to 31 December 2018.
struct Quarter {
  int32_t fy_start = 2018;
  int32_t q = 1;  // 1..4
  Date first_day() const;
  Date last_day() const;
  std::string ToString() const;  // "2018-Q3"
};
Result<Quarter> ParseQuarter(std::string_view text);

struct AssuranceMeasures {
  std::string ccg;
  Quarter quarter;
  int64_t population = 0;
  // Eligible for standard CHC on the quarter's last day, and per 50,000
  // population in hundredths (rounded once, half away from zero).
  int64_t eligible = 0;
  int64_t eligible_per_50k_x100 = 0;
  // Standard decisions made in the quarter, those excluded for a valid
  // reason for delay, and of the rest those within 28 days; the share in
  // tenths of a percent (rounded once). Standard: 80%.
  int64_t decisions = 0, decisions_excluded = 0, decisions_within_28 = 0;
  std::optional<int64_t> within_28_permille;  // none when no decision counts
  // Full assessments (DSTs) in the quarter and those in an acute hospital;
  // the share in tenths of a percent. Limit: 15%.
  int64_t assessments = 0, assessments_acute = 0;
  std::optional<int64_t> acute_permille;
  // Fast Track referrals received in the quarter, and those in place within 48 hours.
  int64_t fast_track = 0, fast_track_within_48h = 0;
};

inline constexpr int64_t kWithin28StandardPermille = 800;
inline constexpr int64_t kAcuteLimitPermille = 150;

AssuranceMeasures Assure(const std::string& ccg, int64_t population, Quarter quarter, const std::vector<CaseFacts>& cases);

}  // namespace csu::chc
