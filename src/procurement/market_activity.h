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

// Patient flows for one service line: the commissioner's activity by GP
// practice (the registered practice on the record) × provider × period, for
// the point of delivery `pod` and treatment function `tfc` (codes as in
// MarketActivity). Counted as MarketActivityOf counts. Ordered by period,
// practice, then provider.
struct PracticeFlow {
  std::string period;
  std::string practice;  // ODS code; "" when the record has none
  std::string provider;
  int64_t activity = 0;
};
std::vector<PracticeFlow> PracticeFlowsOf(const pricing::PricedActivity& activity, const std::string& commissioner,
                                          const std::string& pod, const std::string& tfc, MarketPeriod period);

}  // namespace csu::procurement
