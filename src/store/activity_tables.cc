#include "store/activity_tables.h"

#include <algorithm>

namespace csu::store {
namespace {

template <typename Table>
size_t RowColumnBytes(const Table& t) {
  size_t bytes = t.source_row.size() * sizeof(uint32_t) + t.by_commissioner.bytes();
  ForEachRowColumn(t, [&](const char*, const auto& column) { bytes += column.size() * sizeof(column[0]); });
  return bytes;
}

}  // namespace

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

size_t ColumnBytes(const ApcTable& t) {
  return RowColumnBytes(t) + t.unbundled_row.size() * sizeof(uint32_t) + t.unbundled_hrg.size() * sizeof(uint16_t) +
         t.secondary_diagnosis_row.size() * sizeof(uint32_t) + t.secondary_diagnosis.size() * sizeof(uint16_t);
}
size_t ColumnBytes(const OpTable& t) { return RowColumnBytes(t); }
size_t ColumnBytes(const AeTable& t) { return RowColumnBytes(t); }

}  // namespace csu::store
