#include "web/figures.h"

#include <gtest/gtest.h>

namespace csu::web {
namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

ReportTable Spend() {
  ReportTable t("Spend", {{"commissioner", ColumnType::kText},
                          {"provider", ColumnType::kText},
                          {"provider_name", ColumnType::kText},
                          {"spend", ColumnType::kMoney},
                          {"share", ColumnType::kDecimal}});
  auto row = [&](const char* p, const char* name, int64_t pence) {
    t.AddRow({Cell::Text("02E"), Cell::Text(p), Cell::Text(name), Cell::Pence(pence), Cell::Real(0)});
  };
  row("RWW", "Warrington <and> Halton", 705'00);
  row("RRF", "Wrightington", 128'00);
  row("RBT", "Mid Cheshire", 100'00);
  row("RJN", "East Cheshire", 67'00);
  t.AddTotalRow("Total");
  return t;
}

// Worked by hand: £1,000.00 in all; RWW 70.5%, RRF 12.8%, with two bars the
// rest (RBT and RJN, £167.00) is one bar of 16.7%.
TEST(FiguresTest, ShareBarsDrawTheLargestProvidersAndTheRestAsOne) {
  const std::string svg = ShareBarsHtml(Spend(), 2);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("RWW Warrington &lt;and&gt; Halton: 70.5%, £705.00"), std::string::npos) << svg;
  EXPECT_NE(svg.find("RRF Wrightington: 12.8%"), std::string::npos);
  EXPECT_NE(svg.find("Other providers (2): 16.7%, £167.00"), std::string::npos);
  EXPECT_EQ(svg.find("RBT Mid"), std::string::npos) << "folded into the rest";
  EXPECT_EQ(svg.find("<and>"), std::string::npos) << "names are escaped";
  EXPECT_NE(svg.find("spend by provider: RWW Warrington &lt;and&gt; Halton 70.5%; RRF"), std::string::npos) << svg;
  // The total row is not a provider.
  EXPECT_EQ(svg.find("Total"), std::string::npos);
  EXPECT_EQ(ShareBarsHtml(ReportTable("x", {{"a", ColumnType::kText}})), "");
}

// Two practices, three providers. A: RWW £60, RRF £30, RBT £10 (100):
// 60.0%, 30.0%, and with two provider columns, Other 10.0%. B: RRF £5 only:
// RWW –, RRF 100.0%, Other –. Providers by spend: RWW £60, RRF £35, RBT £10.
TEST(FiguresTest, FlowMatrixSharesEachPracticesSpendAcrossTheLargestProviders) {
  ReportTable t("Flows", {{"commissioner", ColumnType::kText},
                          {"practice", ColumnType::kText},
                          {"provider", ColumnType::kText},
                          {"provider_name", ColumnType::kText},
                          {"spend", ColumnType::kMoney}});
  auto row = [&](const char* practice, const char* p, int64_t pence) {
    t.AddRow({Cell::Text("02E"), Cell::Text(practice), Cell::Text(p), Cell::Text(std::string("Trust ") + p),
              Cell::Pence(pence)});
  };
  row("N81001", "RWW", 60'00);
  row("N81001", "RRF", 30'00);
  row("N81001", "RBT", 10'00);
  row("N81002", "RRF", 5'00);
  const std::string h = FlowMatrixHtml(t, 2);
  EXPECT_NE(h.find("<th scope=\"col\" title=\"Trust RWW\">RWW</th><th scope=\"col\" title=\"Trust RRF\">RRF</th>"
                   "<th scope=\"col\">Other</th>"),
            std::string::npos)
      << h;
  EXPECT_NE(h.find(">60.0%</td>"), std::string::npos);
  EXPECT_NE(h.find(">30.0%</td>"), std::string::npos);
  EXPECT_NE(h.find(">10.0%</td>"), std::string::npos);
  EXPECT_NE(h.find(">100.0%</td>"), std::string::npos);
  EXPECT_NE(h.find("class=\"num heat-6\" title=\"N81001 at RWW Trust RWW: £60.00\">60.0%"), std::string::npos) << h;
  EXPECT_NE(h.find("class=\"num heat-0\" title=\"N81002 at RWW Trust RWW: £0.00\">–"), std::string::npos) << h;
  EXPECT_NE(h.find("<td class=\"num\">£100.00</td>"), std::string::npos);
  EXPECT_EQ(FlowMatrixHtml(ReportTable("x", {{"a", ColumnType::kText}})), "");
}

TEST(FiguresTest, ShadesStepEveryTenPercent) {
  EXPECT_EQ(HeatClass(0.0), "heat-0");
  EXPECT_EQ(HeatClass(0.049), "heat-0");
  EXPECT_EQ(HeatClass(0.05), "heat-1");
  EXPECT_EQ(HeatClass(0.149), "heat-1");
  EXPECT_EQ(HeatClass(0.15), "heat-2");
  EXPECT_EQ(HeatClass(0.60), "heat-6");
  EXPECT_EQ(HeatClass(0.85), "heat-9");
  EXPECT_EQ(HeatClass(1.0), "heat-9");
}

}  // namespace
}  // namespace csu::web
