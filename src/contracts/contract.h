// A CCG's contract with a hospital provider for one financial year, and its
// plan: an annual activity and value per point of delivery, spread over the
// months by a profile (format and rules: docs/formats/contracts-v1.md).
//
//   const PlanLine& nel = ...;
//   nel.CumulativeActivity(3);   // plan April..June, spells
//   nel.MonthValue(3);           // plan for June, exact pence
//
// Monthly plans are derived from the annual figures so that the months
// always add up exactly to the year (cumulative rounding); they are never
// stored.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/money.h"
#include "pricing/price.h"

namespace csu::contracts {

// Twelve relative monthly weights, April..March, in thousandths; flat = all
// equal. At least one is above zero.
using Profile = std::array<int64_t, 12>;
inline constexpr Profile kFlatProfile = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

// Share of the year to the end of financial month `m` (0..12) of `total`,
// rounded half away from zero: round(total × (w1+…+wm) / (w1+…+w12)).
int64_t CumulativeShare(int64_t total, const Profile& profile, int32_t m);

struct PlanLine {
  pricing::Pod pod = pricing::Pod::kNone;
  int64_t activity = 0;  // spells or attendances for the year
  Money value;           // for the year
  Profile profile = kFlatProfile;

  int64_t CumulativeActivity(int32_t m) const { return CumulativeShare(activity, profile, m); }
  Money CumulativeValue(int32_t m) const { return Money::FromPence(CumulativeShare(value.pence(), profile, m)); }
  int64_t MonthActivity(int32_t m) const { return CumulativeActivity(m) - CumulativeActivity(m - 1); }
  Money MonthValue(int32_t m) const { return CumulativeValue(m) - CumulativeValue(m - 1); }
};

struct Contract {
  OdsCode commissioner;
  OdsCode provider;
  FinancialYear year;
  std::vector<PlanLine> lines;  // at most one per POD, in POD order
  // Marginal rate emergency rule: emergency (NEL, NELST) income above this
  // annual baseline is paid at mret_rate_percent of tariff. None = no rule.
  std::optional<Money> mret_baseline;
  int32_t mret_rate_percent = 70;
  bool readmission_rule = true;  // the 30-day emergency readmission rule applies

  const PlanLine* Find(pricing::Pod pod) const;
};

// "NEL" -> Pod::kNonElective; nullopt for anything that is not a POD code.
std::optional<pricing::Pod> ParsePod(std::string_view code);

}  // namespace csu::contracts
