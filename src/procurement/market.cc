#include "procurement/market.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace csu::procurement {

std::vector<MarketLine> ComputeMarket(const std::vector<MarketActivity>& rows) {
  std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, int64_t>> cells;
  for (const auto& r : rows) {
    if (r.activity <= 0) continue;
    cells[{r.pod, r.tfc, r.period}][r.provider] += r.activity;
  }
  std::vector<MarketLine> out;
  for (const auto& [key, providers] : cells) {
    MarketLine line;
    std::tie(line.pod, line.tfc, line.period) = key;
    Int128 sum_squares = 0;
    for (const auto& [p, n] : providers) {
      line.total += n;
      sum_squares += static_cast<Int128>(n) * n;
    }
    for (const auto& [p, n] : providers)
      line.shares.push_back({p, n, Rational(static_cast<Int128>(n) * 100, line.total)});
    std::sort(line.shares.begin(), line.shares.end(), [](const ProviderShare& a, const ProviderShare& b) {
      if (a.activity != b.activity) return a.activity > b.activity;
      return a.provider < b.provider;
    });
    line.hhi = Rational(sum_squares * 10000, static_cast<Int128>(line.total) * line.total);
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<MarketChange> MarketChanges(const std::vector<MarketLine>& lines) {
  std::vector<MarketChange> out;
  const MarketLine* prev = nullptr;
  for (const auto& line : lines) {
    if (prev != nullptr && prev->pod == line.pod && prev->tfc == line.tfc) {
      std::set<std::string> before, now;
      for (const auto& s : prev->shares) before.insert(s.provider);
      for (const auto& s : line.shares) now.insert(s.provider);
      MarketChange c{line.pod, line.tfc, line.period, prev->period, {}, {}};
      std::set_difference(now.begin(), now.end(), before.begin(), before.end(), std::back_inserter(c.entered));
      std::set_difference(before.begin(), before.end(), now.begin(), now.end(), std::back_inserter(c.left));
      if (!c.entered.empty() || !c.left.empty()) out.push_back(std::move(c));
    }
    prev = &line;
  }
  return out;
}

}  // namespace csu::procurement
