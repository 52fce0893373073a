// Market shares and concentration for one commissioner, from activity it
// already holds: each provider's share of each service line (point of
// delivery × treatment function) in each period, the Herfindahl–Hirschman
// index (HHI), and providers entering or leaving a service line between
// periods. Pure: the caller reads activity from the loaded tables
// (procurement/market_activity.h) and this file does the arithmetic.
// Rules: docs/procurement.md, "Market"; hand-worked: tests/golden/procurement.
//
//   std::vector<MarketActivity> rows = ...;  // one CCG
//   auto lines = ComputeMarket(rows);        // by service line, then period
//   lines[0].hhi.ToFixed(1);                 // "5000.0"
//   auto changes = MarketChanges(lines);     // entrants and leavers
//
// Shares are exact: share_i = 100 × n_i ÷ N percent, and
// HHI = Σ share_i² = 10,000 × Σ n_i² ÷ N² (0 < HHI ≤ 10,000), kept as an exact
// fraction; display rounds once, half away from zero (shares and HHI to one
// decimal place).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "procurement/rational.h"

namespace csu::procurement {

// Activity of one provider in one service line and period.
struct MarketActivity {
  std::string provider;  // ODS code
  std::string pod;       // point of delivery code
  std::string tfc;       // treatment function code
  std::string period;    // "2018-04" (month) or "2018/19" (year): any text that sorts in time order
  int64_t activity = 0;
};

struct ProviderShare {
  std::string provider;
  int64_t activity = 0;
  Rational percent;  // 100 × activity ÷ total
};

struct MarketLine {
  std::string pod;
  std::string tfc;
  std::string period;
  int64_t total = 0;
  std::vector<ProviderShare> shares;  // largest first, then by provider code
  Rational hhi;                       // Σ percent², 0..10,000
};

// One line per service line × period with any activity, ordered by POD,
// TFC, then period. Rows for the same provider, line and period are summed;
// rows with zero activity are ignored (a provider with none has no share).
std::vector<MarketLine> ComputeMarket(const std::vector<MarketActivity>& rows);

struct MarketChange {
  std::string pod;
  std::string tfc;
  std::string period;       // the later period
  std::string previous;     // the period before it (in this service line)
  std::vector<std::string> entered;
  std::vector<std::string> left;
};

// For each service line, each period compared with the previous period that
// had activity in it: providers present now and not before (entered) and
// before and not now (left). Periods with no change are left out.
std::vector<MarketChange> MarketChanges(const std::vector<MarketLine>& lines);

}  // namespace csu::procurement
