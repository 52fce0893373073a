// The demo's contracts: for each CCG, a contract with each provider that
// carries a meaningful share of its activity, with plan lines per POD set
// near the generated activity priced at tariff (synth/priced_ledger.h), and
// the contract plans file that holds them (docs/formats/contracts-v1.md).
//
// Rules (all choices derive from the run's seed, nothing else):
//  * Contracts: a CCG's providers ranked by priced value, taken until they
//    cover kContractCoverPpm (93%) of the CCG's value. The long tail (a few
//    spells at distant or specialist trusts) has no contract, so the demo
//    shows non-contract activity (NCA).
//  * Lines: one per POD with priced activity. Each line's actual/plan ratio
//    is drawn per line: within ±3.5% for most contracts; 8–12% over plan for
//    one contract of each CCG and 8–12% under for another (both chosen among
//    the CCG's 2nd..5th largest contracts, so the main contract stays near
//    plan and the footprint's total plan stays within a few percent).
//  * Profiles: NEL, NELST and AE lines of a CCG's main local providers (at
//    least 10% of its value) are winter-weighted (kWinterProfile); every
//    other line is flat.
//  * MRET: the contract with the CCG's largest emergency (NEL + NELST)
//    value has an mret_baseline 1.5–4% below that value, rounded down to
//    £1,000, at the 70% rate, so the marginal rate bites a little.
//  * Money: plan values are whole pounds, computed in int64 pence with one
//    rounding (DivRoundHalfAway); no floating point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "contracts/contract.h"
#include "core/date.h"
#include "core/money.h"
#include "synth/priced_ledger.h"

namespace csu::synth {

inline constexpr int64_t kContractCoverPpm = 930'000;
inline constexpr int64_t kMainProviderSharePpm = 100'000;
// April..March, thousandths: emergency activity per day peaks December to
// March (about 6% above June to September, as in real HES).
inline constexpr contracts::Profile kWinterProfile = {8100, 8400, 8100, 8300, 8000, 8000,
                                                      8400, 8400, 8800, 8900, 8000, 8600};

// How a contract's plan was set against its actual activity.
enum class PlanSetting : uint8_t { kNearPlan, kOverPlan, kUnderPlan };

struct PlannedContract {
  contracts::Contract contract;
  PlanSetting setting = PlanSetting::kNearPlan;
  Money actual_value;  // the priced activity the plan was set against
};

struct ContractPlans {
  std::vector<PlannedContract> contracts;  // by commissioner, then provider code
  Money priced_value;                      // all priced activity of the footprint, NCA included
};

// The contracts of `year` for the activity in `ledger`.
ContractPlans PlanContracts(const PricedLedger& ledger, uint64_t seed, FinancialYear year);

// The plans file text: a header row, then one row per contract × POD in
// contract order and POD order, "\n" line ends. Contract-level columns
// (mret_baseline, mret_rate_percent) are repeated on each of the contract's
// lines; readmission_rule is left at its default (no column).
std::string FormatContractsFile(const ContractPlans& plans);

}  // namespace csu::synth
