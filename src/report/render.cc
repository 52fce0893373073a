#include "report/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/csv_writer.h"
#include "core/money.h"
#include "core/text.h"

namespace csu::report {
namespace {

const Cell kEmptyCell{};

// Rows are built by hand in analytics code; a short row reads as empty cells
// rather than crashing an export.
const Cell& CellAt(const std::vector<Cell>& row, size_t c) { return c < row.size() ? row[c] : kEmptyCell; }

int Decimals(const Column& column) { return std::clamp(column.decimals, 0, 10); }

// Fixed-point text of x; "-0.0" becomes "0.0" because a minus sign on a
// figure that rounds to zero reads as a real negative.
std::string FormatFixed(double x, int decimals) {
  std::string s = fmt::format("{:.{}f}", x, decimals);
  if (!s.empty() && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

// "-1234567.5" -> "-1,234,567.5".
std::string GroupThousands(const std::string& fixed) {
  size_t start = (!fixed.empty() && fixed[0] == '-') ? 1 : 0;
  size_t end = fixed.find('.');
  if (end == std::string::npos) end = fixed.size();
  std::string out = fixed.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out.push_back(',');
    out.push_back(fixed[i]);
  }
  out.append(fixed, end, std::string::npos);
  return out;
}

bool IsNumeric(ColumnType type) { return type != ColumnType::kText; }

std::string JsonKey(const Column& column) {
  const std::string_view suffix = "_pence";
  if (column.type != ColumnType::kMoney) return column.name;
  if (column.name.size() >= suffix.size() &&
      column.name.compare(column.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return column.name;
  }
  return column.name + std::string(suffix);
}

// The machine form shared by CSV and JSON for a real: percents as fractions
// with two more places than their percentage shows.
std::string MachineReal(const Column& column, double x) {
  int places = Decimals(column) + (column.type == ColumnType::kPercent ? 2 : 0);
  return FormatFixed(x, places);
}

// ---- Text ----

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char b : s) n += (b & 0xC0) != 0x80;
  return n;
}

std::string Truncate(std::string s, size_t max_chars) {
  if (max_chars == 0 || DisplayWidth(s) <= max_chars) return s;
  size_t keep = max_chars - 1;  // room for the ellipsis
  size_t chars = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == keep) break;
      ++chars;
    }
  }
  s.resize(i);
  return s + "\xE2\x80\xA6";  // "…"
}

void AppendPadded(std::string& out, const std::string& s, size_t width, bool right) {
  size_t pad = width > DisplayWidth(s) ? width - DisplayWidth(s) : 0;
  if (right) out.append(pad, ' ');
  out += s;
  if (!right) out.append(pad, ' ');
}

void AppendLine(std::string& out, std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out.push_back('\n');
}

// Splits columns into panels no wider than max_width. A row's key is its
// leading text columns (CCG, provider, POD, ...). The first panel shows the
// whole key; later panels repeat the key columns that are short codes (a
// wide name column would leave little room for figures), so that every panel
// can be read on its own.
std::vector<std::vector<size_t>> Panels(const ReportTable& table, const std::vector<size_t>& widths,
                                        size_t max_width) {
  constexpr size_t kRepeatedKeyWidth = 12;
  std::vector<std::vector<size_t>> panels;
  if (widths.empty()) return panels;
  size_t keys = 1;
  while (keys < widths.size() && table.columns[keys - 1].type == ColumnType::kText &&
         table.columns[keys].type == ColumnType::kText)
    ++keys;
  std::vector<size_t> first_key, repeated_key;
  size_t first_used = 0, repeated_used = 0;
  for (size_t c = 0; c < keys; ++c) {
    first_used += (c > 0 ? 2 : 0) + widths[c];
    first_key.push_back(c);
    if (c == 0 || widths[c] <= kRepeatedKeyWidth) {
      repeated_used += (repeated_key.empty() ? 0 : 2) + widths[c];
      repeated_key.push_back(c);
    }
  }
  std::vector<size_t> panel = first_key;
  size_t used = first_used;
  size_t panel_keys = first_key.size();
  for (size_t c = keys; c < widths.size(); ++c) {
    if (panel.size() > panel_keys && used + 2 + widths[c] > max_width) {
      panels.push_back(panel);
      panel = repeated_key;
      used = repeated_used;
      panel_keys = repeated_key.size();
    }
    panel.push_back(c);
    used += 2 + widths[c];
  }
  panels.push_back(panel);
  return panels;
}

