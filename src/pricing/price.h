// The outcome of pricing one activity record at national tariff: the point
// of delivery, each component of the price, and the final price, or the
// reason it was not priced. Values only; the rules are in the *_pricer files
// and docs/pricing.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/money.h"

namespace csu::pricing {

// Points of delivery, as commissioners' SLAM reports name them.
enum class Pod : uint8_t {
  kNone = 0,  // not priced
  kDayCase,                // DC: elective day case
  kElective,               // EL: ordinary elective
  kNonElective,            // NEL: emergency admission
  kNonElectiveShortStay,   // NELST: emergency, 0-1 day, short-stay adjustment
  kNonElectiveNonEmergency,  // NELNE: maternity and other non-elective
  kRegularAttender,        // RDNA: regular day or night attender (classification 3/4), paid its delivery HRGs only
  kOpFirst,                // OPFA
  kOpFollowUp,             // OPFUP
  kOpProcedure,            // OPPROC
  kAe,                     // AE
};
std::string_view PodCode(Pod pod);

enum class NotPriced : uint8_t {
  kPriced = 0,
  kNoTariffYear,          // activity outside the loaded tariff years
  kUngroupable,           // UZ01Z
  kHrgNoNationalPrice,    // HRG in the no-national-price list
  kTfcNoNationalPrice,    // outpatient attendance in a treatment function without a national price (sheet 11)
  kRegularAttender,       // patient classification 3 or 4: priced locally
  kNoPriceForSetting,     // the tariff has the HRG but no price for this point of delivery
  kHrgNotInTariff,        // the HRG has no row in this year's admitted care tariff
  kNoMff,                 // provider without a market forces factor: never priced at 1.0
  kNotAttended,           // outpatient appointment not attended (DNA, cancelled, not seen)
  kNonFaceToFace,         // non-face-to-face outpatient attendance: no national price
  kTfcServiceExclusion,   // spell in a treatment function excluded from admitted care prices (sheets 8/9)
  kWalkInCentre,          // A&E department type 04 (walk-in centre): excluded from national prices (sheet 8)
};
// A plain-English reason, e.g. "HRG has no national price".
std::string_view NotPricedText(NotPriced reason);

struct Price {
  FinancialYear tariff_year{2018};
  Pod pod = Pod::kNone;
  NotPriced not_priced = NotPriced::kPriced;
  Money base;                    // the point of delivery's price (full NEL price even when SSEM applies)
  int32_t excess_bed_days = 0;   // beyond the trim point, on the PbR length of stay
  Money excess_bed_day_payment;  // excess_bed_days x the per-day rate
  // Sum of the adjustments before MFF, rounded to the penny for display:
  // short-stay emergency (negative), specialised top-up, unbundled HRGs.
  Money adjustments;
  int64_t mff_ppm = 0;           // the provider's market forces factor, parts per million
  Money final_price;             // rounded once, half away from zero

  // Components kept for the explanation line.
  Money ssem_reduction;          // <= 0
  Money top_up;                  // before MFF, rounded for display
  int64_t top_up_ppm = 0;
  Money unbundled;               // sum of unbundled prices before MFF
  int32_t unbundled_count = 0;
  int32_t unbundled_unpriced = 0;  // unbundled HRGs without a national price

  bool priced() const { return not_priced == NotPriced::kPriced; }
};

}  // namespace csu::pricing
