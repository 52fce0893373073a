// The budget commands end to end on a temporary state folder with the
// golden inputs of tests/golden/ledger: set, approve, vire, forecast, the
// budget and position reports, the refusals a user sees (a bad row named by
// line and field, a virement that does not balance), and the audit entries.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/run_csu_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;
using testing::RunCsu;

class LedgerBudgetCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshScratch("csu-ledger-budget-cli");
    ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
    const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
    ASSERT_EQ(Csu("ledger entity add --entity 02E --template " + chart).exit_code, 0);
    for (const char* m : {"2018-04", "2018-05"})
      ASSERT_EQ(Csu(std::string("ledger period open --entity 02E --period ") + m).exit_code, 0);
    Outcome o = Csu("ledger import --entity 02E " + Golden("april-may-2018.journal"));
    ASSERT_EQ(o.exit_code, 0) << o.output;
  }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Csu(const std::string& args) {
    return testing::RunCsuOn(root_, args);
  }
  static std::string Golden(const char* name) { return std::string(CSU_SOURCE_DIR) + "/tests/golden/ledger/" + name; }
  fs::path root_;
};

TEST_F(LedgerBudgetCommandTest, SetApproveVireForecastAndReport) {
  // A bad file: named by line and field, nothing stored.
  std::ofstream(root_ / "bad.csv") << "cost_centre,account,annual,profile,apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,"
                                      "mar\nCC100,expenses:programme:acute,12,months,1,1,1,1,1,1,1,1,1,1,1,2\n";
  Outcome o = Csu("ledger budget set --entity 02E --year 2018/19 --reason plan " + (root_ / "bad.csv").string());
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "bad.csv:2")) << o.output;
  EXPECT_TRUE(Contains(o.output, "nothing was stored")) << o.output;
  o = Csu("ledger budget versions --entity 02E --year 2018/19 --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(nlohmann::json::parse(o.output)["rows"].empty()) << o.output;

  o = Csu("ledger budget set --entity 02E --year 2018/19 --reason \"2018/19 plan\" " + Golden("budget-2018-19.csv"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "version 1: 4 lines, draft")) << o.output;
  o = Csu("ledger budget approve --entity 02E --year 2018/19 --version 1");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "planned surplus £260.00")) << o.output;

  o = Csu("ledger budget vire --entity 02E --from CC200:expenses:programme:mental-health --to "
          "CC100:income:allocation:programme --amount 5 --period 2018-05 --reason x");
  EXPECT_NE(o.exit_code, 0) << "expenditure into income does not balance";
  EXPECT_TRUE(Contains(o.output, "does not balance")) << o.output;
  o = Csu("ledger budget vire --entity 02E --from CC200:expenses:programme:mental-health --to "
          "CC100:expenses:programme:acute --amount 5 --period 2018-05 --reason \"Acute activity above plan in May\"");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("ledger budget forecast --entity 02E --line CC900:expenses:running-costs:pay --period 2018-05 --outturn 110 "
          "--note \"2018/19 pay award\"");
  ASSERT_EQ(o.exit_code, 0) << o.output;

  o = Csu("ledger report budget --entity 02E --period 2018-05 --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const nlohmann::json budget = nlohmann::json::parse(o.output);
  bool saw_surplus = false;
  for (const auto& row : budget["rows"]) {
    if (row["account"] != "Surplus (deficit)") continue;
    saw_surplus = true;
    EXPECT_EQ(row["ytd_budget_pence"], 5333);
    EXPECT_EQ(row["forecast_pence"], 25000);
  }
  EXPECT_TRUE(saw_surplus) << o.output;
  o = Csu("ledger report position --entity 02E --period 2018-05 --population 5 --allowance-per-head 22.07 "
          "--format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "\"annual_plan_pence\": 11035")) << o.output;
  EXPECT_TRUE(Contains(o.output, "Better Payment Practice Code")) << o.output;

  // The changes are in the audit log.
  o = Csu("audit list");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  for (const char* action : {"ledger.budget.set", "ledger.budget.approve", "ledger.budget.vire",
                             "ledger.budget.forecast"})
    EXPECT_TRUE(Contains(o.output, action)) << action << "\n" << o.output;
}

}  // namespace
}  // namespace csu::cli
