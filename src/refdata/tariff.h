// The national tariff of one financial year (Payment by Results), as
// published by NHS Improvement / Monitor: admitted patient care and
// outpatient procedure prices by HRG, outpatient attendance prices by
// treatment function, A&E prices by HRG and department type, unbundled
// prices, specialised top-ups, and the HRGs and treatment functions with no
// national price. Pure data: pricing rules live in src/pricing.
//
// Prices are Money (the files publish whole pounds). Percentages and factors
// are exact integers in parts per million (30% -> 300000) so that pricing can
// carry exact products and round once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace csu::refdata {

inline constexpr int64_t kPpm = 1'000'000;

// Admitted patient care and outpatient procedure prices for one HRG
// (tariff workbook sheets 1 / 1a / 1b). Absent prices are nullopt: a "-" in
// the workbook means the tariff sets no price for that point of delivery.
struct ApcPrice {
  HrgCode hrg;
  std::string name;
  std::optional<Money> outpatient_procedure;
  std::optional<Money> combined_day_case_elective;
  std::optional<Money> day_case;
  std::optional<Money> ordinary_elective;
  std::optional<int32_t> elective_trim_days;
  std::optional<Money> non_elective;
  std::optional<int32_t> non_elective_trim_days;
  std::optional<Money> excess_bed_day;  // per day beyond the trim point
  bool ssem_applicable = false;         // short-stay emergency adjustment
  std::optional<int64_t> ssem_ppm;      // share of the NEL price paid, e.g. 300000
  // The reduced price as published. Pricing uses this, not ssem_ppm x NEL:
  // the workbook's percentage column is rounded (0.3, 0.5, 0.75) while the
  // price was set from the unrounded share, so the two differ by up to about
  // half a percent of the NEL price.
  std::optional<Money> ssem_price;
  std::string bpt_name;                 // best practice tariff, "" when none

  // The elective price for a day case: the day-case price, else the combined
  // day case / elective price. nullopt when neither is published.
  std::optional<Money> DayCasePrice() const { return day_case ? day_case : combined_day_case_elective; }
  // Likewise for an ordinary elective admission.
  std::optional<Money> OrdinaryElectivePrice() const {
    return ordinary_elective ? ordinary_elective : combined_day_case_elective;
  }
};

// Consultant-led outpatient attendance prices for one treatment function
// (WF01B first single-professional, WF02B first multi, WF01A follow-up single,
// WF02A follow-up multi).
struct OpAttendancePrice {
  TreatmentFunctionCode tfc;
  std::string name;
  std::optional<Money> first_single;
  std::optional<Money> first_multi;
  std::optional<Money> follow_up_single;
  std::optional<Money> follow_up_multi;
};

// A&E prices for one HRG (VB01Z..VB11Z, VB99Z): Type 1 and 2 departments vs
// Type 3 and 4 (minor injury units, walk-in centres).
struct AePrice {
  HrgCode hrg;
  std::string name;
  Money type_1_2;
  Money type_3_4;
};

// A price for an unbundled HRG (imaging, nuclear medicine, chemotherapy
// delivery, radiotherapy), paid on top of the core spell or attendance.
struct UnbundledPrice {
  HrgCode hrg;
  std::string name;
  std::string section;
  Money price;
};

// A prescribed specialised service flag and its top-up (sheet 14).
struct SpecialisedTopUp {
  std::string pss_flag;  // e.g. "NCBPS06Z"
  std::string service;
  int64_t top_up_ppm;    // 33% -> 330000
};

class TariffYear {
 public:
  explicit TariffYear(FinancialYear year) : year_(year) {}

