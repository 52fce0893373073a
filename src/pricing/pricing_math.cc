#include "pricing/pricing_math.h"

#include "refdata/refdata.h"

namespace csu::pricing::detail {

void Finish(Price& price, Money core) {
  const Int128 scaled = (static_cast<Int128>(core.pence()) * (kPpm + price.top_up_ppm) +
                         static_cast<Int128>(price.unbundled.pence()) * kPpm) *
                        price.mff_ppm;
  price.final_price = Money::FromPence(DivRoundHalfAway(scaled, static_cast<Int128>(kPpm) * kPpm));
  // Display-only components, each rounded on its own; the final price above
  // does not use them, so no rounding is compounded.
  price.top_up = core.MulRatio(price.top_up_ppm, kPpm);
  price.adjustments = price.ssem_reduction + price.top_up + price.unbundled;
}

std::string FactorText(int64_t ppm) {
  std::string frac = std::to_string(ppm % kPpm);
  frac.insert(0, 6 - frac.size(), '0');
  return std::to_string(ppm / kPpm) + "." + frac;
}

std::string PercentText(int64_t ppm) {
  std::string frac = std::to_string(ppm % 10'000);
  frac.insert(0, 4 - frac.size(), '0');
  return std::to_string(ppm / 10'000) + "." + frac + "%";
}

bool ApplyMff(Price& price, const refdata::RefData& ref, OdsCode provider) {
  const refdata::Mff* mff = ref.FindMff(price.tariff_year, provider);
  if (mff == nullptr) {
    price.not_priced = NotPriced::kNoMff;
    price.pod = Pod::kNone;
    return false;
  }
  price.mff_ppm = mff->index_ppm;
  return true;
}

std::string MffClause(const Price& price, OdsCode provider) {
  return "; \xC3\x97 MFF " + FactorText(price.mff_ppm) + " (" + provider.ToString() + ") = " +
         price.final_price.ToString();
}

std::string NotPricedLine(const Price& price, const std::string& detail) {
  std::string s = "not priced: " + std::string(NotPricedText(price.not_priced));
  if (!detail.empty()) s += " (" + detail + ")";
  return s;
}

Price MarkNotPriced(Price& price, NotPriced why, const std::string& detail, std::string* explanation) {
  price.not_priced = why;
  price.pod = Pod::kNone;
  if (explanation != nullptr) *explanation = NotPricedLine(price, detail);
  return price;
}

}  // namespace csu::pricing::detail
