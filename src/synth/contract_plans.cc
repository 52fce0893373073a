#include "synth/contract_plans.h"

#include <algorithm>

#include "synth/random.h"

namespace csu::synth {
namespace {

constexpr int64_t kPpm = 1'000'000;

using pricing::Pod;

Money Total(const PodActuals& a) {
  Money sum;
  for (const PodActual& p : a) sum += p.value;
  return sum;
}

Money Emergency(const PodActuals& a) {
  return a[static_cast<size_t>(Pod::kNonElective)].value + a[static_cast<size_t>(Pod::kNonElectiveShortStay)].value;
}

bool Seasonal(Pod pod) { return pod == Pod::kNonElective || pod == Pod::kNonElectiveShortStay || pod == Pod::kAe; }

// Actual/plan in ppm for one line.
int64_t DrawRatioPpm(PlanSetting setting, Rng& rng) {
  switch (setting) {
    case PlanSetting::kOverPlan: return rng.Between(1'080'000, 1'120'000);
    case PlanSetting::kUnderPlan: return rng.Between(880'000, 920'000);
    case PlanSetting::kNearPlan: break;
  }
  return rng.Between(965'000, 1'035'000);
}

// One CCG's providers with priced activity, largest value first (ties by
// provider code, so the order never depends on anything but the data).
struct Ranked {
  size_t provider;
  Money value;
};

std::vector<Ranked> RankProviders(const std::vector<PodActuals>& by_provider, const std::vector<OdsCode>& codes) {
  std::vector<Ranked> ranked;
  for (size_t i = 0; i < by_provider.size(); ++i) {
    const Money v = Total(by_provider[i]);
    if (v.pence() > 0) ranked.push_back({i, v});
  }
  std::sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
    return a.value != b.value ? a.value > b.value : codes[a.provider] < codes[b.provider];
  });
  return ranked;
}

void AppendWeight(std::string& out, int64_t thousandths) {
  out += std::to_string(thousandths / 1000);
  int64_t frac = thousandths % 1000;
  if (frac == 0) return;
  std::string digits = std::to_string(1000 + frac).substr(1);
  while (digits.back() == '0') digits.pop_back();
  out += "." + digits;
}

}  // namespace

ContractPlans PlanContracts(const PricedLedger& ledger, uint64_t seed, FinancialYear year) {
  ContractPlans plans;
  const std::vector<OdsCode>& codes = ledger.providers();
  for (const auto& [ccg_key, by_provider] : ledger.by_commissioner()) {
    const OdsCode ccg = ledger.commissioner(ccg_key);
    const std::vector<Ranked> ranked = RankProviders(by_provider, codes);
    Money ccg_value;
    for (const Ranked& r : ranked) ccg_value += r.value;
    plans.priced_value += ccg_value;
    if (ranked.empty()) continue;

    // The smallest prefix covering kContractCoverPpm of the CCG's value.
    size_t n = 0;
    Money covered;
    while (n < ranked.size() && Int128(covered.pence()) * kPpm < Int128(ccg_value.pence()) * kContractCoverPpm) {
      covered += ranked[n++].value;
    }

    // One contract over plan and one under, among the 2nd..5th largest
    // (among all when there are fewer than two of those).
    Rng pick(DeriveSeed(seed, HashText("contracts " + ccg.ToString())));
    size_t first = 1, last = std::min<size_t>(n, 5);
    if (last - first < 2) first = 0;
    std::vector<PlanSetting> settings(n, PlanSetting::kNearPlan);
    if (last - first >= 1) {
      const size_t over = first + pick.Below(static_cast<uint32_t>(last - first));
      settings[over] = PlanSetting::kOverPlan;
      if (last - first >= 2) {
        size_t under = first + pick.Below(static_cast<uint32_t>(last - first - 1));
        if (under >= over) ++under;
        settings[under] = PlanSetting::kUnderPlan;
      }
    }
    // The MRET contract: the largest emergency value.
    size_t mret = 0;
    for (size_t i = 1; i < n; ++i) {
      if (Emergency(by_provider[ranked[i].provider]) > Emergency(by_provider[ranked[mret].provider])) mret = i;
    }

    const size_t first_contract = plans.contracts.size();
    for (size_t i = 0; i < n; ++i) {
      const OdsCode provider = codes[ranked[i].provider];
      const PodActuals& actual = by_provider[ranked[i].provider];
      Rng rng(DeriveSeed(seed, HashText("contract " + ccg.ToString() + " " + provider.ToString())));
      PlannedContract pc;
      pc.setting = settings[i];
      pc.actual_value = ranked[i].value;
      contracts::Contract& c = pc.contract;
      c.commissioner = ccg;
      c.provider = provider;
      c.year = year;
      const bool main_local = Int128(ranked[i].value.pence()) * kPpm >= Int128(ccg_value.pence()) * kMainProviderSharePpm;
      for (size_t p = 1; p < actual.size(); ++p) {
        const PodActual& a = actual[p];
        if (a.activity == 0) continue;
        const int64_t ratio_ppm = DrawRatioPpm(pc.setting, rng);
        contracts::PlanLine line;
        line.pod = static_cast<Pod>(p);
        line.activity = DivRoundHalfAway(Int128(a.activity) * kPpm, ratio_ppm);
        // Whole pounds: pence × 1e6 / ratio, rounded once to a multiple of 100.
        line.value = Money::FromPence(DivRoundHalfAway(Int128(a.value.pence()) * kPpm, Int128(ratio_ppm) * 100) * 100);
        line.profile = main_local && Seasonal(line.pod) ? kWinterProfile : contracts::kFlatProfile;
        c.lines.push_back(line);
      }
      if (i == mret) {
        const Money emergency = Emergency(actual);
        if (emergency.pence() > 0) {
          const int64_t below_ppm = rng.Between(960'000, 985'000);
          // Rounded down to £1,000 (100,000 pence).
          const int64_t pence = static_cast<int64_t>(Int128(emergency.pence()) * below_ppm / kPpm);
          c.mret_baseline = Money::FromPence(pence - pence % 100'000);
          c.mret_rate_percent = 70;
        }
      }
      plans.contracts.push_back(std::move(pc));
    }
    std::sort(plans.contracts.begin() + static_cast<std::ptrdiff_t>(first_contract), plans.contracts.end(),
              [](const PlannedContract& a, const PlannedContract& b) {
                return a.contract.provider < b.contract.provider;
              });
  }
  return plans;
}

std::string FormatContractsFile(const ContractPlans& plans) {
  std::string out =
      "commissioner,provider,financial_year,pod,plan_activity,plan_value,profile,mret_baseline,mret_rate_percent\n";
  for (const PlannedContract& pc : plans.contracts) {
    const contracts::Contract& c = pc.contract;
    const std::string year = c.year.ToString();
    std::string mret = ",";
    if (c.mret_baseline) mret = c.mret_baseline->ToDecimal() + "," + std::to_string(c.mret_rate_percent);
    for (const contracts::PlanLine& l : c.lines) {
      out.append(c.commissioner.view());
      out += ',';
      out.append(c.provider.view());
      out += ',' + year + ',';
      out.append(pricing::PodCode(l.pod));
      out += ',' + std::to_string(l.activity) + ',' + l.value.ToDecimal() + ',';
      if (l.profile == contracts::kFlatProfile) {
        out += "flat";
      } else {
        for (size_t m = 0; m < l.profile.size(); ++m) {
          if (m > 0) out += ';';
          AppendWeight(out, l.profile[m]);
        }
      }
      out += ',' + mret + '\n';
    }
  }
  return out;
}

}  // namespace csu::synth
