// The one table convention of every page that shows a report::ReportTable
// people work through (docs/web.md, "Page conventions: tables"): sorting by
// any column, filters and paging done by the server, with the whole state
// in the URL, so a link reproduces the view and nothing needs script.
//
// The query parameters it owns (every other one, e.g. month=, is the
// page's, and is carried through every link it makes when listed in
// TableOptions::keep):
//
//   sort=<column>        a column's machine name; without it the table's own order
//   dir=asc|desc|abs     abs = largest first by absolute value (numbers only)
//   q=<text>             rows with the text in any text column (any case)
//   f_<column>=<value>   rows whose text column is exactly the value (any case)
//   min=, max=           a band on the value column (money, in pounds: 1000, £1,000.50)
//   page=<n>             from 1; TableOptions::page_size rows a page
//   money=pence|pounds|thousands|millions   how money is shown (£1,234.56, £1,235,
//                        £000s, £m); display only; without it TableOptions::money
//   neg=minus|brackets   negative money as -£5.00 or (£5.00)
//
// A parameter it cannot honour (an unknown or unsortable column, a bad
// direction, page or amount, a text over 200 characters) is an Error naming
// the parameter, and the page answers 400: a link that silently showed
// something else would not reproduce the view its sender saw. A page past
// the last answers with no rows and says how many pages there are.
//
// Total rows (and a subtotal of every row that ends the table, such as
// monitoring's ALL) stay at the bottom, on every page, and are never sorted,
// filtered or paged away; they are the totals of the whole table, and the
// table says so when a filter hides rows. Other subtotal rows (monitoring's
// TOTAL per provider) sort and filter like rows.
//
//   TableOptions o{.path = "/ccg/02E/view/monitoring", .keep = {{"month", "7"}}};
//   auto html = InteractiveTableHtml(table, request.query, o, links);
//   if (!html.ok()) return Problem(c, 400, "Bad request", html.error().ToString());
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "report/report_table.h"
#include "web/html.h"

namespace csu::web {

enum class SortDirection { kAscending, kDescending, kLargestFirst };

// A group of a wide table's columns the reader may hide or show (hide=):
// monitoring's this month, year to date and forecast.
struct ColumnGroup {
  std::string key;    // in hide= ("month")
  std::string label;  // as the page names it ("This month")
  std::vector<std::string> columns;  // machine names
};

struct TableOptions {
  std::string path;  // the page's path: every link's and the filter form's target
  // The page's own parameters that every link and the form carry (month=).
  std::vector<std::pair<std::string, std::string>> keep;
  // The money column min= and max= apply to; "" = the first money column.
  // A table without one offers no band.
  std::string value_column;
  // Text columns offered in the form as a choice of their values; "" = those
  // of kFilterColumns the table has. Any text column may be filtered by URL.
  std::vector<std::string> filter_columns;
  // Identifying columns kept in view while scrolling sideways; empty = the
  // text columns before the first number, but not the commissioner (one
  // value on a CCG's page).
  std::vector<std::string> sticky_columns;
  int sticky_max_rem = 16;  // each sticky column's widest (html.h, StickyColumns)
  // The order without sort=; "" (or a column the table lacks) = the table's own.
  std::string default_sort;
  SortDirection default_direction = SortDirection::kDescending;
  // The lower end of the value band when the request gives neither min= nor
  // max= (challenges: £0.01, so £0 rows are hidden until min=0 asks for
  // them). None = no band by default.
  std::optional<int64_t> default_min_pence;
  size_t page_size = 100;
  // How money shows without money=: exact pence, or whole pounds on a page
  // of totals (the summary), where pence are noise and cost width.
  MoneyUnit money = MoneyUnit::kPence;
  // Rows chosen with a checkbox for a form elsewhere on the page (html.h,
  // TableLayout::select_form): the form's id and the column whose text is
  // the value; `selected` starts ticked (a refused form shown again).
  std::string select_form;
  std::string select_column;
  std::set<std::string> selected;
  // Text folded under a cell (TableLayout::cell_details), asked only for
  // the page's rows.
  std::function<std::string(const report::ReportTable&, size_t row, size_t column)> cell_details;
  // Column groups the reader may hide with hide=KEY,KEY (the line above the
  // table has a link to hide or show each); none hidden by default.
  std::vector<ColumnGroup> column_groups;
};

// The columns a form offers filters for when the page does not say.
inline const std::vector<std::string> kFilterColumns = {"provider", "pod", "rule", "kind", "status", "department_type"};
inline constexpr size_t kMaxTableText = 200;  // characters of q= and of a filter's value
inline constexpr size_t kNoColumn = static_cast<size_t>(-1);

// What a request asks of a table, checked against it.
struct TableState {
  size_t sort = kNoColumn;  // column index; kNoColumn = the table's own order
  SortDirection direction = SortDirection::kAscending;
  std::string text;  // q=
  std::vector<std::pair<size_t, std::string>> filters;  // column index, value; in column order
  size_t band = kNoColumn;  // the value column min_pence and max_pence apply to
  std::optional<int64_t> min_pence, max_pence;
  size_t page = 1;
  MoneyDisplay money;  // money=, neg=
  std::vector<std::string> hidden_groups;  // hide=, in the options' group order
};

// Reads the parameters above from `query` (every other key is ignored; a
// key given twice counts once, the first time, like http::Request::Query).
Result<TableState> ParseTableState(const report::ReportTable& table,
                                   const std::vector<std::pair<std::string, std::string>>& query,
                                   const TableOptions& options);

// The rows a state asks for.
struct TableSlice {
  report::ReportTable table;  // same title, columns and notes: the page's rows, then the total rows
  std::vector<size_t> source_rows;  // for each row of `table`, its index in the original
  size_t data_rows = 0;  // rows in the original, totals apart
  size_t matching = 0;   // of them, those the filters keep
  size_t first = 0;      // index among the matching rows of the page's first row
  size_t page = 1, pages = 1;
};

// Filters, then sorts (stable: equal rows keep the table's order; empty and
// suppressed cells last in either direction; numbers by value, text by
// case-folded bytes), then takes the page.
TableSlice SliceTable(const report::ReportTable& table, const TableState& state, size_t page_size);

// The link to the view `state` describes: the kept parameters, then the
// state's, in a fixed order, leaving out defaults (page 1, no filter).
std::string TableLink(const report::ReportTable& table, const TableState& state, const TableOptions& options);

// The whole view as HTML: the filter form (GET; a choice of values for the
// filter columns, free text, the value band, Show and Clear), "Rows 1–100 of
// 3,549" and the order, the table with headings that sort (a heading's link
// sorts by its column, and again the other way; money columns also largest
// first either way) and sticky identifying columns in a scrolling box, then
// Previous/Next links that keep every other parameter. `link` is given the
// slice's table, so a drill-down keeps working on any page and order.
Result<std::string> InteractiveTableHtml(const report::ReportTable& table,
                                         const std::vector<std::pair<std::string, std::string>>& query,
                                         const TableOptions& options, const CellLink& link = {});

}  // namespace csu::web
