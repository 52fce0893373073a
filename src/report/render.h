// Turning a ReportTable into text for a terminal, CSV for tools and JSON for
// the API. Each output has one fixed convention per column type, so a figure
// reads the same wherever it appears:
//
//   type      text (people)   CSV (tools)        JSON (the API)
//   text      as is           guarded text (*)   string
//   count     1,203           1203               1203
//   integer   2018            2018               2018
//   money     £1,234.56       1234.56            123456 under "<name>_pence"
//   decimal   4.3             4.3                4.3
//   percent   81.5%           0.815              0.815
//   suppressed *              *                  "*"
//   empty     (blank)         (blank)            null
//
// (*) A text cell starting with = + - @ tab or CR gets a leading quote
// (core/csv_writer.h), so a spreadsheet shows it instead of running it.
//
// Decimals and percents are written with Column::decimals places (a percent
// as a fraction with decimals + 2 places), in CSV and JSON as in text: the
// precision a report shows is a decision (NHS Digital ties the decimal places
// of a published percentage to its denominator), so machine outputs must not
// carry more than people see. Percents are fractions in CSV and JSON because
// that is what the model holds and what a program multiplies by.
//
// Money in JSON is integer pence, never a float, under the key
// "<name>_pence" (just "<name>" when the name already ends in "_pence"), so
// the unit is in every key; each column's "key" says which key holds it.
//
// A real that is not finite (a rate over a zero denominator) is shown as
// empty. All functions are pure and thread-safe.
//
//   ReportTable t = ...;
//   std::fputs(RenderText(t).c_str(), stdout);
//   std::string csv = RenderCsv(t);
//   std::string body = RenderJson(t).dump(2);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "report/report_table.h"

namespace csu::report {

// "text", "count", "integer", "money", "decimal", "percent".
std::string_view ColumnTypeName(ColumnType type);

// One cell as people read it (the "text" column above); also what the XLSX
// writer sizes its columns by, and what an HTML view shows.
std::string FormatCell(const Column& column, const Cell& cell);

// The value a decimal or percent cell is published with: x rounded to the
// column's places (a percent, a fraction, to decimals + 2). JSON and XLSX
// store this, CSV prints it.
double PublishedReal(const Column& column, double x);

struct TextOptions {
  // A table wider than this many characters is printed in panels of columns,
  // each repeating the first column, so no line wraps in a terminal.
  size_t max_width = 100;
  // Longer text cells are cut to this many characters ending in "…".
  size_t max_cell_width = 40;
};

// The title, a header of column labels, a rule, the rows (text left-aligned,
// numbers right-aligned), the total rows under a second rule, then the notes
// after a blank line. An empty table says "(no rows)". Lines end in "\n" and
// carry no trailing spaces; widths count UTF-8 characters, not bytes.
std::string RenderText(const ReportTable& table, const TextOptions& options = {});
// The tables one after another, separated by a blank line.
std::string RenderText(const std::vector<ReportTable>& tables, const TextOptions& options = {});

// RFC 4180 CSV: a header of column names, then every row, total rows last
// (labelled in their first text column). Only the data: the title and notes
// travel in the text, JSON and XLSX outputs.
std::string RenderCsv(const ReportTable& table);

// {"title", "columns": [{"name", "key", "label", "type"[, "decimals"]}],
//  "rows": [{key: value}], "totals": [{key: value}], "notes": [...]}.
// "rows" holds the data rows and "totals" the total rows, so a chart over
// "rows" never plots a total.
nlohmann::json RenderJson(const ReportTable& table);
// A JSON array of the tables' objects.
nlohmann::json RenderJson(const std::vector<ReportTable>& tables);

}  // namespace csu::report
