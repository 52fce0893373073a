#include "procurement/market_activity.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "pricing/priced_activity.h"

namespace csu::procurement {
namespace {

std::string PeriodOf(int32_t days, MarketPeriod p) {
  const Date d = Date::FromDays(days);
  if (p == MarketPeriod::kYear) return FinancialYear::Of(d).ToString();
  return fmt::format("{:04}-{:02}", d.year(), d.month());
}

std::string PodOf(uint8_t pod) {
  const auto p = static_cast<pricing::Pod>(pod);
  return p == pricing::Pod::kNone ? "NOTPRICED" : std::string(pricing::PodCode(p));
}

}  // namespace

std::vector<MarketActivity> MarketActivityOf(const pricing::PricedActivity& a, const std::string& commissioner,
                                             MarketPeriod period) {
  const auto& codes = a.tables.codes;
  // The commissioner's dictionary id; absent means no activity at all.
  int64_t id = -1;
  for (size_t i = 0; i < codes.commissioner().codes().size(); ++i)
    if (codes.commissioner().codes()[i] == commissioner) id = static_cast<int64_t>(i);
  if (id < 0) return {};
  std::map<std::tuple<uint16_t, std::string, uint16_t, std::string>, int64_t> counts;
  const auto& apc = a.tables.apc;
  for (size_t i = 0; i < apc.size(); ++i) {
    if (apc.commissioner[i] != id) continue;
    counts[{apc.provider[i], PodOf(a.apc.pod[i]), apc.treatment_function[i], PeriodOf(apc.discharge_date[i], period)}]++;
  }
  const auto& op = a.tables.op;
  for (size_t i = 0; i < op.size(); ++i) {
    if (op.commissioner[i] != id) continue;
    counts[{op.provider[i], PodOf(a.op.pod[i]), op.treatment_function[i], PeriodOf(op.appointment_date[i], period)}]++;
  }
  std::vector<MarketActivity> out;
  for (const auto& [k, n] : counts) {
    const auto& [provider, pod, tfc, when] = k;
    out.push_back({std::string(codes.provider().code(provider)), pod, std::string(codes.treatment_function().code(tfc)), when, n});
  }
  return out;
}

std::vector<PracticeFlow> PracticeFlowsOf(const pricing::PricedActivity& a, const std::string& commissioner,
                                          const std::string& pod, const std::string& tfc, MarketPeriod period) {
  const auto& codes = a.tables.codes;
  int64_t id = -1;
  for (size_t i = 0; i < codes.commissioner().codes().size(); ++i)
    if (codes.commissioner().codes()[i] == commissioner) id = static_cast<int64_t>(i);
  if (id < 0) return {};
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> counts;
  const auto& apc = a.tables.apc;
  for (size_t i = 0; i < apc.size(); ++i) {
    if (apc.commissioner[i] != id || PodOf(a.apc.pod[i]) != pod) continue;
    if (codes.treatment_function().code(apc.treatment_function[i]) != tfc) continue;
    counts[{PeriodOf(apc.discharge_date[i], period), std::string(codes.practice().code(apc.practice[i])),
            std::string(codes.provider().code(apc.provider[i]))}]++;
  }
  const auto& op = a.tables.op;
  for (size_t i = 0; i < op.size(); ++i) {
    if (op.commissioner[i] != id || PodOf(a.op.pod[i]) != pod) continue;
    if (codes.treatment_function().code(op.treatment_function[i]) != tfc) continue;
    counts[{PeriodOf(op.appointment_date[i], period), std::string(codes.practice().code(op.practice[i])),
            std::string(codes.provider().code(op.provider[i]))}]++;
  }
  std::vector<PracticeFlow> out;
  for (const auto& [k, n] : counts) out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
  return out;
}

}  // namespace csu::procurement
