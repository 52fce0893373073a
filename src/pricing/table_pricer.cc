// PricedColumns accessors. The pricing loops are in apc_table_pricer.cc and
// op_ae_table_pricer.cc.
#include "pricing/table_pricer.h"

namespace csu::pricing {

Price PricedColumns::At(size_t row) const {
  Price p;
  p.pod = static_cast<Pod>(pod[row]);
  p.not_priced = static_cast<NotPriced>(not_priced[row]);
  p.final_price = Money::FromPence(final_pence[row]);
  if (!has_details()) return p;
  p.tariff_year = FinancialYear(tariff_year[row]);
  p.base = Money::FromPence(base_pence[row]);
  if (!adjustment_pence.empty()) p.adjustments = Money::FromPence(adjustment_pence[row]);
  if (!excess_bed_days.empty()) {
    p.excess_bed_days = excess_bed_days[row];
    p.excess_bed_day_payment = Money::FromPence(excess_bed_day_pence[row]);
  }
  return p;
}

void PricedColumns::DropDetails() {
  for (auto* v : {&base_pence, &adjustment_pence, &excess_bed_day_pence}) std::vector<int64_t>().swap(*v);
  std::vector<int32_t>().swap(excess_bed_days);
  std::vector<int16_t>().swap(tariff_year);
}

size_t PricedColumns::Bytes() const {
  return final_pence.Bytes() + (base_pence.size() + adjustment_pence.size() + excess_bed_day_pence.size()) *
                                   sizeof(int64_t) +
         excess_bed_days.size() * sizeof(int32_t) + pod.size() + not_priced.size() +
         tariff_year.size() * sizeof(int16_t);
}

int64_t PricedColumns::TotalPence() const {
  return final_pence.Sum();
}

}  // namespace csu::pricing
