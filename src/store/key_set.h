// The set of record keys (provider id, spell or attendance id) used for
// restatement: a key seen again replaces the earlier record
// (docs/store-format.md §7). Keys are copied into an arena, so the set does
// not depend on the columns it was filled from.
//
// Open addressing, at most half full, with 8-byte slots: 32 bits of the
// key's hash and the key's offset in the arena, so a probe compares bytes only
// when those 32 bits match, and a batch of n keys costs 16n bytes of table
// (not 32n). Limits: 4 GiB of keys, record ids up to 65,535 bytes (beyond
// either, Insert throws std::length_error). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/memory.h"

namespace csu::store {

class KeySet {
 public:
  // Sized for `expected_keys` keys of `expected_id_bytes` id bytes in all,
  // so that filling it never rehashes (it still grows past that).
  explicit KeySet(size_t expected_keys = 0, size_t expected_id_bytes = 0);

  // Adds the key. Returns true when it is new, false when already present.
  bool Insert(uint16_t provider, std::string_view record_id);
  // Where Insert(provider, record_id) will probe first, for a caller to
  // prefetch (the table is far bigger than the caches). The caller issues the
  // prefetch itself: GCC deletes a call whose only effect is a prefetch.
  const void* FirstSlot(uint16_t provider, std::string_view record_id) const {
    return &slots_[SlotOf(provider, record_id)];
  }
  size_t size() const { return size_; }

 private:
  // A slot is (tag << 32) | offset, 0 when empty; the tag is the hash's top
  // 32 bits with the lowest set (so no slot in use is 0). At `offset` in
  // arena_: provider (u16), id length (u16), the id's bytes.
  using Slot = uint64_t;
  static uint64_t Hash(uint16_t provider, std::string_view record_id);
  static uint64_t Tag(uint64_t hash) { return (hash >> 32) | 1; }
  size_t SlotOf(uint16_t provider, std::string_view record_id) const {
    return static_cast<size_t>(Hash(provider, record_id)) & mask_;
  }
  void Grow();

  ZeroedArray<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  std::string arena_;
};

// A fast 64-bit hash of bytes (not cryptographic), seeded.
uint64_t HashBytes(std::string_view bytes, uint64_t seed);

}  // namespace csu::store
