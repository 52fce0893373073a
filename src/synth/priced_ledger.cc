#include "synth/priced_ledger.h"

#include <algorithm>

#include "pricing/pricer.h"
#include "synth/random.h"

namespace csu::synth {
namespace {

void Add(PodActuals& actuals, pricing::Pod pod, Money value) {
  if (pod == pricing::Pod::kNone) return;
  PodActual& a = actuals[static_cast<size_t>(pod)];
  ++a.activity;
  a.value += value;
}

uint64_t Byte(char c) { return static_cast<unsigned char>(c); }

}  // namespace

std::pair<PricedLedger::CachedPrice*, bool> PricedLedger::Slot(const PriceKey& key) {
  if (2 * (cache_used_ + 1) > cache_.size()) {
    std::vector<CachedPrice> old = std::move(cache_);
    cache_.assign(std::max<size_t>(4096, 2 * old.size()), CachedPrice{});
    cache_used_ = 0;
    for (const CachedPrice& c : old) {
      if (c.key == PriceKey{}) continue;
      *Slot(c.key).first = c;
    }
  }
  uint64_t state = key.a ^ (key.b * 0x9E3779B97F4A7C15ULL);
  const size_t mask = cache_.size() - 1;
  for (size_t i = static_cast<size_t>(SplitMix64(state)) & mask;; i = (i + 1) & mask) {
    CachedPrice& c = cache_[i];
    if (c.key == key) return {&c, false};
    if (c.key == PriceKey{}) {
      c.key = key;
      ++cache_used_;
      return {&c, true};
    }
  }
}

PricedLedger::PricedLedger(const refdata::RefData& ref, FinancialYear year, std::vector<OdsCode> providers)
    : ref_(ref), year_(year), first_day_(year.first_day()), last_day_(year.last_day()),
      providers_(std::move(providers)) {}

FinancialYear PricedLedger::YearOf(Date d) const {
  return d >= first_day_ && d <= last_day_ ? year_ : FinancialYear::Of(d);
}

void PricedLedger::AddPractice(OdsCode commissioner, const PracticeEvents& e) {
  commissioner_codes_.emplace(commissioner.key(), commissioner);
  std::vector<PodActuals>& by_provider = by_commissioner_[commissioner.key()];
  if (by_provider.size() < providers_.size()) by_provider.resize(providers_.size());

  for (const SpellRow& s : e.spells) {
    apc_.common.provider = providers_[s.provider];
    apc_.common.age_years =
        static_cast<uint8_t>(std::clamp(s.admission.AgeOn(e.patients[s.patient].date_of_birth), 0, 255));
    apc_.admission_date = s.admission;
    apc_.discharge_date = s.discharge;
    apc_.admission_method.assign(s.method, 2);
    apc_.patient_classification = s.classification;
    apc_.treatment_function = s.tfc;
    apc_.hrg = s.hrg;
    apc_.discharge_method = s.discharge_method;
    apc_.critical_care_days = s.critical_care_days;
    apc_.rehabilitation_days = s.rehabilitation_days;
    apc_.palliative_care_days = s.palliative_care_days;
    apc_.specialised_service.assign(s.pss_flag);
    apc_.unbundled_hrgs.clear();
    if (!s.unbundled.empty()) apc_.unbundled_hrgs.push_back(s.unbundled);
    const pricing::Price price = pricing::PriceApc(apc_, ref_);
    Add(by_provider[s.provider], price.pod, price.final_price);
  }
  for (const OpRow& o : e.ops) AddOp(o, by_provider[o.provider]);
  for (const AeRow& a : e.aes) AddAe(a, by_provider[a.provider]);
}

void PricedLedger::AddOp(const OpRow& o, PodActuals& actuals) {
  const FinancialYear year = YearOf(o.date);
  PriceKey key;
  key.a = o.hrg.key() | Byte(o.first_attendance) << 40 | Byte(o.attended) << 48 |
          uint64_t{o.multi_professional} << 56 | uint64_t{1} << 60;
  key.b = o.tfc.key() | uint64_t{o.provider} << 24 | static_cast<uint64_t>(year.start_year() & 0xFFFF) << 40;
  auto [cached, added] = Slot(key);
  if (added) {
    op_.common.provider = providers_[o.provider];
    op_.appointment_date = o.date;
    op_.first_attendance = o.first_attendance;
    op_.attended = o.attended;
    op_.treatment_function = o.tfc;
    op_.multi_professional = o.multi_professional;
    op_.hrg.reset();
    if (!o.hrg.empty()) op_.hrg = o.hrg;
    const pricing::Price price = pricing::PriceOp(op_, ref_);
    cached->pod = price.pod;
    cached->value = price.final_price;
  }
  Add(actuals, cached->pod, cached->value);
}

void PricedLedger::AddAe(const AeRow& a, PodActuals& actuals) {
  const FinancialYear year = YearOf(a.arrival.date());
  PriceKey key;
  key.a = a.hrg.key() | Byte(a.department_type[0]) << 40 | Byte(a.department_type[1]) << 48 | uint64_t{2} << 60;
  key.b = uint64_t{a.provider} << 24 | static_cast<uint64_t>(year.start_year() & 0xFFFF) << 40;
  auto [cached, added] = Slot(key);
  if (added) {
    ae_.common.provider = providers_[a.provider];
    ae_.arrival = a.arrival;
    ae_.departure = a.departure;
    ae_.department_type.assign(a.department_type, 2);
    ae_.disposal.assign(a.disposal, 2);
    ae_.arrival_mode = a.arrival_mode;
    ae_.hrg = a.hrg;
    const pricing::Price price = pricing::PriceAe(ae_, ref_);
    cached->pod = price.pod;
    cached->value = price.final_price;
  }
  Add(actuals, cached->pod, cached->value);
}

}  // namespace csu::synth
