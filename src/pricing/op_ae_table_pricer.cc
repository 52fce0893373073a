// Outpatients and A&E, a column table at a time: the rules of op_pricer.cc
// and ae_pricer.cc (docs/pricing.md) over arrays, in the same form as
// apc_table_pricer.cc (one bit per check in the per-record pricer's order;
// int64 rounding, exact because the MFF is the only factor). Neither kind
// has a top-up or unbundled HRGs, so only a price too large for int64 takes
// the exact path.
#include <algorithm>
#include <array>
#include <bit>

#include "pricing/pricing_math.h"
#include "pricing/table_pricer.h"
#include "store/activity_tables.h"

namespace csu::pricing {
namespace {

constexpr std::array<NotPriced, 7> kOpReasonOfBit = {
    NotPriced::kNoTariffYear,       NotPriced::kNotAttended,       NotPriced::kNonFaceToFace, NotPriced::kTfcNoNationalPrice,
    NotPriced::kNoPriceForSetting, NotPriced::kNoMff,             NotPriced::kPriced};
constexpr std::array<NotPriced, 5> kAeReasonOfBit = {NotPriced::kNoTariffYear, NotPriced::kWalkInCentre,
                                                      NotPriced::kHrgNotInTariff, NotPriced::kNoMff, NotPriced::kPriced};

void ResizeCommon(size_t n, PricedColumns& out) {
  out.final_pence.clear();  // appended row by row
  out.final_pence.reserve(n);
  out.base_pence.resize(n);
  out.pod.resize(n);
  out.not_priced.resize(n);
  out.tariff_year.resize(n);
  // Only admitted care has adjustments and excess bed days.
  out.adjustment_pence.clear();
  out.excess_bed_day_pence.clear();
  out.excess_bed_days.clear();
}

// base × MFF, rounded once: the int64 form when it cannot overflow, else
// detail::Finish.
int64_t Final(int64_t base, int64_t mff, int64_t limit) {
  if (base >= -limit && base <= limit) [[likely]] {
    return detail::DivPpmRoundHalfAway(base * mff);
  }
  Price p;
  p.mff_ppm = mff;
  detail::Finish(p, Money::FromPence(base));
  return p.final_price.pence();
}

// The day of a local time in minutes since 1970-01-01T00:00, rounding down
// as DateTime::date() does.
int32_t DayOfMinutes(int32_t minutes) { return (minutes - (minutes < 0 ? 1439 : 0)) / 1440; }

}  // namespace

void PriceTable(const store::OpTable& t, const TableTariff& tariff, PricedColumns& out) {
  const size_t n = t.size();
  ResizeCommon(n, out);
  const int64_t limit = tariff.fast_core_limit();
  for (size_t i = 0; i < n; ++i) {
    const TableTariff::YearOfDay year = tariff.Year(t.appointment_date[i]);
    const OpTfcEntry& e = tariff.op(year.slot, t.treatment_function[i]);
    const uint8_t attended = t.attended[i];
    const uint8_t first_attendance = t.first_attendance[i];
    const bool first = first_attendance == '1';  // '3', the other first, is not priced (non-face-to-face)
    const uint32_t column = (first ? 0u : 2u) + static_cast<uint32_t>(t.multi_professional[i] != 0);
    // A procedure HRG with an outpatient procedure price replaces the attendance.
    const int64_t procedure = tariff.op_procedure(year.slot, t.hrg[i]);
    const bool by_procedure = procedure >= 0;
    const int64_t base = by_procedure ? procedure : e.price[column];
    const int64_t mff = tariff.mff_ppm(year.slot, t.provider[i]);
    // The sheet 11 treatment function exclusion applies to attendances only:
    // a procedure with an outpatient procedure price is paid whatever its TFC.
    const uint32_t tfc_bits = by_procedure ? e.fail_bits & ~op_bits::kTfcNoNationalPrice : e.fail_bits;
    const uint32_t bits = tfc_bits | static_cast<uint32_t>(attended != '5' && attended != '6') << 1 |
                          static_cast<uint32_t>(first_attendance == '3' || first_attendance == '4') << 2 |
                          (static_cast<uint32_t>(!by_procedure) & (e.no_price_bits >> column) & 1u) << 4 |
                          static_cast<uint32_t>(mff == 0) << 5;
    const bool priced = bits == 0;
    const Pod pod = by_procedure ? Pod::kOpProcedure : first ? Pod::kOpFirst : Pod::kOpFollowUp;
    out.final_pence.push_back(priced ? Final(base, mff, limit) : 0);
    out.base_pence[i] = priced ? base : 0;
    out.pod[i] = static_cast<uint8_t>(priced ? pod : Pod::kNone);
    out.not_priced[i] = static_cast<uint8_t>(kOpReasonOfBit[static_cast<size_t>(std::countr_zero(bits | 0x40u))]);
    out.tariff_year[i] = static_cast<int16_t>(year.start_year);
  }
}

void PriceTable(const store::AeTable& t, const TableTariff& tariff, PricedColumns& out) {
  const size_t n = t.size();
  ResizeCommon(n, out);
  const int64_t limit = tariff.fast_core_limit();
  for (size_t i = 0; i < n; ++i) {
    const TableTariff::YearOfDay year = tariff.Year(DayOfMinutes(t.arrival[i]));
    const AeHrgEntry& e = tariff.ae(year.slot, t.hrg[i]);
    const int64_t base = e.price[tariff.ae_price_column(t.department_type[i])];
    const int64_t mff = tariff.mff_ppm(year.slot, t.provider[i]);
    const uint32_t bits =
        e.fail_bits | tariff.ae_department_fail_bits(t.department_type[i]) | static_cast<uint32_t>(mff == 0) << 3;
    const bool priced = bits == 0;
    out.final_pence.push_back(priced ? Final(base, mff, limit) : 0);
    out.base_pence[i] = priced ? base : 0;
    out.pod[i] = static_cast<uint8_t>(priced ? Pod::kAe : Pod::kNone);
    out.not_priced[i] = static_cast<uint8_t>(kAeReasonOfBit[static_cast<size_t>(std::countr_zero(bits | 0x10u))]);
    out.tariff_year[i] = static_cast<int16_t>(year.start_year);
  }
}

}  // namespace csu::pricing
