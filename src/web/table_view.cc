#include "web/table_view.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/money.h"
#include "core/text.h"
#include "report/render.h"

namespace csu::web {

namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

bool IsNumber(ColumnType t) { return t != ColumnType::kText; }

std::string Fold(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

std::string ColumnList(const ReportTable& t, bool text_only) {
  std::string out;
  for (const report::Column& c : t.columns) {
    if (text_only && c.type != ColumnType::kText) continue;
    out += (out.empty() ? "" : ", ") + c.name;
  }
  return out;
}

std::string DirectionName(SortDirection d) {
  switch (d) {
    case SortDirection::kAscending:
      return "asc";
    case SortDirection::kDescending:
      return "desc";
    case SortDirection::kLargestFirst:
      return "abs";
  }
  return "asc";
}

SortDirection NaturalDirection(const report::Column& c) {
  return IsNumber(c.type) ? SortDirection::kDescending : SortDirection::kAscending;
}

std::string UnitName(MoneyUnit u) {
  switch (u) {
    case MoneyUnit::kPence:
      return "pence";
    case MoneyUnit::kPounds:
      return "pounds";
    case MoneyUnit::kThousands:
      return "thousands";
    case MoneyUnit::kMillions:
      return "millions";
  }
  return "pence";
}

size_t ValueColumn(const ReportTable& t, const TableOptions& o) {
  if (!o.value_column.empty()) {
    const size_t c = t.ColumnIndex(o.value_column);
    return c < t.columns.size() && t.columns[c].type == ColumnType::kMoney ? c : kNoColumn;
  }
  for (size_t c = 0; c < t.columns.size(); ++c)
    if (t.columns[c].type == ColumnType::kMoney) return c;
  return kNoColumn;
}

// Rows that stay at the bottom: the totals, and a subtotal of every row that
// ends the table (monitoring's ALL), which is a total in all but name.
std::vector<bool> FooterRows(const ReportTable& t) {
  std::vector<bool> footer(t.rows.size(), false);
  for (size_t r : t.total_rows)
    if (r < footer.size()) footer[r] = true;
  size_t last = t.rows.size();
  while (last > 0 && footer[last - 1]) --last;
  if (last > 0) {
    for (const auto& [row, first] : t.subtotal_rows)
      if (row == last - 1 && first == 0) footer[row] = true;
  }
  return footer;
}

// The number a cell sorts by; nullopt for an empty, suppressed or non-finite
// cell, which sort last.
std::optional<double> NumberOf(const Cell& cell) {
  if (cell.kind == Cell::Kind::kNumber) return static_cast<double>(cell.number);
  if (cell.kind == Cell::Kind::kReal && std::isfinite(cell.real)) return cell.real;
  return std::nullopt;
}

Result<int64_t> Amount(std::string_view key, std::string_view text) {
  auto m = Money::Parse(text);
  if (!m.ok()) return Error{std::string(key), "an amount in pounds, such as 1000 or £1,000.50"};
  return m.value().pence();
}

}  // namespace

Result<TableState> ParseTableState(const ReportTable& t, const std::vector<std::pair<std::string, std::string>>& query,
                                   const TableOptions& o) {
  TableState s;
  std::map<std::string, std::string> seen;  // first value of each key
  for (const auto& [k, v] : query) seen.emplace(k, v);
  auto get = [&seen](const std::string& k) -> std::optional<std::string> {
    auto it = seen.find(k);
    if (it == seen.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  auto too_long = [](const std::string& v) { return v.size() > kMaxTableText; };

  std::optional<std::string> sort = get("sort"), dir = get("dir");
  // A page's default order is for the tables that have its column (the
  // challenges summary a CCG user sees has fewer columns than the list).
  if (!sort && t.ColumnIndex(o.default_sort) < t.columns.size()) {
    sort = o.default_sort;
    if (!dir) dir = DirectionName(o.default_direction);
  }
  if (sort) {
    s.sort = t.ColumnIndex(*sort);
    if (s.sort >= t.columns.size())
      return Error{"sort", "this table has no column \"" + *sort + "\"; its columns are " + ColumnList(t, false)};
    const report::Column& col = t.columns[s.sort];
    s.direction = NaturalDirection(col);
    if (dir) {
      if (*dir == "asc") s.direction = SortDirection::kAscending;
      else if (*dir == "desc") s.direction = SortDirection::kDescending;
      else if (*dir == "abs" && IsNumber(col.type)) s.direction = SortDirection::kLargestFirst;
      else if (*dir == "abs") return Error{"dir", "abs (largest first either way) is for number columns"};
      else return Error{"dir", "asc, desc or abs"};
    }
  } else if (dir) {
    return Error{"dir", "a direction needs a column to sort by (sort=)"};
  }

  if (auto q = get("q")) {
    if (too_long(*q)) return Error{"q", "at most " + std::to_string(kMaxTableText) + " characters"};
    s.text = *q;
  }
  for (const auto& [k, v] : seen) {
    if (k.rfind("f_", 0) != 0 || v.empty()) continue;
    const std::string name = k.substr(2);
    const size_t c = t.ColumnIndex(name);
    if (c >= t.columns.size() || t.columns[c].type != ColumnType::kText)
      return Error{k, "this table has no text column \"" + name + "\" to filter by; its text columns are " +
                          ColumnList(t, true) + " (money is filtered with min= and max=)"};
    if (too_long(v)) return Error{k, "at most " + std::to_string(kMaxTableText) + " characters"};
    s.filters.emplace_back(c, v);
  }
  std::sort(s.filters.begin(), s.filters.end());

  s.band = ValueColumn(t, o);
  if ((get("min") || get("max")) && s.band == kNoColumn)
    return Error{"min", "this table has no money column to band"};
  for (const char* key : {"min", "max"}) {
    if (auto v = get(key)) {
      if (too_long(*v)) return Error{key, "an amount in pounds, such as 1000 or £1,000.50"};
      auto pence = Amount(key, *v);
      if (!pence.ok()) return pence.error();
      (std::string(key) == "min" ? s.min_pence : s.max_pence) = pence.value();
    }
  }
  if (s.min_pence && s.max_pence && *s.min_pence > *s.max_pence)
    return Error{"min", "the band's lower amount is above its upper one"};
  if (!get("min") && !get("max") && o.default_min_pence && s.band != kNoColumn) s.min_pence = o.default_min_pence;

  s.money.unit = o.money;
  if (auto m = get("money")) {
    if (*m == "pence") s.money.unit = MoneyUnit::kPence;
    else if (*m == "pounds") s.money.unit = MoneyUnit::kPounds;
    else if (*m == "thousands") s.money.unit = MoneyUnit::kThousands;
    else if (*m == "millions") s.money.unit = MoneyUnit::kMillions;
    else return Error{"money", "pence, pounds, thousands or millions"};
  }
  if (auto n = get("neg")) {
    if (*n != "minus" && *n != "brackets") return Error{"neg", "minus or brackets"};
    s.money.brackets = *n == "brackets";
  }
  if (auto p = get("page")) {
    size_t n = 0;
    const bool digits = p->size() <= 9 && std::all_of(p->begin(), p->end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (digits) n = std::stoul(*p);
    if (!digits || n == 0) return Error{"page", "a page number from 1"};
    s.page = n;
  }
  return s;
}

TableSlice SliceTable(const ReportTable& t, const TableState& s, size_t page_size) {
  page_size = std::max<size_t>(page_size, 1);
  const std::vector<bool> footer = FooterRows(t);
  TableSlice out;
  std::vector<size_t> rows;
  const std::string needle = Fold(s.text);
  std::vector<std::pair<size_t, std::string>> filters;
  for (const auto& [c, v] : s.filters) filters.emplace_back(c, Fold(v));
  const bool band = s.band < t.columns.size() && (s.min_pence || s.max_pence);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (footer[r]) continue;
    ++out.data_rows;
    const auto& row = t.rows[r];
    auto keep = [&] {
      for (const auto& [c, v] : filters)
        if (c >= row.size() || row[c].kind != Cell::Kind::kText || Fold(row[c].text) != v) return false;
      if (band) {
        // An empty or suppressed amount is in no band: its value is unknown.
        if (s.band >= row.size() || row[s.band].kind != Cell::Kind::kNumber) return false;
        const int64_t v = row[s.band].number;
        if ((s.min_pence && v < *s.min_pence) || (s.max_pence && v > *s.max_pence)) return false;
      }
      if (needle.empty()) return true;
      for (size_t c = 0; c < row.size() && c < t.columns.size(); ++c)
        if (row[c].kind == Cell::Kind::kText && Fold(row[c].text).find(needle) != std::string::npos) return true;
      return false;
    };
    if (keep()) rows.push_back(r);
  }
  if (s.sort < t.columns.size()) {
    const size_t c = s.sort;
    const Cell none;
    auto cell = [&](size_t r) -> const Cell& { return c < t.rows[r].size() ? t.rows[r][c] : none; };
    if (IsNumber(t.columns[c].type)) {
      std::vector<std::pair<std::optional<double>, size_t>> keyed;
      for (size_t r : rows) {
        std::optional<double> v = NumberOf(cell(r));
        if (v && s.direction == SortDirection::kLargestFirst) v = std::fabs(*v);
        keyed.emplace_back(v, r);
      }
      const bool ascending = s.direction == SortDirection::kAscending;
      std::stable_sort(keyed.begin(), keyed.end(), [ascending](const auto& a, const auto& b) {
        if (!a.first || !b.first) return a.first.has_value() && !b.first.has_value();
        return ascending ? (*a.first) < (*b.first) : (*a.first) > (*b.first);
      });
      for (size_t i = 0; i < rows.size(); ++i) rows[i] = keyed[i].second;
    } else {
      std::vector<std::pair<std::optional<std::string>, size_t>> keyed;
      for (size_t r : rows) {
        const Cell& x = cell(r);
        keyed.emplace_back(x.kind == Cell::Kind::kText && !x.text.empty() ? std::optional(Fold(x.text)) : std::nullopt,
                           r);
      }
      const bool ascending = s.direction != SortDirection::kDescending;
      std::stable_sort(keyed.begin(), keyed.end(), [ascending](const auto& a, const auto& b) {
        if (!a.first || !b.first) return a.first.has_value() && !b.first.has_value();
        return ascending ? (*a.first) < (*b.first) : (*a.first) > (*b.first);
      });
      for (size_t i = 0; i < rows.size(); ++i) rows[i] = keyed[i].second;
    }
  }
  out.matching = rows.size();
  out.pages = std::max<size_t>(1, (rows.size() + page_size - 1) / page_size);
  out.page = s.page;
  // At most 999,999,999 pages of page_size rows: no overflow in 64 bits.
  out.first = std::min(rows.size(), (s.page - 1) * page_size);
  const size_t end = std::min(rows.size(), out.first + page_size);
  out.table = ReportTable(t.title, t.columns);
  out.table.notes = t.notes;
  for (size_t i = out.first; i < end; ++i) {
    out.table.rows.push_back(t.rows[rows[i]]);
    out.source_rows.push_back(rows[i]);
  }
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (!footer[r]) continue;
    out.table.total_rows.push_back(out.table.rows.size());
    out.table.rows.push_back(t.rows[r]);
    out.source_rows.push_back(r);
  }
  return out;
}

namespace {

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [k, v] : params) q += (q.empty() ? "?" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
  return q;
}

// The parameters of a state, the kept ones first, defaults left out.
std::vector<std::pair<std::string, std::string>> Params(const ReportTable& t, const TableState& s,
                                                        const TableOptions& o) {
  std::vector<std::pair<std::string, std::string>> p = o.keep;
  if (!s.text.empty()) p.emplace_back("q", s.text);
  for (const auto& [c, v] : s.filters) p.emplace_back("f_" + t.columns[c].name, v);
  if (s.min_pence) p.emplace_back("min", Money::FromPence(*s.min_pence).ToDecimal());
  if (s.max_pence) p.emplace_back("max", Money::FromPence(*s.max_pence).ToDecimal());
  if (s.sort < t.columns.size()) {
    p.emplace_back("sort", t.columns[s.sort].name);
    p.emplace_back("dir", DirectionName(s.direction));
  }
  if (s.money.unit != o.money) p.emplace_back("money", UnitName(s.money.unit));
  if (s.money.brackets) p.emplace_back("neg", "brackets");
  if (s.page > 1) p.emplace_back("page", std::to_string(s.page));
  if (!s.hidden_groups.empty()) {
    std::string hide;
    for (const std::string& g : s.hidden_groups) hide += (hide.empty() ? "" : ",") + g;
    p.emplace_back("hide", hide);
  }
  return p;
}

// hide=KEY,KEY: the groups to hide, in the options' order; an unknown key is
// refused, naming the groups there are.
Result<std::vector<std::string>> HiddenGroups(const std::vector<std::pair<std::string, std::string>>& query,
                                              const TableOptions& o) {
  std::vector<std::string> hidden;
  const auto it = std::find_if(query.begin(), query.end(), [](const auto& kv) { return kv.first == "hide"; });
  if (it == query.end() || it->second.empty()) return hidden;
  if (it->second.size() > kMaxTableText) return Error{"hide", "at most " + std::to_string(kMaxTableText) + " characters"};
  std::string known;
  for (const ColumnGroup& g : o.column_groups) known += (known.empty() ? "" : ", ") + g.key;
  std::set<std::string> asked;
  for (std::string_view part : Split(it->second, ',')) {
    const auto g = std::find_if(o.column_groups.begin(), o.column_groups.end(),
                                [&](const ColumnGroup& x) { return x.key == part; });
    if (g == o.column_groups.end())
      return Error{"hide", "\"" + std::string(part) + "\" is not a column group of this table" +
                               (known.empty() ? std::string(" (it has none)") : "; its groups are " + known)};
    asked.insert(g->key);
  }
  for (const ColumnGroup& g : o.column_groups)
    if (asked.count(g.key)) hidden.push_back(g.key);
  return hidden;
}

// The table without the hidden groups' columns.
ReportTable WithoutGroups(const ReportTable& t, const TableOptions& o, const std::vector<std::string>& hidden) {
  std::set<std::string> drop;
  for (const ColumnGroup& g : o.column_groups)
    if (std::find(hidden.begin(), hidden.end(), g.key) != hidden.end()) drop.insert(g.columns.begin(), g.columns.end());
  ReportTable out = t;
  out.columns.clear();
  std::vector<size_t> keep;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (drop.count(t.columns[c].name)) continue;
    keep.push_back(c);
    out.columns.push_back(t.columns[c]);
  }
  for (size_t r = 0; r < t.rows.size(); ++r) {
    out.rows[r].clear();
    for (size_t c : keep) out.rows[r].push_back(t.rows[r][c]);
  }
  return out;
}

// "Columns: This month (hide) · Year to date (show) ...": each link keeps the
// view and toggles one group; the order is dropped if its column would go.
std::string GroupLinks(const ReportTable& full, const ReportTable& shown, const TableState& s, const TableOptions& o) {
  if (o.column_groups.empty()) return "";
  std::string h = "<p class=\"column-groups\">Columns: ";
  bool first = true;
  for (const ColumnGroup& g : o.column_groups) {
    const bool hidden = std::find(s.hidden_groups.begin(), s.hidden_groups.end(), g.key) != s.hidden_groups.end();
    std::vector<std::string> next;
    for (const ColumnGroup& x : o.column_groups) {
      const bool was = std::find(s.hidden_groups.begin(), s.hidden_groups.end(), x.key) != s.hidden_groups.end();
      if (x.key == g.key ? !was : was) next.push_back(x.key);
    }
    TableState toggled = s;
    toggled.hidden_groups = next;
    toggled.page = 1;
    // Links are written against the table as it will be shown: the sort
    // column by name, dropped if hiding this group removes it.
    const ReportTable after = WithoutGroups(full, o, next);
    if (s.sort < shown.columns.size()) {
      const size_t at = after.ColumnIndex(shown.columns[s.sort].name);
      toggled.sort = at < after.columns.size() ? at : kNoColumn;
    }
    std::vector<std::pair<size_t, std::string>> filters;
    for (const auto& [c, v] : s.filters) {
      const size_t at = after.ColumnIndex(shown.columns[c].name);
      if (at < after.columns.size()) filters.emplace_back(at, v);
    }
    toggled.filters = filters;
    h += std::string(first ? "" : " · ") + Escape(g.label) + " <a href=\"" +
         Escape(o.path + Query(Params(after, toggled, o))) + "\">" + (hidden ? "show" : "hide") + "</a>";
    first = false;
  }
  return h + "</p>\n";
}

std::string Thousands(size_t n) { return WithThousands(static_cast<int64_t>(n)); }

// What the order is, in words.
std::string OrderText(const ReportTable& t, const TableState& s) {
  if (s.sort >= t.columns.size()) return "in the table's own order";
  const report::Column& c = t.columns[s.sort];
  const std::string label = c.label.empty() ? c.name : c.label;
  switch (s.direction) {
    case SortDirection::kAscending:
      return "sorted by " + label + (IsNumber(c.type) ? ", smallest first" : ", A to Z");
    case SortDirection::kDescending:
      return "sorted by " + label + (IsNumber(c.type) ? ", largest first" : ", Z to A");
    case SortDirection::kLargestFirst:
      return "sorted by " + label + ", largest first either way (by size, minus or plus)";
  }
  return {};
}

std::vector<std::string> DefaultSticky(const ReportTable& t) {
  std::vector<std::string> names;
  for (const report::Column& c : t.columns) {
    if (c.type != ColumnType::kText) break;
    if (c.name != "commissioner") names.push_back(c.name);
  }
  return names;
}

// The values a filter's choice offers: those of the table's rows, sorted;
// a column with more than this many distinct values gets a text box.
constexpr size_t kMaxChoices = 200;

std::string FilterForm(const ReportTable& t, const TableState& s, const TableOptions& o) {
  std::string h = "<form class=\"filters table-filters\" method=\"get\" action=\"" + Escape(o.path) + "\">";
  for (const auto& [k, v] : o.keep)
    h += "<input type=\"hidden\" name=\"" + Escape(k) + "\" value=\"" + Escape(v) + "\">";
  if (s.sort < t.columns.size()) {
    h += "<input type=\"hidden\" name=\"sort\" value=\"" + Escape(t.columns[s.sort].name) + "\">";
    h += "<input type=\"hidden\" name=\"dir\" value=\"" + DirectionName(s.direction) + "\">";
  }
  if (!s.hidden_groups.empty()) {
    std::string hide;
    for (const std::string& g : s.hidden_groups) hide += (hide.empty() ? "" : ",") + g;
    h += "<input type=\"hidden\" name=\"hide\" value=\"" + Escape(hide) + "\">";
  }
  const std::vector<std::string>& wanted = o.filter_columns.empty() ? kFilterColumns : o.filter_columns;
  const std::vector<bool> footer = FooterRows(t);
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const report::Column& col = t.columns[c];
    if (col.type != ColumnType::kText || std::find(wanted.begin(), wanted.end(), col.name) == wanted.end()) continue;
    std::string current;
    for (const auto& [fc, v] : s.filters)
      if (fc == c) current = v;
    std::vector<std::string> values;
    for (size_t r = 0; r < t.rows.size(); ++r)
      if (!footer[r] && c < t.rows[r].size() && t.rows[r][c].kind == Cell::Kind::kText && !t.rows[r][c].text.empty())
        values.push_back(t.rows[r][c].text);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    const std::string id = "f_" + col.name;
    const std::string label = col.label.empty() ? col.name : col.label;
    if (values.size() > kMaxChoices) {
      h += InputField(id, id, label, "text", current, "maxlength=\"200\"");
      continue;
    }
    std::vector<std::pair<std::string, std::string>> options = {{"", "All"}};
    bool listed = current.empty();
    for (const std::string& v : values) {
      options.emplace_back(v, FriendlyText(col.name, v));
      listed = listed || Fold(v) == Fold(current);
    }
    // A value from a link that no row has still shows as chosen.
    if (!listed) options.emplace_back(current, current);
    std::string chosen = current;
    for (const std::string& v : values)
      if (Fold(v) == Fold(current)) chosen = v;
    h += SelectField(id, id, label, options, chosen);
  }
  h += InputField("q", "q", "Contains", "search", s.text, "maxlength=\"200\"");
  if (s.band < t.columns.size()) {
    const report::Column& col = t.columns[s.band];
    const std::string label = col.label.empty() ? col.name : col.label;
    h += InputField("min", "min", label + " from", "text",
                    s.min_pence ? Money::FromPence(*s.min_pence).ToDecimal() : "", "inputmode=\"decimal\" size=\"10\"");
    h += InputField("max", "max", "to", "text", s.max_pence ? Money::FromPence(*s.max_pence).ToDecimal() : "",
                    "inputmode=\"decimal\" size=\"10\"");
  }
  const bool has_money =
      std::any_of(t.columns.begin(), t.columns.end(), [](const report::Column& c) { return c.type == ColumnType::kMoney; });
  if (has_money) {
    h += SelectField("money", "money", "Money in",
                     {{"pence", "£.p"}, {"pounds", "£"}, {"thousands", "£000s"}, {"millions", "£m"}},
                     UnitName(s.money.unit));
    h += SelectField("neg", "neg", "Negatives", {{"minus", "-£5"}, {"brackets", "(£5)"}},
                     s.money.brackets ? "brackets" : "minus");
  }
  h += "<div><button class=\"primary\" type=\"submit\">Show</button></div>";
  h += "<div><a href=\"" + Escape(o.path + Query(o.keep)) + "\">Clear</a></div></form>\n";
  return h;
}

}  // namespace

