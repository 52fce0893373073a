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
  // Columns as wide as the longest step and table name (procurement's).
  EXPECT_TRUE(Contains(first.output, "  accounts               users                                  1            1\n"))
      << first.output;
  EXPECT_TRUE(Contains(first.output, "head hash: entry 1 ")) << first.output;
  EXPECT_TRUE(Contains(first.output, " in both")) << first.output;
  EXPECT_FALSE(Contains(first.output, "\r")) << "a progress line in a pipe";
  auto second = RunCsu("migrate --from " + data + " --to " + url);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_TRUE(Contains(second.output, "is not empty")) << second.output;
  EXPECT_TRUE(Contains(second.output, "it was migrated from " + data)) << second.output;
  std::filesystem::remove_all(root);
}

// A folder that has billed and challenged, moved, then used in server mode:
// the invoice issued before the move renders byte for byte as it did, and
// the next invoice run continues the folder's numbering with no gap.
TEST(MigrateCommand, InvoiceNumberingContinuesInServerModeAfterTheMove) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const auto root = testing::FreshScratch("csu-migrate-billing");
  ASSERT_EQ(testing::RunCsuOn(root, "users add admin --role csu_admin --password-stdin < " + (root / "pw.txt").string())
                .exit_code,
            0);
  const std::string golden = std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv";
  ASSERT_EQ(testing::RunCsuOn(root, "catalogue load " + golden).exit_code, 0);
  ASSERT_EQ(testing::RunCsuOn(root, "subscriptions add --ccg 02E --item BI-CORE --start 2018-04-01").exit_code, 0);
  auto o = testing::RunCsuOn(root, "invoice run --period 2018-06");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_TRUE(Contains(o.output, "INV-000001")) << o.output;
  ASSERT_EQ(testing::RunCsuOn(root, "challenges set fu-ratio:02E:RBT:100:2018 agreed --note 'coded twice'").exit_code, 0);
  const auto before = testing::RunCsuOn(root, "invoice show INV-000001");
  ASSERT_EQ(before.exit_code, 0) << before.output;

  const std::string url = "'" + schema.value()->url() + "'";
  o = RunCsu("migrate --from " + (root / "state").string() + " --to " + url);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "numbering: continues INV after 1")) << o.output;
  EXPECT_TRUE(Contains(o.output, "challenge_log                          1            1")) << o.output;

  const std::string db = " --database " + url;
  const auto after = testing::RunCsuOn(root, "invoice show INV-000001", db);
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(after.output, before.output);
  o = testing::RunCsuOn(root, "invoice run --period 2018-07", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "INV-000002")) << o.output;
  o = testing::RunCsuOn(root, "invoice verify", db);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "2 documents")) << o.output;
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace csu::cli
