// `csu primary-care` contracting end to end on a state folder: practices
// from the reference data, contracts, a bad list file refused with file,
// line and column and nothing stored, the worked schedule of
// tests/golden/primarycare (README, "Payment schedule"), its posting to the
// CCG's ledger and the refusal of a second post.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/run_csu_for_tests.h"

namespace csu::cli {
namespace {

using testing::Contains;
using testing::Outcome;

const std::string kGolden = std::string(CSU_SOURCE_DIR) + "/tests/golden/primarycare/schedule/";

class PrimaryCareContracting : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshScratch("csu-pcc-cli");
    ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  Outcome Csu(const std::string& args) { return testing::RunCsuOn(root_, args); }
  std::filesystem::path root_;
};

TEST_F(PrimaryCareContracting, ScheduleFromFilesPostedOnce) {
  Outcome o = Csu("primary-care practices add --ccg 00l");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "00L:")) << o.output;
  ASSERT_EQ(Csu("primary-care contract add --practice A84002 --type GMS --start 2004-04-01").exit_code, 0);
  ASSERT_EQ(Csu("primary-care contract add --practice a84003 --type pms --start 2010-04-01").exit_code, 0);
  ASSERT_EQ(Csu("primary-care contract add --practice A84005 --type GMS --start 2004-04-01").exit_code, 0);
  o = Csu("primary-care contract add --practice A84006 --type APMS --start 2020-04-01 --end 2025-03-31");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("primary-care contract add --practice A84006 --type GMS --start 2025-03-01");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "overlaps its APMS contract")) << o.output;

  // A bad list file: refused naming file, line and column; nothing stored.
  const std::string bad = (root_ / "bad-lists.csv").string();
  std::ofstream(bad) << "practice_code,quarter,registered,weighted\n"
                        "A84002,2024-04-01,5903,6120.44\n"
                        "A84003,2024-04-01,14738,13995.2500001\n";
  o = Csu("primary-care lists load " + bad);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "bad-lists.csv:3: weighted")) << o.output;
  o = Csu("primary-care lists show --practice A84002 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(Contains(o.output, "2024-04-01")) << o.output;

  ASSERT_EQ(Csu("primary-care lists load " + kGolden + "lists.csv").exit_code, 0);
  o = Csu("primary-care qof-load --practices " + kGolden + "qof-practices.csv --indicators " + kGolden +
          "qof-indicators.csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_EQ(Csu("primary-care adjustments load " + kGolden + "adjustments.csv").exit_code, 0);
  o = Csu("primary-care schedule --ccg 00L --month 2024-04 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "A84002,global_sum,Global sum 2024-04 (GMS),57379.16,")) << o.output;
  EXPECT_TRUE(Contains(o.output, "A84005,global_sum,Global sum 2024-04 (GMS),75000.02,")) << o.output;
  EXPECT_TRUE(Contains(o.output, "A84003,deduction,Overpayment recovery,-312.40,")) << o.output;
  EXPECT_TRUE(Contains(o.output, "358359.39")) << o.output;

  // Posting needs the CCG's ledger and an open period.
  o = Csu("primary-care schedule-post --ccg 00L --month 2024-04");
  EXPECT_NE(o.exit_code, 0);
  ASSERT_EQ(Csu("ledger entity add --entity 00L --template " + std::string(CSU_SOURCE_DIR) +
                "/data/ledger/ccg-chart.csv --approval-above £100,000,000")
                .exit_code,
            0);
  ASSERT_EQ(Csu("ledger period open --entity 00L --period 2024-04").exit_code, 0);
  o = Csu("primary-care schedule-post --ccg 00L --month 2024-04");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "£358,359.39, posted as journal 1")) << o.output;
  o = Csu("primary-care schedule-post --ccg 00L --month 2024-04");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "already posted (journal 1)")) << o.output;
  o = Csu("ledger journals --entity 00L --period 2024-04 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "posted,Primary care payment schedule 00L 2024-04,358671.79")) << o.output;
  o = Csu("primary-care history --practice A84002 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "2024-04,qof_aspiration,QOF aspiration payment 2024/25,87.14,")) << o.output;
  o = Csu("audit list");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "primary_care.schedule_post")) << o.output;
}

TEST_F(PrimaryCareContracting, AchievementLeavingTheCcgIsUnderDisclosureControl) {
  ASSERT_EQ(Csu("primary-care practices add --ccg 00L").exit_code, 0);
  ASSERT_EQ(Csu("primary-care lists load " + kGolden + "lists.csv").exit_code, 0);
  ASSERT_EQ(Csu("primary-care qof-load --practices " + kGolden + "qof-practices.csv --indicators " + kGolden +
                "qof-indicators.csv")
                .exit_code,
            0);
  Outcome own = Csu("primary-care achievement --year 2024/25 --ccg 00L --format csv");
  ASSERT_EQ(own.exit_code, 0) << own.output;
  EXPECT_TRUE(Contains(own.output, "A84002,00L,5903,15.00,1960.54,1045.65,")) << own.output;
  Outcome shared = Csu("primary-care achievement --year 2024/25 --format csv");
  ASSERT_EQ(shared.exit_code, 0) << shared.output;
  EXPECT_TRUE(Contains(shared.output, "A84002,00L,5905,")) << shared.output;  // 5,903 rounded to 5
}

}  // namespace
}  // namespace csu::cli
