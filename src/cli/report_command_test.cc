// `csu report` end to end on the demo CSU's data: the default synthetic
// year (CCGs 27D, 02E, 12F, seed 1) with the contracts `csu synth` writes,
// ingested into a fresh state folder. Each report's CSV for CCG 02E is
// compared with a reference kept in tests/golden/reports. The figures
// themselves are checked by hand in src/analytics/*_test.cc; this test pins
// the whole path: synth, ingest, contracts, pricing, analytics and
// rendering. The references are this code's own output, so rewriting them
// (CSU_UPDATE_GOLDEN=1, tests/golden/reports/README.md) always fails the
// run: a rewrite is reviewed as a diff and checked by a second run, and can
// never be what makes a run pass.
#include <gtest/gtest.h>

#include <regex>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run_csu_for_tests.h"
#include "core/file.h"
#include <nlohmann/json.hpp>

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::RunCsu;

using testing::kRefdata;

class DemoReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("csu-report-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    const std::string out = (*root_ / "demo").string();
    Outcome o = RunCsu(kRefdata + "synth --out " + out + " --year 2018/19 --seed 1");
    ASSERT_EQ(o.exit_code, 0) << o.output;
    for (const char* kind : {"apc", "op", "ae"}) {
      o = RunCsu(kRefdata + "ingest " + Common() + " --kind " + kind + " " + out + "/" + kind + ".csv");
      ASSERT_EQ(o.exit_code, 0) << o.output;
    }
    o = RunCsu(kRefdata + "contracts load " + Common() + " " + out + "/contracts.csv");
    ASSERT_EQ(o.exit_code, 0) << o.output;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }
  static std::string Common() {
    return "--data " + (*root_ / "state").string() + " --key " + (*root_ / "keys" / "k.key").string();
  }
  static fs::path* root_;
};
fs::path* DemoReportTest::root_ = nullptr;

TEST_F(DemoReportTest, EachReportMatchesItsReferenceCsv) {
  const bool update = std::getenv("CSU_UPDATE_GOLDEN") != nullptr;
  std::string rewritten;
  for (const char* view :
       {"summary", "monitoring", "nca", "challenges", "spend", "flows", "practices", "ae", "readmissions"}) {
    const std::string out = (*root_ / (std::string(view) + ".csv")).string();
    Outcome o = RunCsu(kRefdata + "report " + view + " " + Common() +
                       " --commissioner 02E --year 2018/19 --month 9 --format csv --out " + out);
    ASSERT_EQ(o.exit_code, 0) << view << ": " << o.output;
    const std::string got = ReadFile(out).value();
    const std::string golden = std::string(CSU_SOURCE_DIR) + "/tests/golden/reports/" + view + "-02E-2018-19-m9.csv";
    auto want = ReadFile(golden);
    if (update) {
      if (want.ok() && want.value() == got) continue;
      std::ofstream file(golden, std::ios::binary | std::ios::trunc);
      file << got;
      file.close();
      ASSERT_TRUE(file.good()) << "could not write " << golden;
      rewritten += "\n  " + golden;
      continue;
    }
    ASSERT_TRUE(want.ok()) << golden << " missing: see tests/golden/reports/README.md to create it";
    EXPECT_EQ(got, want.value()) << view << " differs from " << golden
                                 << " (if the change is meant, see tests/golden/reports/README.md)";
  }
  // Updating is its own step: it never passes, even when nothing changed,
  // so a run with the variable left set cannot be mistaken for a green one.
  if (update)
    ADD_FAILURE() << "CSU_UPDATE_GOLDEN is set: goldens rewritten:"
                  << (rewritten.empty() ? std::string(" none (all matched)") : rewritten)
                  << "\nReview the diff, check the changed figures by hand, and run again without CSU_UPDATE_GOLDEN.";
}

TEST_F(DemoReportTest, SummaryStatusThresholdsAreTheCallers) {
  Outcome o = RunCsu(kRefdata + "report summary " + Common() + " --commissioner 02E --month 9 --rag 5,2");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("amber threshold must be below the red one"), std::string::npos) << o.output;
  // With thresholds no variance reaches, every contract is green.
  o = RunCsu(kRefdata + "report summary " + Common() + " --commissioner 02E --month 9 --format csv --rag 900,999");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_EQ(o.output.find(",Red,"), std::string::npos);
  EXPECT_EQ(o.output.find(",Amber,"), std::string::npos);
  EXPECT_NE(o.output.find(",Green,"), std::string::npos);
}

TEST_F(DemoReportTest, MonitoringShowsContractsOverAndUnderPlanAndNca) {
  Outcome o = RunCsu(kRefdata + "report monitoring " + Common() + " --commissioner 02E --month 9 --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("\"TOTAL\""), std::string::npos);
  EXPECT_NE(o.output.find("\"MRET\""), std::string::npos) << "the demo sets MRET baselines that bite";
  o = RunCsu(kRefdata + "report nca " + Common() + " --commissioner 02E --month 9");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("Non-contract activity"), std::string::npos);
}

TEST_F(DemoReportTest, XlsxWorkbookHasOneSheetPerView) {
  const std::string out = (*root_ / "all.xlsx").string();
  Outcome o = RunCsu(kRefdata + "report all " + Common() + " --commissioner 02E --month 9 --format xlsx --out " + out);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  FILE* p = ::popen(("unzip -l " + out).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string listing;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) listing.append(buf, n);
  ::pclose(p);
  for (int sheet = 1; sheet <= 8; ++sheet)
    EXPECT_NE(listing.find("xl/worksheets/sheet" + std::to_string(sheet) + ".xml"), std::string::npos) << listing;
}

