#include "web/html.h"

#include <algorithm>
#include <cstdio>

#include "core/date.h"
#include "core/money.h"
#include "core/text.h"
#include "core/uk_time.h"
#include "report/render.h"
#include "spc/svg_chart.h"
#include "web/templates.h"

namespace csu::web {

// HTML text and attribute values need the same five escapes as the SVG the
// spc module writes, and the same care with invalid UTF-8 and control
// characters (replaced, so a page is always well formed): one function.
std::string Escape(std::string_view text) { return spc::XmlEscape(text); }

std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string InputField(std::string_view id, std::string_view name, std::string_view label, std::string_view type,
                       std::string_view value, std::string_view attributes) {
  TemplateData d;
  d.set("id", std::string(id));
  d.set("name", std::string(name));
  d.set("label", std::string(label));
  d.set("type", std::string(type));
  SetIfNotEmpty(d, "value", value);
  SetIfNotEmpty(d, "attributes_html", attributes);
  return RenderTemplate("input_field", d);
}

std::string SelectField(std::string_view id, std::string_view name, std::string_view label,
                        const std::vector<std::pair<std::string, std::string>>& options, std::string_view selected) {
  TemplateData d;
  d.set("id", std::string(id));
  d.set("name", std::string(name));
  d.set("label", std::string(label));
  TemplateData list{TemplateData::type::list};
  for (const auto& [value, text] : options) {
    TemplateData o;
    o.set("value", value);
    o.set("text", text);
    if (value == selected) o.set("selected", true);
    list.push_back(o);
  }
  d.set("options", list);
  return RenderTemplate("select_field", d);
}

std::string CsrfField(std::string_view token) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(token) + "\">";
}

std::string NoticePanel(std::string_view message, bool error) {
  TemplateData d;
  d.set("message", std::string(message));
  if (error) d.set("error", true);
  return RenderTemplate("notice", d);
}

std::string RenderPage(const PageFrame& f, std::string_view body_html) {
  TemplateData d;
  d.set("title", f.title);
  SetIfNotEmpty(d, "subtitle", f.subtitle);
  if (!f.user.empty()) {
    d.set("user", f.user);
    d.set("role", f.role);
    d.set("csrf_token", f.csrf_token);
  }
  if (!f.nav.empty()) {
    d.set("has_nav", true);
    TemplateData nav{TemplateData::type::list};
    for (const NavLink& l : f.nav) {
      TemplateData link;
      link.set("href", l.href);
      link.set("label", l.label);
      if (l.current) link.set("current", true);
      nav.push_back(link);
    }
    d.set("nav", nav);
  }
  d.set("body_html", std::string(body_html));
  return RenderTemplate("page", d);
}

