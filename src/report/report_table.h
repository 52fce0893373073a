// A report as data: a titled table of typed columns, built by analytics and
// turned into a terminal table, CSV, JSON or an XLSX sheet by the renderers
// (report/render.h). Keeping the figures typed until the last moment is what
// lets each output do the right thing with them: money stays int64 pence
// until the renderer formats it (a currency-formatted number in XLSX,
// "1234.56" in CSV, pence in JSON), and disclosure control
// (report/disclosure.h) can find the counts it must suppress.
//
//   ReportTable t{"Contract monitoring", {{"provider", ColumnType::kText},
//                                        {"activity", ColumnType::kCount},
//                                        {"actual", ColumnType::kMoney}}};
//   t.AddRow({Cell::Text("RWE"), Cell::Count(1203), Cell::Money(Money::FromPence(123456))});
//
// A cell may be empty (Cell{}): no value, e.g. a plan for NCA activity.
//
// Totals: t.AddTotalRow("Total") appends a row summing every count and money
// column over the rows above it and remembers it as a total row, which the
// renderers show apart (bold in XLSX, under a rule in text, "totals" in JSON).
// Add totals to the raw table, before disclosure control: a published total
// must be rounded from the unrounded sum (report/disclosure.h explains).
//
// Derived figures: a column computed from other columns of its row (a
// percentage, a rate, a variance, a share) says so with a Derivation, e.g.
//   t.Derive("four_hour_performance", Derivation::Ratio("within_4_hours", "attendances"));
// Disclosure control then computes it again from the published figures, so
// a shared table never prints a ratio of unrounded counts beside their
// rounded values (docs/disclosure.md, "Derived figures").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/money.h"

namespace csu::report {

enum class ColumnType : uint8_t {
  kText,     // codes and names; guarded against formula injection on output
  kCount,    // a count of records or patients: subject to disclosure control
  kInteger,  // a number that is not a count of people (a month, a year, days)
  kMoney,    // pence
  kDecimal,  // a ratio or rate, shown with Column::decimals places
  kPercent,  // a fraction (0.815 = 81.5%), shown with Column::decimals places
};

// How a column is computed from other columns of the same row (named by
// their machine names). Disclosure control uses it to compute the figure
// again from the published inputs, and shows it as "*" where an input is
// suppressed; a column without one (kind kNone) is treated as a statistic
// about its row's people (report/disclosure.h).
struct Derivation {
  enum class Kind : uint8_t {
    kNone,
    // inputs[0] ÷ inputs[1] × scale, a real (kDecimal / kPercent). An empty
    // input or a zero denominator gives no value (NaN, shown blank).
    kRatio,
    // inputs[0] − inputs[1], a number (kInteger / kMoney); an empty input
    // counts as 0 (a rule's row has no plan: its variance is its amount),
    // but two empty inputs give an empty cell.
    kDifference,
    // (inputs[0] − inputs[1]) × inputs[2] ÷ inputs[3], rounded once half
    // away from zero; when inputs[3] is 0 or empty, inputs[4] (a volume
    // variance at the plan's unit price; with no plan, the whole variance).
    kDifferenceAtRate,
    // inputs[0] ÷ the sum of inputs[0] over the rows with the same text in
    // column inputs[1] that are not totals (a market share within a CCG).
    kShareOfGroup,
  };
  Kind kind = Kind::kNone;
  std::vector<std::string> inputs;
  double scale = 1;  // kRatio: e.g. 1000 for a rate per 1,000
  // In a total or subtotal row: false = computed from that row's own
  // figures like any row (a ratio of totals); true = the sum of the column
  // over the rows it totals (a volume variance, which is not linear in the
  // totals' figures).
  bool total_is_sum = false;

