// PricedColumns accessors. The pricing loops are in apc_table_pricer.cc and
// op_ae_table_pricer.cc.
#include "pricing/table_pricer.h"

namespace csu::pricing {

Price PricedColumns::At(size_t row) const {
  Price p;
  p.tariff_year = FinancialYear(tariff_year[row]);
  p.pod = static_cast<Pod>(pod[row]);
  p.not_priced = static_cast<NotPriced>(not_priced[row]);
  p.base = Money::FromPence(base_pence[row]);
  p.final_price = Money::FromPence(final_pence[row]);
  if (!adjustment_pence.empty()) p.adjustments = Money::FromPence(adjustment_pence[row]);
  if (!excess_bed_days.empty()) {
    p.excess_bed_days = excess_bed_days[row];
    p.excess_bed_day_payment = Money::FromPence(excess_bed_day_pence[row]);
  }
  return p;
}

size_t PricedColumns::Bytes() const {
  return (final_pence.size() + base_pence.size() + adjustment_pence.size() + excess_bed_day_pence.size()) *
             sizeof(int64_t) +
         excess_bed_days.size() * sizeof(int32_t) + pod.size() + not_priced.size() +
         tariff_year.size() * sizeof(int16_t);
}

int64_t PricedColumns::TotalPence() const {
  int64_t total = 0;
  for (int64_t f : final_pence) total += f;
  return total;
}

}  // namespace csu::pricing
