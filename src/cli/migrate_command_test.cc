// `csu migrate` as a user runs it: a folder made by `csu users add` moved
// into a fresh PostgreSQL schema (skipped without CSU_TEST_POSTGRES_URL),
// the counts and the head hash printed, no progress line in a pipe, and a
// second run refused; a URL that is not PostgreSQL's is a usage error.
#include <gtest/gtest.h>

#include "cli/run_csu_for_tests.h"
#include "pg/pg_for_tests.h"

namespace csu::cli {
namespace {

using testing::Contains;
using testing::RunCsu;

TEST(MigrateCommand, ATargetThatIsNotPostgresIsAUsageError) {
  auto o = RunCsu("migrate --from /nonexistent --to sqlite:somewhere");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_TRUE(Contains(o.output, "--to: must be a postgresql:// URL")) << o.output;
}

TEST(MigrateCommand, MovesAFolderIntoPostgresAndRefusesASecondTime) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const auto root = testing::FreshScratch("csu-migrate-cli");
  const std::string data = (root / "state").string();
  auto add = RunCsu(testing::kRefdata + "users add alice --role csu_admin --data " + data +
                    " --password-stdin < " + (root / "pw.txt").string());
  ASSERT_EQ(add.exit_code, 0) << add.output;
  const std::string url = "'" + schema.value()->url() + "'";
  auto first = RunCsu("migrate --from " + data + " --to " + url);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(Contains(first.output, "users                           1            1")) << first.output;
  EXPECT_TRUE(Contains(first.output, "head hash: entry 1 ")) << first.output;
  EXPECT_TRUE(Contains(first.output, " in both")) << first.output;
  EXPECT_FALSE(Contains(first.output, "\r")) << "a progress line in a pipe";
  auto second = RunCsu("migrate --from " + data + " --to " + url);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_TRUE(Contains(second.output, "is not empty")) << second.output;
  EXPECT_TRUE(Contains(second.output, "It was migrated from " + data)) << second.output;
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace csu::cli