std::string RenderOneText(const ReportTable& table, const TextOptions& options) {
  const size_t ncols = table.columns.size();
  std::vector<std::string> header(ncols);
  std::vector<size_t> widths(ncols);
  for (size_t c = 0; c < ncols; ++c) {
    const Column& col = table.columns[c];
    header[c] = Truncate(col.label.empty() ? col.name : col.label, options.max_cell_width);
    widths[c] = DisplayWidth(header[c]);
  }
  std::vector<std::vector<std::string>> cells(table.rows.size(), std::vector<std::string>(ncols));
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t c = 0; c < ncols; ++c) {
      const Cell& cell = CellAt(table.rows[r], c);
      std::string s = FormatCell(table.columns[c], cell);
      if (cell.kind == Cell::Kind::kText) s = Truncate(std::move(s), options.max_cell_width);
      widths[c] = std::max(widths[c], DisplayWidth(s));
      cells[r][c] = std::move(s);
    }
  }

  std::string out;
  if (!table.title.empty()) AppendLine(out, table.title);
  auto row_line = [&](const std::vector<size_t>& panel, const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < panel.size(); ++i) {
      size_t c = panel[i];
      if (i > 0) line += "  ";
      AppendPadded(line, row[c], widths[c], IsNumeric(table.columns[c].type));
    }
    AppendLine(out, std::move(line));
  };
  auto rule_line = [&](const std::vector<size_t>& panel) {
    std::string line;
    for (size_t i = 0; i < panel.size(); ++i) {
      if (i > 0) line += "  ";
      line.append(widths[panel[i]], '-');
    }
    AppendLine(out, std::move(line));
  };

  std::vector<std::vector<size_t>> panels = Panels(table, widths, options.max_width);
  for (size_t p = 0; p < panels.size(); ++p) {
    if (p > 0) out.push_back('\n');
    row_line(panels[p], header);
    rule_line(panels[p]);
    bool any_data = false;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (table.IsTotalRow(r)) continue;
      row_line(panels[p], cells[r]);
      any_data = true;
    }
    if (!any_data) AppendLine(out, "(no rows)");
    if (!table.total_rows.empty()) {
      rule_line(panels[p]);
      for (size_t r : table.total_rows) {
        if (r < cells.size()) row_line(panels[p], cells[r]);
      }
    }
  }
  if (ncols == 0) AppendLine(out, "(no columns)");
  if (!table.notes.empty()) {
    out.push_back('\n');
    for (const std::string& note : table.notes) AppendLine(out, note);
  }
  return out;
}

// ---- JSON ----

nlohmann::json JsonValue(const Column& column, const Cell& cell) {
  switch (cell.kind) {
    case Cell::Kind::kEmpty:
      return nullptr;
    case Cell::Kind::kSuppressed:
      return "*";
    case Cell::Kind::kText:
      return cell.text;
    case Cell::Kind::kNumber:
      return cell.number;
    case Cell::Kind::kReal:
      if (!std::isfinite(cell.real)) return nullptr;
      return PublishedReal(column, cell.real);
  }
  return nullptr;
}

nlohmann::json JsonRow(const ReportTable& table, const std::vector<Cell>& row) {
  nlohmann::json obj = nlohmann::json::object();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    obj[JsonKey(table.columns[c])] = JsonValue(table.columns[c], CellAt(row, c));
  }
  return obj;
}

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return "text";
    case ColumnType::kCount:
      return "count";
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kMoney:
      return "money";
    case ColumnType::kDecimal:
      return "decimal";
    case ColumnType::kPercent:
      return "percent";
  }
  return "text";
}

double PublishedReal(const Column& column, double x) {
  // Parsing the printed text back gives the double whose shortest form is
  // exactly what CSV and the text table show.
  return std::strtod(MachineReal(column, x).c_str(), nullptr);
}

