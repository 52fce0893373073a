#include "web/figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "core/money.h"
#include "core/text.h"
#include "web/html.h"

namespace csu::web {

namespace {

using report::Cell;

const Cell* CellOf(const report::ReportTable& t, size_t row, std::string_view column) { return t.Find(row, column); }

std::string TextOf(const report::ReportTable& t, size_t row, std::string_view column) {
  const Cell* c = CellOf(t, row, column);
  return c && c->kind == Cell::Kind::kText ? c->text : std::string();
}

// Money: the exact pence, or nothing for an empty or suppressed cell.
std::optional<int64_t> PenceOf(const report::ReportTable& t, size_t row, std::string_view column) {
  const Cell* c = CellOf(t, row, column);
  if (!c || c->kind != Cell::Kind::kNumber) return std::nullopt;
  return c->number;
}

bool IsDataRow(const report::ReportTable& t, size_t row) { return !t.IsTotalRow(row) && !t.IsSubtotalRow(row); }

std::string Percent(double share) {
  // One decimal place, rounded half away from zero, as the tables show shares.
  const double tenths = std::round(share * 1000.0);
  const int64_t v = static_cast<int64_t>(tenths);
  return std::to_string(v / 10) + "." + std::to_string(v % 10) + "%";
}

// Capitals at 13 px are about 9.5 px wide: 36 characters and an ellipsis fit
// the 370 px label area. £1.2m, £345k, £678: short money for a label beside a bar (the exact
// amounts are in the table under it).
std::string ShortPounds(int64_t pence) {
  const double pounds = static_cast<double>(pence) / 100.0;
  const double a = std::fabs(pounds);
  char buf[32];
  if (a >= 1e6) std::snprintf(buf, sizeof buf, "£%.1fm", pounds / 1e6);
  else if (a >= 1e3) std::snprintf(buf, sizeof buf, "£%.0fk", pounds / 1e3);
  else std::snprintf(buf, sizeof buf, "£%.0f", pounds);
  return buf;
}

std::string Cut(const std::string& text, size_t chars) {
  size_t n = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && n++ == chars) break;
  }
  return i < text.size() ? text.substr(0, i) + "…" : text;
}

}  // namespace

std::string HeatClass(double share) {
  // In tenths of a percent, so the steps fall exactly at 5%, 15%, ... 85%.
  const long permille = std::isfinite(share) ? std::lround(share * 1000.0) : 0;
  if (permille < 50) return "heat-0";
  const long step = std::min(9L, 1 + (permille - 50) / 100);
  return "heat-" + std::to_string(step);
}

std::string ShareBarsHtml(const report::ReportTable& spend, size_t bars) {
  if (spend.ColumnIndex("provider") >= spend.columns.size() || spend.ColumnIndex("spend") >= spend.columns.size())
    return "";
  struct Bar {
    std::string label;
    int64_t pence = 0;
  };
  std::vector<Bar> all;
  int64_t total = 0;
  for (size_t r = 0; r < spend.rows.size(); ++r) {
    if (!IsDataRow(spend, r)) continue;
    auto pence = PenceOf(spend, r, "spend");
    if (!pence) continue;
    const std::string name = TextOf(spend, r, "provider_name");
    all.push_back({TextOf(spend, r, "provider") + (name.empty() ? "" : " " + name), *pence});
    total += *pence;
  }
  if (all.empty() || total <= 0) return "";
  std::stable_sort(all.begin(), all.end(), [](const Bar& a, const Bar& b) { return a.pence > b.pence; });
  if (all.size() > bars) {
    Bar rest{"Other providers (" + std::to_string(all.size() - bars) + ")", 0};
    for (size_t i = bars; i < all.size(); ++i) rest.pence += all[i].pence;
    all.resize(bars);
    all.push_back(rest);
  }
  const int label_w = 370, bar_w = 400, value_w = 130, row_h = 26, top = 34;
  const int width = label_w + bar_w + value_w, height = top + static_cast<int>(all.size()) * row_h + 8;
  std::string desc = "Share of the CCG's spend by provider: ";
  std::string rows;
  for (size_t i = 0; i < all.size(); ++i) {
    const double share = static_cast<double>(all[i].pence) / static_cast<double>(total);
    const int y = top + static_cast<int>(i) * row_h;
    const int w = std::max(1, static_cast<int>(std::lround(share * bar_w)));
    const std::string value = Percent(share) + "  " + ShortPounds(all[i].pence);
    rows += "<g><title>" + Escape(all[i].label + ": " + Percent(share) + ", " + Money::FromPence(all[i].pence).ToString()) +
            "</title><text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(y + 17) +
            "\" text-anchor=\"end\">" + Escape(Cut(all[i].label, 36)) + "</text><rect x=\"" + std::to_string(label_w) +
            "\" y=\"" + std::to_string(y + 4) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
            std::to_string(row_h - 8) + "\" fill=\"#005eb8\"/><text x=\"" + std::to_string(label_w + w + 6) +
            "\" y=\"" + std::to_string(y + 17) + "\">" + Escape(value) + "</text></g>\n";
    desc += (i ? "; " : "") + all[i].label + " " + Percent(share);
  }
  return "<figure class=\"chart bars\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " +
         std::to_string(width) + " " + std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
         std::to_string(height) +
         "\" aria-labelledby=\"share-title share-desc\" font-family=\"Arial, sans-serif\" font-size=\"13\" "
         "fill=\"#212b32\"><title id=\"share-title\">Market share by provider</title><desc id=\"share-desc\">" +
         Escape(desc + ".") + "</desc><text x=\"0\" y=\"18\" font-weight=\"700\" font-size=\"15\">Share of spend by "
         "provider, year to date</text>\n" + rows + "</svg></figure>\n";
}

