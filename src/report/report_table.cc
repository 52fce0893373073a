#include "report/report_table.h"

#include <algorithm>

namespace csu::report {

bool ReportTable::IsTotalRow(size_t row) const {
  return std::find(total_rows.begin(), total_rows.end(), row) != total_rows.end();
}

void ReportTable::AddTotalRow(std::string label) {
  std::vector<Cell> total(columns.size());
  bool labelled = false;
  for (size_t c = 0; c < columns.size(); ++c) {
    ColumnType type = columns[c].type;
    if (type == ColumnType::kText && !labelled) {
      total[c] = Cell::Text(std::move(label));
      labelled = true;
      continue;
    }
    if (type != ColumnType::kCount && type != ColumnType::kMoney) continue;
    int64_t sum = 0;
    bool suppressed = false;
    for (size_t r = 0; r < rows.size(); ++r) {
      if (c >= rows[r].size() || IsTotalRow(r)) continue;
      const Cell& cell = rows[r][c];
      if (cell.kind == Cell::Kind::kNumber) {
        sum += cell.number;
      } else if (cell.kind == Cell::Kind::kSuppressed) {
        suppressed = true;
      }
    }
    total[c] = suppressed ? Cell::Suppressed() : Cell{Cell::Kind::kNumber, {}, sum, 0};
  }
  total_rows.push_back(rows.size());
  rows.push_back(std::move(total));
}

}  // namespace csu::report
