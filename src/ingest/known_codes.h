// The reference-data membership questions row validation asks for several
// columns of every row (is this GP practice, commissioner, provider known? is
// this HRG in the tariff for the activity date?), answered from flat sets
// built once per file instead of hash-map lookups in RefData per row.
//
// Exactness: a set holds only codes that the RefData lookup itself confirmed
// when the set was built, and any code missing from a set is put to that
// same RefData lookup before it is called unknown. So every answer is the
// RefData answer; the sets only make the common case fast.
//
// Immutable after construction; safe to share between threads. `ref` must
// outlive it.
#pragma once

#include <cstdint>
#include <vector>

#include "core/codes.h"
#include "core/date.h"

namespace csu::refdata {
class RefData;
}

namespace csu::ingest {

class KnownCodes {
 public:
  explicit KnownCodes(const refdata::RefData& ref);

  bool Practice(const OdsCode& code) const;
  bool Commissioner(const OdsCode& code) const;
  // A trust known to the trust list or by an MFF in any tariff year.
  bool Provider(const OdsCode& code) const { return providers_.Contains(code.key()); }
  // In the tariff for `activity_date` (any priced or unpriced HRG of that
  // year, or UZ01Z); outside the loaded tariff years, in the national HRG
  // list (or UZ01Z).
  bool Hrg(const HrgCode& hrg, Date activity_date) const;

 private:
  // Non-zero 64-bit keys, open addressing with linear probing, at most half full.
  class KeySet {
   public:
    void Insert(uint64_t key);
    bool Contains(uint64_t key) const {
      if (slots_.empty()) return false;
      for (size_t i = Slot(key);; i = (i + 1) & mask_) {
        if (slots_[i] == key) return true;
        if (slots_[i] == 0) return false;
      }
    }

   private:
    size_t Slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }
    void Rehash(size_t slots);
    std::vector<uint64_t> slots_;
    size_t mask_ = 0;
    int shift_ = 64;
    size_t size_ = 0;
  };

  struct TariffDays {
    int32_t first_day, last_day;  // days since 1970-01-01, inclusive
    uint64_t tag;                 // set in the top byte of the HRG keys of this year
  };
  uint64_t HrgKey(const HrgCode& hrg, Date activity_date) const;
  // RefData's answer (the slow path).
  bool LookUpHrg(const HrgCode& hrg, Date activity_date) const;

  const refdata::RefData& ref_;
  KeySet practices_, commissioners_, providers_, hrgs_;
  std::vector<TariffDays> tariff_days_;
};

}  // namespace csu::ingest
