// The QOF calculator's input files: the worked example reads back, and each
// kind of bad file is refused naming the file, line and column.
#include "primarycare/qof_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "synth/synth_testing.h"

namespace csu::primarycare {
namespace {

const std::string kGolden = std::string(CSU_SOURCE_DIR) + "/tests/golden/primarycare/";

const char* kPractices =
    "practice_code,year,list_size,national_average_list_size,gbp_per_point\n"
    "N81001,2024/25,8000,9964,220.62\n";
const char* kHeader =
    "practice_code,indicator,points_available,lower_threshold_pct,upper_threshold_pct,numerator,denominator,pcas,"
    "register,national_prevalence_pct,prevalence_adjusted\n";

// Writes the two files and reads them; returns the error text, or "" when
// they were accepted.
std::string Problem(const std::string& practices, const std::string& indicators) {
  synth::testing::TempDir dir("qof-files");
  std::filesystem::create_directories(dir.path());
  std::ofstream(dir.file("practices.csv")) << practices;
  std::ofstream(dir.file("indicators.csv")) << indicators;
  auto got = ReadQofFiles(dir.file("practices.csv"), dir.file("indicators.csv"));
  return got.ok() ? "" : got.error().ToString();
}

TEST(QofFiles, WorkedExampleReadsInAnyColumnOrder) {
  auto got = ReadQofFiles(kGolden + "practices.csv", kGolden + "indicators.csv");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_EQ(got.value().practices.size(), 2u);
  EXPECT_EQ(got.value().practices[1].list_size, 12500);
  EXPECT_EQ(got.value().practices[1].gbp_per_point.pence(), 22062);
  ASSERT_EQ(got.value().indicators.size(), 5u);
  const QofIndicator& chd = got.value().indicators[4];
  EXPECT_EQ(chd.indicator, "CHD005");
  EXPECT_EQ(chd.lower_threshold, 56 * kPercentScale);
  EXPECT_EQ(chd.national_prevalence, 3'050'000);
  EXPECT_TRUE(chd.prevalence_adjusted);
  EXPECT_FALSE(got.value().indicators[1].prevalence_adjusted);  // BP002, blank register
}

TEST(QofFiles, BadValuesNameFileLineAndColumn) {
  auto with = [](const std::string& row) { return std::string(kHeader) + row + "\n"; };
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,45,60,5,600,7.5,Y")), "");
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,45,60,5,600,7.5%,Y")),
            "indicators.csv:2: national_prevalence_pct: write the percentage as a plain number without '%' (45 for 45%)");
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,forty,60,5,600,7.5,Y")),
            "indicators.csv:2: numerator: 'forty' is not a whole number");
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,58,60,5,600,7.5,Y")),
            "indicators.csv:2: numerator: more than the denominator less the PCAs");
  EXPECT_EQ(Problem(kPractices, with("N81009,DM012,4,50,90,45,60,5,600,7.5,Y")),
            "indicators.csv:2: practice_code: N81009 is not in practices.csv; every indicator's practice needs its list "
            "size there");
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,45,60,5,600,7.5,maybe")),
            "indicators.csv:2: prevalence_adjusted: 'maybe' is not Y or N");
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,45,60,5,,7.5,Y")),
            "indicators.csv:2: register: value missing");
  EXPECT_EQ(Problem(kPractices, with("N8100,DM012,4,50,90,45,60,5,600,7.5,Y")),
            "indicators.csv:2: practice_code: 'N8100' is not a GP practice code (a letter and five digits, e.g. N81001)");
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,45,60,5,600,7.5,Y") + "n81001,dm012,4,50,90,45,60,5,600,7.5,Y\n"),
            "indicators.csv:3: indicator: DM012 for N81001 is already on line 2; give each practice and indicator one row");
  EXPECT_EQ(Problem(std::string(kPractices) + "N81001,2024/25,9000,9964,220.62\n", with("N81001,DM012,4,50,90,45,60,5,600,7.5,Y")),
            "practices.csv:3: practice_code: N81001 is already on line 2; give each practice one row");
  EXPECT_EQ(Problem("practice_code,year,list_size,national_average_list_size,gbp_per_point\nN81001,2024/26,8000,9964,220.62\n",
                    with("N81001,DM012,4,50,90,45,60,5,600,7.5,Y")),
            "practices.csv:2: year: '2024/26' is not a financial year such as 2024/25");
  EXPECT_EQ(Problem("practice_code,year,list_size,national_average_list_size\nN81001,2024/25,8000,9964\n",
                    with("N81001,DM012,4,50,90,45,60,5,600,7.5,Y")),
            "practices.csv:1: missing required column 'gbp_per_point'");
  EXPECT_EQ(Problem(kPractices, with("N81001,DM012,4,50,90,45,60,5,600,7.5")),
            "indicators.csv:2: has 10 fields, expected 11");
}

}  // namespace
}  // namespace csu::primarycare
