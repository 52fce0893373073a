#include "store/key_set.h"

#include <cstring>
#include <limits>
#include <stdexcept>

#include "store/memory.h"

namespace csu::store {
namespace {

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

}  // namespace

uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const char* p = bytes.data();
  const size_t n = bytes.size();
  uint64_t h = seed ^ (n * kMul);
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ Mix(w)) * kMul;
  }
  // The last 0..7 bytes, read with fixed-width loads: a memcpy of a variable
  // length into a stack word, read back at once, stalled every call on a
  // failed store-to-load forward (it was most of the hash's time). Longer
  // keys re-read their last word; shorter ones overlap two halves or pick
  // three bytes. Every byte still reaches the hash, and the length is in it.
  uint64_t tail = 0;
  if (n >= 8) {
    std::memcpy(&tail, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    tail = lo | uint64_t{hi} << 32;
  } else if (n > 0) {
    tail = uint64_t{static_cast<uint8_t>(p[0])} | uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 |
           uint64_t{static_cast<uint8_t>(p[n - 1])} << 16;
  }
  return Mix(h ^ Mix(tail ^ 0x5bd1e995ull));
}

KeySet::KeySet(size_t expected_keys, size_t expected_id_bytes) {
  size_t n = 16;
  while (n < expected_keys * 2) n *= 2;
  slots_ = ZeroedArray<Slot>(n);
  mask_ = n - 1;
  arena_.reserve(expected_id_bytes + 4 * expected_keys);
  AdviseHugePages(arena_.data(), arena_.capacity());
}

uint64_t KeySet::Hash(uint16_t provider, std::string_view record_id) { return HashBytes(record_id, provider); }

bool KeySet::Insert(uint16_t provider, std::string_view record_id) {
  const uint64_t h = Hash(provider, record_id);
  const uint64_t tag = Tag(h);
  size_t i = static_cast<size_t>(h) & mask_;
  for (;; i = (i + 1) & mask_) {
    const Slot s = slots_[i];
    if (s == 0) break;
    if ((s >> 32) != tag) continue;
    const char* key = arena_.data() + static_cast<uint32_t>(s);
    uint16_t p, length;
    std::memcpy(&p, key, 2);
    std::memcpy(&length, key + 2, 2);
    if (p == provider && length == record_id.size() && std::memcmp(key + 4, record_id.data(), length) == 0) {
      return false;
    }
  }
  if (record_id.size() > std::numeric_limits<uint16_t>::max()) {
    throw std::length_error("KeySet: a record id longer than 65,535 bytes");
  }
  if (arena_.size() + 4 + record_id.size() > std::numeric_limits<uint32_t>::max()) {
    throw std::length_error("KeySet: more than 4 GiB of record ids");
  }
  slots_[i] = tag << 32 | arena_.size();
  const uint16_t length = static_cast<uint16_t>(record_id.size());
  arena_.append(reinterpret_cast<const char*>(&provider), 2);
  arena_.append(reinterpret_cast<const char*>(&length), 2);
  arena_.append(record_id);
  if (++size_ * 2 > slots_.size()) Grow();
  return true;
}

void KeySet::Grow() {
  // The bigger table is filled before it replaces the old one, so a failed
  // allocation leaves the set as it was.
  ZeroedArray<Slot> bigger(slots_.size() * 2);
  const size_t mask = bigger.size() - 1;
  for (const Slot s : slots_) {
    if (s == 0) continue;
    // Slots keep 32 bits of the hash, the position needs the low ones: rehash
    // the key from the arena.
    const char* key = arena_.data() + static_cast<uint32_t>(s);
    uint16_t p, length;
    std::memcpy(&p, key, 2);
    std::memcpy(&length, key + 2, 2);
    size_t i = static_cast<size_t>(Hash(p, std::string_view(key + 4, length))) & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = s;
  }
  slots_ = std::move(bigger);
  mask_ = mask;
}

}  // namespace csu::store
