#include "report/report_table.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace csu::report {

bool ReportTable::IsTotalRow(size_t row) const {
  return std::find(total_rows.begin(), total_rows.end(), row) != total_rows.end();
}

void ReportTable::MarkLastRowSubtotalFrom(size_t first) {
  if (rows.empty()) throw std::invalid_argument("MarkLastRowSubtotalFrom: the table has no rows");
  subtotal_rows.emplace_back(rows.size() - 1, first);
}

bool ReportTable::IsSubtotalRow(size_t row) const {
  return std::any_of(subtotal_rows.begin(), subtotal_rows.end(), [&](const auto& s) { return s.first == row; });
}

void ReportTable::Derive(std::string_view name, Derivation how) {
  const size_t c = ColumnIndex(name);
  if (c == columns.size()) throw std::invalid_argument("Derive: no column named " + std::string(name));
  columns[c].derived = std::move(how);
}

size_t ReportTable::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  return columns.size();
}

const Cell* ReportTable::Find(size_t row, std::string_view name) const {
  const size_t c = ColumnIndex(name);
  if (row >= rows.size() || c >= rows[row].size()) return nullptr;
  return &rows[row][c];
}

int64_t ReportTable::TotalOf(std::string_view name) const {
  if (total_rows.empty()) return 0;
  const Cell* cell = Find(total_rows.front(), name);
  return cell != nullptr && cell->kind == Cell::Kind::kNumber ? cell->number : 0;
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
      if (c >= rows[r].size() || IsTotalRow(r) || IsSubtotalRow(r)) continue;
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
