// The market's pass over the loaded, priced tables: records of one
// commissioner counted by provider × POD × treatment function × period, in
// the months monitoring uses (spells by discharge), with another
// commissioner's records, A&E and unpriced records handled as documented.
#include "procurement/market_activity.h"
#include "procurement/market_report.h"

#include <gtest/gtest.h>

#include "analytics/analytics_testing.h"

namespace csu::procurement {
namespace {

using analytics::testing::TestActivity;

TEST(ProcurementMarketActivity, CountsOneCommissionersSpellsAndAppointments) {
  TestActivity t;
  // Discharged in April and in May 2018 (admitted in March: counted by discharge).
  t.Spell({.provider = "RBT", .admitted = "2018-03-30", .discharged = "2018-04-02", .pod = pricing::Pod::kElective, .tfc = "110"});
  t.Spell({.provider = "RBT", .admitted = "2018-04-10", .discharged = "2018-04-12", .pod = pricing::Pod::kElective, .tfc = "110"});
  t.Spell({.provider = "RWW", .admitted = "2018-05-01", .discharged = "2018-05-03", .pod = pricing::Pod::kElective, .tfc = "110"});
  t.Spell({.commissioner = "27D", .provider = "RWW", .pod = pricing::Pod::kElective, .tfc = "110"});  // not 02E's
  t.Spell({.provider = "RBT", .pod = pricing::Pod::kNone, .tfc = "300", .priced = false});
  t.Op({.provider = "RWW", .date = "2018-05-20", .pod = pricing::Pod::kOpFirst, .tfc = "330"});
  t.Ae({.provider = "RBT"});  // no treatment function: not a service line
  auto rows = MarketActivityOf(t.activity(), "02E", MarketPeriod::kMonth);
  auto lines = ComputeMarket(rows);
  ASSERT_EQ(lines.size(), 4u);
  // EL 110: April RBT 2; May RWW 1 (RBT left, RWW entered).
  EXPECT_EQ(lines[0].pod, "EL");
  EXPECT_EQ(lines[0].tfc, "110");
  EXPECT_EQ(lines[0].period, "2018-04");
  EXPECT_EQ(lines[0].total, 2);
  EXPECT_EQ(lines[1].period, "2018-05");
  EXPECT_EQ(lines[1].shares[0].provider, "RWW");
  EXPECT_EQ(lines[2].pod, "NOTPRICED");
  EXPECT_EQ(lines[3].pod, "OPFA");
  EXPECT_EQ(lines[3].tfc, "330");
  auto changes = MarketChanges(lines);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].entered, std::vector<std::string>{"RWW"});
  EXPECT_EQ(changes[0].left, std::vector<std::string>{"RBT"});
  // By financial year the two months are one line: RBT 2, RWW 1 of 3.
  auto year = ComputeMarket(MarketActivityOf(t.activity(), "02E", MarketPeriod::kYear));
  ASSERT_EQ(year[0].period, "2018/19");
  EXPECT_EQ(year[0].total, 3);
  EXPECT_EQ(year[0].hhi, Rational(10000 * (4 + 1), 9));
  EXPECT_TRUE(MarketActivityOf(t.activity(), "99Z", MarketPeriod::kYear).empty());
}

// Flows for one service line: by practice × provider, other lines and other
// commissioners left out; each practice's share of its own activity.
TEST(ProcurementMarketActivity, PracticeFlowsForOneServiceLine) {
  TestActivity t;
  t.Spell({.provider = "RBT", .discharged = "2018-04-02", .pod = pricing::Pod::kElective, .tfc = "110", .practice = "B82001"});
  t.Spell({.provider = "RBT", .discharged = "2018-04-03", .pod = pricing::Pod::kElective, .tfc = "110", .practice = "B82001"});
  t.Spell({.provider = "RWW", .discharged = "2018-04-04", .pod = pricing::Pod::kElective, .tfc = "110", .practice = "B82001"});
  t.Spell({.provider = "RWW", .discharged = "2018-04-05", .pod = pricing::Pod::kElective, .tfc = "110", .practice = "B82002"});
  t.Spell({.provider = "RWW", .discharged = "2018-04-05", .pod = pricing::Pod::kElective, .tfc = "120", .practice = "B82002"});
  t.Spell({.commissioner = "27D", .provider = "RWW", .discharged = "2018-04-05",
           .pod = pricing::Pod::kElective, .tfc = "110", .practice = "B82001"});
  t.Op({.provider = "RBT", .date = "2018-05-20", .pod = pricing::Pod::kOpFirst, .tfc = "110", .practice = "B82002"});
  auto flows = PracticeFlowsOf(t.activity(), "02E", "EL", "110", MarketPeriod::kYear);
  ASSERT_EQ(flows.size(), 3u);
  EXPECT_EQ(flows[0].practice, "B82001");
  EXPECT_EQ(flows[0].provider, "RBT");
  EXPECT_EQ(flows[0].activity, 2);
  EXPECT_EQ(flows[1].provider, "RWW");
  EXPECT_EQ(flows[1].activity, 1);
  EXPECT_EQ(flows[2].practice, "B82002");
  EXPECT_EQ(flows[2].activity, 1);
  auto own = PracticeFlowsTable("02E", "EL", "110", flows, false);
  ASSERT_EQ(own.rows.size(), 3u);
  EXPECT_DOUBLE_EQ(own.rows[0][5].real, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(own.rows[2][5].real, 1.0);
  // Shared: every count here is 1-7, so counts and shares are hidden.
  auto shared = PracticeFlowsTable("02E", "EL", "110", flows, true);
  for (const auto& row : shared.rows) {
    EXPECT_EQ(row[4].kind, report::Cell::Kind::kSuppressed);
    EXPECT_EQ(row[5].kind, report::Cell::Kind::kSuppressed);
  }
  EXPECT_TRUE(PracticeFlowsOf(t.activity(), "02E", "EL", "999", MarketPeriod::kYear).empty());
}

}  // namespace
}  // namespace csu::procurement
