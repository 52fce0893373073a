// National tariff pricing of one record: a pure function of the record, the
// reference data and the tariff year. Rules, with sources, are written out
// in docs/pricing.md; each function below names the rules it applies.
//
// Money: every component is exact in pence; factors (MFF, top-up) are exact
// parts per million; the final price is rounded once, half away from zero.
// Thread-safe: the functions only read the RefData.
#pragma once

#include <optional>
#include <string>

#include "core/date.h"
#include "ingest/activity_record.h"
#include "pricing/price.h"

namespace csu::refdata {
class RefData;
}

namespace csu::pricing {

struct PricingOptions {
  // Price every record at this tariff year instead of the year of its
  // tariff date: the discharge date for spells (docs/pricing.md, "Tariff
  // year"), the appointment date, the arrival date.
  std::optional<FinancialYear> tariff_year;
};

// When `explanation` is not null it receives one readable line, e.g.
// "NEL EB03E £1,301.00 + 7 excess days × £229.00 = £2,904.00; × MFF 1.212802 (R1H) = £3,521.98".
Price PriceApc(const ingest::ApcRecord& spell, const refdata::RefData& ref, const PricingOptions& options = {},
               std::string* explanation = nullptr);
Price PriceOp(const ingest::OpRecord& appointment, const refdata::RefData& ref, const PricingOptions& options = {},
              std::string* explanation = nullptr);
Price PriceAe(const ingest::AeRecord& attendance, const refdata::RefData& ref, const PricingOptions& options = {},
              std::string* explanation = nullptr);

// The short-stay emergency adjustment applies only from this age at
// admission (docs/pricing.md, "Short-stay emergency adjustment").
inline constexpr int32_t kSsemMinimumAge = 19;

}  // namespace csu::pricing
