// Synthetic registered patients of one GP practice: ages and sexes drawn from
// England's structure with a per-practice tilt, dates of birth, and NHS
// numbers from a range no real patient can hold.
//
// NHS numbers. Numbers whose first digit is 9 are not issued to patients in
// England and Wales (the 999 range is the reserved test range; domain.md
// 2.9), so every number generated here starts with 9: 900 000 000x to
// 999 999 999x. Each practice of the whole January 2021 list gets its own
// contiguous block of nine-digit prefixes, in list order, of length
// list size x 1.15 + 32 (all of England needs ~70 of the 100 million
// prefixes). Within its block a practice walks the prefixes in order and
// skips those whose Modulus 11 check digit would be 10 (about 1 in 11), so
// the block always holds more valid numbers than the practice has patients.
// A practice's numbers depend only on its place in the national list, never
// on which CCGs a run chose, and no two practices share a number.
#pragma once

#include <cstdint>
#include <vector>

#include "core/date.h"
#include "refdata/organisations.h"
#include "synth/random.h"

namespace csu::synth {

// The nine-digit prefix at which each practice's NHS number block starts,
// indexed like the practice list it was built from.
class NhsNumberBlocks {
 public:
  explicit NhsNumberBlocks(const std::vector<refdata::Practice>& practices);
  uint64_t first_prefix(size_t practice_index) const { return first_prefix_[practice_index]; }
  uint64_t block_length(size_t practice_index) const { return length_[practice_index]; }
  // One past the last prefix used; at most 1 000 000 000 (checked in tests).
  uint64_t end_prefix() const { return end_; }

 private:
  std::vector<uint64_t> first_prefix_;
  std::vector<uint64_t> length_;
  uint64_t end_ = 0;
};

// Walks a block handing out valid ten-digit NHS numbers in increasing order.
class NhsNumberSequence {
 public:
  explicit NhsNumberSequence(uint64_t first_prefix) : prefix_(first_prefix) {}
  // The next valid number (prefix * 10 + check digit).
  uint64_t Next();

 private:
  uint64_t prefix_;
};

// The Modulus 11 check digit of a nine-digit prefix, or -1 when it is 10.
int NhsCheckDigitOf(uint64_t prefix);

struct Patient {
  uint64_t nhs_number = 0;  // ten digits
  Date date_of_birth;
  int32_t age = 0;          // whole years on 1 April of the financial year
  int8_t sex_index = 0;     // 0 male, 1 female: drives the rates
  char sex_code = '1';      // as written: '1', '2', rarely '9' or '0'
};

// The character of a practice, derived from its code alone (not from the
// run's seed), so a practice keeps its profile whatever the seed: a tilt of
// its age structure (student towns young, coastal towns old) and a need
// factor (deprivation-like: more emergency care and A&E).
struct PracticeProfile {
  double age_tilt = 0;    // log-scale slope per 40 years of age
  double need = 1.0;      // multiplies emergency and A&E rates, ~0.75-1.35
};
PracticeProfile ProfileOf(const refdata::Practice& practice);

// Draws the registered patients of one practice. Not thread-safe (owns no
// Rng; the caller passes the practice's own).
class PopulationSampler {
 public:
  PopulationSampler(const PracticeProfile& profile, FinancialYear year);
  Patient Draw(Rng& rng, NhsNumberSequence& numbers) const;

 private:
  AliasTable cells_;  // 2 sexes x kAgeBands
  FinancialYear year_;
};

}  // namespace csu::synth