TEST_F(DemoReportTest, SharedOutputAppliesDisclosureControl) {
  Outcome o = RunCsu(kRefdata + "report readmissions " + Common() +
                     " --commissioner 02E --month 9 --format json --shared 2>/dev/null");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  nlohmann::json j = nlohmann::json::parse(o.output);
  int checked = 0, suppressed = 0;
  for (const auto& row : j["rows"]) {
    for (const char* key : {"discharges", "readmitted_30_days"}) {
      const auto& v = row[key];
      if (v.is_string()) {
        EXPECT_EQ(v.get<std::string>(), "*");
        ++suppressed;
      } else if (v.is_number()) {
        EXPECT_EQ(v.get<int64_t>() % 5, 0) << row.dump();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);
}

TEST_F(DemoReportTest, DrillDownAndChallengeStatus) {
  Outcome o = RunCsu(kRefdata + "report records " + Common() + " --commissioner 02E --month 9 --provider RBT --pod NEL --month-only --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find(",NEL,"), std::string::npos);
  o = RunCsu(kRefdata + "challenges set " + Common() + " fu-ratio:02E:RBT:100:2018 agreed");
  EXPECT_EQ(o.exit_code, 1) << "a note is required";
  o = RunCsu(kRefdata + "challenges set " + Common() + " fu-ratio:02E:RBT:100:2018 agreed --note 'provider accepts'");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  // A record's challenge is found by its record; a mistyped id records nothing.
  o = RunCsu(kRefdata + "report challenges " + Common() + " --commissioner 02E --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  std::smatch id;
  ASSERT_TRUE(std::regex_search(o.output, id, std::regex("[a-z-]+:(apc|op|ae):[0-9]+:[0-9]+"))) << o.output;
  o = RunCsu(kRefdata + "challenges set " + Common() + " " + id.str() + " rejected --note 'coded right'");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  o = RunCsu(kRefdata + "challenges set " + Common() + " duplicate:apc:999:1 rejected --note 'coded right'");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("no such challenge in the activity loaded"), std::string::npos) << o.output;
  o = RunCsu(kRefdata + "report challenges " + Common() + " --commissioner 02E --format csv");
  EXPECT_NE(o.output.find("coded right"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("duplicate:apc:999:1"), std::string::npos) << o.output;
  o = RunCsu(kRefdata + "report monitoring " + Common() + " --commissioner XYZ");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.output.find("not a CCG code"), std::string::npos) << o.output;
  o = RunCsu(kRefdata + "report all " + Common() + " --commissioner 02E --format xlsx");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.output.find("--out"), std::string::npos) << o.output;
}

// Codes in any case, the loaded codes named when one is unknown, and the
// state folder from CSU_DATA.
TEST_F(DemoReportTest, CodesInAnyCaseAndTheStateFolderFromTheEnvironment) {
  const std::string csv = " --year 2018/19 --month 6 --format csv";
  Outcome upper = RunCsu(kRefdata + "report monitoring " + Common() + " --commissioner 02E" + csv);
  ASSERT_EQ(upper.exit_code, 0) << upper.output;
  Outcome lower = RunCsu(kRefdata + "report monitoring " + Common() + " --commissioner 02e" + csv);
  EXPECT_EQ(lower.exit_code, 0) << lower.output;
  EXPECT_EQ(lower.output, upper.output);
  Outcome all = RunCsu(kRefdata + "report spend " + Common() + " --commissioner ALL" + csv);
  EXPECT_EQ(all.exit_code, 0) << all.output;

  Outcome unknown = RunCsu(kRefdata + "report monitoring " + Common() + " --commissioner 99x" + csv);
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("loaded: 02E, 12F, 27D"), std::string::npos) << unknown.output;

  const std::string key = " --key " + (*root_ / "keys" / "k.key").string();
  ::setenv("CSU_DATA", (*root_ / "state").string().c_str(), 1);  // the child inherits it
  Outcome from_env = RunCsu(kRefdata + "report monitoring --commissioner 02e" + key + csv);
  ::unsetenv("CSU_DATA");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.output;
  EXPECT_EQ(from_env.output, upper.output);
  Outcome help = RunCsu("batches --help");
  EXPECT_NE(help.output.find("CSU_DATA"), std::string::npos) << help.output;
}

// Month-end activity accruals come from the monitoring view's figures: RWW's
// readmissions withheld in month 9 are the £291,988.23 of docs/monitoring.md,
// and with nothing spent in the ledger each accrual is the payable to date.
TEST_F(DemoReportTest, ActivityAccrualsComeFromMonitoringAndPostOnce) {
  const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  ASSERT_EQ(RunCsu(kRefdata + "ledger entity add --entity 02E --template " + chart + " " + Common()).exit_code, 0);
  ASSERT_EQ(RunCsu(kRefdata + "ledger period open --entity 02E --period 2018-12 " + Common()).exit_code, 0);
  Outcome o = RunCsu(kRefdata + "ledger accruals propose --entity 02e --period 2018-12 --format csv " + Common());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("RWW,yes,89556211.62,291988.23,17908.07,89246315.32,0.00,89246315.32,"), std::string::npos)
      << o.output;
  o = RunCsu(kRefdata + "ledger accruals post --entity 02E --period 2018-12 --reason 'reviewed' " + Common());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("waiting for a second person's approval"), std::string::npos) << o.output;
  o = RunCsu(kRefdata + "ledger accruals post --entity 02E --period 2018-12 --reason 'again' " + Common());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.output.find("already in the ledger"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace csu::cli
