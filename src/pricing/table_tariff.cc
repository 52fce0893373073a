#include "pricing/table_tariff.h"

#include <algorithm>
#include <limits>

#include "pricing/pricing_math.h"
#include "refdata/refdata.h"
#include "store/code_list.h"

namespace csu::pricing {
namespace {

using store::Dimension;

int64_t PenceOr(const std::optional<Money>& m, int64_t none) { return m ? m->pence() : none; }

// The code of dictionary id `id` as a typed code, or nullopt when the text
// is not one (id 0, the empty code, or a code of another shape).
template <typename Code>
std::optional<Code> CodeAt(const store::CodeList& list, uint32_t id) {
  if (id == 0) return std::nullopt;
  auto parsed = Code::Parse(list.code(id));
  if (!parsed.ok()) return std::nullopt;
  return parsed.value();
}

// The prices of a tariff row, as PriceApc reads them (fail bits are the caller's).
void FillApc(ApcHrgEntry& e, const refdata::ApcPrice& row) {
  const std::optional<Money> prices[4] = {row.DayCasePrice(), row.OrdinaryElectivePrice(), row.non_elective,
                                          row.non_elective};
  const std::optional<int32_t> trims[4] = {row.elective_trim_days, row.elective_trim_days,
                                           row.non_elective_trim_days, row.non_elective_trim_days};
  for (int s = 0; s < 4; ++s) {
    e.price[s] = PenceOr(prices[s], 0);
    if (!prices[s]) e.no_price_bits |= 1u << s;
    // PriceApc pays excess days only when both a trim point and a rate exist.
    e.trim[s] = trims[s] && row.excess_bed_day ? std::min(*trims[s], kNoTrim) : kNoTrim;
  }
  e.excess_bed_day = PenceOr(row.excess_bed_day, 0);
  if (row.ssem_applicable && row.ssem_price) e.ssem_price = row.ssem_price->pence();
}

}  // namespace

TableTariff::TableTariff(const store::CodeDictionaries& codes, const refdata::RefData& ref,
                         const PricingOptions& options) {
  const std::vector<FinancialYear> years = ref.tariff_years();  // oldest first
  slots_ = static_cast<uint32_t>(years.size()) + 1;
  const uint32_t none = slots_ - 1;
  hrgs_ = codes.hrg().size();
  tfcs_ = codes.treatment_function().size();
  providers_ = codes.provider().size();
  flags_ = codes.specialised_service().size();

  // Tariff years of days: one table entry per day from the first loaded
  // year's 1 April to the last one's 31 March; a gap year maps to `none`.
  for (FinancialYear y : years) start_year_of_slot_.push_back(y.start_year());
  if (!years.empty()) {
    first_day_ = years.front().first_day().days();
    const int32_t end = years.back().last_day().days() + 1;
    day_slot_.resize(static_cast<size_t>(end - first_day_));
    day_year_.resize(day_slot_.size());
    for (int32_t d = first_day_; d < end; ++d) {
      const int32_t y = FinancialYear::Of(Date::FromDays(d)).start_year();
      auto it = std::find(start_year_of_slot_.begin(), start_year_of_slot_.end(), y);
      day_slot_[static_cast<size_t>(d - first_day_)] =
          it == start_year_of_slot_.end() ? none : static_cast<uint32_t>(it - start_year_of_slot_.begin());
      day_year_[static_cast<size_t>(d - first_day_)] = y;
    }
  }
  if (options.tariff_year) {
    fixed_ = true;
    fixed_year_ = options.tariff_year->start_year();
    auto it = std::find(start_year_of_slot_.begin(), start_year_of_slot_.end(), fixed_year_);
    fixed_slot_ = it == start_year_of_slot_.end() ? none : static_cast<uint32_t>(it - start_year_of_slot_.begin());
  }

  // Typed codes once, not once per year.
  std::vector<std::optional<HrgCode>> hrg(hrgs_);
  for (uint32_t id = 0; id < hrgs_; ++id) hrg[id] = CodeAt<HrgCode>(codes.hrg(), id);
  std::vector<std::optional<TreatmentFunctionCode>> tfc(tfcs_);
  for (uint32_t id = 0; id < tfcs_; ++id) tfc[id] = CodeAt<TreatmentFunctionCode>(codes.treatment_function(), id);
  std::vector<std::optional<OdsCode>> provider(providers_);
  for (uint32_t id = 0; id < providers_; ++id) provider[id] = CodeAt<OdsCode>(codes.provider(), id);
  const std::optional<HrgCode> vb09z = HrgCode::Parse("VB09Z").value();
  const std::optional<HrgCode> vb99z = HrgCode::Parse("VB99Z").value();
  const store::CodeList& hrg_list = codes.hrg();
  const uint32_t ungroupable = hrg_list.Find("UZ01Z");  // 0 when no record has it

  apc_.resize(size_t{slots_} * hrgs_);
  unbundled_ordinary_.assign(apc_.size(), -1);
  unbundled_short_.assign(apc_.size(), -1);
  op_procedure_.assign(apc_.size(), -1);
  ae_.resize(apc_.size());
  op_.resize(size_t{slots_} * tfcs_);
  tfc_fail_.assign(op_.size(), 0);
  mff_.assign(size_t{slots_} * providers_, 0);
  top_up_.assign(size_t{slots_} * flags_, 0);
  int64_t max_mff = 1;
  for (uint32_t slot = 0; slot < slots_; ++slot) {
    const refdata::TariffYear* tariff = slot == none ? nullptr : ref.Tariff(years[slot]);
    if (tariff == nullptr) {
      for (uint32_t h = 0; h < hrgs_; ++h) {
        apc_[slot * hrgs_ + h].fail_bits = apc_bits::kNoTariffYear;
        ae_[slot * hrgs_ + h].fail_bits = ae_bits::kNoTariffYear;
      }
      for (uint32_t t = 0; t < tfcs_; ++t) op_[slot * tfcs_ + t].fail_bits = op_bits::kNoTariffYear;
      continue;
    }
    // HRGs: every id starts "not in tariff" and the tariff's rows, looked up
    // in the dictionary, fill in the ones it prices (one pass over each
    // list rather than several lookups per id and year).
    const size_t first = size_t{slot} * hrgs_;
    for (uint32_t h = 0; h < hrgs_; ++h) {
      uint32_t bits = apc_bits::kHrgNotInTariff;
      if (h != 0 && h == ungroupable) bits |= apc_bits::kUngroupable;
      if (hrg[h] && tariff->HrgHasNoNationalPrice(*hrg[h])) bits |= apc_bits::kHrgNoNationalPrice;
      apc_[first + h].fail_bits = bits;
      ae_[first + h].fail_bits = ae_bits::kHrgNotInTariff;
    }
    for (const refdata::ApcPrice& row : tariff->apc()) {
      const uint32_t h = hrg_list.Find(row.hrg.view());
      if (h == 0) continue;  // no stored record has this HRG
      FillApc(apc_[first + h], row);
      apc_[first + h].fail_bits &= ~apc_bits::kHrgNotInTariff;
      if (row.outpatient_procedure) op_procedure_[first + h] = row.outpatient_procedure->pence();
    }
    for (const refdata::UnbundledPrice& row : tariff->unbundled()) {
      const uint32_t h = hrg_list.Find(row.hrg.view());
      if (h == 0) continue;
      for (bool ordinary : {false, true}) {
        const detail::UnbundledOnSpell u = detail::PriceUnbundledOnSpell(*tariff, row.hrg, ordinary);
        if (u.rule == detail::UnbundledRule::kPaid) {
          (ordinary ? unbundled_ordinary_ : unbundled_short_)[first + h] = u.price.pence();
        }
      }
    }
    auto fill_ae = [&](uint32_t h, const refdata::AePrice& row) {
      ae_[first + h] = AeHrgEntry{{row.type_1_2.pence(), row.type_3_4.pence()}, 0};
    };
    for (const refdata::AePrice& row : tariff->ae()) {
      if (const uint32_t h = hrg_list.Find(row.hrg.view()); h != 0) fill_ae(h, row);
    }
    // The 2016/17 tariff has no VB99Z row; its guidance pays it at VB09Z.
    if (const uint32_t h = hrg_list.Find("VB99Z"); h != 0 && tariff->FindAe(*vb99z) == nullptr) {
      if (const refdata::AePrice* row = tariff->FindAe(*vb09z)) fill_ae(h, *row);
    }
    for (uint32_t t = 0; t < tfcs_; ++t) {
      OpTfcEntry& e = op_[slot * tfcs_ + t];
      if (tfc[t] && tariff->TfcHasNoNationalPrice(*tfc[t])) e.fail_bits = op_bits::kTfcNoNationalPrice;
      if (tfc[t] && tariff->TfcExcludedFromAdmittedCare(*tfc[t])) {
        tfc_fail_[slot * tfcs_ + t] = apc_bits::kTfcServiceExclusion;
      }
      const refdata::OpAttendancePrice* row = tfc[t] ? tariff->FindOpAttendance(*tfc[t]) : nullptr;
      const std::optional<Money> prices[4] = {
          row ? row->first_single : std::nullopt, row ? row->first_multi : std::nullopt,
          row ? row->follow_up_single : std::nullopt, row ? row->follow_up_multi : std::nullopt};
      for (int k = 0; k < 4; ++k) {
        e.price[k] = PenceOr(prices[k], 0);
        if (!prices[k]) e.no_price_bits |= 1u << k;
      }
    }
    for (uint32_t p = 0; p < providers_; ++p) {
      const refdata::Mff* mff = provider[p] ? ref.FindMff(years[slot], *provider[p]) : nullptr;
      if (mff != nullptr) {
        mff_[slot * providers_ + p] = mff->index_ppm;
        max_mff = std::max(max_mff, mff->index_ppm);
      }
    }
    for (uint32_t f = 1; f < flags_; ++f) {
      if (const auto* t = tariff->FindTopUp(codes.specialised_service().code(f))) top_up_[slot * flags_ + f] = t->top_up_ppm;
    }
  }

  const store::CodeList& methods = codes.admission_method();
  method_category_.resize(methods.size());
  for (uint32_t m = 0; m < methods.size(); ++m) {
    std::string_view c = methods.code(m);
    method_category_[m] = c == "11" || c == "12" || c == "13" ? kSettingElective
                          : !c.empty() && c[0] == '2'         ? kSettingNonElective
                                                              : kSettingNonElectiveOther;
  }
  const store::CodeList& departments = codes.department_type();
  department_column_.resize(departments.size());
  department_fail_.resize(departments.size());
  for (uint32_t d = 0; d < departments.size(); ++d) {
    department_column_[d] = departments.code(d) == "01" || departments.code(d) == "02" ? 0 : 1;
    department_fail_[d] = departments.code(d) == "04" ? ae_bits::kWalkInCentre : 0;
  }
  // |core| x MFF + half a million must fit in int64.
  fast_core_limit_ = (std::numeric_limits<int64_t>::max() - detail::kPpm) / max_mff;
}

TableTariff::YearOfDay TableTariff::SlowYear(const std::vector<int32_t>& start_years, int32_t day) {
  const int32_t y = FinancialYear::Of(Date::FromDays(day)).start_year();
  auto it = std::find(start_years.begin(), start_years.end(), y);
  // The no-tariff slot comes after the loaded years' slots.
  return {static_cast<uint32_t>(it - start_years.begin()), y};
}

}  // namespace csu::pricing
