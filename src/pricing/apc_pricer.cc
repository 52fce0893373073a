// Admitted patient care: docs/pricing.md, "Admitted care".
#include <algorithm>

#include "pricing/pricer.h"
#include "pricing/pricing_math.h"
#include "refdata/refdata.h"

namespace csu::pricing {
namespace {

using detail::kPpm;

bool IsElective(const std::string& method) { return method == "11" || method == "12" || method == "13"; }
bool IsEmergency(const std::string& method) { return !method.empty() && method[0] == '2'; }

std::string Days(int32_t n) { return std::to_string(n) + (n == 1 ? " excess day" : " excess days"); }

// Adds the spell's unbundled HRGs that are paid in its setting to `price`
// (detail::PriceUnbundledOnSpell) and returns their explanation clauses.
std::string AddUnbundled(const ingest::ApcRecord& s, const refdata::TariffYear& tariff, bool ordinary_admission,
                         Price& price) {
  std::string text;
  for (HrgCode u : s.unbundled_hrgs) {
    const detail::UnbundledOnSpell paid = detail::PriceUnbundledOnSpell(tariff, u, ordinary_admission);
    if (paid.rule == detail::UnbundledRule::kPaid) {
      price.unbundled += paid.price;
      ++price.unbundled_count;
    } else {
      ++price.unbundled_unpriced;
    }
    text += detail::UnbundledClause(u, paid);
  }
  return text;
}

// A regular day or night attender (patient classification 3 or 4): the
// core HRG has no national price for this setting and is agreed locally,
// but chemotherapy and radiotherapy delivery HRGs keep their national
// prices (docs/pricing.md, "Regular day and night attenders"). A spell
// with none of them is not priced.
Price PriceRegularAttender(const ingest::ApcRecord& s, const refdata::TariffYear& tariff, const refdata::RefData& ref,
                           Price& price, std::string* explanation) {
  const std::string unbundled_text = AddUnbundled(s, tariff, /*ordinary_admission=*/false, price);
  const std::string classification = "patient classification " + std::string(1, s.patient_classification);
  if (price.unbundled_count == 0) {
    price.unbundled = Money();
    price.unbundled_count = price.unbundled_unpriced = 0;
    return detail::MarkNotPriced(price, NotPriced::kRegularAttender, classification, explanation);
  }
  if (!detail::ApplyMff(price, ref, s.common.provider)) {
    return detail::MarkNotPriced(price, NotPriced::kNoMff,
                                 s.common.provider.ToString() + " in " + price.tariff_year.ToString(), explanation);
  }
  price.pod = Pod::kRegularAttender;
  detail::Finish(price, Money());
  if (explanation) {
    *explanation = "RDNA " + s.hrg.ToString() + " core priced locally (" + classification + ")" + unbundled_text +
                   detail::MffClause(price, s.common.provider);
  }
  return price;
}

}  // namespace

Price PriceApc(const ingest::ApcRecord& s, const refdata::RefData& ref, const PricingOptions& options,
               std::string* explanation) {
  Price price;
  // The tariff in force on the discharge date: the spell's end decides both
  // its price and the month it is reported in.
  price.tariff_year = options.tariff_year.value_or(FinancialYear::Of(s.discharge_date));
  const std::string hrg = s.hrg.ToString();
  auto not_priced = [&](NotPriced why, const std::string& detail) {
    return detail::MarkNotPriced(price, why, detail, explanation);
  };

  const refdata::TariffYear* tariff = ref.Tariff(price.tariff_year);
  if (tariff == nullptr) return not_priced(NotPriced::kNoTariffYear, price.tariff_year.ToString());
  if (hrg == "UZ01Z") return not_priced(NotPriced::kUngroupable, "");
  // Service exclusions of sheets 8/9 (the outpatient list of sheet 11 is
  // not a rule for spells).
  if (tariff->TfcExcludedFromAdmittedCare(s.treatment_function)) {
    return not_priced(NotPriced::kTfcServiceExclusion, "treatment function " + s.treatment_function.ToString());
  }
  if (s.patient_classification == '3' || s.patient_classification == '4') {
    return PriceRegularAttender(s, *tariff, ref, price, explanation);
  }
  if (tariff->HrgHasNoNationalPrice(s.hrg)) return not_priced(NotPriced::kHrgNoNationalPrice, hrg);
  const refdata::ApcPrice* row = tariff->FindApc(s.hrg);
  if (row == nullptr) return not_priced(NotPriced::kHrgNotInTariff, hrg + " in " + price.tariff_year.ToString());

  // Point of delivery and its price.
  std::optional<Money> pod_price;
  std::optional<int32_t> trim_days;
  const bool elective = IsElective(s.admission_method);
  if (elective && s.patient_classification == '2') {
    price.pod = Pod::kDayCase;
    pod_price = row->DayCasePrice();
    trim_days = row->elective_trim_days;
  } else if (elective) {
    price.pod = Pod::kElective;
    pod_price = row->OrdinaryElectivePrice();
    trim_days = row->elective_trim_days;
  } else {
    price.pod = IsEmergency(s.admission_method) ? Pod::kNonElective : Pod::kNonElectiveNonEmergency;
    pod_price = row->non_elective;
    trim_days = row->non_elective_trim_days;
  }
  if (!pod_price) {
    Pod wanted = price.pod;
    return not_priced(NotPriced::kNoPriceForSetting, std::string(PodCode(wanted)) + " " + hrg);
  }
  price.base = *pod_price;

  // Excess bed days on the PbR length of stay: days of critical care,
  // rehabilitation and specialist palliative care are paid separately.
  const int32_t los = s.los_days();
  const int32_t pbr_los = std::max(0, los - s.critical_care_days - s.rehabilitation_days - s.palliative_care_days);
  // Short-stay emergency adjustment: emergency admission, 0 or 1 day, an
  // eligible HRG, and a patient aged 19 or over at admission.
  const bool ssem = price.pod == Pod::kNonElective && los <= 1 && row->ssem_applicable && row->ssem_price &&
                    s.common.age_years >= kSsemMinimumAge;
  if (ssem) {
    price.pod = Pod::kNonElectiveShortStay;
    price.ssem_reduction = *row->ssem_price - price.base;
  } else if (trim_days && row->excess_bed_day) {
    price.excess_bed_days = std::max(0, pbr_los - *trim_days);
    price.excess_bed_day_payment = *row->excess_bed_day * price.excess_bed_days;
  }

  // Specialised top-up on the core price; unbundled HRGs on top.
  std::string top_up_flag;
  if (!s.specialised_service.empty()) {
    if (const auto* t = tariff->FindTopUp(s.specialised_service)) {
      price.top_up_ppm = t->top_up_ppm;
      top_up_flag = t->pss_flag;
    }
  }
  const std::string unbundled_text = AddUnbundled(s, *tariff, /*ordinary_admission=*/price.pod != Pod::kDayCase, price);

  if (!detail::ApplyMff(price, ref, s.common.provider)) {
    return not_priced(NotPriced::kNoMff, s.common.provider.ToString() + " in " + price.tariff_year.ToString());
  }
  const Money core = price.base + price.ssem_reduction + price.excess_bed_day_payment;
  detail::Finish(price, core);

  if (explanation) {
    std::string e = std::string(PodCode(price.pod)) + " " + hrg + " ";
    if (ssem) {
      e += "short-stay emergency price " + row->ssem_price->ToString() + " (NEL " + price.base.ToString() + ", " +
           std::to_string(los) + "-day stay, age " + std::to_string(s.common.age_years) + ")";
    } else if (price.excess_bed_days > 0) {
      e += price.base.ToString() + " + " + Days(price.excess_bed_days) + " \xC3\x97 " + row->excess_bed_day->ToString() +
           " = " + core.ToString();
    } else {
      e += price.base.ToString();
    }
    if (price.top_up_ppm > 0) {
      e += " + specialised top-up " + detail::PercentText(price.top_up_ppm) + " (" + top_up_flag + ") " +
           price.top_up.ToString();
    } else if (!s.specialised_service.empty()) {
      e += " (specialised flag " + s.specialised_service + " earns no top-up)";
    }
    e += unbundled_text;
    e += detail::MffClause(price, s.common.provider);
    *explanation = std::move(e);
  }
  return price;
}

}  // namespace csu::pricing
