// The activity of one commissioner by provider × point of delivery ×
// treatment function × period, read from the loaded, priced column tables:
// the input of ComputeMarket (market.h). The ActivityCube has no treatment
// function, so this is its own pass over the tables. Periods follow the
// cube's months: admitted spells count in the month of discharge, outpatient
// appointments in their month; A&E attendances have no treatment function
// and are left out of service lines (a market of A&E departments is not a
// procurement market a CCG commissions by specialty).
//
//   CSU_ASSIGN_OR_RETURN(priced, pricing::LoadPriced(*store, ref));
//   auto rows = MarketActivityOf(priced, "05D", MarketPeriod::kMonth);
#pragma once

#include <string>
#include <vector>

#include "procurement/market.h"

namespace csu::pricing {
struct PricedActivity;
}

namespace csu::procurement {

enum class MarketPeriod : uint8_t { kMonth, kYear };  // "2018-04" or "2018/19"

std::vector<MarketActivity> MarketActivityOf(const pricing::PricedActivity& activity, const std::string& commissioner,
                                             MarketPeriod period);

}  // namespace csu::procurement
