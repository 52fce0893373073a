// A column of int64 pence held in 4 bytes a row: each row is an int32, and
// the rare row whose value does not fit (beyond ±£21.47 million, or exactly
// INT32_MIN, the marker) is marked kWide and kept exactly in a short sorted
// list beside it. Every value reads back as the int64 it was given, so
// nothing priced changes; only the memory and the bytes a scan reads halve
// (docs/architecture.md, "Loaded records within 48 bytes"; docs/pricing.md).
//
//   PenceColumn c;
//   c.push_back(123'456);             // narrow
//   c.push_back(int64_t{1} << 40);    // wide: kept in the list
//   c[1] == int64_t{1} << 40;         // true
//   // A scan reads the narrow array and looks up the marked rows only:
//   const int32_t* v = c.narrow();
//   int64_t x = v[i] != PenceColumn::kWide ? v[i] : c.Wide(i);
//
// The encoding is canonical (a value is wide exactly when it does not fit
// an int32 other than kWide), so two columns holding the same values are
// equal member by member. Not thread-safe for writers; any number of
// readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace csu::pricing {

class PenceColumn {
 public:
  // The narrow value of a row whose pence are in the wide list.
  static constexpr int32_t kWide = std::numeric_limits<int32_t>::min();
  static bool Fits(int64_t pence) {
    return pence > std::numeric_limits<int32_t>::min() && pence <= std::numeric_limits<int32_t>::max();
  }

  size_t size() const { return narrow_.size(); }
  bool empty() const { return narrow_.empty(); }
  int64_t operator[](size_t row) const {
    const int32_t v = narrow_[row];
    return v != kWide ? v : Wide(row);
  }

  void reserve(size_t n) { narrow_.reserve(n); }
  // Appends a row (inline: the pricers append every row they price).
  void push_back(int64_t pence) {
    if (Fits(pence)) [[likely]] {
      narrow_.push_back(static_cast<int32_t>(pence));
    } else {
      PushWide(pence);
    }
  }
  // n rows: rows beyond the old size are 0, rows beyond n are dropped.
  void resize(size_t n);
  void clear();
  // Row `row` (< size()) becomes `pence`, narrow or wide as it fits.
  void Set(size_t row, int64_t pence);

  // The narrow values, kWide where the row's pence are Wide(row).
  const int32_t* narrow() const { return narrow_.data(); }
  // The pence of a row marked kWide (binary search of the wide list).
  int64_t Wide(size_t row) const;
  // Rows held wide.
  size_t wide_rows() const { return wide_.size(); }

  int64_t Sum() const;
  // Bytes held (sizes, not capacities).
  size_t Bytes() const { return narrow_.size() * sizeof(int32_t) + wide_.size() * sizeof(wide_[0]); }

  bool operator==(const PenceColumn& other) const = default;

 private:
  void PushWide(int64_t pence);

  std::vector<int32_t> narrow_;
  std::vector<std::pair<size_t, int64_t>> wide_;  // (row, pence), rows ascending
};

}  // namespace csu::pricing
