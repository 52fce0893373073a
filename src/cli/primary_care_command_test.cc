// `csu primary-care qof` end to end: the worked example of
// tests/golden/primarycare (figures worked by hand in its README), a bad file
// refused with file, line and column, and the formats.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/run_csu_for_tests.h"

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

TEST(PrimaryCareCommand, QofBadFileNamesWhereAndWhy) {
  const auto out = RunCsu("primary-care qof --practices " + kDir + "indicators.csv --indicators " + kDir + "indicators.csv");
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.output, "csu: indicators.csv:1: missing required column 'year'\n");
  const auto xlsx = RunCsu(kArgs + " --format xlsx");
  EXPECT_EQ(xlsx.exit_code, 2) << xlsx.output;
}

}  // namespace
}  // namespace csu::cli