  FinancialYear year() const { return year_; }
  // nullptr when the tariff has no row for the code.
  const ApcPrice* FindApc(HrgCode hrg) const;
  const OpAttendancePrice* FindOpAttendance(TreatmentFunctionCode tfc) const;
  const AePrice* FindAe(HrgCode hrg) const;
  const UnbundledPrice* FindUnbundled(HrgCode hrg) const;
  const SpecialisedTopUp* FindTopUp(std::string_view pss_flag) const;
  bool HrgHasNoNationalPrice(HrgCode hrg) const { return hrg_no_price_.count(hrg) > 0; }
  // Sheet 11: treatment functions with no national price *for outpatient
  // attendances* (the WF attendance HRGs). Not a rule for admitted care.
  bool TfcHasNoNationalPrice(TreatmentFunctionCode tfc) const { return tfc_no_price_.count(tfc) > 0; }
  // Sheets 8 and 9 (2016/17: 9 and 10): treatment functions whose admitted
  // care episodes are excluded from national prices before grouping
  // (intermediate care, respite, mental health, learning disability, non-UK
  // providers, cystic fibrosis, well babies).
  bool TfcExcludedFromAdmittedCare(TreatmentFunctionCode tfc) const { return tfc_admitted_excluded_.count(tfc) > 0; }
  // Sheet 4a: an unbundled HRG whose costs are rebundled into the core HRG
  // for admitted care and outpatient procedures (diagnostic imaging and
  // nuclear medicine): it earns nothing on top of a spell.
  bool UnbundledIsRebundled(HrgCode hrg) const { return rebundled_.count(hrg) > 0; }

  // Rows in file order, for listing and for the synthetic generator.
  const std::vector<ApcPrice>& apc() const { return apc_; }
  const std::vector<OpAttendancePrice>& op_attendances() const { return op_; }
  const std::vector<AePrice>& ae() const { return ae_; }
  const std::vector<UnbundledPrice>& unbundled() const { return unbundled_; }
  const std::vector<SpecialisedTopUp>& top_ups() const { return top_ups_; }
  size_t hrgs_without_national_price() const { return hrg_no_price_.size(); }
  size_t tfcs_without_national_price() const { return tfc_no_price_.size(); }
  size_t tfcs_excluded_from_admitted_care() const { return tfc_admitted_excluded_.size(); }
  size_t rebundled_hrgs() const { return rebundled_.size(); }

  // Loading (src/refdata/tariff_loader.cc). Each rejects duplicates.
  Status AddApc(ApcPrice p, const std::string& where);
  Status AddOpAttendance(OpAttendancePrice p, const std::string& where);
  Status AddAe(AePrice p, const std::string& where);
  Status AddUnbundled(UnbundledPrice p, const std::string& where);
  Status AddTopUp(SpecialisedTopUp t, const std::string& where);
  void AddHrgWithoutNationalPrice(HrgCode hrg) { hrg_no_price_.insert(hrg); }
  void AddTfcWithoutNationalPrice(TreatmentFunctionCode tfc) { tfc_no_price_.insert(tfc); }
  void AddTfcExcludedFromAdmittedCare(TreatmentFunctionCode tfc) { tfc_admitted_excluded_.insert(tfc); }
  void AddRebundledHrg(HrgCode hrg) { rebundled_.insert(hrg); }

 private:
  FinancialYear year_;
  std::vector<ApcPrice> apc_;
  std::vector<OpAttendancePrice> op_;
  std::vector<AePrice> ae_;
  std::vector<UnbundledPrice> unbundled_;
  std::vector<SpecialisedTopUp> top_ups_;
  std::unordered_map<HrgCode, size_t, ShortCodeHash> apc_index_;
  std::unordered_map<TreatmentFunctionCode, size_t, ShortCodeHash> op_index_;
  std::unordered_map<HrgCode, size_t, ShortCodeHash> ae_index_;
  std::unordered_map<HrgCode, size_t, ShortCodeHash> unbundled_index_;
  std::unordered_map<std::string, size_t> top_up_index_;
  std::unordered_set<HrgCode, ShortCodeHash> hrg_no_price_;
  std::unordered_set<TreatmentFunctionCode, ShortCodeHash> tfc_no_price_;
  std::unordered_set<TreatmentFunctionCode, ShortCodeHash> tfc_admitted_excluded_;
  std::unordered_set<HrgCode, ShortCodeHash> rebundled_;
};

// Loads every tariff file of `year` from `dir` (file names as in
// data/refdata/README.md). Errors name file:line and the reason.
Result<TariffYear> LoadTariffYear(const std::string& dir, FinancialYear year);

}  // namespace csu::refdata
