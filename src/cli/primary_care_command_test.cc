// `csu primary-care qof` end to end: the worked example of
// tests/golden/primarycare (figures worked by hand in its README), a bad file
// refused with file, line and column, and the formats.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run_csu_for_tests.h"
#include "synth/synth_testing.h"

namespace csu::cli {
namespace {

using testing::Contains;
using testing::RunCsu;

const std::string kDir = std::string(CSU_SOURCE_DIR) + "/tests/golden/primarycare/";
const std::string kArgs = "primary-care qof --practices " + kDir + "practices.csv --indicators " + kDir + "indicators.csv";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PrimaryCareCommand, QofWorkedExampleMatchesTheHandWorking) {
  const auto out = RunCsu(kArgs + " --totals");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output, Slurp(kDir + "qof-expected.csv"));
}

TEST(PrimaryCareCommand, QofJsonKeepsPenceAndTheExplanation) {
  const auto out = RunCsu(kArgs + " --format json");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_TRUE(Contains(out.output, "\"payment_pence\": 56329")) << out.output;
  EXPECT_TRUE(Contains(out.output, "\"points\": 3.18")) << out.output;
  EXPECT_FALSE(Contains(out.output, "TOTAL"));  // no --totals
}

// The worked example's practices with prior-year figures: N81001 had 10.00
// points in 2023/24 at £213.43 with a list of 8,000 against 9,639: £1,771.39
// unadjusted (177,138.707p), 80% = £1,417.11 a year, £118.09 a month
// (11,809.25p), £1,417.08 paid; this year's £2,136.24 leaves £719.16 to pay at
// year end. N81002 has none and is left out.
TEST(PrimaryCareCommand, QofAspirationAndBalancing) {
  synth::testing::TempDir dir("qof-aspiration");
  std::filesystem::create_directories(dir.path());
  std::ofstream(dir.file("practices.csv"))
      << "practice_code,year,list_size,national_average_list_size,gbp_per_point,prior_points,prior_gbp_per_point,"
         "prior_list_size,prior_national_average_list_size,aspiration_pct\n"
         "N81001,2024/25,8000,9964,220.62,10.00,213.43,8000,9639,80\n"
         "N81002,2024/25,12500,9964,220.62,,,,,\n";
  const auto out = RunCsu("primary-care qof --aspiration --practices " + dir.file("practices.csv") + " --indicators " +
                          kDir + "indicators.csv");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_TRUE(Contains(out.output, "N81001,1771.39,1417.11,118.09,1417.08,2136.24,719.16,")) << out.output;
  EXPECT_FALSE(Contains(out.output, "N81002")) << out.output;
  std::ofstream(dir.file("practices.csv"))
      << "practice_code,year,list_size,national_average_list_size,gbp_per_point,prior_points,prior_gbp_per_point,"
         "prior_list_size,prior_national_average_list_size,aspiration_pct\n"
         "N81001,2024/25,8000,9964,220.62,10.00,,8000,9639,80\n"
         "N81002,2024/25,12500,9964,220.62,,,,,\n";
  const auto bad = RunCsu("primary-care qof --aspiration --practices " + dir.file("practices.csv") + " --indicators " +
                          kDir + "indicators.csv");
  EXPECT_EQ(bad.output,
            "csu: practices.csv:2: prior_gbp_per_point: value missing (give all the prior year's figures or none)\n");
}

TEST(PrimaryCareCommand, QofBadFileNamesWhereAndWhy) {
  const auto out = RunCsu("primary-care qof --practices " + kDir + "indicators.csv --indicators " + kDir + "indicators.csv");
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.output, "csu: indicators.csv:1: missing required column 'year'\n");
  const auto xlsx = RunCsu(kArgs + " --format xlsx");
  EXPECT_EQ(xlsx.exit_code, 2) << xlsx.output;
}

}  // namespace
}  // namespace csu::cli
