#include "chc/retro_claim.h"

#include <algorithm>

namespace csu::chc {

Money StatedCost(const std::vector<ClaimCost>& costs, Date from, Date to) {
  Money total;
  for (const ClaimCost& c : costs) {
    Date a = std::max(from, c.from), b = std::min(to, c.to);
    if (b < a) continue;
    total += Money::FromPence(DivRoundHalfAway(static_cast<Int128>(c.weekly.pence()) * ((b - a) + 1), 7));
  }
  return total;
}

Status CheckClaimCosts(const std::vector<ClaimCost>& costs, Date from, Date to) {
  if (to < from) return MakeError("period", "the claim's period ends before it starts");
  for (size_t i = 0; i < costs.size(); ++i) {
    const std::string where = "cost " + std::to_string(i + 1);
    const ClaimCost& c = costs[i];
    if (c.to < c.from) return MakeError(where, "ends before it starts");
    if (c.from < from || c.to > to) return MakeError(where, "is outside the claim's period");
    if (c.weekly.pence() <= 0) return MakeError(where, "the weekly cost must be more than 0");
    for (size_t j = 0; j < i; ++j)
      if (!(c.to < costs[j].from || costs[j].to < c.from))
        return MakeError(where, "overlaps cost " + std::to_string(j + 1) + " (a day is stated once)");
  }
  return Status::Ok();
}

Result<ClaimCost> ParseClaimCost(const std::string& text) {
  const size_t a = text.find(':'), b = a == std::string::npos ? a : text.find(':', a + 1);
  if (b == std::string::npos) return MakeError("--cost", "is not FROM:TO:WEEKLY (2016-04-01:2016-09-30:850.00)");
  auto from = Date::Parse(text.substr(0, a));
  auto to = Date::Parse(text.substr(a + 1, b - a - 1));
  auto weekly = Money::Parse(text.substr(b + 1));
  if (!from.ok() || !to.ok()) return MakeError("--cost", "FROM and TO are dates, YYYY-MM-DD");
  if (!weekly.ok()) return MakeError("--cost", "WEEKLY is an amount in pounds");
  return ClaimCost{from.value(), to.value(), weekly.value()};
}

}  // namespace csu::chc
