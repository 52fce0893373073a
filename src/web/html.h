// HTML for the web pages: escaping, the page frame every page shares, and a
// report::ReportTable as an accessible <table>. Server-rendered, no inline
// script or style (the CSP forbids both): looks come from /static/app.css.
//
//   PageFrame f{.title = "Contract monitoring", .user = "alice", ...};
//   std::string html = RenderPage(f, "<p>" + Escape(text) + "</p>");
#pragma once

#include <functional>
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

// The table with a caption (its title), column headers with scope, numbers
// right-aligned, total rows in <tfoot>, its notes below it.
std::string TableHtml(const report::ReportTable& table, const CellLink& link = {});

}  // namespace csu::web
