// Numbers the distinct 32-byte pseudonyms of a batch or a load. An
// open-addressing table whose slots hold the number and 32 bits of the
// pseudonym as a tag, so a probe touches the pseudonyms themselves (stored
// by the caller) only when the tag matches: one cache miss per new patient
// instead of two. Pseudonyms are HMAC outputs, so their bytes are already
// uniform and serve as the hash. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "store/memory.h"

namespace csu::store {

class PseudonymTable {
 public:
  // Sized for `expected` pseudonyms without growing.
  explicit PseudonymTable(size_t expected) { Resize(expected); }

  // The number (1-based) of `key`, or 0 with `slot` set to where it goes.
  // `key_at(n)` returns the pseudonym numbered n.
  template <typename KeyAt>
  uint32_t Find(const uint8_t* key, KeyAt&& key_at, size_t& slot) const {
    const uint64_t tag = Tag(key);
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      uint64_t s = slots_[i];
      if (s == 0) {
        slot = i;
        return 0;
      }
      if ((s >> 32) == tag && std::memcmp(key_at(static_cast<uint32_t>(s)), key, 32) == 0) {
        return static_cast<uint32_t>(s);
      }
    }
  }

  // Where Find(key) will probe first, for a caller to prefetch.
  const void* FirstSlot(const uint8_t* key) const { return &slots_[Hash(key) & mask_]; }

  // Records number n (> 0) for `key` at the slot Find() gave, then grows if
  // the table is half full (re-placing numbers 1..n through key_at).
  template <typename KeyAt>
  void Insert(size_t slot, const uint8_t* key, uint32_t n, KeyAt&& key_at) {
    slots_[slot] = (Tag(key) << 32) | n;
    if (++size_ * 2 > slots_.size()) {
      Resize(size_ * 2);
      size_ = 0;
      for (uint32_t m = 1; m <= n; ++m) {
        size_t i = Hash(key_at(m)) & mask_;
        while (slots_[i] != 0) i = (i + 1) & mask_;
        slots_[i] = (Tag(key_at(m)) << 32) | m;
        ++size_;
      }
    }
  }

 private:
  static uint64_t Hash(const uint8_t* key) {
    uint64_t h;
    std::memcpy(&h, key, 8);
    return h;
  }
  static uint64_t Tag(const uint8_t* key) {
    uint32_t t;
    std::memcpy(&t, key + 8, 4);
    return t;
  }
  void Resize(size_t expected) {
    size_t n = 1024;
    while (n < 2 * expected + 2) n *= 2;
    slots_ = ZeroedArray<uint64_t>(n);
    mask_ = n - 1;
  }

  ZeroedArray<uint64_t> slots_;  // (tag << 32) | number; 0 = empty
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace csu::store
