// The set of record keys (provider id, spell or attendance id) used for
// restatement: a key seen again replaces the earlier record
// (docs/store-format.md §7). Keys are copied into an arena, so the set does
// not depend on the columns it was filled from.
//
// Open addressing with the 64-bit hash kept in each slot; the bytes are only
// compared when hashes match. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  struct Slot {
    uint64_t hash;     // 0 = empty
    uint32_t offset;   // into arena_: provider (2 bytes) then the id
    uint32_t length;   // id bytes
  };
  static uint64_t Hash(uint16_t provider, std::string_view record_id);
  size_t SlotOf(uint16_t provider, std::string_view record_id) const {
    return static_cast<size_t>(Hash(provider, record_id)) & mask_;
  }
  void Grow();

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  std::string arena_;
};

// A fast 64-bit hash of bytes (not cryptographic), seeded.
uint64_t HashBytes(std::string_view bytes, uint64_t seed);

}  // namespace csu::store
