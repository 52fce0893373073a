// The one place a price is assembled and rounded, shared by the three
// pricers so the rounding rule cannot drift between them.
#pragma once

#include <string>

#include "core/codes.h"
#include "core/money.h"
#include "pricing/price.h"

namespace csu::refdata {
class RefData;
class TariffYear;
}

namespace csu::pricing::detail {

inline constexpr int64_t kPpm = 1'000'000;

// final = (core × (1 + top-up) + unbundled) × MFF, exact, rounded once.
// `core` is base + short-stay reduction + excess bed day payment. Fills
// price.final_price, price.top_up and price.adjustments.
void Finish(Price& price, Money core);

// How one unbundled HRG on a spell is paid (docs/pricing.md, "Unbundled
// HRGs"): the one statement of the rule, used by the per-record and the
// column pricers alike.
enum class UnbundledRule : uint8_t {
  kPaid,              // its national price is added
  kRebundled,         // sheet 4a: its cost is in the core HRG's price (diagnostic imaging, nuclear medicine)
  kNotInThisSetting,  // chemotherapy or radiotherapy delivery during an ordinary elective or non-elective admission
  kNoNationalPrice,   // priced locally
};
struct UnbundledOnSpell {
  UnbundledRule rule = UnbundledRule::kNoNationalPrice;
  Money price;  // the national price when rule is kPaid
};
// `ordinary_admission`: an ordinary elective or non-elective spell (not a
// day case, not a regular day or night attender).
UnbundledOnSpell PriceUnbundledOnSpell(const refdata::TariffYear& tariff, HrgCode hrg, bool ordinary_admission);
// " + unbundled SB15Z £299.00", or the reason it adds nothing.
std::string UnbundledClause(HrgCode hrg, const UnbundledOnSpell& u);

// "1.212802" from 1212802.
std::string FactorText(int64_t ppm);
// "33.0000%" from 330000.
std::string PercentText(int64_t ppm);

// Looks up the provider's MFF for the price's tariff year; marks the price
// not priced (kNoMff) when there is none. Returns whether one was found.
bool ApplyMff(Price& price, const refdata::RefData& ref, OdsCode provider);

// "; × MFF 1.212802 (R1H) = £3,521.98"
std::string MffClause(const Price& price, OdsCode provider);

// "not priced: <reason>" plus an optional detail.
std::string NotPricedLine(const Price& price, const std::string& detail);

// Marks `price` not priced for `why` (no point of delivery), writes the
// explanation line when `explanation` is not null, and returns the price:
// the one way every pricer gives up on a record.
Price MarkNotPriced(Price& price, NotPriced why, const std::string& detail, std::string* explanation);

}  // namespace csu::pricing::detail
