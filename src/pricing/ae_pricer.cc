// A&E attendances: docs/pricing.md, "A&E".
#include "pricing/pricer.h"
#include "pricing/pricing_math.h"
#include "refdata/refdata.h"

namespace csu::pricing {

Price PriceAe(const ingest::AeRecord& a, const refdata::RefData& ref, const PricingOptions& options,
              std::string* explanation) {
  Price price;
  price.tariff_year = options.tariff_year.value_or(FinancialYear::Of(a.arrival.date()));
  auto not_priced = [&](NotPriced why, const std::string& detail) {
    return detail::MarkNotPriced(price, why, detail, explanation);
  };
  const refdata::TariffYear* tariff = ref.Tariff(price.tariff_year);
  if (tariff == nullptr) return not_priced(NotPriced::kNoTariffYear, price.tariff_year.ToString());
  // Sheet 8: walk-in centres (department type 04) are excluded from national
  // prices; minor injury units (03) are paid the type 3 and 4 price.
  if (a.department_type == "04") return not_priced(NotPriced::kWalkInCentre, "department type 04");
  const refdata::AePrice* row = tariff->FindAe(a.hrg);
  std::string note;
  if (row == nullptr && a.hrg.view() == "VB99Z") {
    // The 2016/17 tariff lists no VB99Z row: its guidance pays VB99Z (dead
    // on arrival) at the VB09Z price.
    row = tariff->FindAe(HrgCode::Parse("VB09Z").value());
    note = " (VB99Z at the VB09Z price)";
  }
  if (row == nullptr) return not_priced(NotPriced::kHrgNotInTariff, a.hrg.ToString() + " in " + price.tariff_year.ToString());
  const bool type_1_2 = a.department_type == "01" || a.department_type == "02";
  price.pod = Pod::kAe;
  price.base = type_1_2 ? row->type_1_2 : row->type_3_4;
  if (!detail::ApplyMff(price, ref, a.common.provider)) {
    return not_priced(NotPriced::kNoMff, a.common.provider.ToString() + " in " + price.tariff_year.ToString());
  }
  detail::Finish(price, price.base);
  if (explanation) {
    *explanation = "AE " + a.hrg.ToString() + note + " type " + a.department_type + " department " +
                   price.base.ToString() + detail::MffClause(price, a.common.provider);
  }
  return price;
}

}  // namespace csu::pricing
