// The code dimensions the store dictionary-encodes, and CodeList: one
// dimension's append-only list of codes, where a code's position is its id.
// Id 0 is reserved for "absent" in every dimension, so a column of ids needs
// no separate null marker. See docs/store-format.md §2.
//
// Thread safety: a const CodeList may be read from any number of threads.
#pragma once

#include <array>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace csu::store {

enum class Dimension : uint8_t {
  kProvider,
  kCommissioner,
  kPractice,
  kHrg,
  kTreatmentFunction,
  kDiagnosis,
  kProcedure,
  kSpecialisedService,
  kAdmissionMethod,
  kDepartmentType,
  kDisposal,
  kCount
};
inline constexpr size_t kDimensionCount = static_cast<size_t>(Dimension::kCount);

// The catalog's name of a dimension: "provider", "treatment_function", ...
std::string_view DimensionName(Dimension d);
// The largest id a dimension may hold: 65,535 (u16 columns) or 255 (u8).
uint32_t DimensionCapacity(Dimension d);

// Open-addressing map from a code packed into 64 bits (see PackCode) to its
// id. Dictionary lookups run once per code column per row at ingest, so they
// avoid hashing strings and chasing nodes.
class PackedCodeMap {
 public:
  PackedCodeMap();
  // The id of `key`, or 0 when absent.
  uint32_t Find(uint64_t key) const {
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.key == key) return e.id;
      if (e.key == 0) return 0;
    }
  }
  // `key` must be non-zero and not yet present.
  void Insert(uint64_t key, uint32_t id);

 private:
  // Key and id side by side: a probe touches one cache line.
  struct Entry {
    uint64_t key;  // 0 = empty slot
    uint32_t id;
  };
  size_t Slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }
  void Grow();

  std::vector<Entry> entries_;
  size_t mask_ = 0;
  int shift_ = 0;
  size_t size_ = 0;
};

// Codes of at most 8 bytes packed big-endian, zero-padded; 0 for longer ones
// or the empty string (which PackedCodeMap cannot hold).
inline uint64_t PackCode(std::string_view code) {
  if (code.empty() || code.size() > 8) return 0;
  // A byte loop rather than memcpy of a variable length, which compiles to
  // a library call: this runs for most columns of every row at ingest.
  uint64_t k = 0;
  for (size_t i = 0; i < code.size(); ++i) k |= uint64_t{static_cast<unsigned char>(code[i])} << (56 - 8 * i);
  return k;
}

class CodeList {
 public:
  CodeList();  // holds only id 0, the empty code

  // Number of ids including 0; the next new code gets id size().
  uint32_t size() const { return static_cast<uint32_t>(codes_.size()); }
  // "" for id 0; id must be < size().
  std::string_view code(uint32_t id) const { return codes_[id]; }
  // The id of `code`, or 0 when it is not in the list ("" is always 0).
  uint32_t Find(std::string_view code) const {
    uint64_t key = PackCode(code);
    if (key != 0) return packed_.Find(key);
    return code.empty() ? 0 : FindLong(code);
  }
  // Find() for a code already packed by PackCode (so non-zero).
  uint32_t FindPacked(uint64_t packed) const { return packed_.Find(packed); }
  // Appends a code that Find() does not know and returns its id.
  uint32_t Append(std::string_view code);

  const std::vector<std::string>& codes() const { return codes_; }

 private:
  uint32_t FindLong(std::string_view code) const;

  std::vector<std::string> codes_;
  PackedCodeMap packed_;
  std::unordered_map<std::string, uint32_t> long_;
};

// One CodeList per dimension.
class CodeDictionaries {
 public:
  CodeList& operator[](Dimension d) { return lists_[static_cast<size_t>(d)]; }
  const CodeList& operator[](Dimension d) const { return lists_[static_cast<size_t>(d)]; }

  // Convenience for readers of loaded tables: codes.provider().code(id).
  const CodeList& provider() const { return (*this)[Dimension::kProvider]; }
  const CodeList& commissioner() const { return (*this)[Dimension::kCommissioner]; }
  const CodeList& practice() const { return (*this)[Dimension::kPractice]; }
  const CodeList& hrg() const { return (*this)[Dimension::kHrg]; }
  const CodeList& treatment_function() const { return (*this)[Dimension::kTreatmentFunction]; }
  const CodeList& diagnosis() const { return (*this)[Dimension::kDiagnosis]; }
  const CodeList& procedure() const { return (*this)[Dimension::kProcedure]; }
  const CodeList& specialised_service() const { return (*this)[Dimension::kSpecialisedService]; }
  const CodeList& admission_method() const { return (*this)[Dimension::kAdmissionMethod]; }
  const CodeList& department_type() const { return (*this)[Dimension::kDepartmentType]; }
  const CodeList& disposal() const { return (*this)[Dimension::kDisposal]; }

 private:
  std::array<CodeList, kDimensionCount> lists_;
};

}  // namespace csu::store
