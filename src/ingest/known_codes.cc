#include "ingest/known_codes.h"

#include "refdata/refdata.h"

namespace csu::ingest {

void KnownCodes::KeySet::Insert(uint64_t key) {
  if (key == 0 || Contains(key)) return;
  if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 64 : slots_.size() * 2);
  size_t i = Slot(key);
  while (slots_[i] != 0) i = (i + 1) & mask_;
  slots_[i] = key;
  ++size_;
}

void KnownCodes::KeySet::Rehash(size_t slots) {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(slots, 0);
  mask_ = slots - 1;
  shift_ = 64 - __builtin_ctzll(slots);
  size_ = 0;
  for (uint64_t key : old) {
    if (key != 0) Insert(key);
  }
}

KnownCodes::KnownCodes(const refdata::RefData& ref) : ref_(ref) {
  for (const auto& p : ref.practices()) {
    if (ref.FindPractice(p.code) != nullptr) practices_.Insert(p.code.key());
  }
  for (const auto& c : ref.ccgs()) {
    if (ref.FindCcg(c.code) != nullptr) commissioners_.Insert(c.code.key());
  }
  // Providers have no single RefData lookup: this set is the definition.
  for (const auto& trust : ref.trusts()) providers_.Insert(trust.code.key());
  for (FinancialYear y : ref.tariff_years()) {
    for (const auto& mff : ref.Mffs(y)) providers_.Insert(mff.provider.key());
  }

  // HRGs per tariff year, tagged 1, 2, ... in the key's top byte (an HRG key
  // uses 40 bits); tag 0 is "outside every tariff year".
  auto uz01z = HrgCode::Parse("UZ01Z").value();
  std::vector<HrgCode> candidates{uz01z};
  for (const auto& h : ref.hrgs()) candidates.push_back(h.code);
  uint64_t tag = 0;
  for (FinancialYear y : ref.tariff_years()) {
    const refdata::TariffYear* tariff = ref.Tariff(y);
    if (tariff == nullptr) continue;
    tariff_days_.push_back(TariffDays{y.first_day().days(), y.last_day().days(), ++tag});
    for (const auto& p : tariff->apc()) candidates.push_back(p.hrg);
    for (const auto& p : tariff->ae()) candidates.push_back(p.hrg);
    for (const auto& p : tariff->unbundled()) candidates.push_back(p.hrg);
  }
  auto add_year = [&](Date day) {
    for (const HrgCode& h : candidates) {
      if (LookUpHrg(h, day)) hrgs_.Insert(HrgKey(h, day));
    }
  };
  for (const TariffDays& t : tariff_days_) add_year(Date::FromDays(t.first_day));
  // A day before every tariff year stands for all days outside them.
  int32_t outside = tariff_days_.empty() ? 0 : tariff_days_.front().first_day - 1;
  for (const TariffDays& t : tariff_days_) outside = std::min(outside, t.first_day - 1);
  add_year(Date::FromDays(outside));
}

bool KnownCodes::Practice(const OdsCode& code) const {
  return practices_.Contains(code.key()) || ref_.FindPractice(code) != nullptr;
}

bool KnownCodes::Commissioner(const OdsCode& code) const {
  return commissioners_.Contains(code.key()) || ref_.FindCcg(code) != nullptr;
}

uint64_t KnownCodes::HrgKey(const HrgCode& hrg, Date activity_date) const {
  uint64_t tag = 0;
  for (const TariffDays& t : tariff_days_) {
    if (activity_date.days() >= t.first_day && activity_date.days() <= t.last_day) tag = t.tag;
  }
  return hrg.key() | tag << 56;
}

bool KnownCodes::Hrg(const HrgCode& hrg, Date activity_date) const {
  return hrgs_.Contains(HrgKey(hrg, activity_date)) || LookUpHrg(hrg, activity_date);
}

bool KnownCodes::LookUpHrg(const HrgCode& hrg, Date activity_date) const {
  if (const auto* tariff = ref_.TariffFor(activity_date)) {
    return tariff->FindApc(hrg) || tariff->FindAe(hrg) || tariff->FindUnbundled(hrg) ||
           tariff->HrgHasNoNationalPrice(hrg) || hrg.view() == "UZ01Z";
  }
  // Outside the loaded tariff years: any HRG the national code list names.
  return ref_.FindHrg(hrg) != nullptr || hrg.view() == "UZ01Z";
}

}  // namespace csu::ingest