std::string FlowMatrixHtml(const report::ReportTable& flows, size_t providers) {
  if (flows.ColumnIndex("practice") >= flows.columns.size() || flows.ColumnIndex("provider") >= flows.columns.size() ||
      flows.ColumnIndex("spend") >= flows.columns.size())
    return "";
  std::map<std::string, int64_t> by_provider;
  std::map<std::string, std::map<std::string, int64_t>> cells;  // practice → provider → pence
  std::map<std::string, std::string> names;
  for (size_t r = 0; r < flows.rows.size(); ++r) {
    if (!IsDataRow(flows, r)) continue;
    auto pence = PenceOf(flows, r, "spend");
    if (!pence) continue;
    const std::string practice = TextOf(flows, r, "practice"), provider = TextOf(flows, r, "provider");
    if (practice.empty() || provider.empty()) continue;
    by_provider[provider] += *pence;
    cells[practice][provider] += *pence;
    if (names.count(provider) == 0) names[provider] = TextOf(flows, r, "provider_name");
  }
  if (cells.empty()) return "";
  std::vector<std::pair<std::string, int64_t>> order(by_provider.begin(), by_provider.end());
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> columns;
  for (size_t i = 0; i < order.size() && i < providers; ++i) columns.push_back(order[i].first);
  const bool other = order.size() > columns.size();

  std::string h = "<figure class=\"matrix\"><figcaption>Where each practice's patients were treated: the share of the "
                  "practice's spend at each provider, year to date (the largest " +
                  std::to_string(columns.size()) + " providers" + (other ? ", then the rest together" : "") +
                  "); darker is a larger share</figcaption><div class=\"table-wrap\"><table class=\"matrix\"><thead><tr>"
                  "<th scope=\"col\">Practice</th>";
  for (const std::string& p : columns)
    h += "<th scope=\"col\" title=\"" + Escape(names[p]) + "\">" + Escape(p) + "</th>";
  if (other) h += "<th scope=\"col\">Other</th>";
  h += "<th scope=\"col\" class=\"num\">Spend</th></tr></thead><tbody>\n";
  for (const auto& [practice, row] : cells) {
    int64_t total = 0;
    for (const auto& [p, v] : row) total += v;
    h += "<tr><th scope=\"row\">" + Escape(practice) + "</th>";
    auto cell = [&](int64_t pence, const std::string& what) {
      const double share = total > 0 ? static_cast<double>(pence) / static_cast<double>(total) : 0.0;
      h += "<td class=\"num " + HeatClass(share) + "\" title=\"" +
           Escape(practice + " at " + what + ": " + Money::FromPence(pence).ToString()) + "\">" +
           (pence == 0 ? std::string("–") : Percent(share)) + "</td>";
    };
    int64_t rest = total;
    for (const std::string& p : columns) {
      auto it = row.find(p);
      const int64_t v = it == row.end() ? 0 : it->second;
      rest -= v;
      cell(v, p + (names[p].empty() ? "" : " " + names[p]));
    }
    if (other) cell(rest, "other providers");
    h += "<td class=\"num\">" + Escape(Money::FromPence(total).ToString()) + "</td></tr>\n";
  }
  return h + "</tbody></table></div></figure>\n";
}

}  // namespace csu::web
