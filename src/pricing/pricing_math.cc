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

UnbundledOnSpell PriceUnbundledOnSpell(const refdata::TariffYear& tariff, HrgCode hrg, bool ordinary_admission) {
  // Sheet 4a: imaging and nuclear medicine costs are included in the core
  // HRG for admitted care (their 4b/4c prices are for direct access and
  // outpatient attendances).
  if (tariff.UnbundledIsRebundled(hrg)) return {UnbundledRule::kRebundled, Money()};
  const refdata::UnbundledPrice* p = tariff.FindUnbundled(hrg);
  if (p == nullptr) return {UnbundledRule::kNoNationalPrice, Money()};
  // Chemotherapy delivery (sub-chapter SB) and radiotherapy (SC) prices apply
  // to day cases, regular day and night attenders and outpatients; delivery
  // during an ordinary admission is part of the spell's core price.
  const std::string_view code = hrg.view();
  const bool delivery = code.starts_with("SB") || code.starts_with("SC");
  if (delivery && ordinary_admission) return {UnbundledRule::kNotInThisSetting, Money()};
  return {UnbundledRule::kPaid, p->price};
}

std::string UnbundledClause(HrgCode hrg, const UnbundledOnSpell& u) {
  const std::string code = " + unbundled " + hrg.ToString();
  switch (u.rule) {
    case UnbundledRule::kPaid: return code + " " + u.price.ToString();
    case UnbundledRule::kRebundled: return code + " (included in the core price, tariff sheet 4a)";
    case UnbundledRule::kNotInThisSetting: return code + " (delivery in an ordinary admission is in the core price)";
    case UnbundledRule::kNoNationalPrice: return code + " (no national price, priced locally)";
  }
  return code;
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