  static Derivation Ratio(std::string numerator, std::string denominator, double scale = 1) {
    return {Kind::kRatio, {std::move(numerator), std::move(denominator)}, scale, false};
  }
  static Derivation Difference(std::string minuend, std::string subtrahend) {
    return {Kind::kDifference, {std::move(minuend), std::move(subtrahend)}, 1, false};
  }
  static Derivation DifferenceAtRate(std::string minuend, std::string subtrahend, std::string value,
                                     std::string per, std::string otherwise) {
    return {Kind::kDifferenceAtRate,
            {std::move(minuend), std::move(subtrahend), std::move(value), std::move(per), std::move(otherwise)},
            1,
            true};
  }
  static Derivation ShareOfGroup(std::string of, std::string group_column) {
    return {Kind::kShareOfGroup, {std::move(of), std::move(group_column)}, 1, false};
  }
};

struct Column {
  std::string name;  // machine name: CSV header and JSON key ("plan_activity")
  ColumnType type = ColumnType::kText;
  std::string label = {};  // human heading ("Plan activity"); empty = name
  int decimals = 1;   // kDecimal / kPercent only
  Derivation derived = {};  // how it is computed from its row, if it is
};

struct Cell {
  enum class Kind : uint8_t { kEmpty, kText, kNumber, kReal, kSuppressed };
  Kind kind = Kind::kEmpty;
  std::string text;  // kText
  int64_t number = 0;  // kNumber: counts, integers, money in pence
  double real = 0;     // kReal: decimals and percents

  static Cell Text(std::string s) { return Cell{Kind::kText, std::move(s), 0, 0}; }
  static Cell Count(int64_t n) { return Cell{Kind::kNumber, {}, n, 0}; }
  static Cell Integer(int64_t n) { return Cell{Kind::kNumber, {}, n, 0}; }
  static Cell Pence(int64_t pence) { return Cell{Kind::kNumber, {}, pence, 0}; }
  static Cell Money(csu::Money m) { return Pence(m.pence()); }
  static Cell Real(double x) { return Cell{Kind::kReal, {}, 0, x}; }
  // What disclosure control leaves of a small count: shown as "*".
  static Cell Suppressed() { return Cell{Kind::kSuppressed, {}, 0, 0}; }
  bool empty() const { return kind == Kind::kEmpty; }
};

struct ReportTable {
  std::string title;           // sheet name / heading, e.g. "Contract monitoring"
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has columns.size() cells
  std::vector<std::string> notes;       // lines shown under the table (filters, period, caveats)
  std::vector<size_t> total_rows;       // indices into rows of the rows AddTotalRow made
  // Rows shown in place whose figures are computed from the rows above them:
  // (row, first row it covers); it covers the rows first .. row − 1 that
  // are neither totals nor subtotals. Disclosure control treats such a row
  // like a total over those rows (report/disclosure.h).
  std::vector<std::pair<size_t, size_t>> subtotal_rows;

  ReportTable() = default;
  ReportTable(std::string t, std::vector<Column> c) : title(std::move(t)), columns(std::move(c)) {}
  void AddRow(std::vector<Cell> cells) { rows.push_back(std::move(cells)); }

  // Appends a total row: each kCount and kMoney column holds the sum of its
  // number cells in every row that is not itself a total or a subtotal (empty cells add
  // nothing, so a table without rows totals 0); the label goes in
  // the first kText column; other cells are empty (a sum of percents means
  // nothing: set them afterwards if the report has an overall figure). A
  // column with a suppressed cell gets a suppressed total, because its true
  // sum is unknown. Sort rows before adding totals: indices are kept.
  void AddTotalRow(std::string label);
  bool IsTotalRow(size_t row) const;
  // Marks the last row added as a subtotal of the rows from `first` on
  // (see subtotal_rows). Renderers show it where it is, unlike a total.
  void MarkLastRowSubtotalFrom(size_t first);
  bool IsSubtotalRow(size_t row) const;
  // Declares how column `name` is derived. Throws std::invalid_argument if
  // there is no such column (a programmer error).
  void Derive(std::string_view name, Derivation how);
  // The index of the column named `name` (its machine name), or columns.size().
  size_t ColumnIndex(std::string_view name) const;
  // The cell of `row` in the column named `name`; nullptr when there is no such column.
  const Cell* Find(size_t row, std::string_view name) const;
  // The number in the first total row's column `name`; 0 when there is none.
  int64_t TotalOf(std::string_view name) const;
};

}  // namespace csu::report
