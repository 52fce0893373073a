// The one place a price is assembled and rounded, shared by the three
// pricers so the rounding rule cannot drift between them.
#pragma once

#include <string>

#include "core/codes.h"
#include "core/money.h"
#include "pricing/price.h"

namespace csu::refdata {
class RefData;
}

namespace csu::pricing::detail {

inline constexpr int64_t kPpm = 1'000'000;

// final = (core × (1 + top-up) + unbundled) × MFF, exact, rounded once.
// `core` is base + short-stay reduction + excess bed day payment. Fills
// price.final_price, price.top_up and price.adjustments.
void Finish(Price& price, Money core);

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