std::string TableLink(const ReportTable& t, const TableState& s, const TableOptions& o) {
  return o.path + Query(Params(t, s, o));
}

Result<std::string> InteractiveTableHtml(const ReportTable& t_in,
                                         const std::vector<std::pair<std::string, std::string>>& query,
                                         const TableOptions& o, const CellLink& link) {
  auto hidden = HiddenGroups(query, o);
  if (!hidden.ok()) return hidden.error();
  const ReportTable& full = t_in;
  const ReportTable reduced = hidden.value().empty() ? ReportTable{} : WithoutGroups(full, o, hidden.value());
  const ReportTable& t = hidden.value().empty() ? full : reduced;
  auto parsed = ParseTableState(t, query, o);
  if (!parsed.ok()) return parsed.error();
  parsed.value().hidden_groups = hidden.value();
  const TableState& s = parsed.value();
  const TableSlice slice = SliceTable(t, s, o.page_size);

  std::string h = FilterForm(t, s, o);
  const bool filtered = slice.matching != slice.data_rows;
  std::string count;
  if (slice.data_rows == 0) {
    count = "No rows";
  } else if (slice.matching == 0) {
    count = "No rows match";
  } else if (slice.table.rows.size() == slice.table.total_rows.size()) {
    count = "No rows on page " + Thousands(s.page) + " of " + Thousands(slice.pages) + " (" +
            Thousands(slice.matching) + " rows)";
  } else {
    const size_t shown = slice.table.rows.size() - slice.table.total_rows.size();
    count = "Rows " + Thousands(slice.first + 1) + "–" + Thousands(slice.first + shown) + " of " +
            Thousands(slice.matching);
  }
  if (filtered) count += " (" + Thousands(slice.data_rows) + " rows in all)";
  count += ", " + OrderText(t, s) + ".";
  h += "<p class=\"table-count\" role=\"status\">" + Escape(count) + "</p>\n";
  h += GroupLinks(full, t, s, o);

  TableLayout layout;
  layout.scroll_box = true;
  layout.sticky = StickyColumns(t, o.sticky_columns.empty() ? DefaultSticky(t) : o.sticky_columns, o.sticky_max_rem);
  layout.empty_message = filtered ? "No rows match these filters." : "No rows for this period.";
  layout.money = s.money;
  layout.cell_details = o.cell_details;
  if (!o.select_form.empty() && t.ColumnIndex(o.select_column) < t.columns.size()) {
    layout.select_form = o.select_form;
    layout.select_column = t.ColumnIndex(o.select_column);
    layout.selected = o.selected;
  }
  for (size_t c = 0; c < t.columns.size(); ++c) {
    TableState next = s;
    next.page = 1;
    next.sort = c;
    const bool money = t.columns[c].type == ColumnType::kMoney;
    std::string aria;
    if (s.sort == c) {
      switch (s.direction) {
        case SortDirection::kAscending:
          aria = "ascending";
          next.direction = SortDirection::kDescending;
          break;
        case SortDirection::kDescending:
          aria = "descending";
          // Money may be minus or plus (a variance): its third order is by size.
          next.direction = money ? SortDirection::kLargestFirst : SortDirection::kAscending;
          break;
        case SortDirection::kLargestFirst:
          aria = "other";
          next.direction = SortDirection::kAscending;
          break;
      }
    } else {
      next.direction = NaturalDirection(t.columns[c]);
    }
    layout.aria_sort.push_back(aria);
    layout.sort_href.push_back(TableLink(t, next, o));
  }
  // Totals are of the whole table: a total of only the rows shown would
  // need the unrounded figures disclosure control has already rounded, and
  // a monitoring ALL row nets contract rules no row carries.
  report::ReportTable shown = slice.table;
  if (filtered && !shown.total_rows.empty())
    shown.notes.insert(shown.notes.begin(), "The total rows are of all " + Thousands(slice.data_rows) +
                                                " rows, not only those the filters keep.");
  h += TableHtml(shown, link, layout);

  std::string pager;
  if (s.page > 1) {
    TableState prev = s;
    prev.page = std::min(s.page - 1, slice.pages);
    pager += "<a href=\"" + Escape(TableLink(t, prev, o)) + "\" rel=\"prev\">Previous page</a> ";
  }
  if (s.page < slice.pages) {
    TableState next = s;
    next.page = s.page + 1;
    pager += "<a href=\"" + Escape(TableLink(t, next, o)) + "\" rel=\"next\">Next page</a> ";
  }
  if (!pager.empty())
    h += "<nav class=\"pager\" aria-label=\"Pages of " + Escape(t.title) + "\"><p>" + pager + "<span>page " +
         Thousands(s.page) + " of " + Thousands(slice.pages) +
         "</span></p></nav>\n";
  return h;
}

}  // namespace csu::web
