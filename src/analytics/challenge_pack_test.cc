#include "analytics/challenge_pack.h"

#include <gtest/gtest.h>

namespace csu::analytics {
namespace {

using report::Cell;
using report::ColumnType;

// The challenges view's columns, as ChallengesTable makes them.
report::ReportTable Challenges() {
  report::ReportTable t("Challenges", {{"id", ColumnType::kText},      {"commissioner", ColumnType::kText},
                                       {"provider", ColumnType::kText}, {"rule", ColumnType::kText},
                                       {"kind", ColumnType::kText},     {"date", ColumnType::kText},
                                       {"month", ColumnType::kInteger}, {"code", ColumnType::kText},
                                       {"at_stake", ColumnType::kMoney}, {"status", ColumnType::kText},
                                       {"reason", ColumnType::kText},   {"status_note", ColumnType::kText}});
  auto row = [&](const char* id, const char* provider, const char* rule, int64_t pence, const char* status) {
    t.AddRow({Cell::Text(id), Cell::Text("02E"), Cell::Text(provider), Cell::Text(rule), Cell::Text("apc"),
              Cell::Text("2018-07-01"), Cell::Integer(4), Cell::Text("FZ69C"), Cell::Pence(pence), Cell::Text(status),
              Cell::Text("why"), Cell::Text("")});
  };
  row("duplicate:apc:1:10", "RWW", "duplicate", 120'00, "raised");
  row("readmission:apc:1:11", "RWW", "readmission", 1'865'65, "agreed");
  row("readmission:apc:1:12", "RBT", "readmission", 999'99, "raised");  // another provider
  row("readmission:apc:1:13", "RWW", "readmission", -300'00, "rejected");
  row("duplicate:apc:1:14", "RWW", "duplicate", 0, "agreed");
  return t;
}

// Worked by hand from the five rows: RWW has four. duplicate: 2 (£120.00 +
// £0.00), one open, one agreed at £0.00; readmission: 2 (£1,865.65 −
// £300.00 = £1,565.65), one agreed (£1,865.65), one rejected. Totals: 4,
// £1,685.65, open 1, agreed 2, rejected 1, £1,865.65 agreed.
TEST(ChallengePackTest, CountsAndMoneyByRuleAndStatusForOneProvider) {
  const auto pack = ChallengePack(Challenges(), "RWW", "Warrington and Halton (RWW)", "02E, 2018/19 to month 9");
  ASSERT_EQ(pack.size(), 2u);
  const report::ReportTable& s = pack[0];
  ASSERT_EQ(s.rows.size(), 3u);  // duplicate, readmission, total
  EXPECT_EQ(s.rows[0][0].text, "duplicate");
  EXPECT_EQ(s.rows[0][1].number, 2);
  EXPECT_EQ(s.rows[0][2].number, 120'00);
  EXPECT_EQ(s.rows[0][3].number, 1);
  EXPECT_EQ(s.rows[0][4].number, 1);
  EXPECT_EQ(s.rows[0][6].number, 0);
  EXPECT_EQ(s.rows[1][0].text, "readmission");
  EXPECT_EQ(s.rows[1][2].number, 1'565'65);
  EXPECT_EQ(s.rows[1][4].number, 1);
  EXPECT_EQ(s.rows[1][5].number, 1);
  EXPECT_EQ(s.rows[1][6].number, 1'865'65);
  EXPECT_TRUE(s.IsTotalRow(2));
  EXPECT_EQ(s.TotalOf("challenges"), 4);
  EXPECT_EQ(s.TotalOf("at_stake"), 1'685'65);
  EXPECT_EQ(s.TotalOf("agreed_value"), 1'865'65);
  EXPECT_NE(s.notes[0].find("Warrington and Halton (RWW)"), std::string::npos);
  EXPECT_NE(s.notes[0].find("to month 9"), std::string::npos);
}

TEST(ChallengePackTest, ListsTheProvidersChallengesLargestFirstBySize) {
  const auto pack = ChallengePack(Challenges(), "RWW", "RWW", "02E", [](const std::string& id) { return "explained " + id; });
  const report::ReportTable& l = pack[1];
  ASSERT_EQ(l.rows.size(), 4u);
  const size_t id = l.ColumnIndex("id"), why = l.ColumnIndex("price_explanation");
  ASSERT_LT(why, l.columns.size());
  EXPECT_EQ(l.rows[0][id].text, "readmission:apc:1:11");  // £1,865.65
  EXPECT_EQ(l.rows[1][id].text, "readmission:apc:1:13");  // −£300.00 is larger than £120.00
  EXPECT_EQ(l.rows[2][id].text, "duplicate:apc:1:10");
  EXPECT_EQ(l.rows[3][id].text, "duplicate:apc:1:14");
  EXPECT_EQ(l.rows[0][why].text, "explained readmission:apc:1:11");
  EXPECT_EQ(l.ColumnIndex("provider"), l.columns.size()) << "one provider: not a column";
  for (const auto& row : l.rows) EXPECT_NE(row[id].text, "readmission:apc:1:12") << "another provider's";
}

TEST(ChallengePackTest, AProviderWithoutChallengesSaysSo) {
  const auto pack = ChallengePack(Challenges(), "RXX", "RXX", "02E");
  EXPECT_TRUE(pack[0].rows.empty());
  EXPECT_TRUE(pack[1].rows.empty());
  EXPECT_NE(pack[0].notes.back().find("No challenges"), std::string::npos);
  EXPECT_EQ(pack[1].ColumnIndex("price_explanation"), pack[1].columns.size()) << "no explainer, no column";
}

}  // namespace
}  // namespace csu::analytics
