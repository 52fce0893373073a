// What a partitioned node does with the partition map it reads while it
// serves (cli/partition_watch.h): the same map, nothing; a changed one, a
// reload; one that drops the node or gives it no group, refused with why.
#include <gtest/gtest.h>

#include "cli/partition_watch.h"

namespace csu::cli {
namespace {

store::PartitionMap Map(const std::vector<std::string>& nodes, const std::vector<std::string>& groups) {
  auto m = store::ParsePartitionArgs(nodes, groups);
  EXPECT_TRUE(m.ok()) << m.error().ToString();
  return m.ok() ? m.value() : store::PartitionMap{};
}

const std::vector<std::string> kNodes = {"a=http://10.0.0.1:8081", "b=http://10.0.0.2:8081", "c=http://10.0.0.3:8081"};

TEST(PartitionWatch, TheSameMapChangesNothing) {
  const auto served = Map(kNodes, {"g1:a,b:02E", "g2:b,c:12F"});
  EXPECT_EQ(DecideMap(served, Map(kNodes, {"g1:a,b:02E", "g2:b,c:12F"}), "a").action, MapDecision::kKeep);
}

TEST(PartitionWatch, AChangedMapIsTakenEvenWhenThisNodesShareIsTheSame) {
  const auto served = Map(kNodes, {"g1:a,b:02E", "g2:b,c:12F"});
  // a gains 12F.
  EXPECT_EQ(DecideMap(served, Map(kNodes, {"g1:a,b:02E", "g2:a,c:12F"}), "a").action, MapDecision::kReload);
  // a's own share is the same, but where 12F is forwarded to changed.
  const MapDecision other = DecideMap(served, Map(kNodes, {"g1:a,b:02E", "g2:c,b:12F"}), "a");
  EXPECT_EQ(other.action, MapDecision::kReload);
  EXPECT_TRUE(other.note.empty());
}

TEST(PartitionWatch, ANewAddressForThisNodeIsTakenWithACaution) {
  const auto served = Map(kNodes, {"g1:a,b:02E"});
  const MapDecision d = DecideMap(
      served, Map({"a=http://10.0.0.9:8081", "b=http://10.0.0.2:8081", "c=http://10.0.0.3:8081"}, {"g1:a,b:02E"}),
      "a");
  EXPECT_EQ(d.action, MapDecision::kReload);
  EXPECT_NE(d.note.find("http://10.0.0.9:8081"), std::string::npos) << d.note;
  EXPECT_NE(d.note.find("restarted"), std::string::npos) << d.note;
}

TEST(PartitionWatch, AMapWithoutThisNodeOrWithNoGroupForItIsRefused) {
  const auto served = Map(kNodes, {"g1:a,b:02E", "g2:b,c:12F"});
  const MapDecision gone = DecideMap(served, Map({"b=http://10.0.0.2:8081", "c=http://10.0.0.3:8081"},
                                                 {"g1:b,c:02E", "g2:c,b:12F"}),
                                     "a");
  EXPECT_EQ(gone.action, MapDecision::kRefuse);
  EXPECT_NE(gone.why.find("does not name node a"), std::string::npos) << gone.why;
  const MapDecision idle = DecideMap(served, Map(kNodes, {"g1:b,c:02E", "g2:c,b:12F"}), "a");
  EXPECT_EQ(idle.action, MapDecision::kRefuse);
  EXPECT_NE(idle.why.find("no group"), std::string::npos) << idle.why;
}

}  // namespace
}  // namespace csu::cli
