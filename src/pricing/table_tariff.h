// The national tariff and the market forces factors re-indexed by the
// store's dictionary ids, for pricing whole column tables
// (table_pricer.h). Every rule of docs/pricing.md that depends only on a
// code (is this HRG priced? this treatment function? what is this
// provider's MFF?) is answered here once per (tariff year, dictionary id),
// so the per-row work is array lookups and integer arithmetic.
//
// Built once per (dictionaries, reference data, options), in about a
// millisecond for the demo CSU's dictionaries; immutable afterwards and
// safe to share between threads. It copies what it needs, so neither the
// dictionaries nor the RefData need outlive it.
//
// Layout note: entries are grouped by year *slot*. Slots 0..years-1 are the
// loaded tariff years (oldest first); the last slot stands for "no tariff
// loaded for this year" and fails every row with the no-tariff-year bit.
#pragma once

#include <cstdint>
#include <vector>

#include "pricing/pricer.h"

namespace csu::store {
class CodeDictionaries;
}

namespace csu::pricing {

// Why a row is not priced, one bit per check, with the bits in the order
// the per-record pricer makes its checks: the lowest set bit is the reason
// the per-record pricer reports (see ReasonOfLowestBit in table_pricer.cc).
namespace apc_bits {
inline constexpr uint32_t kNoTariffYear = 1u << 0;
inline constexpr uint32_t kUngroupable = 1u << 1;
inline constexpr uint32_t kTfcServiceExclusion = 1u << 2;
// A regular attender's row is finished in the second pass: it is priced
// when it has a chemotherapy or radiotherapy delivery HRG.
inline constexpr uint32_t kRegularAttender = 1u << 3;
inline constexpr uint32_t kHrgNoNationalPrice = 1u << 4;
inline constexpr uint32_t kHrgNotInTariff = 1u << 5;
inline constexpr uint32_t kNoPriceForSetting = 1u << 6;
inline constexpr uint32_t kNoMff = 1u << 7;
}  // namespace apc_bits
namespace op_bits {
inline constexpr uint32_t kNoTariffYear = 1u << 0;
inline constexpr uint32_t kNotAttended = 1u << 1;
inline constexpr uint32_t kNonFaceToFace = 1u << 2;
inline constexpr uint32_t kTfcNoNationalPrice = 1u << 3;
inline constexpr uint32_t kNoPriceForSetting = 1u << 4;
inline constexpr uint32_t kNoMff = 1u << 5;
}  // namespace op_bits
namespace ae_bits {
inline constexpr uint32_t kNoTariffYear = 1u << 0;
inline constexpr uint32_t kWalkInCentre = 1u << 1;
inline constexpr uint32_t kHrgNotInTariff = 1u << 2;
inline constexpr uint32_t kNoMff = 1u << 3;
}  // namespace ae_bits

// Admitted care settings a spell can be priced in, before the short-stay
// adjustment: the index into ApcHrgEntry's price and trim arrays.
enum ApcSetting : uint8_t { kSettingDayCase = 0, kSettingElective, kSettingNonElective, kSettingNonElectiveOther };

// A trim point no stay reaches: used when the tariff gives no trim point or
// no excess bed day rate, so that no excess days are paid (as PriceApc).
inline constexpr int32_t kNoTrim = 1 << 30;

// One HRG's admitted care prices in one tariff year.
struct ApcHrgEntry {
  int64_t price[4] = {0, 0, 0, 0};  // pence by ApcSetting; see no_price_bits
  int64_t excess_bed_day = 0;       // pence a day beyond the trim point
  int64_t ssem_price = -1;          // the short-stay emergency price; -1 when it does not apply
  int32_t trim[4] = {kNoTrim, kNoTrim, kNoTrim, kNoTrim};
  uint32_t fail_bits = 0;           // apc_bits: no tariff year, ungroupable, no national price, not in tariff
  uint32_t no_price_bits = 0;       // bit s set when the tariff sets no price for setting s
};

// One treatment function's outpatient attendance prices in one tariff year.
struct OpTfcEntry {
  int64_t price[4] = {0, 0, 0, 0};  // first single, first multi, follow-up single, follow-up multi
  uint32_t fail_bits = 0;           // op_bits: no tariff year, no national price
  uint32_t no_price_bits = 0;       // bit k set when price[k] is not published
};

// One A&E HRG's prices in one tariff year (VB99Z already mapped to VB09Z
// where the year has no VB99Z row).
struct AeHrgEntry {
  int64_t price[2] = {0, 0};  // type 1 and 2 departments, type 3 and 4
  uint32_t fail_bits = 0;     // ae_bits: no tariff year, HRG not in tariff
};

class TableTariff {
 public:
  TableTariff(const store::CodeDictionaries& codes, const refdata::RefData& ref, const PricingOptions& options = {});

