// Which HRG a synthetic spell, outpatient procedure or A&E attendance gets,
// chosen from the real tariff of the year being generated (2016/17 uses the
// older HRG4 design, 2017/18 and 2018/19 HRG4+), so every code written is
// one the tariff of that year knows:
//  - a day case needs a day-case (or combined DC/EL) price, an ordinary
//    elective an ordinary elective (or combined) price, an emergency spell a
//    non-elective price; outpatient procedures an OPROC price;
//  - the age words of the name are respected ("19 years and over",
//    "between 2 and 18 years", "Paediatric ..."), and sex-specific HRGs
//    (gynaecology, prostate) go to the right sex;
//  - weights concentrate activity as real activity is concentrated: a
//    stable per-root prevalence (log-normal from a hash of the root, plus
//    boosts for roots known to be common: chest pain, COPD, cataracts,
//    endoscopy...), a bump on log price around the typical price of the
//    setting (most day cases cost hundreds of pounds, most emergency spells
//    one to three thousand), the less complex splits of a root (fewer
//    complications) more often except for the old, and a weight per HRG
//    chapter and setting. HRGs on the "no national price" list are rare,
//    and HRGs for activity that is rarely an admission (tests, studies,
//    nurse support, therapy programmes) very rare.
// Built once per run; immutable and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/result.h"
#include "synth/random.h"

namespace csu::refdata {
class RefData;
}

namespace csu::synth {

enum class Setting : uint8_t { kDayCase, kOrdinaryElective, kNonElective, kCount };

struct HrgEntry {
  HrgCode code;
  TreatmentFunctionCode medical_tfc;
  TreatmentFunctionCode surgical_tfc;
  bool surgical = false;
  int32_t elective_trim_days = 5;   // tariff trim points (5 when not published)
  int32_t non_elective_trim_days = 5;
  // Length-of-stay bounds some HRG names state ("with length of stay 1 day
  // or less"); 0 and 365 otherwise.
  int32_t min_los_days = 0;
  int32_t max_los_days = 365;
  const std::vector<std::string_view>* diagnoses = nullptr;
  const std::vector<std::string_view>* procedures = nullptr;
  std::string pss_flag;             // specialised service flag that may apply, "" if none
};

class HrgMix {
 public:
  static Result<HrgMix> Build(const refdata::RefData& refdata, FinancialYear year);

  // An HRG for a spell in `setting`, for a patient of `age` and sex_index
  // (0 male, 1 female).
  const HrgEntry& Pick(Setting setting, int32_t age, int sex_index, Rng& rng) const;
  // An antenatal (or postnatal) HRG from the NZ subchapter, or nullptr when
  // the code list has none.
  const HrgEntry* PickMaternity(bool postnatal, Rng& rng) const;
  // Same-day chemotherapy core HRG (SB97Z) and the priced unbundled
  // chemotherapy delivery HRGs; null / empty when the year has none.
  const HrgEntry* chemotherapy() const { return chemo_index_ < 0 ? nullptr : &entries_[chemo_index_]; }
  const std::vector<HrgCode>& chemo_unbundled() const { return chemo_unbundled_; }
  // An outpatient procedure HRG (with an OPROC price) that fits `tfc`, or
  // nullptr when none does.
  const HrgEntry* PickOutpatientProcedure(TreatmentFunctionCode tfc, int32_t age, int sex_index, Rng& rng) const;
  // An A&E HRG. type_group: 0 Type 1, 1 Type 2, 2 Type 3/4.
  HrgCode PickAe(int type_group, bool admitted, Rng& rng) const;

 private:
  static constexpr int kAgeGroups = 9;
  static int AgeGroup(int32_t age);

  struct Table {
    AliasTable alias;
    std::vector<uint32_t> entries;  // alias index -> entries_ index
  };
  std::vector<HrgEntry> entries_;
  // [setting][age group][sex]
  std::array<std::array<std::array<Table, 2>, kAgeGroups>, static_cast<size_t>(Setting::kCount)> tables_;
  std::array<Table, 2> maternity_;  // antenatal, postnatal
  int32_t chemo_index_ = -1;
  std::vector<HrgCode> chemo_unbundled_;
  // Outpatient procedures: per treatment function key, [age group][sex].
  struct OprocTables {
    TreatmentFunctionCode tfc;
    std::array<std::array<Table, 2>, kAgeGroups> by_group;
  };
  std::vector<OprocTables> oproc_;
  std::array<std::array<Table, 2>, 3> ae_;  // [type group][admitted]
};

}  // namespace csu::synth
