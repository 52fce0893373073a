// Admitted care, a column table at a time: the rules of apc_pricer.cc
// (docs/pricing.md, "Admitted care") over arrays.
//
// Rows are priced in blocks. The first pass over a block is straight-line
// integer arithmetic for every row: each not-priced check sets one bit (in
// PriceApc's order, so the lowest bit is PriceApc's reason), the price
// assumes no top-up and no unbundled HRGs, and
//     final = round(core × MFF / 10^6)
// in int64. That is exactly Finish's (core × 10^6 × MFF) / 10^12 with the
// same rounding, because scaling a fraction's numerator and denominator by
// 10^6 does not change it. Rows where that assumption or int64 fails (a
// top-up, unbundled HRGs, an enormous core) are listed and re-finished in a
// second pass through detail::Finish itself, the per-record pricer's code.
#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "pricing/pricing_math.h"
#include "pricing/table_pricer.h"
#include "store/activity_tables.h"

namespace csu::pricing {
namespace {

// apc_bits in bit order, then "priced" for an empty mask (bit 8).
constexpr std::array<NotPriced, 9> kReasonOfBit = {
    NotPriced::kNoTariffYear,       NotPriced::kUngroupable,    NotPriced::kTfcServiceExclusion,
    NotPriced::kRegularAttender,    NotPriced::kHrgNoNationalPrice, NotPriced::kHrgNotInTariff,
    NotPriced::kNoPriceForSetting, NotPriced::kNoMff,          NotPriced::kPriced};
constexpr std::array<Pod, 4> kPodOfSetting = {Pod::kDayCase, Pod::kElective, Pod::kNonElective,
                                              Pod::kNonElectiveNonEmergency};
constexpr size_t kBlock = 2048;

// The second pass for one row that the first pass priced: the exact
// formula with its top-up and unbundled HRGs.
void FinishExact(const store::ApcTable& t, const TableTariff& tariff, size_t row, int64_t unbundled_pence,
                 PricedColumns& out, int64_t& final_pence) {
  const uint32_t slot = tariff.Year(t.discharge_date[row]).slot;
  Price p;
  p.top_up_ppm = tariff.top_up_ppm(slot, t.specialised_service[row]);
  p.unbundled = Money::FromPence(unbundled_pence);
  p.mff_ppm = tariff.mff_ppm(slot, t.provider[row]);
  p.ssem_reduction = Money::FromPence(out.adjustment_pence[row]);  // the first pass left only the reduction there
  const Money core = Money::FromPence(out.base_pence[row] + out.adjustment_pence[row] + out.excess_bed_day_pence[row]);
  detail::Finish(p, core);
  final_pence = p.final_price.pence();
  out.adjustment_pence[row] = p.adjustments.pence();
}

// The second pass for a regular day or night attender's row: priced, with
// no core price, when it has delivery HRGs with a national price (as
// PriceRegularAttender in apc_pricer.cc).
void FinishRegularAttender(const store::ApcTable& t, const TableTariff& tariff, size_t row, int64_t unbundled_pence,
                           int paid_count, PricedColumns& out, int64_t& final_pence) {
  if (paid_count == 0) return;  // stays "regular attender: priced locally"
  const uint32_t slot = tariff.Year(t.discharge_date[row]).slot;
  Price p;
  p.mff_ppm = tariff.mff_ppm(slot, t.provider[row]);
  if (p.mff_ppm == 0) {
    out.not_priced[row] = static_cast<uint8_t>(NotPriced::kNoMff);
    return;
  }
  p.unbundled = Money::FromPence(unbundled_pence);
  detail::Finish(p, Money());
  final_pence = p.final_price.pence();
  out.adjustment_pence[row] = p.adjustments.pence();
  out.base_pence[row] = 0;
  out.excess_bed_day_pence[row] = 0;
  out.excess_bed_days[row] = 0;
  out.pod[row] = static_cast<uint8_t>(Pod::kRegularAttender);
  out.not_priced[row] = static_cast<uint8_t>(NotPriced::kPriced);
}

}  // namespace

void PriceTable(const store::ApcTable& t, const TableTariff& tariff, PricedColumns& out) {
  const size_t n = t.size();
  out.final_pence.clear();  // appended block by block, once each block's finals are known
  out.final_pence.reserve(n);
  out.base_pence.resize(n);
  out.adjustment_pence.resize(n);
  out.excess_bed_day_pence.resize(n);
  out.excess_bed_days.resize(n);
  out.pod.resize(n);
  out.not_priced.resize(n);
  out.tariff_year.resize(n);

  // Every array through a local pointer: the loop stores bytes, which may
  // alias anything, so pointers read through the vectors would be reloaded
  // on every row.
  const TableTariff::Years years = tariff.years();
  const ApcHrgEntry* const entries = tariff.apc_entries();
  const uint32_t* const tfc_fail = tariff.tfc_fail_entries();
  const int64_t* const mffs = tariff.mff_entries();
  const int64_t* const top_ups = tariff.top_up_entries();
  const uint8_t* const categories = tariff.admission_categories();
  const size_t hrgs = tariff.hrgs(), tfcs = tariff.tfcs(), providers = tariff.providers(), flags = tariff.flags();
  const int32_t* const admission = t.admission_date.data();
  const int32_t* const discharge = t.discharge_date.data();
  const uint16_t* const hrg = t.hrg.data();
  const uint8_t* const classification = t.patient_classification.data();
  const uint8_t* const method = t.admission_method.data();
  // The block's stay days (critical care + rehabilitation + palliative),
  // indexed by row - start, from the dense columns or the loaded table's
  // sparse list.
  std::array<int32_t, kBlock> stay;
  const bool dense_stay = t.dense_stay_days();
  size_t next_stay = 0;  // next sparse stay-day entry
  const uint8_t* const age = t.age_years.data();
  const uint16_t* const provider = t.provider.data();
  const uint16_t* const flag = t.specialised_service.data();
  const uint16_t* const tfc = t.treatment_function.data();
  std::array<int64_t, kBlock> final_pence;  // the block's finals, indexed by row - start
  int64_t* const base_pence = out.base_pence.data();
  int64_t* const adjustment_pence = out.adjustment_pence.data();
  int64_t* const excess_pence = out.excess_bed_day_pence.data();
  int32_t* const excess_days = out.excess_bed_days.data();
  uint8_t* const pods = out.pod.data();
  uint8_t* const reasons = out.not_priced.data();
  int16_t* const tariff_years = out.tariff_year.data();

  const int64_t limit = tariff.fast_core_limit();
  const size_t unbundled = t.unbundled_row.size();
  size_t u = 0;  // next unbundled entry; rows ascend, so one cursor serves every block
  std::array<uint32_t, kBlock> exact;
  for (size_t start = 0; start < n; start += kBlock) {
    const size_t end = std::min(n, start + kBlock);
    size_t exact_rows = 0;
    if (dense_stay) {
      for (size_t i = start; i < end; ++i) {
        stay[i - start] = int32_t{t.critical_care_days[i]} + t.rehabilitation_days[i] + t.palliative_care_days[i];
      }
    } else {
      std::fill_n(stay.begin(), end - start, 0);
      for (; next_stay < t.stay_days_row.size() && t.stay_days_row[next_stay] < end; ++next_stay) {
        stay[t.stay_days_row[next_stay] - start] = t.stay_days[next_stay].Total();
      }
    }
    for (size_t i = start; i < end; ++i) {
      // The tariff year of the discharge date (docs/pricing.md, "Tariff year").
      const TableTariff::YearOfDay year = years(discharge[i]);
      const ApcHrgEntry& e = entries[year.slot * hrgs + hrg[i]];
      const uint8_t cls = classification[i];
      const uint32_t category = categories[method[i]];
      // An elective admission of a day case (classification 2) is a day case.
      const uint32_t setting = category - static_cast<uint32_t>(category == kSettingElective && cls == '2');
      const int64_t base = e.price[setting];
      const int32_t los = discharge[i] - admission[i];
      const int32_t pbr_los = std::max(0, los - stay[i - start]);
      const bool ssem = (setting == kSettingNonElective) & (los <= 1) & (e.ssem_price >= 0) & (age[i] >= kSsemMinimumAge);
      const int32_t days = ssem ? 0 : std::max(0, pbr_los - e.trim[setting]);
      const int64_t ebd = int64_t{days} * e.excess_bed_day;
      const int64_t ssem_reduction = ssem ? e.ssem_price - base : 0;
      const int64_t core = base + ssem_reduction + ebd;
      const int64_t mff = mffs[year.slot * providers + provider[i]];
      const int64_t top_up = top_ups[year.slot * flags + flag[i]];
      const uint32_t bits = e.fail_bits | static_cast<uint32_t>(cls == '3' || cls == '4') << 3 |
                            tfc_fail[year.slot * tfcs + tfc[i]] | ((e.no_price_bits >> setting) & 1u) << 6 |
                            static_cast<uint32_t>(mff == 0) << 7;
      const bool priced = bits == 0;
      // Unsigned so that a core too large for int64 wraps instead of being
      // undefined; such a row is re-finished exactly below.
      const int64_t scaled = static_cast<int64_t>(static_cast<uint64_t>(core) * static_cast<uint64_t>(mff));
      const int64_t keep = -static_cast<int64_t>(priced);  // all ones when priced
      final_pence[i - start] = detail::DivPpmRoundHalfAway(scaled) & keep;
      base_pence[i] = base & keep;
      adjustment_pence[i] = ssem_reduction & keep;
      excess_pence[i] = ebd & keep;
      excess_days[i] = days & static_cast<int32_t>(keep);
      const Pod pod = ssem ? Pod::kNonElectiveShortStay : kPodOfSetting[setting];
      pods[i] = static_cast<uint8_t>(static_cast<uint8_t>(pod) & static_cast<uint8_t>(keep));
      reasons[i] = static_cast<uint8_t>(kReasonOfBit[static_cast<size_t>(std::countr_zero(bits | 0x100u))]);
      tariff_years[i] = static_cast<int16_t>(year.start_year);
      const bool big = static_cast<uint64_t>(core) + static_cast<uint64_t>(limit) > 2 * static_cast<uint64_t>(limit);
      exact[exact_rows] = static_cast<uint32_t>(i);
      exact_rows += static_cast<size_t>(priced & ((top_up != 0) | big));
    }

    // Second pass: the listed rows and the rows with unbundled HRGs, merged
    // in row order.
    size_t k = 0;
    for (;;) {
      const size_t next_exact = k < exact_rows ? exact[k] : std::numeric_limits<size_t>::max();
      const size_t next_unbundled =
          u < unbundled && t.unbundled_row[u] < end ? t.unbundled_row[u] : std::numeric_limits<size_t>::max();
      const size_t row = std::min(next_exact, next_unbundled);
      if (row == std::numeric_limits<size_t>::max()) break;
      k += static_cast<size_t>(next_exact == row);
      int64_t unbundled_pence = 0;
      int paid = 0;
      const uint32_t slot = tariff.Year(t.discharge_date[row]).slot;
      // Day cases and regular attenders are paid delivery HRGs; ordinary
      // admissions are not (detail::PriceUnbundledOnSpell).
      const bool ordinary = out.not_priced[row] == 0 && out.pod[row] != static_cast<uint8_t>(Pod::kDayCase);
      for (; u < unbundled && t.unbundled_row[u] == row; ++u) {
        // -1: rebundled, not paid in this setting, or no national price.
        const int64_t price = tariff.unbundled(slot, t.unbundled_hrg[u], ordinary);
        unbundled_pence += std::max<int64_t>(0, price);
        paid += static_cast<int>(price >= 0);
      }
      if (out.not_priced[row] == 0) {
        FinishExact(t, tariff, row, unbundled_pence, out, final_pence[row - start]);
      } else if (out.not_priced[row] == static_cast<uint8_t>(NotPriced::kRegularAttender)) {
        FinishRegularAttender(t, tariff, row, unbundled_pence, paid, out, final_pence[row - start]);
      }
    }
    for (size_t i = start; i < end; ++i) out.final_pence.push_back(final_pence[i - start]);
  }
}

}  // namespace csu::pricing