  // ---- The tariff year of a row ----
  // Slot and financial year (start year) of an activity day. Days of the
  // loaded tariff years come from a small table; any other day falls back
  // to FinancialYear::Of and the no-tariff slot.
  struct YearOfDay {
    uint32_t slot;
    int32_t start_year;
  };
  // A by-value copy of the day table that the pricing loops keep in
  // registers (through member vectors, every byte stored into an output
  // column could alias them and force reloads).
  struct Years {
    const uint32_t* day_slot;
    const int32_t* day_year;
    int32_t first_day;
    uint32_t days;
    bool fixed;
    uint32_t fixed_slot;
    int32_t fixed_year;
    const std::vector<int32_t>* start_years;  // slot -> start year, for days outside the table
    YearOfDay operator()(int32_t day) const {
      if (fixed) return {fixed_slot, fixed_year};
      const uint32_t offset = static_cast<uint32_t>(day - first_day);
      if (offset < days) [[likely]] return {day_slot[offset], day_year[offset]};
      return SlowYear(*start_years, day);
    }
  };
  Years years() const {
    return {day_slot_.data(), day_year_.data(), first_day_, static_cast<uint32_t>(day_slot_.size()),
            fixed_, fixed_slot_, fixed_year_, &start_year_of_slot_};
  }
  YearOfDay Year(int32_t day) const { return years()(day); }
  uint32_t no_tariff_slot() const { return slots_ - 1; }

  // Base pointers of the lookup arrays, for the pricing loops (same reason).
  const ApcHrgEntry* apc_entries() const { return apc_.data(); }
  const AeHrgEntry* ae_entries() const { return ae_.data(); }
  const OpTfcEntry* op_entries() const { return op_.data(); }
  const int64_t* op_procedures() const { return op_procedure_.data(); }
  const uint32_t* tfc_fail_entries() const { return tfc_fail_.data(); }
  const int64_t* mff_entries() const { return mff_.data(); }
  const int64_t* top_up_entries() const { return top_up_.data(); }
  const uint8_t* admission_categories() const { return method_category_.data(); }
  const uint8_t* ae_price_columns() const { return department_column_.data(); }

  // ---- Lookups by (slot, dictionary id); ids beyond the dictionary the
  // tariff was built from must not be passed. ----
  const ApcHrgEntry& apc(uint32_t slot, uint32_t hrg) const { return apc_[slot * hrgs_ + hrg]; }
  // What an unbundled HRG adds to a spell (detail::PriceUnbundledOnSpell):
  // in an ordinary elective or non-elective admission, or in a day case or
  // a regular attender's spell. -1: nothing.
  int64_t unbundled(uint32_t slot, uint32_t hrg, bool ordinary_admission) const {
    return (ordinary_admission ? unbundled_ordinary_ : unbundled_short_)[slot * hrgs_ + hrg];
  }
  int64_t op_procedure(uint32_t slot, uint32_t hrg) const { return op_procedure_[slot * hrgs_ + hrg]; }  // -1: none
  const AeHrgEntry& ae(uint32_t slot, uint32_t hrg) const { return ae_[slot * hrgs_ + hrg]; }
  const OpTfcEntry& op(uint32_t slot, uint32_t tfc) const { return op_[slot * tfcs_ + tfc]; }
  // apc_bits::kTfcServiceExclusion or 0.
  uint32_t tfc_fail_bits(uint32_t slot, uint32_t tfc) const { return tfc_fail_[slot * tfcs_ + tfc]; }
  int64_t mff_ppm(uint32_t slot, uint32_t provider) const { return mff_[slot * providers_ + provider]; }  // 0: none
  int64_t top_up_ppm(uint32_t slot, uint32_t flag) const { return top_up_[slot * flags_ + flag]; }
  // kSettingElective for 11-13, kSettingNonElective for 2x, else kSettingNonElectiveOther.
  uint8_t admission_category(uint32_t method) const { return method_category_[method]; }
  // 0 for department types 01 and 02, 1 for every other type.
  uint8_t ae_price_column(uint32_t department_type) const { return department_column_[department_type]; }
  // ae_bits::kWalkInCentre for department type 04, else 0.
  uint32_t ae_department_fail_bits(uint32_t department_type) const { return department_fail_[department_type]; }

  // Every money product below this magnitude times any MFF fits in int64
  // with room for rounding, so the fast path can skip 128-bit arithmetic.
  int64_t fast_core_limit() const { return fast_core_limit_; }

  // Dictionary sizes the tariff was built for: tables loaded with larger
  // dictionaries need a new TableTariff.
  uint32_t hrgs() const { return hrgs_; }
  uint32_t tfcs() const { return tfcs_; }
  uint32_t providers() const { return providers_; }
  uint32_t flags() const { return flags_; }
  uint32_t methods() const { return static_cast<uint32_t>(method_category_.size()); }
  uint32_t department_types() const { return static_cast<uint32_t>(department_column_.size()); }

 private:
  // Year of a day outside the day table: FinancialYear::Of, and the slot
  // of that year if loaded, else the no-tariff slot (the last).
  static YearOfDay SlowYear(const std::vector<int32_t>& start_years, int32_t day);

  uint32_t slots_ = 1, hrgs_ = 0, tfcs_ = 0, providers_ = 0, flags_ = 0;
  std::vector<int32_t> start_year_of_slot_;
  int32_t first_day_ = 0;
  std::vector<uint32_t> day_slot_;  // by day - first_day_, over the loaded years' span
  std::vector<int32_t> day_year_;
  bool fixed_ = false;
  uint32_t fixed_slot_ = 0;
  int32_t fixed_year_ = 0;

  std::vector<ApcHrgEntry> apc_;
  std::vector<int64_t> unbundled_ordinary_, unbundled_short_, op_procedure_;
  std::vector<AeHrgEntry> ae_;
  std::vector<OpTfcEntry> op_;
  std::vector<uint32_t> tfc_fail_;
  std::vector<int64_t> mff_, top_up_;
  std::vector<uint8_t> method_category_, department_column_;
  std::vector<uint32_t> department_fail_;
  int64_t fast_core_limit_ = 0;
};

}  // namespace csu::pricing
