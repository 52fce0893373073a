#include "synth/population.h"

#include <cassert>
#include <cmath>
#include <string>

#include "synth/rates.h"

namespace csu::synth {

NhsNumberBlocks::NhsNumberBlocks(const std::vector<refdata::Practice>& practices) {
  uint64_t next = 900'000'000;
  first_prefix_.reserve(practices.size());
  length_.reserve(practices.size());
  for (const auto& p : practices) {
    const auto size = static_cast<uint64_t>(p.registered_patients > 0 ? p.registered_patients : 0);
    const uint64_t length = size + size * 15 / 100 + 32;
    first_prefix_.push_back(next);
    length_.push_back(length);
    next += length;
  }
  end_ = next;
  assert(end_ <= 1'000'000'000 && "practice lists exceed the 9xx NHS number range");
}

int NhsCheckDigitOf(uint64_t prefix) {
  int sum = 0;
  for (int weight = 2; weight <= 10; ++weight) {
    sum += static_cast<int>(prefix % 10) * weight;
    prefix /= 10;
  }
  const int check = 11 - sum % 11;
  if (check == 11) return 0;
  return check == 10 ? -1 : check;
}

uint64_t NhsNumberSequence::Next() {
  while (true) {
    const int check = NhsCheckDigitOf(prefix_);
    const uint64_t prefix = prefix_++;
    if (check >= 0) return prefix * 10 + static_cast<uint64_t>(check);
  }
}

PracticeProfile ProfileOf(const refdata::Practice& practice) {
  Rng rng(HashText(std::string("practice-profile:") + practice.code.ToString()));
  PracticeProfile profile;
  profile.age_tilt = 0.22 * rng.Normal();
  // Need is skewed: a few very deprived practices, most near average.
  profile.need = std::exp(0.15 * rng.Normal());
  if (profile.need < 0.7) profile.need = 0.7;
  if (profile.need > 1.5) profile.need = 1.5;
  return profile;
}

PopulationSampler::PopulationSampler(const PracticeProfile& profile, FinancialYear year) : year_(year) {
  std::vector<double> weights(2 * kAgeBands);
  for (int b = 0; b < kAgeBands; ++b) {
    const double mid_age = b * 5 + 2.5;
    const double tilt = std::exp(profile.age_tilt * (mid_age - 40.0) / 40.0);
    weights[b] = kEnglandMale[b] * tilt;
    weights[kAgeBands + b] = kEnglandFemale[b] * tilt;
  }
  cells_ = AliasTable(weights);
}

Patient PopulationSampler::Draw(Rng& rng, NhsNumberSequence& numbers) const {
  Patient p;
  p.nhs_number = numbers.Next();
  const uint32_t cell = cells_.Pick(rng);
  p.sex_index = cell >= kAgeBands ? 1 : 0;
  const int band = static_cast<int>(cell % kAgeBands);
  if (band == kAgeBands - 1) {
    p.age = 90 + rng.Geometric(0.22);
    if (p.age > 105) p.age = 105;
  } else {
    p.age = band * 5 + static_cast<int32_t>(rng.Below(5));
  }
  // Born on or before 1 April (start year - age) and after the day a year
  // earlier, so the age on 1 April is exactly `age`.
  p.date_of_birth = Date::FromYmd(year_.start_year() - p.age, 4, 1).AddDays(-static_cast<int32_t>(rng.Below(365)));
  const double u = rng.Uniform();
  p.sex_code = u < 0.0003 ? '9' : (u < 0.0004 ? '0' : (p.sex_index == 0 ? '1' : '2'));
  return p;
}

}  // namespace csu::synth
