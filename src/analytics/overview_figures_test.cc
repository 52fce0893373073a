// The CSU overview figures as nodes send them
// (docs/formats/overview-figures-v1.md): the writer's bytes, a round trip,
// and each refusal naming the node and the reason.
#include "analytics/overview_figures.h"

#include <gtest/gtest.h>

namespace csu::analytics {
namespace {

const FinancialYear kYear(2018);
const std::set<std::string> kMembers = {"02E", "27D"};

TEST(OverviewFigures, WritesTheDocumentedLayoutAndReadsItBack) {
  const OverviewByCcg figures = {{"02E", {12, 97000000, 98765400, 120000000}}, {"27D", {1, 0, -5, 0}}};
  const std::string wire = OverviewToJson(kYear, "g1", figures);
  EXPECT_EQ(wire,
            R"({"ccgs":[{"actual_ytd_pence":98765400,"ccg":"02E","forecast_profiled_pence":120000000,"month":12,)"
            R"("plan_ytd_pence":97000000},{"actual_ytd_pence":-5,"ccg":"27D","forecast_profiled_pence":0,"month":1,)"
            R"("plan_ytd_pence":0}],"format":"csu-overview-figures-v1","group":"g1","year":"2018/19"})");
  auto back = OverviewFromJson(wire, "node b", kYear, "g1", kMembers);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back.value(), figures);
}

TEST(OverviewFigures, RefusesAnAnswerForAnythingElseWhole) {
  const std::pair<std::string, std::string> cases[] = {
      {"[]", "not a JSON object"},
      {R"({"format":"csu-cube-partials-v1"})", "format is not csu-overview-figures-v1"},
      {OverviewToJson(FinancialYear(2019), "g1", {}), "not for the year 2018/19"},
      {OverviewToJson(kYear, "g2", {}), "not for the group g1"},
      {OverviewToJson(kYear, "g1", {{"12F", {3, 1, 2, 3}}}), "CCG 1: not a CCG of the group g1"},
      {OverviewToJson(kYear, "g1", {{"02E", {13, 1, 2, 3}}}), "02E: month is not 1 to 12"},
      {R"({"ccgs":[{"ccg":"02E","month":3,"plan_ytd_pence":1,"actual_ytd_pence":1.5,"forecast_profiled_pence":1}],)"
       R"("format":"csu-overview-figures-v1","group":"g1","year":"2018/19"})",
       "actual_ytd_pence is not an integer"},
      {R"({"ccgs":[{"ccg":"02E","month":3,"plan_ytd_pence":9223372036854775808,"actual_ytd_pence":1,)"
       R"("forecast_profiled_pence":1}],"format":"csu-overview-figures-v1","group":"g1","year":"2018/19"})",
       "plan_ytd_pence is not an integer"},
  };
  for (const auto& [text, why] : cases) {
    auto r = OverviewFromJson(text, "node b", kYear, "g1", kMembers);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().where, "node b");
    EXPECT_NE(r.error().why.find(why), std::string::npos) << r.error().why << " for " << text;
  }
  const std::string one = R"({"actual_ytd_pence":2,"ccg":"02E","forecast_profiled_pence":3,"month":3,"plan_ytd_pence":1})";
  const std::string twice = R"({"ccgs":[)" + one + "," + one +
                            R"(],"format":"csu-overview-figures-v1","group":"g1","year":"2018/19"})";
  auto r = OverviewFromJson(twice, "node b", kYear, "g1", kMembers);
  ASSERT_FALSE(r.ok()) << twice;
  EXPECT_NE(r.error().why.find("02E twice"), std::string::npos) << r.error().why;
}

}  // namespace
}  // namespace csu::analytics
