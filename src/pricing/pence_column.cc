#include "pricing/pence_column.h"

#include <algorithm>

namespace csu::pricing {
namespace {

auto RowLess = [](const std::pair<size_t, int64_t>& e, size_t row) { return e.first < row; };

}  // namespace

void PenceColumn::PushWide(int64_t pence) {
  wide_.emplace_back(narrow_.size(), pence);  // the new row is the last: the list stays sorted
  narrow_.push_back(kWide);
}

void PenceColumn::resize(size_t n) {
  if (n < narrow_.size()) {
    wide_.erase(std::lower_bound(wide_.begin(), wide_.end(), n, RowLess), wide_.end());
  }
  narrow_.resize(n, 0);
}

void PenceColumn::clear() {
  narrow_.clear();
  wide_.clear();
}

void PenceColumn::Set(size_t row, int64_t pence) {
  const bool was_wide = narrow_[row] == kWide;
  if (Fits(pence)) {
    narrow_[row] = static_cast<int32_t>(pence);
    if (was_wide) wide_.erase(std::lower_bound(wide_.begin(), wide_.end(), row, RowLess));
    return;
  }
  narrow_[row] = kWide;
  auto it = std::lower_bound(wide_.begin(), wide_.end(), row, RowLess);
  if (was_wide) {
    it->second = pence;
  } else {
    wide_.insert(it, {row, pence});
  }
}

int64_t PenceColumn::Wide(size_t row) const {
  return std::lower_bound(wide_.begin(), wide_.end(), row, RowLess)->second;
}

int64_t PenceColumn::Sum() const {
  int64_t total = 0;
  for (const int32_t v : narrow_) total += v != kWide ? v : 0;
  for (const auto& [row, pence] : wide_) total += pence;
  return total;
}

}  // namespace csu::pricing
