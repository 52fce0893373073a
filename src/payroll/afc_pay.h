// Agenda for Change basic pay: the pay scales (pay step points per band) of
// each year as dated reference data (data/payroll/afc_pay_points.csv), the
// high cost area supplements (data/payroll/afc_hcas.csv), incremental
// progression on the incremental date, part-time pro rata by contracted
// hours, and the period's pay from the annual figures. Every rule, its
// source and each rounding: docs/payroll.md, "Agenda for Change pay".
//
// Pay points are identified as the NHS Terms and Conditions of Service
// Handbook identifies them since the 2018 pay deal: a band ("2" .. "9", with
// "8a" .. "8d") and a pay step point within it, numbered from 1 (the entry
// point). Annual figures are whole pounds as NHS Employers publish them.
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
#include "payroll/rates.h"

namespace csu::payroll {

// High cost area zone (AfC Handbook, Annex 8 in England).
enum class HcasZone : uint8_t { kNone, kInnerLondon, kOuterLondon, kFringe };
std::string_view HcasZoneName(HcasZone z);  // "", "inner_london", "outer_london", "fringe"
std::optional<HcasZone> ParseHcasZone(std::string_view s);  // also accepts "" and "none"

struct AfcPayPoint {
  std::string band;       // "5", "8a"
  int step = 1;           // 1 = entry step point
  int years_to_reach = 0; // years in the band before this step is reached (0 for the entry point)
  int64_t annual_pounds = 0;
};

struct HcasRate {
  HcasZone zone = HcasZone::kNone;
  int64_t percent_bp = 0;     // of basic salary
  int64_t minimum_pounds = 0; // a year, full time
  int64_t maximum_pounds = 0; // a year, full time
};

// One year's scales (the pay year runs 1 April to 31 March with the tax year).
struct AfcYear {
  std::string year;                          // "2025/26"
  std::vector<AfcPayPoint> points;           // by band then step
  std::vector<HcasRate> hcas;                // one per zone
  const AfcPayPoint* Point(std::string_view band, int step) const;
  int LastStep(std::string_view band) const;  // 0 = no such band
  const HcasRate* Hcas(HcasZone z) const;
};

class AfcScales {
 public:
  // Reads afc_pay_points.csv and afc_hcas.csv in `dir` (data/payroll); a
  // malformed row, a band whose steps are not 1, 2, 3 ... or a year without
  // all three zones is an error naming file:line.
  static Result<AfcScales> Load(const std::string& dir);
  const AfcYear* Year(std::string_view year) const;
  std::vector<std::string> Years() const;

 private:
  std::map<std::string, AfcYear, std::less<>> years_;
};

// Full-time-equivalent as an exact fraction of contracted hours over the
// full-time hours (37.5 a week under AfC), both in hundredths of an hour.
struct Fte {
  int64_t contracted_centihours = 3750;
  int64_t full_time_centihours = 3750;
  bool full_time() const { return contracted_centihours == full_time_centihours; }
};

// The step point in force on `day`: the given step, advanced by one on each
// anniversary of the incremental date reached by `day` while the band's
// step points need that many years (AfC Handbook section 1 and Annex 1:
// progression to the next pay step point on the incremental date once its
// years in the band are reached). `incremental_date` is the next date on
// which a step is due (none = no progression).
int AfcStepOn(const AfcYear& year, std::string_view band, int step, std::optional<Date> incremental_date, Date day);

struct AfcPeriodPay {
  Money basic;  // this period, pro rata
  Money hcas;   // this period, pro rata
  Money annual_basic_fte;  // full-time annual basic at the step in force at the period end
  int step_at_end = 1;
  std::string explanation;
};

// Basic pay and HCAS for one period: annual full-time figures × FTE ÷ 12 (or
// × 7 ÷ 364 weekly, AfC's 52-week year), rounded once to the penny, halves
// away from zero. A step change inside a monthly period is paid by calendar
// day (before and after the incremental date). `period_start`/`period_end`
// are the period's first and last days.
Result<AfcPeriodPay> AfcPayForPeriod(const AfcYear& year, std::string_view band, int step,
                                     std::optional<Date> incremental_date, const Fte& fte, HcasZone zone,
                                     Frequency frequency, Date period_start, Date period_end);

// HCAS on a full-time annual basic salary: percent × basic, then held between
// the zone's minimum and maximum; whole pence, halves away from zero.
Money HcasAnnual(const HcasRate& rate, Money annual_basic);

}  // namespace csu::payroll
