// Market shares, HHI and entrants/leavers worked by hand
// (tests/golden/procurement/README.md, "Market").
#include "procurement/market.h"

#include <gtest/gtest.h>

namespace csu::procurement {
namespace {

std::vector<MarketActivity> Rows() {
  return {
      {"RX1", "EL", "110", "2018/19", 600}, {"RX2", "EL", "110", "2018/19", 200},
      {"RX2", "EL", "110", "2018/19", 100},  // summed with the row above
      {"RX3", "EL", "110", "2018/19", 100}, {"RX1", "EL", "110", "2019/20", 500},
      {"RX2", "EL", "110", "2019/20", 250}, {"RX4", "EL", "110", "2019/20", 250},
      {"RX5", "EL", "110", "2019/20", 0},  // no activity: no share
      {"RA1", "OPFA", "330", "2018/19", 1}, {"RA2", "OPFA", "330", "2018/19", 1},
      {"RA3", "OPFA", "330", "2018/19", 1},
  };
}

TEST(ProcurementMarket, GoldenSharesAndHhi) {
  auto lines = ComputeMarket(Rows());
  ASSERT_EQ(lines.size(), 3u);
  // EL × 110, 2018/19: 600, 300, 100 of 1,000 -> 60%, 30%, 10%;
  // HHI 3,600 + 900 + 100 = 4,600.
  EXPECT_EQ(lines[0].period, "2018/19");
  EXPECT_EQ(lines[0].total, 1000);
  EXPECT_EQ(lines[0].shares[0].provider, "RX1");
  EXPECT_EQ(lines[0].shares[0].percent, Rational(60));
  EXPECT_EQ(lines[0].shares[1].activity, 300);
  EXPECT_EQ(lines[0].hhi, Rational(4600));
  // 2019/20: 50%, 25%, 25% -> 2,500 + 625 + 625 = 3,750.
  EXPECT_EQ(lines[1].hhi, Rational(3750));
  EXPECT_EQ(lines[1].shares.size(), 3u);
  EXPECT_EQ(lines[1].shares[1].provider, "RX2");  // equal activity: by code
  // OPFA × 330: three equal providers, 33.3% each; HHI 10,000 × 3 ÷ 9 = 3,333.3.
  EXPECT_EQ(lines[2].shares[0].percent.ToFixed(1), "33.3");
  EXPECT_EQ(lines[2].hhi, Rational(10000, 3));
  EXPECT_EQ(lines[2].hhi.ToFixed(1), "3333.3");
}

TEST(ProcurementMarket, GoldenEntrantsAndLeavers) {
  auto changes = MarketChanges(ComputeMarket(Rows()));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].period, "2019/20");
  EXPECT_EQ(changes[0].previous, "2018/19");
  EXPECT_EQ(changes[0].entered, std::vector<std::string>{"RX4"});
  EXPECT_EQ(changes[0].left, std::vector<std::string>{"RX3"});
}

TEST(ProcurementMarket, MonopolyIsTenThousand) {
  auto lines = ComputeMarket({{"RX1", "NEL", "300", "2018-04", 7}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].hhi, Rational(10000));
}

}  // namespace
}  // namespace csu::procurement

#include "procurement/market_report.h"

namespace csu::procurement {
namespace {

TEST(ProcurementMarket, SharedViewSuppressesSmallCountsAndTheirHhi) {
  // EL 110 2018/19: 600, 300, 100 publish as 600, 300, 100 (multiples of 5);
  // OPFA 330: three providers with 1 each are all hidden, so its HHI is "*".
  auto tables = MarketTables("05D", ComputeMarket(Rows()), true);
  ASSERT_EQ(tables.size(), 3u);
  const auto& hhi = tables[1];
  ASSERT_EQ(hhi.rows.size(), 3u);
  EXPECT_EQ(hhi.rows[0][4].text, "4600.0");
  EXPECT_EQ(hhi.rows[0][5].text, "highly concentrated");
  EXPECT_EQ(hhi.rows[2][4].text, "*");
  bool any_suppressed = false;
  for (const auto& row : tables[0].rows) any_suppressed = any_suppressed || row[5].kind == report::Cell::Kind::kSuppressed;
  EXPECT_TRUE(any_suppressed);
  // The CCG's own view shows every count and the exact HHI.
  auto own = MarketTables("05D", ComputeMarket(Rows()), false);
  EXPECT_EQ(own[1].rows[2][4].text, "3333.3");
  EXPECT_EQ(own[2].rows.size(), 1u);
  EXPECT_EQ(own[2].rows[0][4].text, "RX4");
}

}  // namespace
}  // namespace csu::procurement
