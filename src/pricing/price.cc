#include "pricing/price.h"

namespace csu::pricing {

std::string_view PodCode(Pod pod) {
  switch (pod) {
    case Pod::kNone: return "";
    case Pod::kDayCase: return "DC";
    case Pod::kElective: return "EL";
    case Pod::kNonElective: return "NEL";
    case Pod::kNonElectiveShortStay: return "NELST";
    case Pod::kNonElectiveNonEmergency: return "NELNE";
    case Pod::kRegularAttender: return "RDNA";
    case Pod::kOpFirst: return "OPFA";
    case Pod::kOpFollowUp: return "OPFUP";
    case Pod::kOpProcedure: return "OPPROC";
    case Pod::kAe: return "AE";
  }
  return "";
}

std::string_view NotPricedText(NotPriced reason) {
  switch (reason) {
    case NotPriced::kPriced: return "";
    case NotPriced::kNoTariffYear: return "no national tariff loaded for the activity's financial year";
    case NotPriced::kUngroupable: return "ungroupable spell (UZ01Z)";
    case NotPriced::kHrgNoNationalPrice: return "HRG has no national price";
    case NotPriced::kTfcNoNationalPrice: return "treatment function has no national price for outpatient attendances";
    case NotPriced::kRegularAttender: return "regular day or night attender: priced locally";
    case NotPriced::kNoPriceForSetting: return "the tariff sets no price for this point of delivery";
    case NotPriced::kHrgNotInTariff: return "HRG not in this year's tariff";
    case NotPriced::kNoMff: return "provider has no market forces factor";
    case NotPriced::kNotAttended: return "appointment not attended";
    case NotPriced::kNonFaceToFace: return "non-face-to-face attendance has no national price";
    case NotPriced::kTfcServiceExclusion: return "treatment function excluded from national prices for admitted care";
    case NotPriced::kWalkInCentre: return "walk-in centre (A&E department type 04): no national price";
  }
  return "";
}

}  // namespace csu::pricing
