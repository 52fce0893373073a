// Outpatient appointments: docs/pricing.md, "Outpatients".
#include "pricing/pricer.h"
#include "pricing/pricing_math.h"
#include "refdata/refdata.h"

namespace csu::pricing {

Price PriceOp(const ingest::OpRecord& a, const refdata::RefData& ref, const PricingOptions& options,
              std::string* explanation) {
  Price price;
  price.tariff_year = options.tariff_year.value_or(FinancialYear::Of(a.appointment_date));
  const std::string tfc = a.treatment_function.ToString();
  auto not_priced = [&](NotPriced why, const std::string& detail) {
    return detail::MarkNotPriced(price, why, detail, explanation);
  };
  const refdata::TariffYear* tariff = ref.Tariff(price.tariff_year);
  if (tariff == nullptr) return not_priced(NotPriced::kNoTariffYear, price.tariff_year.ToString());
  // Only attended appointments are paid: 5 seen on time, 6 seen late.
  if (a.attended != '5' && a.attended != '6') {
    return not_priced(NotPriced::kNotAttended, "attendance code " + std::string(1, a.attended));
  }
  const bool first = a.first_attendance == '1' || a.first_attendance == '3';
  if (a.first_attendance == '3' || a.first_attendance == '4') {
    return not_priced(NotPriced::kNonFaceToFace, "first attendance code " + std::string(1, a.first_attendance));
  }
  // A procedure HRG with an outpatient procedure price replaces the
  // attendance price, whatever the treatment function: the sheet 11 list
  // and the sheet 8 exclusions apply where the core HRG is a WF attendance.
  std::string what;
  const refdata::ApcPrice* procedure = a.hrg ? tariff->FindApc(*a.hrg) : nullptr;
  const bool by_procedure = procedure != nullptr && procedure->outpatient_procedure;
  if (!by_procedure && tariff->TfcHasNoNationalPrice(a.treatment_function)) {
    return not_priced(NotPriced::kTfcNoNationalPrice, "treatment function " + tfc);
  }
  if (by_procedure) {
    price.pod = Pod::kOpProcedure;
    price.base = *procedure->outpatient_procedure;
    what = "OPPROC " + a.hrg->ToString() + " " + price.base.ToString();
  } else {
    const refdata::OpAttendancePrice* row = tariff->FindOpAttendance(a.treatment_function);
    std::optional<Money> p;
    if (row != nullptr) {
      p = first ? (a.multi_professional ? row->first_multi : row->first_single)
                : (a.multi_professional ? row->follow_up_multi : row->follow_up_single);
    }
    price.pod = first ? Pod::kOpFirst : Pod::kOpFollowUp;
    if (!p) {
      Pod wanted = price.pod;
      return not_priced(NotPriced::kNoPriceForSetting, std::string(PodCode(wanted)) + " treatment function " + tfc);
    }
    price.base = *p;
    what = std::string(PodCode(price.pod)) + " " + tfc + " " + (first ? "first" : "follow-up") + ", " +
           (a.multi_professional ? "multi-professional " : "single professional ") + price.base.ToString();
  }
  if (!detail::ApplyMff(price, ref, a.common.provider)) {
    return not_priced(NotPriced::kNoMff, a.common.provider.ToString() + " in " + price.tariff_year.ToString());
  }
  detail::Finish(price, price.base);
  if (explanation) *explanation = what + detail::MffClause(price, a.common.provider);
  return price;
}

}  // namespace csu::pricing
