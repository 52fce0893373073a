#include "contracts/contract.h"

#include <numeric>

namespace csu::contracts {

int64_t CumulativeShare(int64_t total, const Profile& profile, int32_t m) {
  if (m <= 0) return 0;
  if (m > 12) m = 12;
  const int64_t all = std::accumulate(profile.begin(), profile.end(), int64_t{0});
  const int64_t upto = std::accumulate(profile.begin(), profile.begin() + m, int64_t{0});
  if (upto == all) return total;  // the year's last weighted month ends exactly on the total
  return DivRoundHalfAway(Int128(total) * upto, all);
}

const PlanLine* Contract::Find(pricing::Pod pod) const {
  for (const PlanLine& l : lines)
    if (l.pod == pod) return &l;
  return nullptr;
}

std::optional<pricing::Pod> ParsePod(std::string_view code) {
  for (int p = 1; p <= static_cast<int>(pricing::Pod::kAe); ++p) {
    auto pod = static_cast<pricing::Pod>(p);
    if (pricing::PodCode(pod) == code) return pod;
  }
  return std::nullopt;
}

}  // namespace csu::contracts
