#include "store/source_rows.h"

#include <algorithm>

namespace csu::store {

uint32_t SourceRows::operator[](size_t row) const {
  // The last run starting at or before `row`.
  auto it = std::upper_bound(runs_.begin(), runs_.end(), uint64_t{row},
                             [](uint64_t r, const Run& run) { return r < run.row; });
  --it;
  return it->source + static_cast<uint32_t>(row - it->row);
}

void SourceRows::push_back(uint32_t source_row) {
  // A new run unless this row continues the last one (0 always starts one,
  // so a last row of UINT32_MAX cannot wrap into a run).
  if (runs_.empty() || source_row != last_ + 1 || source_row == 0) runs_.push_back({size_, source_row});
  last_ = source_row;
  ++size_;
}

void SourceRows::clear() {
  runs_.clear();
  size_ = 0;
  last_ = 0;
}

std::optional<size_t> SourceRows::Find(size_t first, size_t count, uint32_t source_row) const {
  size_t lo = first, hi = first + count;  // the answer, if any, is in [lo, hi)
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if ((*this)[mid] < source_row) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < first + count && (*this)[lo] == source_row) return lo;
  return std::nullopt;
}

}  // namespace csu::store
