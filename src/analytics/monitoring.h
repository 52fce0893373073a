// Contract monitoring (SLAM): for a year and a month, plan against actual
// by commissioner × provider × point of delivery, for the month and the
// year to date, with variance split into volume and price, forecast
// outturn two ways, the contract-level rules (30-day readmissions, marginal
// rate for emergency activity above baseline) and non-contract activity
// kept apart. Rules and formulas: docs/monitoring.md.
//
//   ActivityCube cube;  cube.Build(priced, year, commissioner_id);
//   Readmissions readm = FindReadmissions(priced.tables, priced.apc);
//   Monitoring m = Monitor(cube, priced, readm, contracts, /*month=*/6);
//   for (const ContractMonitoring& c : m.contracts) ...
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "analytics/activity_cube.h"
#include "contracts/contract.h"
#include "core/codes.h"

namespace csu::pricing {
struct PricedActivity;
}

namespace csu::analytics {

struct Readmissions;

// Activity and pence, plan or actual, for one line: the cube's cell type.
using Figures = CubeCell;

struct MonitoringLine {
  pricing::Pod pod = pricing::Pod::kNone;  // kNone: activity that was not priced
  // Not-priced lines come one per kind of record (spells, appointments,
  // attendances), so a line's activity is in one currency; none for a POD,
  // and none for the one NP line a contract with an NP plan line keeps.
  std::optional<RecordKind> not_priced_kind;
  Figures plan_month, actual_month;
  Figures plan_ytd, actual_ytd;
  Figures plan_year;  // the annual plan
  // Variance = actual − plan (year to date). volume + price = variance £.
  int64_t volume_variance_pence = 0;  // (actual − plan activity) × plan unit price
  int64_t price_variance_pence = 0;   // the rest: actual mix and price against plan
  Figures forecast_run_rate;          // year to date × 12 / months
  Figures forecast_profiled;          // year to date ÷ the plan profile's share of the year so far
};

// One commissioner × provider: a contract, or non-contract activity.
struct ContractMonitoring {
  OdsCode commissioner;
  OdsCode provider;
  uint16_t commissioner_id = 0, provider_id = 0;  // dictionary ids in the loaded tables
  bool has_contract = false;
  std::vector<MonitoringLine> lines;  // POD order; PODs with a plan or activity
  // Contract rules, year to date (negative: money not paid). Zero without a contract.
  int64_t readmissions_withheld_pence = 0;
  int64_t readmissions_withheld_spells = 0;
  int64_t mret_baseline_ytd_pence = 0;   // the baseline to date (profile flat)
  int64_t mret_emergency_ytd_pence = 0;  // NEL + NELST actual to date, after readmissions
  int64_t mret_reduction_pence = 0;      // (emergency − baseline)+ × (100 − rate)%
  MonitoringLine total;                  // sum of lines (plan, actual, variance, forecasts), before the rules
  // Actual year to date after the contract rules.
  int64_t payable_ytd_pence() const { return total.actual_ytd.pence - readmissions_withheld_pence - mret_reduction_pence; }
  // The rules' effect over the whole year at the run rate (to date × 12 ÷
  // months, rounded once; <= 0): the TOTAL row's forecasts add it, so they
  // are net of the rules like the actual beside them (docs/monitoring.md).
  int64_t rules_forecast_pence = 0;
};

struct Monitoring {
  FinancialYear year;
  int month = 0;                                 // 1 (April) .. 12
  std::vector<ContractMonitoring> contracts;     // with a contract, by commissioner then provider
  std::vector<ContractMonitoring> non_contract;  // NCA, by commissioner then value
};

// Monitors every contract of `contracts` for the cube's year whose
// commissioner the cube covers (all of them for a whole-CSU cube), and
// every commissioner × provider with activity but no contract as NCA.
// `month` is 1..12. `readmissions` must be of priced.tables.
Monitoring Monitor(const ActivityCube& cube, const pricing::PricedActivity& priced, const Readmissions& readmissions,
                   const std::vector<contracts::Contract>& contracts, int month,
                   std::optional<uint16_t> commissioner = std::nullopt);

}  // namespace csu::analytics
