// Code types for the NHS identifiers the platform groups by: ODS organisation
// codes, HRG4+ codes and treatment function codes. Each is a short upper-case
// ASCII string held inline (no allocation) and validated on construction from
// text, so a value of the type is always well-formed. Hashable, ordered.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu {

// Up to kMax characters held inline and zero-padded; the zero padding makes
// byte-wise comparison equal string comparison and lets key() pack the code
// into one integer for dense dictionaries.
template <size_t kMax>
class ShortCode {
 public:
  static_assert(kMax <= 8, "key() packs the code into 64 bits");
  constexpr ShortCode() = default;

  std::string_view view() const { return std::string_view(chars_.data(), strnlen(chars_.data(), kMax)); }
  std::string ToString() const { return std::string(view()); }
  bool empty() const { return chars_[0] == '\0'; }
  // The characters packed big-endian into an integer: distinct codes have
  // distinct keys and keys sort as the codes do.
  uint64_t key() const {
    uint64_t k = 0;
    for (size_t i = 0; i < kMax; ++i) k = (k << 8) | static_cast<unsigned char>(chars_[i]);
    return k;
  }
  auto operator<=>(const ShortCode& o) const { return key() <=> o.key(); }
  bool operator==(const ShortCode& o) const { return chars_ == o.chars_; }

 protected:
  // Caller has validated: 1..kMax printable characters.
  explicit ShortCode(std::string_view s) { std::memcpy(chars_.data(), s.data(), s.size()); }

 private:
  std::array<char, kMax> chars_{};
};

// An ODS organisation code: 3 to 8 upper-case letters and digits, e.g. "RBT"
// (trust), "RBT01" (site), "27D" (CCG), "A84002" (GP practice), "0AP" (CSU).
// Lower-case input is upper-cased.
class OdsCode : public ShortCode<8> {
 public:
  OdsCode() = default;
  static Result<OdsCode> Parse(std::string_view text);

 private:
  explicit OdsCode(std::string_view s) : ShortCode<8>(s) {}
};

// An HRG4/HRG4+ code: two letters, two digits, one letter, e.g. "EB03E".
class HrgCode : public ShortCode<5> {
 public:
  HrgCode() = default;
  static Result<HrgCode> Parse(std::string_view text);
  // The two-letter subchapter ("EB") and one-letter chapter ("E").
  std::string_view subchapter() const { return view().substr(0, 2); }
  std::string_view chapter() const { return view().substr(0, 1); }

 private:
  explicit HrgCode(std::string_view s) : ShortCode<5>(s) {}
};

// A treatment function code: exactly three digits, e.g. "100".
class TreatmentFunctionCode : public ShortCode<3> {
 public:
  TreatmentFunctionCode() = default;
  static Result<TreatmentFunctionCode> Parse(std::string_view text);

 private:
  explicit TreatmentFunctionCode(std::string_view s) : ShortCode<3>(s) {}
};

struct ShortCodeHash {
  template <size_t N>
  size_t operator()(const ShortCode<N>& c) const {
    return std::hash<uint64_t>()(c.key());
  }
};

}  // namespace csu
