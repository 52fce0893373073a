// The gather across nodes (web/partition_gather.h) with fake nodes: each
// group is asked of one owner (this node itself first when it owns it), the
// second owner when the first fails or answers for commissioners outside
// the group, and the merge equals the whole; with both owners down the
// gather fails naming the group, never a view with a group missing.
#include <gtest/gtest.h>

#include "web/partition_gather.h"

namespace csu::web {
namespace {

using analytics::CubeCell;
using analytics::CubePartials;
using analytics::PartialIndex;

// Made-up partials: one cell per commissioner, its value its code's digits.
CubePartials Of(const std::set<std::string>& ccgs) {
  CubePartials p;
  p.year = FinancialYear(2018);
  for (const std::string& c : ccgs) {
    const int64_t v = (c[0] - '0') * 10 + (c[1] - '0');
    p.cells[{c, "RBT"}][PartialIndex(3, 2)] = CubeCell{v, v * 100};
  }
  return p;
}

store::PartitionMap Map() {
  auto m = store::ParsePartitionArgs({"a=http://127.0.0.1:1", "b=http://127.0.0.1:2", "c=http://127.0.0.1:3"},
                                     {"g1:a,b:02E,03F", "g2:b,c:12F", "g3:c,a:27D"});
  EXPECT_TRUE(m.ok());
  return m.value();
}

struct FakeNodes {
  store::PartitionMap map = Map();
  std::set<std::string> down;
  std::vector<std::string> asked;  // "node:group"
  std::string stray_from;          // a node that answers with another group's commissioner
  PartialsFetch Fetch() {
    return [this](const store::PartitionNode& node, const std::string& target) -> Result<std::string> {
      const std::string group = target.substr(target.find("group=") + 6, 2);
      asked.push_back(node.name + ":" + group);
      if (down.count(node.name)) return MakeError("node " + node.name, "cannot connect: Connection refused");
      const store::PartitionGroup* g = map.Group(group);
      std::set<std::string> members(g->commissioners.begin(), g->commissioners.end());
      if (node.name == stray_from) members.insert("99X");
      return analytics::PartialsToJson(Of(members));
    };
  }
};

TEST(PartitionGather, AsksOneOwnerPerGroupAndMergesToTheWhole) {
  FakeNodes nodes;
  int local_calls = 0;
  auto local = [&](FinancialYear, const std::set<std::string>& members) {
    ++local_calls;
    return Of(members);
  };
  auto g = GatherPartials(Map(), "a", FinancialYear(2018), {}, local, nodes.Fetch());
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(analytics::PartialsToJson(g.value().partials), analytics::PartialsToJson(Of({"02E", "03F", "12F", "27D"})));
  // a owns g1 and g3 (second owner of g3): both answered locally; g2 from b.
  EXPECT_EQ(local_calls, 2);
  EXPECT_EQ(nodes.asked, (std::vector<std::string>{"b:g2"}));
  EXPECT_EQ(g.value().answered_by, (std::vector<std::string>{"g1=a", "g2=b", "g3=a"}));
  EXPECT_EQ(PartialsTarget("g2", FinancialYear(2018)), "/internal/v1/partials?group=g2&year=2018%2F19");
}

TEST(PartitionGather, AGroupWhoseFirstOwnerIsDownComesFromTheSecond) {
  FakeNodes nodes;
  nodes.down = {"b"};
  auto g = GatherPartials(Map(), "x", FinancialYear(2018), {}, nullptr, nodes.Fetch());
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(analytics::PartialsToJson(g.value().partials), analytics::PartialsToJson(Of({"02E", "03F", "12F", "27D"})));
  EXPECT_EQ(nodes.asked, (std::vector<std::string>{"a:g1", "b:g2", "c:g2", "c:g3"}));
  EXPECT_EQ(g.value().answered_by, (std::vector<std::string>{"g1=a", "g2=c", "g3=c"}));
}

TEST(PartitionGather, OnlyTheGroupsOfTheWantedCcgsAreAsked) {
  FakeNodes nodes;
  auto g = GatherPartials(Map(), "x", FinancialYear(2018), {"12F"}, nullptr, nodes.Fetch());
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(nodes.asked, (std::vector<std::string>{"b:g2"}));
}

TEST(PartitionGather, AnAnswerForOtherCommissionersIsRefusedLikeAFailedNode) {
  FakeNodes nodes;
  nodes.stray_from = "a";
  auto g = GatherPartials(Map(), "x", FinancialYear(2018), {"02E"}, nullptr, nodes.Fetch());
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(g.value().answered_by, (std::vector<std::string>{"g1=b"}));
  EXPECT_EQ(analytics::PartialsToJson(g.value().partials), analytics::PartialsToJson(Of({"02E", "03F"})));
}

TEST(PartitionGather, BothOwnersDownFailsNamingTheGroup) {
  FakeNodes nodes;
  nodes.down = {"b", "c"};
  auto g = GatherPartials(Map(), "x", FinancialYear(2018), {}, nullptr, nodes.Fetch());
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().why.find("group g2: neither owner answered"), std::string::npos) << g.error().why;
  EXPECT_NE(g.error().why.find("Connection refused"), std::string::npos);
}

}  // namespace
}  // namespace csu::web
