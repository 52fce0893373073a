// Emergency readmissions within 30 days of discharge, linked by patient
// pseudonym over the loaded admitted care spells. Two uses, two definitions
// (docs/monitoring.md, "Readmissions"):
//
// * The payment rule (2011/12–2018/19 national tariff): an emergency
//   readmission within 30 days of discharge from an *elective* admission at
//   the same provider is not paid, unless it falls in an excluded group:
//   no national price; maternity and childbirth; cancer (ICD-10 C00–D48),
//   chemotherapy and radiotherapy (HRG chapters SB, SC); under 4 at
//   readmission; index spell ended by self-discharge against advice
//   (discharge method 2); emergency transfers in (admission method 2B);
//   renal dialysis (HRG LD) and transplants (HRG LA01–LA03 kidney, GA01
//   liver); multiple trauma (HRG VA); transport accidents (ICD-10 V01–V99
//   in any diagnosis position, primary or secondary, of the readmission).
//   The elective index is the latest elective discharge at the provider in
//   the 30 days before the admission, even when another spell came between:
//   the rule withholds any emergency readmission within 30 days of an
//   elective discharge, not only one whose latest discharge was elective.
// * The rate (indicator): the share of discharges, by provider and month of
//   discharge, followed within 30 days by an emergency admission anywhere.
//   Discharges of patients who died, maternity spells and regular day or
//   night attenders are not counted.
//
//   Readmissions r = FindReadmissions(tables, priced.apc);
//   if (r.withheld[row]) ... // the 30-day rule takes this spell's price
#pragma once

#include <cstdint>
#include <vector>

#include "store/activity_tables.h"

namespace csu::pricing {
struct PricedColumns;
}

namespace csu::analytics {

inline constexpr int32_t kReadmissionWindowDays = 30;

// Why an emergency readmission after an elective spell is still paid.
enum class ReadmissionExclusion : uint8_t {
  kNone = 0,           // not excluded: the rule withholds payment
  kNotPriced,          // no national price
  kMaternity,
  kCancer,             // cancer diagnosis, chemotherapy or radiotherapy
  kUnderFour,
  kSelfDischarge,      // the index spell ended in self-discharge against advice
  kEmergencyTransfer,
  kRenalOrTransplant,
  kTrauma,             // multiple trauma or a transport accident
};
std::string_view ExclusionName(ReadmissionExclusion e);

struct Readmissions {
  // Per APC row: the row of the spell this one readmits after (the latest
  // discharge within 30 days before its admission), or -1 when the row is
  // not an emergency readmission.
  std::vector<int32_t> index_row;
  // Per APC row: the row of the elective spell the payment rule links this
  // emergency admission to (the latest elective discharge at the same
  // provider within 30 days before its admission, whatever came between),
  // or -1 when there is none. Often index_row, but not when a later spell
  // (another emergency, or a spell at another provider) came between.
  std::vector<int32_t> payment_index_row;
  // Per APC row: 1 when the payment rule withholds this spell's price (an
  // emergency readmission within 30 days of an elective spell at the same
  // provider, not excluded).
  std::vector<uint8_t> withheld;
  // Per APC row with a payment index: why the rule does not apply (kNone
  // when it does).
  std::vector<ReadmissionExclusion> exclusion;
  // Rate: per APC row, 1 when the discharge counts in the denominator, and
  // 1 when it was followed by an emergency admission within 30 days.
  std::vector<uint8_t> in_rate;
  std::vector<uint8_t> readmitted_after;
};

// Links every loaded spell; linear in the rows apart from sorting each
// patient's few spells. `apc` prices tables.apc row by row.
Readmissions FindReadmissions(const store::ActivityTables& tables, const pricing::PricedColumns& apc);

}  // namespace csu::analytics
