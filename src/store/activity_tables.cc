#include "store/activity_tables.h"

#include <algorithm>

namespace csu::store {
namespace {

template <typename Table>
size_t RowColumnBytes(const Table& t) {
  size_t bytes = t.source_row.Bytes() + t.by_commissioner.bytes() + t.days_by_block.bytes();
  ForEachRowColumn(t, [&](const char*, const auto& column) { bytes += column.size() * sizeof(column[0]); });
  return bytes;
}

template <typename Table>
void IndexDaysOf(Table& t) {
  const size_t n = t.size();
  constexpr size_t kBlock = BlocksById::kBlockRows;
  DaysByBlock& index = t.days_by_block;
  const size_t blocks = (n + kBlock - 1) / kBlock;
  index.least.resize(blocks);
  index.greatest.resize(blocks);
  for (size_t b = 0; b < blocks; ++b) {
    int32_t least = ActivityDay(t, b * kBlock), greatest = least;
    for (size_t i = b * kBlock + 1; i < std::min(n, (b + 1) * kBlock); ++i) {
      const int32_t day = ActivityDay(t, i);
      least = std::min(least, day);
      greatest = std::max(greatest, day);
    }
    index.least[b] = least;
    index.greatest[b] = greatest;
  }
  index.rows = n;
}

}  // namespace

void IndexDays(ApcTable& t) { IndexDaysOf(t); }
void IndexDays(OpTable& t) { IndexDaysOf(t); }
void IndexDays(AeTable& t) { IndexDaysOf(t); }

void IndexByCommissioner(CommonColumns& t) {
  const size_t n = t.size();
  const uint16_t* comm = t.commissioner.data();
  uint16_t top = 0;
  for (size_t i = 0; i < n; ++i) top = std::max(top, comm[i]);
  BlocksById& index = t.by_commissioner;
  constexpr size_t kBlock = BlocksById::kBlockRows;
  // Counting sort of (id, block) pairs, each pair once: first[c + 1] counts
  // the blocks holding id c, then the running sum turns counts into starts.
  // last[c] is 1 + the last block id c was counted in, so a block counts
  // once however many of its rows have the id.
  index.first.assign(size_t{top} + 2, 0);
  std::vector<uint32_t> last(size_t{top} + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const auto block = static_cast<uint32_t>(i / kBlock) + 1;
    if (last[comm[i]] != block) {
      last[comm[i]] = block;
      ++index.first[size_t{comm[i]} + 1];
    }
  }
  for (size_t c = 1; c < index.first.size(); ++c) index.first[c] += index.first[c - 1];
  index.blocks.assign(index.first.back(), 0);
  std::vector<uint32_t> next(index.first.begin(), index.first.end() - 1);
  std::fill(last.begin(), last.end(), 0);
  for (size_t i = 0; i < n; ++i) {
    const auto block = static_cast<uint32_t>(i / kBlock) + 1;
    if (last[comm[i]] != block) {
      last[comm[i]] = block;
      index.blocks[next[comm[i]]++] = block - 1;
    }
  }
  index.rows = n;
}

StayDays ApcTable::StayDaysAt(size_t row) const {
  if (dense_stay_days()) return {critical_care_days[row], rehabilitation_days[row], palliative_care_days[row]};
  auto it = std::lower_bound(stay_days_row.begin(), stay_days_row.end(), static_cast<uint32_t>(row));
  if (it == stay_days_row.end() || *it != row) return {};
  return stay_days[static_cast<size_t>(it - stay_days_row.begin())];
}

void SparsifyStayDays(ApcTable& t) {
  const size_t n = std::min({t.critical_care_days.size(), t.rehabilitation_days.size(), t.palliative_care_days.size()});
  for (size_t i = 0; i < n; ++i) {
    const StayDays d{t.critical_care_days[i], t.rehabilitation_days[i], t.palliative_care_days[i]};
    if (d == StayDays{}) continue;
    t.stay_days_row.push_back(static_cast<uint32_t>(i));
    t.stay_days.push_back(d);
  }
  std::vector<uint16_t>().swap(t.critical_care_days);
  std::vector<uint16_t>().swap(t.rehabilitation_days);
  std::vector<uint16_t>().swap(t.palliative_care_days);
  t.stay_days_row.shrink_to_fit();
  t.stay_days.shrink_to_fit();
}

size_t ColumnBytes(const ApcTable& t) {
  return RowColumnBytes(t) + t.unbundled_row.size() * sizeof(uint32_t) + t.unbundled_hrg.size() * sizeof(uint16_t) +
         t.secondary_diagnosis_row.size() * sizeof(uint32_t) + t.secondary_diagnosis.size() * sizeof(uint16_t) +
         t.stay_days_row.size() * sizeof(uint32_t) + t.stay_days.size() * sizeof(StayDays);
}
size_t ColumnBytes(const OpTable& t) { return RowColumnBytes(t); }
size_t ColumnBytes(const AeTable& t) { return RowColumnBytes(t); }

}  // namespace csu::store
