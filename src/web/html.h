// HTML for the web pages: escaping, the page frame every page shares, and a
// report::ReportTable as an accessible <table>. Server-rendered, no inline
// script or style (the CSP forbids both): looks come from /static/app.css.
//
//   PageFrame f{.title = "Contract monitoring", .user = "alice", ...};
//   std::string html = RenderPage(f, "<p>" + Escape(text) + "</p>");
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/report_table.h"

namespace csu::web {

// Escapes & < > " ' for text and attribute values; invalid UTF-8 and
// control characters are replaced.
std::string Escape(std::string_view text);
// Percent-encodes a query-string or path value.
std::string UrlEncode(std::string_view text);

struct NavLink {
  std::string href;
  std::string label;
  bool current = false;
};

struct PageFrame {
  std::string title;             // <title> and the page's <h1>
  std::string subtitle;          // under the heading: CCG, period
  std::string user;              // signed-in user's name; empty on the sign-in page
  std::string role;              // shown beside the user
  std::string csrf_token;        // for the sign-out form
  std::vector<NavLink> nav;      // section links
};

// The whole document: header with the product name, navigation, the user
// and a sign-out button, the heading, `body_html` (already escaped), footer.
std::string RenderPage(const PageFrame& frame, std::string_view body_html);

// Form parts every form shares. `id` is unique on the page (several forms
// of one page may have a field of the same `name`); `attributes` is trusted
// HTML such as "required"; values and labels are escaped here.
std::string InputField(std::string_view id, std::string_view name, std::string_view label, std::string_view type,
                       std::string_view value = "", std::string_view attributes = "");
// A <select> of (value, text) options; `selected` is the value chosen.
std::string SelectField(std::string_view id, std::string_view name, std::string_view label,
                        const std::vector<std::pair<std::string, std::string>>& options,
                        std::string_view selected = "");
// The hidden field carrying a POST form's CSRF token.
std::string CsrfField(std::string_view token);

// A result ("Recorded: ...") in a status panel, or an error in an alert.
std::string NoticePanel(std::string_view message, bool error);

// A headline figure: label, value and a line of detail, in a .card box;
// `cls` ("over", "under") colours the value.
std::string CardHtml(const std::string& label, const std::string& value, const std::string& detail,
                     const std::string& cls = "");

// A link for a cell, or "" for none: lets a page make figures drill down.
using CellLink = std::function<std::string(const report::ReportTable&, size_t row, size_t column)>;

// A column kept in view while the table scrolls sideways: `left` is its
// offset from the box's edge and `width` its fixed width, both in whole rem
// (the style sheet has a class for each, 0 to kMaxStickyRem: the CSP allows
// no inline style, so offsets cannot be written per cell).
struct StickyColumn {
  size_t column = 0;
  int left = 0;
  int width = 0;
};
inline constexpr int kMaxStickyRem = 48;

// The identifying columns to keep in view, among `names` (machine names, in
// table order; names the table lacks are skipped), each as wide as its
// longest heading or text needs, from 4 to 16 rem (longer text is cut with
// "…" and shown whole in a tooltip), while they fit in 30 rem together.
// `max_width` lowers the 16 rem for a table that must fit the screen.
std::vector<StickyColumn> StickyColumns(const report::ReportTable& table, const std::vector<std::string>& names,
                                        int max_width = 16);

// How money is shown on screen (docs/web.md, "Money"): in pounds and pence
// (exact, the default), in whole pounds, in thousands or in millions of
// pounds, and negatives with a minus or in brackets. Display only: a cell
// shown rounded carries the exact amount in its tooltip, and exports and
// JSON always hold exact pence.
enum class MoneyUnit { kPence, kPounds, kThousands, kMillions };
struct MoneyDisplay {
  MoneyUnit unit = MoneyUnit::kPence;
  bool brackets = false;  // −£1,234.56 as (£1,234.56)
};
// 123456789 pence: "£1,234,567.89"; pounds "£1,234,568"; thousands "1,235";
// millions "1.23"; rounded half away from zero; with brackets
// "(£1,234,567.89)".
std::string MoneyText(int64_t pence, const MoneyDisplay& display);
// A money column's heading in a unit: "Plan £ (YTD)" -> "Plan £000s (YTD)";
// a label without "£" gets " (£000s)" or " (£m)".
std::string MoneyLabel(const std::string& label, const MoneyDisplay& display);

// How a table is laid out beyond its data. Empty vectors mean none.
struct TableLayout {
  // Per column: the link its heading sorts by ("" = a plain heading) and its
  // aria-sort value ("ascending", "descending", "other"; "" = none).
  std::vector<std::string> sort_href;
  std::vector<std::string> aria_sort;
  std::vector<StickyColumn> sticky;
  // A box of at most most of the window's height that scrolls both ways, so
  // the sticky heading row stays in view while the rows scroll under it.
  bool scroll_box = false;
  // Shown in place of "No rows for this period." when there are no rows.
  std::string empty_message;
  MoneyDisplay money;
  // Rows that can be chosen for a form elsewhere on the page (HTML's form=
  // attribute, so the table need not sit inside that form): a checkbox
  // named "id" with the row's text in column select_column, in that cell,
  // for the form with id select_form; `selected` values start ticked.
  std::string select_form;
  size_t select_column = static_cast<size_t>(-1);
  std::set<std::string> selected;
  // Plain text folded under a cell ("Why this price"), or "" for none: a
  // challenge's record's price explanation beside its reason.
  std::function<std::string(const report::ReportTable&, size_t row, size_t column)> cell_details;
};

// The table with a caption (its title), column headers with scope, numbers
// right-aligned, total rows in <tfoot>, its notes below it. Every count,
// money, decimal and integer cell has thousands separators, except integer
// columns that name a thing rather than count it (IsIdentifierColumn).
// Money follows layout.money. A text column named "status" holding Red,
// Amber or Green shows it as a coloured badge with the word in it (the
// colour is never the only sign); a text column named "explanation" (a
// record's price explanation) is folded in a <details> element.
std::string TableHtml(const report::ReportTable& table, const CellLink& link = {}, const TableLayout& layout = {});

// Integer columns that are identifiers or calendar numbers (id, seq, batch,
// row, month, year): shown without thousands separators, because people
// type them back (a batch and row into `csu price explain`) or read them as
// labels.
bool IsIdentifierColumn(const report::Column& column);
// A cell as a page shows it (report::FormatCell with the rule above; money
// as `money` says; dates in text columns named "date" or "*_date" as UK
// dates, "3 May 2018").
std::string HtmlCellText(const report::Column& column, const report::Cell& cell, const MoneyDisplay& money = {});
// The words a page shows for an internal identifier in a text column:
// a challenge rule ("fu-ratio" -> "Follow-up ratio") or a record kind
// ("op" -> "Outpatient"); any other text unchanged. Filters and links keep
// the identifier.
std::string FriendlyText(std::string_view column, std::string_view text);
// "2018-05-03" -> "3 May 2018"; any other text unchanged.
std::string UkDate(std::string_view iso);
// "2026-12-07T03:17:46Z" (UTC, as the platform stores times) as UK local time
// to the minute, "7 Dec 2026 03:17" (GMT) or "7 Jul 2026 04:17 BST"; any
// other text unchanged. Text columns named `at` or `*_at` show this way.
std::string UkTime(std::string_view iso_utc);

}  // namespace csu::web
