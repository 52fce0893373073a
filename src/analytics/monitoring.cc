#include "analytics/monitoring.h"

#include <algorithm>
#include <set>

#include "analytics/readmissions.h"
#include "analytics/year_calendar.h"
#include "core/money.h"
#include "pricing/priced_activity.h"

namespace csu::analytics {
namespace {

using pricing::Pod;

int64_t RoundDiv(int64_t num, int64_t mul, int64_t den) { return den == 0 ? 0 : DivRoundHalfAway(Int128(num) * mul, den); }

// Forecast outturn: year to date scaled by the share of the year's profile
// weight that has passed (flat profile: 12 / months).
Figures Forecast(const Figures& ytd, const contracts::Profile& profile, int month) {
  int64_t all = 0, upto = 0;
  for (int m = 0; m < 12; ++m) {
    all += profile[static_cast<size_t>(m)];
    if (m < month) upto += profile[static_cast<size_t>(m)];
  }
  if (upto == 0) return ytd;  // nothing was planned yet: no basis to scale
  return {RoundDiv(ytd.activity, all, upto), RoundDiv(ytd.pence, all, upto)};
}

void Accumulate(MonitoringLine& total, const MonitoringLine& l) {
  total.plan_month += l.plan_month;
  total.actual_month += l.actual_month;
  total.plan_ytd += l.plan_ytd;
  total.actual_ytd += l.actual_ytd;
  total.plan_year += l.plan_year;
  total.volume_variance_pence += l.volume_variance_pence;
  total.price_variance_pence += l.price_variance_pence;
  total.forecast_run_rate += l.forecast_run_rate;
  total.forecast_profiled += l.forecast_profiled;
}

MonitoringLine MakeLine(Pod pod, const contracts::PlanLine* plan, const ActivityCube& cube, std::optional<size_t> pair,
                        int month, std::optional<RecordKind> kind = std::nullopt) {
  MonitoringLine l;
  l.pod = pod;
  l.not_priced_kind = kind;
  if (pair && kind) {
    l.actual_month = cube.NotPricedAt(*pair, *kind, month);
    l.actual_ytd = cube.NotPricedSum(*pair, *kind, 1, month);
  } else if (pair) {
    l.actual_month = cube.At(*pair, pod, month);
    l.actual_ytd = cube.Sum(*pair, pod, 1, month);
  }
  if (plan) {
    l.plan_year = {plan->activity, plan->value.pence()};
    l.plan_month = {plan->MonthActivity(month), plan->MonthValue(month).pence()};
    l.plan_ytd = {plan->CumulativeActivity(month), plan->CumulativeValue(month).pence()};
  }
  const int64_t variance = l.actual_ytd.pence - l.plan_ytd.pence;
  // Volume effect at the plan's unit price; with no planned activity there
  // is no plan price, and the whole difference is volume.
  l.volume_variance_pence = l.plan_ytd.activity > 0
                                ? RoundDiv(l.actual_ytd.activity - l.plan_ytd.activity, l.plan_ytd.pence, l.plan_ytd.activity)
                                : variance;
  l.price_variance_pence = variance - l.volume_variance_pence;
  l.forecast_run_rate = Forecast(l.actual_ytd, contracts::kFlatProfile, month);
  l.forecast_profiled = Forecast(l.actual_ytd, plan ? plan->profile : contracts::kFlatProfile, month);
  return l;
}

// The not-priced activity of a pair as one line per kind of record with any
// to date: spells, appointments and attendances are different currencies.
void AddNotPricedLines(ContractMonitoring& cm, const ActivityCube& cube, size_t pair, int month) {
  for (int k = 0; k < kRecordKinds; ++k) {
    const auto kind = static_cast<RecordKind>(k);
    if (cube.NotPricedSum(pair, kind, 1, month).activity == 0) continue;
    cm.lines.push_back(MakeLine(Pod::kNone, nullptr, cube, pair, month, kind));
    Accumulate(cm.total, cm.lines.back());
  }
}

}  // namespace

Monitoring Monitor(const ActivityCube& cube, const pricing::PricedActivity& priced, const Readmissions& readm,
                   const std::vector<contracts::Contract>& contracts, int month, std::optional<uint16_t> commissioner) {
  Monitoring out;
  out.year = cube.year();
  out.month = std::clamp(month, 1, 12);
  month = out.month;
  const auto& codes = priced.tables.codes;
  const auto& apc = priced.tables.apc;

  // Spells the 30-day rule withholds, per pair, to date.
  std::vector<Figures> withheld(cube.pairs().size());
  const YearCalendar calendar(cube.year());
  for (size_t i = 0; i < apc.size(); ++i) {
    if (!readm.withheld[i]) continue;
    if (commissioner && apc.commissioner[i] != *commissioner) continue;
    const int m = calendar.Month(apc.discharge_date[i]);
    if (m == 0 || m > month) continue;
    if (auto p = cube.Find(apc.commissioner[i], apc.provider[i])) withheld[*p] += {1, priced.apc.final_pence[i]};
  }

  std::set<size_t> covered;
  for (const contracts::Contract& c : contracts) {
    if (c.year != cube.year()) continue;
    const auto comm_id = static_cast<uint16_t>(codes.commissioner().Find(c.commissioner.view()));
    const auto prov_id = static_cast<uint16_t>(codes.provider().Find(c.provider.view()));
    if (commissioner && comm_id != *commissioner) continue;
    ContractMonitoring cm;
    cm.commissioner = c.commissioner;
    cm.provider = c.provider;
    cm.commissioner_id = comm_id;
    cm.provider_id = prov_id;
    cm.has_contract = true;
    std::optional<size_t> pair;
    if (comm_id != 0 && prov_id != 0) pair = cube.Find(comm_id, prov_id);
    if (pair) covered.insert(*pair);
    for (int p = 0; p < kPods; ++p) {
      const auto pod = static_cast<Pod>(p);
      const contracts::PlanLine* plan = c.Find(pod);
      const bool active = pair && cube.Sum(*pair, pod, 1, month).activity != 0;
      if (!plan && !active) continue;
      if (pod == Pod::kNone && !plan) {
        AddNotPricedLines(cm, cube, *pair, month);
        continue;
      }
      cm.lines.push_back(MakeLine(pod, plan, cube, pair, month));
      Accumulate(cm.total, cm.lines.back());
    }
    if (pair && c.readmission_rule) {
      cm.readmissions_withheld_spells = withheld[*pair].activity;
      cm.readmissions_withheld_pence = withheld[*pair].pence;
    }
    if (c.mret_baseline) {
      cm.mret_baseline_ytd_pence = contracts::CumulativeShare(c.mret_baseline->pence(), contracts::kFlatProfile, month);
      if (pair)
        cm.mret_emergency_ytd_pence = cube.Sum(*pair, Pod::kNonElective, 1, month).pence +
                                      cube.Sum(*pair, Pod::kNonElectiveShortStay, 1, month).pence -
                                      cm.readmissions_withheld_pence;
      const int64_t above = std::max<int64_t>(0, cm.mret_emergency_ytd_pence - cm.mret_baseline_ytd_pence);
      cm.mret_reduction_pence = RoundDiv(above, 100 - c.mret_rate_percent, 100);
    }
    cm.rules_forecast_pence = RoundDiv(-cm.readmissions_withheld_pence - cm.mret_reduction_pence, 12, month);
    out.contracts.push_back(std::move(cm));
  }

  for (size_t p = 0; p < cube.pairs().size(); ++p) {
    if (covered.count(p)) continue;
    const ActivityCube::Pair ids = cube.pairs()[p];
    if (commissioner && ids.commissioner != *commissioner) continue;
    if (cube.SumPods(p, 1, month).activity == 0) continue;
    ContractMonitoring cm;
    cm.commissioner = OdsCode::Parse(codes.commissioner().code(ids.commissioner)).ok()
                          ? OdsCode::Parse(codes.commissioner().code(ids.commissioner)).value()
                          : OdsCode();
    cm.provider = OdsCode::Parse(codes.provider().code(ids.provider)).ok()
                      ? OdsCode::Parse(codes.provider().code(ids.provider)).value()
                      : OdsCode();
    cm.commissioner_id = ids.commissioner;
    cm.provider_id = ids.provider;
    for (int q = 0; q < kPods; ++q) {
      const auto pod = static_cast<Pod>(q);
      if (cube.Sum(p, pod, 1, month).activity == 0) continue;
      if (pod == Pod::kNone) {
        AddNotPricedLines(cm, cube, p, month);
        continue;
      }
      cm.lines.push_back(MakeLine(pod, nullptr, cube, p, month));
      Accumulate(cm.total, cm.lines.back());
    }
    out.non_contract.push_back(std::move(cm));
  }
  std::sort(out.non_contract.begin(), out.non_contract.end(), [](const ContractMonitoring& a, const ContractMonitoring& b) {
    if (a.commissioner != b.commissioner) return a.commissioner < b.commissioner;
    return a.total.actual_ytd.pence > b.total.actual_ytd.pence;
  });
  return out;
}

}  // namespace csu::analytics