namespace {

bool IsNumeric(report::ColumnType t) { return t != report::ColumnType::kText; }

std::string Fold(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

// A text cell longer than this is a sentence, not a code or a name: its
// column wraps (TableHtml).
constexpr size_t kProseChars = 60;

// Characters, not bytes: a name with "£" or an accent is as wide as its letters.
size_t Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// Estimated rem a text needs at the table's font size plus the cell's
// padding: Arial at 0.92rem is about 0.5rem a lower-case character and up
// to 0.68 a capital, and codes are capitals (OPPROC), so 0.68.
int RemFor(size_t chars, double per_char) { return static_cast<int>(static_cast<double>(chars) * per_char + 1.25 + 0.99); }

}  // namespace

bool IsIdentifierColumn(const report::Column& c) {
  static const char* const kNames[] = {"id", "seq", "batch", "row", "month", "year"};
  for (const char* n : kNames)
    if (c.name == n) return true;
  return false;
}

std::string MoneyText(int64_t pence, const MoneyDisplay& d) {
  const bool negative = pence < 0;
  const Int128 magnitude = negative ? -static_cast<Int128>(pence) : static_cast<Int128>(pence);
  std::string text;
  switch (d.unit) {
    case MoneyUnit::kPence:
      text = Money::FromPence(static_cast<int64_t>(magnitude)).ToString();
      break;
    case MoneyUnit::kPounds:
      text = "£" + WithThousands(DivRoundHalfAway(magnitude, 100));
      break;
    case MoneyUnit::kThousands:
      text = WithThousands(DivRoundHalfAway(magnitude, 100'000));
      break;
    case MoneyUnit::kMillions: {
      // Hundredths of a million pounds: 10,000 pounds = 1,000,000 pence each.
      const int64_t hundredths = DivRoundHalfAway(magnitude, 1'000'000);
      const int64_t cents = hundredths % 100;
      text = WithThousands(hundredths / 100) + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
      break;
    }
  }
  if (!negative || text.find_first_not_of("£0.,") == std::string::npos) return text;
  return d.brackets ? "(" + text + ")" : "-" + text;
}

std::string MoneyLabel(const std::string& label, const MoneyDisplay& d) {
  if (d.unit == MoneyUnit::kPence || d.unit == MoneyUnit::kPounds) return label;
  const char* unit = d.unit == MoneyUnit::kThousands ? "£000s" : "£m";
  const size_t at = label.find("£");
  if (at == std::string::npos) return label + " (" + unit + ")";
  return label.substr(0, at) + unit + label.substr(at + std::string("£").size());
}

std::string UkDate(std::string_view iso) {
  auto d = Date::Parse(iso);
  if (iso.size() != 10 || !d.ok()) return std::string(iso);
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return std::to_string(d.value().day()) + " " + kMonths[d.value().month() - 1] + " " +
         std::to_string(d.value().year());
}

std::string UkTime(std::string_view iso_utc) {
  // The platform's timestamps: "YYYY-MM-DDTHH:MM[:SS[.fff]]Z".
  if (iso_utc.size() < 17 || iso_utc[10] != 'T' || iso_utc.back() != 'Z') return std::string(iso_utc);
  auto date = Date::Parse(iso_utc.substr(0, 10));
  auto hour = ParseInt(iso_utc.substr(11, 2)), minute = ParseInt(iso_utc.substr(14, 2));
  if (!date.ok() || !hour || !minute || iso_utc[13] != ':' || *hour > 23 || *minute > 59) return std::string(iso_utc);
  const DateTime utc = DateTime::At(date.value(), static_cast<int32_t>(*hour), static_cast<int32_t>(*minute));
  const DateTime local = UkLocalTime(utc);
  const int64_t minutes = ((local.minutes() % 1440) + 1440) % 1440;
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return UkDate(local.date().ToString()) + " " + hm + (IsBst(utc) ? " BST" : "");
}

std::string FriendlyText(std::string_view column, std::string_view text) {
  static const std::pair<const char*, const char*> kRules[] = {
      {"duplicate", "Duplicate"},
      {"readmission", "30-day readmission"},
      {"other-ccg", "Another CCG's patient"},
      {"fu-ratio", "Follow-up ratio"},
      {"zero-los-elective", "Zero-day elective"},
      {"unbundled-no-spell", "Unbundled, no spell"}};
  static const std::pair<const char*, const char*> kKinds[] = {
      {"apc", "Admitted"}, {"op", "Outpatient"}, {"ae", "A&E"}, {"aggregate", "Aggregate"}};
  auto look = [text](const auto& table) -> std::string {
    for (const auto& [id, words] : table)
      if (text == id) return words;
    return std::string(text);
  };
  if (column == "rule") return look(kRules);
  if (column == "kind") return look(kKinds);
  return std::string(text);
}

std::string HtmlCellText(const report::Column& column, const report::Cell& cell, const MoneyDisplay& money) {
  if (column.type == report::ColumnType::kText && cell.kind == report::Cell::Kind::kText &&
      (column.name == "rule" || column.name == "kind"))
    return FriendlyText(column.name, cell.text);
  if (column.type == report::ColumnType::kInteger && cell.kind == report::Cell::Kind::kNumber &&
      !IsIdentifierColumn(column))
    return WithThousands(cell.number);
  if (column.type == report::ColumnType::kMoney && cell.kind == report::Cell::Kind::kNumber)
    return MoneyText(cell.number, money);
  if (column.type == report::ColumnType::kText && cell.kind == report::Cell::Kind::kText &&
      (column.name == "date" || column.name.ends_with("_date")))
    return UkDate(cell.text);
  if (column.type == report::ColumnType::kText && cell.kind == report::Cell::Kind::kText &&
      (column.name == "at" || column.name.ends_with("_at")))
    return UkTime(cell.text);
  return report::FormatCell(column, cell);
}

std::vector<StickyColumn> StickyColumns(const report::ReportTable& t, const std::vector<std::string>& names,
                                        int max_width) {
  constexpr int kMinWidth = 4, kMaxTogether = 30;
  const int kMaxWidth = std::clamp(max_width, kMinWidth, 16);
  std::vector<StickyColumn> out;
  int left = 0;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (std::find(names.begin(), names.end(), t.columns[c].name) == names.end()) continue;
    const report::Column& col = t.columns[c];
    int width = RemFor(Chars(col.label.empty() ? col.name : col.label), 0.68);
    for (const auto& row : t.rows)
      if (c < row.size()) width = std::max(width, RemFor(Chars(HtmlCellText(col, row[c])), 0.68));
    width = std::clamp(width, kMinWidth, kMaxWidth);
    if (left + width > kMaxTogether) break;
    out.push_back({c, left, width});
    left += width;
  }
  return out;
}

std::string TableHtml(const report::ReportTable& t, const CellLink& link, const TableLayout& layout) {
  std::vector<const StickyColumn*> sticky(t.columns.size(), nullptr);
  for (const StickyColumn& s : layout.sticky)
    if (s.column < sticky.size() && s.left >= 0 && s.width > 0 && s.left + s.width <= kMaxStickyRem)
      sticky[s.column] = &s;
  const size_t last_sticky = layout.sticky.empty() ? t.columns.size() : layout.sticky.back().column;
  // A text column holding sentences (a reason, a note: any cell longer than
  // kProseChars) wraps inside a bounded width instead of stretching the
  // table past the screen, where its end could only be scrolled to.
  std::vector<bool> prose(t.columns.size(), false);
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (IsNumeric(t.columns[c].type) || t.columns[c].name == "explanation") continue;
    for (const auto& row : t.rows)
      if (c < row.size() && row[c].kind == report::Cell::Kind::kText && Chars(row[c].text) > kProseChars) {
        prose[c] = true;
        break;
      }
  }
  // Classes of a cell of column c: numbers right-aligned, sticky columns at
  // their offset and width, sentences wrapped.
  auto classes = [&](size_t c) {
    std::string cls = IsNumeric(t.columns[c].type) ? "num" : prose[c] && !sticky[c] ? "prose" : "";
    if (sticky[c]) {
      cls += std::string(cls.empty() ? "" : " ") + "stick l-" + std::to_string(sticky[c]->left) + " w-" +
             std::to_string(sticky[c]->width) + (c == last_sticky ? " stick-last" : "");
    }
    return cls.empty() ? std::string() : " class=\"" + cls + "\"";
  };
  // A caption scrolls sideways with its table: in a scrolling box the title
  // shows above the box, and the caption stays for screen readers.
  std::string h = layout.scroll_box ? "<p class=\"table-title\" aria-hidden=\"true\">" + Escape(t.title) + "</p>\n" : "";
  h += std::string("<div class=\"table-wrap") + (layout.scroll_box ? " scroll" : "") +
       "\" tabindex=\"0\" role=\"region\" aria-label=\"" + Escape(t.title) + "\">\n<table>\n<caption" +
       (layout.scroll_box ? " class=\"vh\"" : "") + ">" + Escape(t.title) + "</caption>\n<thead><tr>";
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const report::Column& col = t.columns[c];
    const std::string plain_label = col.label.empty() ? col.name : col.label;
    const std::string label =
        Escape(col.type == report::ColumnType::kMoney ? MoneyLabel(plain_label, layout.money) : plain_label);
    const std::string aria = c < layout.aria_sort.size() ? layout.aria_sort[c] : "";
    const std::string href = c < layout.sort_href.size() ? layout.sort_href[c] : "";
    h += "<th scope=\"col\"" + classes(c) + (aria.empty() ? "" : " aria-sort=\"" + Escape(aria) + "\"") + ">";
    if (href.empty()) {
      h += label;
    } else {
      const char* mark = aria == "ascending" ? "▲" : aria == "descending" ? "▼" : aria == "other" ? "⇅" : "";
      h += "<a class=\"sort\" href=\"" + Escape(href) + "\">" + label +
           (*mark ? std::string(" <span aria-hidden=\"true\">") + mark + "</span>" : "") + "</a>";
    }
    h += "</th>";
  }
  h += "</tr></thead>\n";
  auto row_html = [&](size_t r) {
    std::string s = "<tr>";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const report::Cell empty;
      const report::Cell& cell = c < t.rows[r].size() ? t.rows[r][c] : empty;
      const std::string plain = HtmlCellText(t.columns[c], cell, layout.money);
      std::string text = Escape(plain);
      const std::string href = link ? link(t, r, c) : "";
      if (!href.empty() && !text.empty()) text = "<a href=\"" + Escape(href) + "\">" + text + "</a>";
      if (c == layout.select_column && !layout.select_form.empty() && !t.IsTotalRow(r) &&
          cell.kind == report::Cell::Kind::kText && !cell.text.empty())
        text = "<input type=\"checkbox\" form=\"" + Escape(layout.select_form) + "\" name=\"id\" value=\"" +
               Escape(cell.text) + "\" aria-label=\"Choose " + Escape(cell.text) + "\"" +
               (layout.selected.count(cell.text) ? " checked" : "") + "> " + text;
      if (layout.cell_details && !t.IsTotalRow(r))
        if (const std::string more = layout.cell_details(t, r, c); !more.empty())
          text += "<details><summary>Why this price</summary><pre class=\"why\">" + Escape(more) + "</pre></details>";
      // A price explanation is several lines: folded, one click away.
      if (t.columns[c].name == "explanation" && cell.kind == report::Cell::Kind::kText && !plain.empty())
        text = "<details><summary>Why this price</summary><pre class=\"why\">" + text + "</pre></details>";
      if (t.columns[c].name == "status" && cell.kind == report::Cell::Kind::kText &&
          (plain == "Red" || plain == "Amber" || plain == "Green"))
        text = "<span class=\"rag rag-" + Fold(plain) + "\">" + text + "</span>";
      // A sticky cell may cut its text short: the tooltip has all of it; a
      // money cell shown in thousands or millions has its exact amount.
      std::string title = sticky[c] && cell.kind == report::Cell::Kind::kText && !plain.empty()
                              ? " title=\"" + Escape(plain) + "\""
                              : "";
      if (t.columns[c].type == report::ColumnType::kMoney && cell.kind == report::Cell::Kind::kNumber &&
          layout.money.unit != MoneyUnit::kPence)
        title = " title=\"" + Escape(Money::FromPence(cell.number).ToString()) + "\"";
      s += std::string(c == 0 ? "<th scope=\"row\"" : "<td") + classes(c) + title + ">" + text +
           (c == 0 ? "</th>" : "</td>");
    }
    return s + "</tr>\n";
  };
  h += "<tbody>\n";
  size_t data_rows = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (t.IsTotalRow(r)) continue;
    h += row_html(r);
    ++data_rows;
  }
  if (data_rows == 0)
    h += "<tr><td colspan=\"" + std::to_string(t.columns.size()) + "\">" +
         Escape(layout.empty_message.empty() ? "No rows for this period." : layout.empty_message) + "</td></tr>\n";
  h += "</tbody>\n";
  if (!t.total_rows.empty()) {
    h += "<tfoot>\n";
    for (size_t r : t.total_rows) h += row_html(r);
    h += "</tfoot>\n";
  }
  h += "</table>\n</div>\n";
  for (const std::string& n : t.notes) h += "<p class=\"note\">" + Escape(n) + "</p>\n";
  return h;
}

std::string CardHtml(const std::string& label, const std::string& value, const std::string& detail,
                     const std::string& cls) {
  TemplateData d;
  d.set("label", label);
  d.set("value", value);
  d.set("detail", detail);
  SetIfNotEmpty(d, "cls", cls);
  return RenderTemplate("card", d);
}

}  // namespace csu::web
