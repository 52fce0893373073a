#include "web/templates.h"

#include <gtest/gtest.h>

#include <regex>

#include "web/html.h"

namespace csu::web {
namespace {

TEST(TemplatesTest, EveryTemplateParses) {
  ASSERT_FALSE(EmbeddedTemplates().empty());
  for (const auto& [name, text] : EmbeddedTemplates()) {
    kainjow::mustache::mustache m{std::string(text)};
    EXPECT_TRUE(m.is_valid()) << name << ": " << m.error_message();
  }
}

// Unescaped insertion is for markup this module built, and says so in its
// name: a designer (or a reviewer) sees at a glance which values are trusted.
TEST(TemplatesTest, OnlyNamesEndingInHtmlAreInsertedUnescaped) {
  const std::regex triple(R"(\{\{\{\s*([^}\s]+)\s*\}\}\}|\{\{&\s*([^}\s]+)\s*\}\})");
  for (const auto& [name, text] : EmbeddedTemplates()) {
    const std::string s(text);
    for (auto it = std::sregex_iterator(s.begin(), s.end(), triple); it != std::sregex_iterator(); ++it) {
      const std::string var = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
      EXPECT_TRUE(var.ends_with("_html")) << name << " inserts {{{" << var << "}}} unescaped";
    }
  }
  // The check itself can fail.
  const std::string bad = "{{{note}}}";
  std::smatch m;
  ASSERT_TRUE(std::regex_search(bad, m, triple));
  EXPECT_FALSE(m[1].str().ends_with("_html"));
}

TEST(TemplatesTest, ValuesAreEscapedByTheProjectsEscape) {
  TemplateData d;
  d.set("label", "<script>\"x\" & 'y'\x01");
  d.set("value", "v");
  d.set("detail", "");
  const std::string html = RenderTemplate("card", d);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos) << "control characters are replaced, as Escape does";
  EXPECT_NE(html.find(Escape("<script>\"x\" & 'y'\x01")), std::string::npos);
}

TEST(TemplatesTest, UnknownTemplateIsAProgrammingError) {
  EXPECT_THROW(RenderTemplate("no-such-template", TemplateData{}), std::logic_error);
}

TEST(TemplatesTest, PageFrameShowsTheUserNavigationAndBody) {
  PageFrame f;
  f.title = "Budget <monitoring>";
  f.subtitle = "NHS Warrington CCG (02E)";
  f.user = "alice";
  f.role = "CCG finance";
  f.csrf_token = "tok";
  f.nav = {{"/ccg/02E", "Home", false}, {"/ccg/02E/view/summary", "Summary", true}};
  const std::string html = RenderPage(f, "<p>body</p>");
  EXPECT_NE(html.find("<title>Budget &lt;monitoring&gt; – OpenCSU</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>Budget &lt;monitoring&gt;</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"subtitle\">NHS Warrington CCG (02E)</p>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/ccg/02E/view/summary\" aria-current=\"page\">Summary</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/ccg/02E\">Home</a>"), std::string::npos);
  EXPECT_NE(html.find("name=\"csrf\" value=\"tok\""), std::string::npos);
  EXPECT_NE(html.find("<main id=\"main\">\n<h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>body</p>"), std::string::npos);
  // Signed out: no user block, no navigation, no subtitle paragraph.
  PageFrame signed_out;
  signed_out.title = "Sign in";
  const std::string out = RenderPage(signed_out, "");
  EXPECT_EQ(out.find("class=\"who\""), std::string::npos);
  EXPECT_EQ(out.find("<nav"), std::string::npos);
  EXPECT_EQ(out.find("subtitle"), std::string::npos);
  EXPECT_TRUE(out.starts_with("<!doctype html>\n<html lang=\"en-GB\">")) << out.substr(0, 80);
}

TEST(TemplatesTest, FormFieldsKeepTheirValuesAndChoice) {
  EXPECT_EQ(InputField("note", "note", "Note", "text", "a \"b\"", "size=\"48\""),
            "<div><label for=\"note\">Note</label><input id=\"note\" name=\"note\" type=\"text\" "
            "value=\"a &quot;b&quot;\" size=\"48\"></div>");
  EXPECT_EQ(InputField("q", "q", "Contains", "text"),
            "<div><label for=\"q\">Contains</label><input id=\"q\" name=\"q\" type=\"text\"></div>");
  EXPECT_EQ(SelectField("m", "money", "Money in", {{"pence", "£.p"}, {"pounds", "£"}}, "pounds"),
            "<div><label for=\"m\">Money in</label><select id=\"m\" name=\"money\"><option value=\"pence\">£.p</option>"
            "<option value=\"pounds\" selected>£</option></select></div>");
  EXPECT_EQ(NoticePanel("Recorded: 2 challenges.", false),
            "<div class=\"panel\" role=\"status\"><p>Recorded: 2 challenges.</p></div>");
  EXPECT_EQ(NoticePanel("Not recorded: <why>", true),
            "<div class=\"error\" role=\"alert\"><p>Not recorded: &lt;why&gt;</p></div>");
}

}  // namespace
}  // namespace csu::web

namespace csu::web {
namespace {

// Stored UTC, shown as UK local time: GMT in winter, BST (UTC+1) from 01:00
// UTC on the last Sunday of March 2026 (29 March) to the last Sunday of
// October (25 October).
TEST(UkTimeTest, TimestampsShowInUkLocalTime) {
  EXPECT_EQ(UkTime("2026-12-07T03:17:46Z"), "7 Dec 2026 03:17");
  EXPECT_EQ(UkTime("2026-07-07T23:30:00Z"), "8 Jul 2026 00:30 BST");
  EXPECT_EQ(UkTime("2026-03-29T00:59:00Z"), "29 Mar 2026 00:59");
  EXPECT_EQ(UkTime("2026-03-29T01:00:00Z"), "29 Mar 2026 02:00 BST");
  EXPECT_EQ(UkTime("2018-10-15"), "2018-10-15") << "not a timestamp: unchanged";
  EXPECT_EQ(UkTime("2026-12-07T25:17:46Z"), "2026-12-07T25:17:46Z");
  EXPECT_EQ(UkTime("yesterday"), "yesterday");
}

}  // namespace
}  // namespace csu::web