std::string FormatCell(const Column& column, const Cell& cell) {
  switch (cell.kind) {
    case Cell::Kind::kEmpty:
      return {};
    case Cell::Kind::kSuppressed:
      return "*";
    case Cell::Kind::kText:
      return cell.text;
    case Cell::Kind::kNumber:
      switch (column.type) {
        case ColumnType::kCount:
          return WithThousands(cell.number);
        case ColumnType::kMoney:
          return Money::FromPence(cell.number).ToString();
        case ColumnType::kDecimal:
          return GroupThousands(FormatFixed(static_cast<double>(cell.number), Decimals(column)));
        case ColumnType::kPercent:
          return FormatFixed(static_cast<double>(cell.number) * 100.0, Decimals(column)) + "%";
        case ColumnType::kText:
        case ColumnType::kInteger:
          return std::to_string(cell.number);
      }
      return std::to_string(cell.number);
    case Cell::Kind::kReal:
      if (!std::isfinite(cell.real)) return {};
      if (column.type == ColumnType::kPercent) return FormatFixed(cell.real * 100.0, Decimals(column)) + "%";
      return GroupThousands(FormatFixed(cell.real, Decimals(column)));
  }
  return {};
}

std::string RenderText(const ReportTable& table, const TextOptions& options) {
  return RenderOneText(table, options);
}

std::string RenderText(const std::vector<ReportTable>& tables, const TextOptions& options) {
  std::string out;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (i > 0) out.push_back('\n');
    out += RenderOneText(tables[i], options);
  }
  return out;
}

std::string RenderCsv(const ReportTable& table) {
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    AppendCsvField(out, table.columns[c].name);
  }
  out.push_back('\n');
  std::vector<size_t> order;  // data rows, then total rows
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (!table.IsTotalRow(r)) order.push_back(r);
  }
  for (size_t r : table.total_rows) {
    if (r < table.rows.size()) order.push_back(r);
  }
  for (size_t r : order) {
    const std::vector<Cell>& row = table.rows[r];
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out.push_back(',');
      const Column& column = table.columns[c];
      const Cell& cell = CellAt(row, c);
      switch (cell.kind) {
        case Cell::Kind::kEmpty:
          break;
        case Cell::Kind::kSuppressed:
          out.push_back('*');
          break;
        case Cell::Kind::kText:
          AppendCsvField(out, cell.text, /*guard_formulas=*/true);
          break;
        case Cell::Kind::kNumber:
          // Numbers the platform writes are not formulas: "-12.50" stays.
          AppendCsvField(out,
                         column.type == ColumnType::kMoney ? Money::FromPence(cell.number).ToDecimal()
                                                           : std::to_string(cell.number),
                         /*guard_formulas=*/false);
          break;
        case Cell::Kind::kReal:
          if (std::isfinite(cell.real)) AppendCsvField(out, MachineReal(column, cell.real), false);
          break;
      }
    }
    out.push_back('\n');
  }
  return out;
}

nlohmann::json RenderJson(const ReportTable& table) {
  nlohmann::json columns = nlohmann::json::array();
  for (const Column& column : table.columns) {
    nlohmann::json c = {{"name", column.name},
                        {"key", JsonKey(column)},
                        {"label", column.label.empty() ? column.name : column.label},
                        {"type", ColumnTypeName(column.type)}};
    if (column.type == ColumnType::kDecimal || column.type == ColumnType::kPercent) c["decimals"] = Decimals(column);
    columns.push_back(std::move(c));
  }
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json totals = nlohmann::json::array();
  for (size_t r = 0; r < table.rows.size(); ++r) {
    (table.IsTotalRow(r) ? totals : rows).push_back(JsonRow(table, table.rows[r]));
  }
  return nlohmann::json{{"title", table.title},
                        {"columns", std::move(columns)},
                        {"rows", std::move(rows)},
                        {"totals", std::move(totals)},
                        {"notes", table.notes}};
}

nlohmann::json RenderJson(const std::vector<ReportTable>& tables) {
  nlohmann::json out = nlohmann::json::array();
  for (const ReportTable& table : tables) out.push_back(RenderJson(table));
  return out;
}

}  // namespace csu::report
