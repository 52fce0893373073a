#include "store/activity_tables.h"

namespace csu::store {
namespace {

template <typename Table>
size_t RowColumnBytes(const Table& t) {
  size_t bytes = t.source_row.size() * sizeof(uint32_t);
  ForEachRowColumn(t, [&](const char*, const auto& column) { bytes += column.size() * sizeof(column[0]); });
  return bytes;
}

}  // namespace

size_t ColumnBytes(const ApcTable& t) {
  return RowColumnBytes(t) + t.unbundled_row.size() * sizeof(uint32_t) + t.unbundled_hrg.size() * sizeof(uint16_t) +
         t.secondary_diagnosis_row.size() * sizeof(uint32_t) + t.secondary_diagnosis.size() * sizeof(uint16_t);
}
size_t ColumnBytes(const OpTable& t) { return RowColumnBytes(t); }
size_t ColumnBytes(const AeTable& t) { return RowColumnBytes(t); }

}  // namespace csu::store
