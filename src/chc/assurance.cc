#include "chc/assurance.h"

#include "chc/timeliness.h"
#include "core/money.h"

namespace csu::chc {

Date Quarter::first_day() const {
  // Q1 April, Q2 July, Q3 October (of fy_start), Q4 January (of the next year).
  const int32_t month0 = 3 + (q - 1) * 3;  // months after January of fy_start
  return Date::FromYmd(fy_start + month0 / 12, month0 % 12 + 1, 1);
}

Date Quarter::last_day() const { return AddMonths(first_day(), 3).AddDays(-1); }

std::string Quarter::ToString() const { return std::to_string(fy_start) + "-Q" + std::to_string(q); }

Result<Quarter> ParseQuarter(std::string_view text) {
  if (text.size() != 7 || text[4] != '-' || text[5] != 'Q' || text[6] < '1' || text[6] > '4')
    return MakeError("quarter", "'" + std::string(text) + "' is not YYYY-Qn (2018-Q3: October to December 2018)");
  for (size_t i = 0; i < 4; ++i)
    if (text[i] < '0' || text[i] > '9') return MakeError("quarter", "'" + std::string(text) + "' is not YYYY-Qn");
  return Quarter{std::stoi(std::string(text.substr(0, 4))), text[6] - '0'};
}

namespace {
std::optional<int64_t> Permille(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  return DivRoundHalfAway(static_cast<Int128>(part) * 1000, whole);
}
}  // namespace

AssuranceMeasures Assure(const std::string& ccg, int64_t population, Quarter quarter,
                         const std::vector<CaseFacts>& cases) {
  AssuranceMeasures m;
  m.ccg = ccg;
  m.quarter = quarter;
  m.population = population;
  const Date from = quarter.first_day(), to = quarter.last_day();
  auto in_quarter = [&](Date d) { return d >= from && d <= to; };
  for (const CaseFacts& c : cases) {
    if (c.ccg != ccg) continue;
    if (!c.fast_track && c.eligible && c.decided && *c.decided <= to &&
        (!c.eligibility_ended || *c.eligibility_ended >= to))
      ++m.eligible;
    if (!c.fast_track && c.decided && c.checklist_received && in_quarter(*c.decided)) {
      ++m.decisions;
      if (c.valid_delay) {
        ++m.decisions_excluded;
      } else if (TwentyEightDay(*c.checklist_received, c.decided, *c.decided, false).band == ClockBand::kMet) {
        ++m.decisions_within_28;
      }
    }
    for (const auto& [day, acute] : c.assessments) {
      if (!in_quarter(day)) continue;
      ++m.assessments;
      if (acute) ++m.assessments_acute;
    }
    if (c.fast_track && c.fast_track_received && in_quarter(c.fast_track_received->date())) {
      ++m.fast_track;
      if (c.fast_track_in_place && FastTrackMet(*c.fast_track_received, *c.fast_track_in_place))
        ++m.fast_track_within_48h;
    }
  }
  if (population > 0) m.eligible_per_50k_x100 = DivRoundHalfAway(static_cast<Int128>(m.eligible) * 50'000 * 100, population);
  m.within_28_permille = Permille(m.decisions_within_28, m.decisions - m.decisions_excluded);
  m.acute_permille = Permille(m.assessments_acute, m.assessments);
  return m;
}

}  // namespace csu::chc
