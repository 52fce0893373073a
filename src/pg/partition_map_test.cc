// The partition map (store/partition_map.h) on both engines: set and read
// back in order; a bad map (one owner twice, an unknown node, a commissioner
// in two groups, a bad URL) is refused by the arguments' reader and by the
// writer, and leaves the stored map as it was.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "pg/pg_for_tests.h"
#include "store/partition_map.h"
#include "store/sqlite_db.h"

namespace csu::store {
namespace {

namespace fs = std::filesystem;

class PartitionMapTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(schema_);
      auto c = pg::Connect(schema_->url());
      ASSERT_TRUE(c.ok()) << c.error().ToString();
      db_ = std::move(c).value();
    } else {
      dir_ = fs::temp_directory_path() / ("csu-partition-map-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      auto db = SqliteDb::Open((dir_ / "map.sqlite").string(), "");
      ASSERT_TRUE(db.ok());
      db_ = std::make_unique<SqliteConnection>(std::move(db).value());
    }
  }
  void TearDown() override {
    db_.reset();
    schema_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::optional<pg::TestSchema> schema_;
  fs::path dir_;
  std::unique_ptr<SqlConnection> db_;
};

const std::vector<std::string> kNodes = {"c=http://127.0.0.1:8083", "a=http://127.0.0.1:8081", "b=http://[::1]:8082"};
const std::vector<std::string> kGroups = {"south:c,a:12F", "north:a,b:27D,02E", "east:b,c:03F"};

TEST_P(PartitionMapTest, SetAndReadBack) {
  auto empty = ReadPartitionMap(*db_);
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_TRUE(empty.value().nodes.empty());
  auto map = ParsePartitionArgs(kNodes, kGroups);
  ASSERT_TRUE(map.ok()) << map.error().ToString();
  ASSERT_TRUE(WritePartitionMap(*db_, map.value()).ok());
  auto back = ReadPartitionMap(*db_);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  const PartitionMap& m = back.value();
  ASSERT_EQ(m.nodes.size(), 3u);
  EXPECT_EQ(m.nodes[0].name, "a");
  EXPECT_EQ(m.nodes[1].base_url, "http://[::1]:8082");
  ASSERT_EQ(m.groups.size(), 3u);
  EXPECT_EQ(m.groups[0].name, "east");
  EXPECT_EQ(m.groups[1].name, "north");
  EXPECT_EQ(m.groups[1].owners[0], "a");
  EXPECT_EQ(m.groups[1].owners[1], "b");
  EXPECT_EQ(m.groups[1].commissioners, (std::vector<std::string>{"02E", "27D"}));
  EXPECT_EQ(m.groups[2].owners[0], "c");  // the order of owners is kept: c is asked first
  EXPECT_EQ(m.CommissionersOf("a"), (std::set<std::string>{"02E", "12F", "27D"}));
  EXPECT_EQ(m.CommissionersOf("c"), (std::set<std::string>{"03F", "12F"}));
  // Set again: replaced whole.
  auto smaller = ParsePartitionArgs({"a=http://127.0.0.1:1", "b=http://127.0.0.1:2"}, {"all:b,a:02E"});
  ASSERT_TRUE(smaller.ok());
  ASSERT_TRUE(WritePartitionMap(*db_, smaller.value()).ok());
  back = ReadPartitionMap(*db_);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().nodes.size(), 2u);
  ASSERT_EQ(back.value().groups.size(), 1u);
  EXPECT_EQ(back.value().groups[0].owners[0], "b");
}

TEST_P(PartitionMapTest, ABadMapIsRefusedAndNothingChanges) {
  auto map = ParsePartitionArgs(kNodes, kGroups);
  ASSERT_TRUE(map.ok());
  ASSERT_TRUE(WritePartitionMap(*db_, map.value()).ok());
  struct Case {
    std::vector<std::string> nodes, groups;
    std::string says;
  };
  const std::vector<Case> cases = {
      {kNodes, {"north:a,a:02E"}, "different nodes"},
      {kNodes, {"north:a,z:02E"}, "no node named 'z'"},
      {kNodes, {"north:a,b:02E", "south:b,c:02E"}, "02E is in two groups"},
      {kNodes, {"north:a,b:"}, "not an ODS code"},
      {kNodes, {"north:a,b,c:02E"}, "exactly two owners"},
      {kNodes, {"north:a,b"}, "NAME:NODE1,NODE2"},
      {kNodes, {"North:a,b:02E"}, "a name is"},
      {{"a=ftp://x:1", "b=http://x:2"}, {"g:a,b:02E"}, "http://HOST:PORT or https://HOST:PORT"},
      {{"a=https://x:1/", "b=http://x:2"}, {"g:a,b:02E"}, "http://HOST:PORT"},
      {{"a=http://x:1/path", "b=http://x:2"}, {"g:a,b:02E"}, "http://HOST:PORT"},
      {{"a=http://x:0", "b=http://x:2"}, {"g:a,b:02E"}, "http://HOST:PORT"},
      {{"a=http://x:1", "a=http://x:2"}, {"g:a,b:02E"}, "named twice"},
      {{"a"}, {"g:a,b:02E"}, "NAME=http"},
  };
  for (const Case& c : cases) {
    auto parsed = ParsePartitionArgs(c.nodes, c.groups);
    ASSERT_FALSE(parsed.ok()) << c.says;
    EXPECT_NE(parsed.error().ToString().find(c.says), std::string::npos) << parsed.error().ToString();
  }
  // Nodes reached over TLS are named by https:// addresses.
  EXPECT_TRUE(ParsePartitionArgs({"a=https://node-a.csu.example:8443", "b=http://10.0.0.2:8080"}, {"g:a,b:02E"}).ok());
  // The writer checks too, whoever built the map.
  PartitionMap bad = map.value();
  bad.groups[0].owners[1] = bad.groups[0].owners[0];
  EXPECT_FALSE(WritePartitionMap(*db_, bad).ok());
  auto back = ReadPartitionMap(*db_);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().groups.size(), 3u);
  EXPECT_EQ(back.value().groups[0].owners[1], "c");
}

std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, PartitionMapTest, ::testing::Values("sqlite", "postgresql"), BackendName);

}  // namespace
}  // namespace csu::store
