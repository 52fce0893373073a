// The table convention (web/table_view.h) on a table built here: sorting,
// filters, the value band, paging and its links, totals kept last, and
// hostile parameters answered clearly and escaped.
#include "web/table_view.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "web/style.h"

namespace csu::web {
namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;
using Query = std::vector<std::pair<std::string, std::string>>;

// Five providers' lines, a subtotal ending the table (like monitoring's ALL)
// and a total row.
ReportTable Lines() {
  ReportTable t("Contract monitoring", {{"commissioner", ColumnType::kText, "CCG"},
                                        {"provider", ColumnType::kText, "Provider"},
                                        {"pod", ColumnType::kText, "POD"},
                                        {"activity", ColumnType::kCount, "Activity"},
                                        {"variance", ColumnType::kMoney, "Variance £"},
                                        {"actual", ColumnType::kMoney, "Actual £"}});
  auto row = [&t](const char* provider, const char* pod, int64_t activity, int64_t variance, int64_t actual) {
    t.AddRow({Cell::Text("02E"), Cell::Text(provider), Cell::Text(pod), Cell::Count(activity), Cell::Pence(variance),
              Cell::Pence(actual)});
  };
  row("RBT", "EL", 1200, 5'000'00, 1'234'567'89);
  row("RJN", "NEL", 40, -90'000'00, 98'000'00);
  row("RBT", "OPFA", 7, 0, 150'00);
  row("RWW", "EL", 300, 12'000'00, 45'000'00);
  row("rbq", "AE", 2, 1'00, 200'00);
  t.AddRow({Cell::Text("02E"), Cell::Text("ALL"), Cell::Text("ALL"), Cell::Count(1549), Cell::Pence(-72'999'00),
            Cell::Pence(1'377'767'89)});
  t.MarkLastRowSubtotalFrom(0);
  t.AddTotalRow("Total");
  t.notes.push_back("Year to date.");
  return t;
}

std::vector<std::string> Providers(const TableSlice& s) {
  std::vector<std::string> out;
  for (size_t r = 0; r < s.table.rows.size(); ++r)
    if (!s.table.IsTotalRow(r)) out.push_back(s.table.rows[r][1].text);
  return out;
}

TableSlice Slice(const Query& q, size_t page_size = 100, const TableOptions& o = {}) {
  const ReportTable t = Lines();
  auto state = ParseTableState(t, q, o);
  EXPECT_TRUE(state.ok()) << state.error().ToString();
  return SliceTable(t, state.value(), page_size);
}

TEST(WebTableViewTest, SortingAMoneyColumnDescendingPutsTheLargestFirst) {
  EXPECT_EQ(Providers(Slice({{"sort", "actual"}, {"dir", "desc"}})),
            (std::vector<std::string>{"RBT", "RJN", "RWW", "rbq", "RBT"}));
  // A variance: plus first, then minus; largest first either way is by size.
  EXPECT_EQ(Providers(Slice({{"sort", "variance"}, {"dir", "desc"}})),
            (std::vector<std::string>{"RWW", "RBT", "rbq", "RBT", "RJN"}));
  EXPECT_EQ(Providers(Slice({{"sort", "variance"}, {"dir", "abs"}})),
            (std::vector<std::string>{"RJN", "RWW", "RBT", "rbq", "RBT"}));
  // A number column with no dir sorts largest first.
  EXPECT_EQ(Providers(Slice({{"sort", "activity"}})), (std::vector<std::string>{"RBT", "RWW", "RJN", "RBT", "rbq"}));
}

TEST(WebTableViewTest, SortingTextIgnoresCaseAndIsStable) {
  // rbq sorts as RBQ; the two RBT rows keep the table's order (EL, OPFA).
  const TableSlice asc = Slice({{"sort", "provider"}, {"dir", "asc"}});
  EXPECT_EQ(Providers(asc), (std::vector<std::string>{"rbq", "RBT", "RBT", "RJN", "RWW"}));
  EXPECT_EQ(asc.table.rows[1][2].text, "EL");
  EXPECT_EQ(asc.table.rows[2][2].text, "OPFA");
  const TableSlice desc = Slice({{"sort", "provider"}, {"dir", "desc"}});
  EXPECT_EQ(Providers(desc), (std::vector<std::string>{"RWW", "RJN", "RBT", "RBT", "rbq"}));
  EXPECT_EQ(desc.table.rows[2][2].text, "EL");
}

TEST(WebTableViewTest, EmptyAndSuppressedCellsSortLastEitherWay) {
  ReportTable t("t", {{"provider", ColumnType::kText}, {"n", ColumnType::kCount}});
  t.AddRow({Cell::Text("A"), Cell::Suppressed()});
  t.AddRow({Cell::Text("B"), Cell::Count(10)});
  t.AddRow({Cell::Text("C"), Cell{}});
  t.AddRow({Cell::Text("D"), Cell::Count(20)});
  for (const char* dir : {"asc", "desc"}) {
    auto s = ParseTableState(t, {{"sort", "n"}, {"dir", dir}}, {});
    ASSERT_TRUE(s.ok());
    const TableSlice slice = SliceTable(t, s.value(), 100);
    EXPECT_EQ(slice.table.rows[2][0].text, "A") << dir;
    EXPECT_EQ(slice.table.rows[3][0].text, "C") << dir;
  }
}

TEST(WebTableViewTest, FiltersNarrowTheRows) {
  EXPECT_EQ(Providers(Slice({{"f_provider", "rbt"}})), (std::vector<std::string>{"RBT", "RBT"}));
  EXPECT_EQ(Providers(Slice({{"f_provider", "RBT"}, {"f_pod", "EL"}})), (std::vector<std::string>{"RBT"}));
  EXPECT_EQ(Providers(Slice({{"q", "nel"}})), (std::vector<std::string>{"RJN"}));
  // The band is on the first money column unless the page names another, in pounds.
  EXPECT_EQ(Providers(Slice({{"min", "1,000"}})), (std::vector<std::string>{"RBT", "RWW"}));
  EXPECT_EQ(Providers(Slice({{"min", "-100000"}, {"max", "£0"}})), (std::vector<std::string>{"RJN", "RBT"}));
  TableOptions o;
  o.value_column = "actual";
  EXPECT_EQ(Providers(Slice({{"min", "100000"}}, 100, o)), (std::vector<std::string>{"RBT"}));
  const TableSlice none = Slice({{"f_provider", "RXX"}});
  EXPECT_EQ(none.matching, 0u);
  EXPECT_EQ(none.data_rows, 5u);
  // An empty value (a form's "All") filters nothing.
  EXPECT_EQ(Slice({{"f_provider", ""}, {"q", ""}, {"min", ""}}).matching, 5u);
}

// A page may hide £0 rows by default (challenges): the band's lower end is
// £0.01 until the request names min= or max=, and min=0 shows them.
TEST(WebTableViewTest, ADefaultBandHidesZeroRowsUntilAskedFor) {
  TableOptions o;
  o.default_min_pence = 1;
  // Variance £: RBT OPFA is £0 and RJN negative; both hidden by default.
  EXPECT_EQ(Providers(Slice({}, 100, o)), (std::vector<std::string>{"RBT", "RWW", "rbq"}));
  EXPECT_EQ(Slice({}, 100, o).matching, 3u);
  EXPECT_EQ(Providers(Slice({{"min", "0"}}, 100, o)), (std::vector<std::string>{"RBT", "RBT", "RWW", "rbq"}));
  EXPECT_EQ(Slice({{"max", "0"}}, 100, o).matching, 2u);  // a band asked for replaces the default
  EXPECT_EQ(Slice({{"min", ""}}, 100, o).matching, 3u);  // an empty value is no answer: the default stands
}

TEST(WebTableViewTest, TotalsStayLastOnEveryPageOrderAndFilter) {
  for (const Query& q : {Query{}, Query{{"sort", "actual"}, {"dir", "asc"}}, Query{{"f_provider", "RJN"}},
                         Query{{"page", "3"}}, Query{{"page", "9"}}}) {
    const TableSlice s = Slice(q, 2);
    ASSERT_EQ(s.table.total_rows.size(), 2u);
    const size_t n = s.table.rows.size();
    EXPECT_EQ(s.table.total_rows[0], n - 2);
    EXPECT_EQ(s.table.total_rows[1], n - 1);
    EXPECT_EQ(s.table.rows[n - 2][1].text, "ALL");
    EXPECT_EQ(s.table.rows[n - 1][0].text, "Total");
  }
  const TableSlice page3 = Slice({{"page", "3"}}, 2);
  EXPECT_EQ(Providers(page3), (std::vector<std::string>{"rbq"}));
  EXPECT_EQ(page3.pages, 3u);
  EXPECT_EQ(page3.first, 4u);
  EXPECT_EQ(page3.source_rows.front(), 4u);
}

TEST(WebTableViewTest, PagingLinksCarryTheOtherParameters) {
  TableOptions o;
  o.path = "/ccg/02E/view/monitoring";
  o.keep = {{"month", "7"}};
  o.page_size = 2;
  auto html = InteractiveTableHtml(Lines(), {{"q", "R"}, {"sort", "actual"}, {"dir", "desc"}, {"page", "2"}}, o);
  ASSERT_TRUE(html.ok()) << html.error().ToString();
  const std::string& h = html.value();
  EXPECT_NE(h.find("href=\"/ccg/02E/view/monitoring?month=7&amp;q=R&amp;sort=actual&amp;dir=desc&amp;page=3\" "
                   "rel=\"next\""),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("href=\"/ccg/02E/view/monitoring?month=7&amp;q=R&amp;sort=actual&amp;dir=desc\" rel=\"prev\""),
            std::string::npos);
  EXPECT_NE(h.find("Rows 3–4 of 5, sorted by Actual £, largest first."), std::string::npos) << h;
  // The form keeps the month and the order; Show starts again at page 1.
  EXPECT_NE(h.find("<input type=\"hidden\" name=\"month\" value=\"7\">"), std::string::npos);
  EXPECT_NE(h.find("<input type=\"hidden\" name=\"sort\" value=\"actual\">"), std::string::npos);
  EXPECT_EQ(h.find("name=\"page\""), std::string::npos);
  // The sorted heading sorts the other way (money: largest either way next),
  // from page 1; another heading sorts by itself, keeping the filters.
  EXPECT_NE(h.find("aria-sort=\"descending\"><a class=\"sort\" href=\"/ccg/02E/view/monitoring?month=7&amp;q=R&amp;"
                   "sort=actual&amp;dir=abs\">"),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("href=\"/ccg/02E/view/monitoring?month=7&amp;q=R&amp;sort=provider&amp;dir=asc\""),
            std::string::npos);
  EXPECT_NE(h.find(">£12,000.00<"), std::string::npos);  // RWW, on page 2
}

TEST(WebTableViewTest, NumbersHaveThousandsSeparatorsButIdentifiersDoNot) {
  ReportTable t("t", {{"batch", ColumnType::kInteger, "Batch"},
                      {"registered_patients", ColumnType::kInteger, "Registered patients"},
                      {"activity", ColumnType::kCount, "Activity"},
                      {"spend", ColumnType::kMoney, "£"}});
  t.AddRow({Cell::Integer(12345), Cell::Integer(-23456), Cell::Count(1234567), Cell::Pence(123456789)});
  const std::string h = TableHtml(t);
  EXPECT_NE(h.find(">12345<"), std::string::npos);
  EXPECT_NE(h.find(">-23,456<"), std::string::npos);
  EXPECT_NE(h.find(">1,234,567<"), std::string::npos);
  EXPECT_NE(h.find(">£1,234,567.89<"), std::string::npos);
}

TEST(WebTableViewTest, AColumnOfSentencesWrapsAndCodesDoNot) {
  ReportTable t("t", {{"invoice", ColumnType::kText, "Invoice"},
                      {"amount", ColumnType::kMoney, "Amount"},
                      {"reason", ColumnType::kText, "Reason"}});
  t.AddRow({Cell::Text("NVC07-201809-7"), Cell::Pence(261867),
            Cell::Text("amount differs by £25.00: the package cost over the period is £2,593.67")});
  t.AddRow({Cell::Text("NVC07-201809-8"), Cell::Pence(289933), Cell::Text("")});
  const std::string h = TableHtml(t);
  EXPECT_NE(h.find("<td class=\"prose\">amount differs"), std::string::npos) << h;
  EXPECT_EQ(h.find("<th scope=\"row\" class=\"prose\""), std::string::npos) << h;
  EXPECT_NE(h.find("<td class=\"num\">£2,618.67<"), std::string::npos) << h;
  // Short reasons only: the column stays on one line.
  ReportTable short_t("t", {{"invoice", ColumnType::kText, "Invoice"}, {"reason", ColumnType::kText, "Reason"}});
  short_t.AddRow({Cell::Text("A-1"), Cell::Text("duplicate")});
  EXPECT_EQ(TableHtml(short_t).find("prose"), std::string::npos);
}

TEST(WebTableViewTest, HostileParametersGetClearAnswersAndAreEscaped) {
  const ReportTable t = Lines();
  struct Case {
    Query query;
    const char* where;
  };
  for (const Case& c : std::vector<Case>{{{{"sort", "<script>alert(1)</script>"}}, "sort"},
                                         {{{"sort", "actual"}, {"dir", "sideways"}}, "dir"},
                                         {{{"sort", "provider"}, {"dir", "abs"}}, "dir"},
                                         {{{"dir", "asc"}}, "dir"},
                                         {{{"f_nosuch", "x"}}, "f_nosuch"},
                                         {{{"f_actual", "5"}}, "f_actual"},
                                         {{{"page", "0"}}, "page"},
                                         {{{"page", "-1"}}, "page"},
                                         {{{"page", "1e9"}}, "page"},
                                         {{{"page", "99999999999999999999"}}, "page"},
                                         {{{"min", "ten pounds"}}, "min"},
                                         {{{"min", "5"}, {"max", "1"}}, "min"},
                                         {{{"q", std::string(201, 'x')}}, "q"}}) {
    auto s = ParseTableState(t, c.query, {});
    ASSERT_FALSE(s.ok()) << c.where;
    EXPECT_EQ(s.error().where, c.where);
    EXPECT_FALSE(s.error().why.empty());
  }
  // An unknown column's answer says which columns there are.
  auto s = ParseTableState(t, {{"sort", "nosuch"}}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("provider, pod, activity"), std::string::npos) << s.error().why;

  // A huge page is a page past the last: no rows, and how many pages there are.
  TableOptions o;
  o.path = "/v";
  auto far = InteractiveTableHtml(t, {{"page", "999999999"}}, o);
  ASSERT_TRUE(far.ok());
  EXPECT_NE(far.value().find("No rows on page 999,999,999 of 1 (5 rows)"), std::string::npos) << far.value();
  EXPECT_NE(far.value().find("rel=\"prev\""), std::string::npos);
  EXPECT_NE(far.value().find("Total"), std::string::npos);

  // Text that reaches the page (a search, a filter's value, the path's
  // parameters) is escaped everywhere it appears.
  o.keep = {{"month", "\"><script>x</script>"}};
  auto html = InteractiveTableHtml(t, {{"q", "<script>alert(1)</script>"}, {"f_provider", "\"><img src=x>"}}, o);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html.value().find("<script>"), std::string::npos);
  EXPECT_EQ(html.value().find("<img"), std::string::npos);
  EXPECT_NE(html.value().find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.value().find("%3Cscript%3Ealert%281%29%3C%2Fscript%3E"), std::string::npos);
  EXPECT_NE(html.value().find("No rows match these filters."), std::string::npos);
}

TEST(WebTableViewTest, IdentifyingColumnsAndTheHeadingRowStayInView) {
  TableOptions o;
  o.path = "/v";
  auto html = InteractiveTableHtml(Lines(), {}, o);
  ASSERT_TRUE(html.ok());
  const std::string& h = html.value();
  EXPECT_NE(h.find("class=\"table-wrap scroll\""), std::string::npos);
  // Provider and POD (the text columns before the figures, not the CCG, one
  // value on a CCG's page) are sticky, the second beside the first.
  const auto sticky = StickyColumns(Lines(), {"provider", "pod"});
  ASSERT_EQ(sticky.size(), 2u);
  EXPECT_EQ(sticky[0].left, 0);
  EXPECT_EQ(sticky[1].left, sticky[0].width);
  EXPECT_GE(sticky[0].width, 4);
  const std::string first = " class=\"stick l-0 w-" + std::to_string(sticky[0].width) + "\"";
  const std::string second =
      " class=\"stick l-" + std::to_string(sticky[1].left) + " w-" + std::to_string(sticky[1].width) + " stick-last\"";
  EXPECT_NE(h.find("<th scope=\"col\"" + first), std::string::npos) << h;
  EXPECT_NE(h.find("<td" + second + " title=\"EL\">EL</td>"), std::string::npos) << h;
  // The style sheet has every offset and width a cell can name, and keeps
  // the heading row and sticky cells in place.
  const std::string_view css = StyleSheet();
  EXPECT_NE(css.find(".l-" + std::to_string(sticky[1].left) + "{left:"), std::string_view::npos);
  EXPECT_NE(css.find(".w-16{width:16rem"), std::string_view::npos);
  EXPECT_NE(css.find("thead th{background:#e8edee;position:sticky;top:0"), std::string_view::npos);
  EXPECT_NE(css.find(".stick{position:sticky"), std::string_view::npos);
}

}  // namespace
TEST(MoneyDisplay, PoundsThousandsMillionsAndBrackets) {
  EXPECT_EQ(MoneyText(123'456'789, {}), "£1,234,567.89");
  EXPECT_EQ(MoneyText(-123'456'789, {}), "-£1,234,567.89");
  EXPECT_EQ(MoneyText(-123'456'789, {MoneyUnit::kPence, true}), "(£1,234,567.89)");
  EXPECT_EQ(MoneyText(123'456'789, {MoneyUnit::kPounds}), "£1,234,568");
  EXPECT_EQ(MoneyText(-50, {MoneyUnit::kPounds, true}), "(£1)") << "half a pound, away from zero";
  EXPECT_EQ(MoneyText(123'456'789, {MoneyUnit::kThousands}), "1,235");  // £1,234.57k, half away
  EXPECT_EQ(MoneyText(-123'449'999, {MoneyUnit::kThousands, true}), "(1,234)");
  EXPECT_EQ(MoneyText(123'456'789, {MoneyUnit::kMillions}), "1.23");
  EXPECT_EQ(MoneyText(99'500'000'000, {MoneyUnit::kMillions}), "995.00");
  EXPECT_EQ(MoneyText(500'000, {MoneyUnit::kMillions}), "0.01");  // £5,000 is half a hundredth: away from zero
  EXPECT_EQ(MoneyText(-40'000, {MoneyUnit::kThousands}), "0") << "a minus on a shown 0 would mislead";
  EXPECT_EQ(MoneyLabel("Plan £ (YTD)", {MoneyUnit::kThousands}), "Plan £000s (YTD)");
  EXPECT_EQ(MoneyLabel("Price", {MoneyUnit::kMillions}), "Price (£m)");
  EXPECT_EQ(MoneyLabel("Price", {}), "Price");
}

TEST(HtmlCells, DatesShowAsUkDates) {
  EXPECT_EQ(UkDate("2018-05-03"), "3 May 2018");
  EXPECT_EQ(UkDate("2019-12-31"), "31 Dec 2019");
  EXPECT_EQ(UkDate("not a date"), "not a date");
  report::Column date{"date", report::ColumnType::kText, "Date"};
  EXPECT_EQ(HtmlCellText(date, report::Cell::Text("2018-06-01")), "1 Jun 2018");
  report::Column code{"code", report::ColumnType::kText, "Code"};
  EXPECT_EQ(HtmlCellText(code, report::Cell::Text("2018-06-01")), "2018-06-01") << "only date columns";
}

TEST(HtmlCells, InternalIdentifiersShowAsWords) {
  report::Column rule{"rule", report::ColumnType::kText, "Rule"};
  EXPECT_EQ(HtmlCellText(rule, report::Cell::Text("fu-ratio")), "Follow-up ratio");
  EXPECT_EQ(HtmlCellText(rule, report::Cell::Text("new-rule")), "new-rule") << "unknown ones as they are";
  report::Column kind{"kind", report::ColumnType::kText, "Kind"};
  EXPECT_EQ(HtmlCellText(kind, report::Cell::Text("op")), "Outpatient");
  report::Column code{"code", report::ColumnType::kText, "Code"};
  EXPECT_EQ(HtmlCellText(code, report::Cell::Text("op")), "op");
}

TEST(HtmlCells, StatusIsAWordInAColouredBadge) {
  report::ReportTable t("s", {{"status", report::ColumnType::kText, "Status"}});
  t.AddRow({report::Cell::Text("Amber")});
  t.AddRow({report::Cell::Text("raised")});
  const std::string h = TableHtml(t);
  EXPECT_NE(h.find("<span class=\"rag rag-amber\">Amber</span>"), std::string::npos) << h;
  EXPECT_EQ(h.find("rag-raised"), std::string::npos);
}

// Wide tables group their columns; the reader hides a group with hide=,
// the links above the table toggle each group and keep the view, and a
// group that is not the table's is refused naming those that are.
TEST(WebTableViewTest, ColumnGroupsAreHiddenAndShownFromTheUrl) {
  TableOptions o;
  o.path = "/ccg/02E/view/monitoring";
  o.keep = {{"month", "9"}};
  o.column_groups = {{"volume", "Activity", {"activity"}}, {"actuals", "Actual", {"actual"}}};
  const ReportTable t = Lines();
  auto all = InteractiveTableHtml(t, {}, o);
  ASSERT_TRUE(all.ok());
  EXPECT_NE(all.value().find("Columns: Activity <a href=\"/ccg/02E/view/monitoring?month=9&amp;hide=volume\">hide</a>"),
            std::string::npos)
      << all.value();

  // Hidden: no heading, no cells, and every link (sorting, paging, the
  // other group's) and the filter form keep hide=.
  auto hidden = InteractiveTableHtml(t, {{"hide", "volume"}, {"sort", "provider"}}, o);
  ASSERT_TRUE(hidden.ok()) << hidden.error().ToString();
  const std::string& h = hidden.value();
  EXPECT_EQ(h.find(">1,200<"), std::string::npos) << "the activity cells are gone";
  EXPECT_NE(h.find(">Variance £</a>"), std::string::npos);
  EXPECT_NE(h.find("Activity <a href=\"/ccg/02E/view/monitoring?month=9&amp;sort=provider&amp;dir=asc\">show</a>"),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("hide=volume%2Cactuals\">hide</a>"), std::string::npos) << "hiding the second keeps the first";
  EXPECT_NE(h.find("<input type=\"hidden\" name=\"hide\" value=\"volume\">"), std::string::npos);
  EXPECT_NE(h.find("sort=variance&amp;dir=desc&amp;hide=volume"), std::string::npos) << "a heading's sort link keeps it";

  // Sorted by a column of the group: hiding the group drops the order, so
  // the link does not ask for a column that is no longer there.
  auto sorted = InteractiveTableHtml(t, {{"sort", "actual"}}, o);
  ASSERT_TRUE(sorted.ok());
  EXPECT_NE(sorted.value().find("Actual <a href=\"/ccg/02E/view/monitoring?month=9&amp;hide=actuals\">hide</a>"),
            std::string::npos)
      << sorted.value();
  // Sorting by a hidden column is a bad link, said so.
  auto bad_sort = InteractiveTableHtml(t, {{"hide", "actuals"}, {"sort", "actual"}}, o);
  ASSERT_FALSE(bad_sort.ok());
  EXPECT_EQ(bad_sort.error().where, "sort");

  auto unknown = InteractiveTableHtml(t, {{"hide", "forecast"}}, o);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().where, "hide");
  EXPECT_NE(unknown.error().why.find("its groups are volume, actuals"), std::string::npos) << unknown.error().why;
  // A table without groups has no line and refuses hide= too.
  TableOptions plain;
  plain.path = "/x";
  auto none = InteractiveTableHtml(t, {}, plain);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value().find("Columns:"), std::string::npos);
  EXPECT_FALSE(InteractiveTableHtml(t, {{"hide", "volume"}}, plain).ok());
}

}  // namespace csu::web
