// `csu spc` end to end: output for a hand-worked series, the summary on
// stderr, JSON, the SVG file, and clear messages for bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/run_csu_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::RunCsu;

using testing::Contains;

class SpcCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("csu-spc-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // stdout only, for parsing.
  static std::string Stdout(const std::string& args) {
    std::string command = std::string(CSU_BINARY) + " " + args + " 2>/dev/null";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    ::pclose(pipe);
    return out;
  }

  fs::path dir_;
};

// 10, 12, 11, 13, 12: mean 11.6, AMR 1.5, limits 7.61-15.59, 2 sigma
// 8.94-14.26 (docs/spc.md has the arithmetic).
const char* kSmall = "period,value\n2024-01,10\n2024-02,12\n2024-03,11\n2024-04,13\n2024-05,12\n";

TEST_F(SpcCommandTest, CsvRowsForAHandWorkedSeries) {
  std::string in = Write("s.csv", kSmall);
  Outcome o = RunCsu("spc --input " + in + " --target 7");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output,
                       "period,value,mean,lpl,upl,lower_2sigma,upper_2sigma,moving_range,special_cause_rule,point_type\n"
                       "2024-01,10,11.6,7.61,15.59,8.94,14.26,,none,common_cause\n"
                       "2024-02,12,11.6,7.61,15.59,8.94,14.26,2,none,common_cause\n"))
      << o.output;
  EXPECT_TRUE(Contains(o.output, "2024-05,12,11.6,7.61,15.59,8.94,14.26,1,none,common_cause\n")) << o.output;
  // The summary on stderr: target 7 is below the LPL, increase is better.
  EXPECT_TRUE(Contains(o.output, "variation icon: common_cause")) << o.output;
  EXPECT_TRUE(Contains(o.output, "assurance icon: consistent_pass")) << o.output;
  EXPECT_TRUE(Contains(o.output, "warning: periods 2024-01 to 2024-05: limits from 5 points are trial limits"))
      << o.output;
}

TEST_F(SpcCommandTest, StdoutIsOnlyTheTable) {
  std::string in = Write("s.csv", kSmall);
  std::string out = Stdout("spc --input " + in);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 6) << out;
  EXPECT_FALSE(Contains(out, "icon")) << out;
}

TEST_F(SpcCommandTest, JsonHasPointsGroupsAndIcons) {
  std::string in = Write("s.csv", std::string(kSmall) + "2024-06,30\n");
  std::string out = Stdout("spc --input " + in + " --format json --improvement decrease --target 20");
  nlohmann::json j = nlohmann::json::parse(out);
  // Six points: mean 88/6 = 14.667; MRs 2, 1, 2, 1, 18: AMR 4.8, cut 15.68,
  // the 18 is screened, AMR 1.5; limits 14.667 -/+ 3.99 = 10.677-18.657:
  // 30 is above the UPL (a concern when lower is better), 10 below the LPL.
  EXPECT_NEAR(j["groups"][0]["mean"].get<double>(), 88.0 / 6, 1e-9);
  EXPECT_NEAR(j["groups"][0]["upl"].get<double>(), 88.0 / 6 + 3.99, 1e-9);
  EXPECT_EQ(j["points"][0]["special_cause_rule"], "below_lower_limit");
  EXPECT_EQ(j["points"][0]["point_type"], "special_cause_improvement");
  EXPECT_NEAR(j["groups"][0]["average_moving_range"].get<double>(), 1.5, 1e-9);
  EXPECT_EQ(j["groups"][0]["moving_ranges_screened"], 1);
  EXPECT_EQ(j["points"].size(), 6u);
  EXPECT_TRUE(j["points"][0]["moving_range"].is_null());
  EXPECT_EQ(j["points"][5]["special_cause_rule"], "above_upper_limit");
  EXPECT_EQ(j["points"][5]["point_type"], "special_cause_concern");
  EXPECT_EQ(j["variation_icon"], "concern_high");
  EXPECT_EQ(j["assurance_icon"], "consistent_pass");  // 20 > UPL, lower is better
  EXPECT_EQ(j["improvement"], "decrease");
  EXPECT_EQ(j["run_length"], 7);
}

TEST_F(SpcCommandTest, RebaseAndRunLengthOptions) {
  std::string rows = "period,value\n";
  const int values[] = {10, 11, 10, 11, 10, 11, 10, 11, 20, 22, 20, 22, 20, 22, 20, 22};
  for (int i = 0; i < 16; ++i) rows += "m" + std::to_string(i + 1) + "," + std::to_string(values[i]) + "\n";
  std::string in = Write("step.csv", rows);
  std::string out = Stdout("spc --input " + in + " --rebase m9");
  EXPECT_TRUE(Contains(out, "m8,11,10.5,7.84,13.16,")) << out;
  EXPECT_TRUE(Contains(out, "m9,20,21,15.68,26.32,17.45333333,24.54666667,,none,common_cause")) << out;
  std::string single = Stdout("spc --input " + in);
  EXPECT_TRUE(Contains(single, "m9,20,15.75,11.76,19.74,")) << single;
  EXPECT_TRUE(Contains(single, "above_upper_limit,special_cause_improvement")) << single;

  std::string shift = "period,value\np1,1\np2,-1\np3,0.5\np4,0.5\np5,0.5\np6,0.5\np7,0.5\np8,0.5\n";
  std::string in2 = Write("shift.csv", shift);
  EXPECT_FALSE(Contains(Stdout("spc --input " + in2 + " --fix-after 2"), "shift_above"));
  EXPECT_TRUE(Contains(Stdout("spc --input " + in2 + " --fix-after 2 --run-length 6"), "p8,0.5,0,-5.32,5.32,"));
  EXPECT_TRUE(Contains(Stdout("spc --input " + in2 + " --fix-after 2 --run-length 6"), "shift_above"));
}

TEST_F(SpcCommandTest, WritesAnSvgChart) {
  std::string in = Write("s.csv", "period,value\n\"Q1 <2024>\",10\nQ2,12\nQ3,11\n");
  std::string svg = (dir_ / "chart.svg").string();
  Outcome o = RunCsu("spc --input " + in + " --svg " + svg + " --title 'Beds & trolleys' --units %");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "wrote " + svg)) << o.output;
  std::string text = Read(svg);
  EXPECT_EQ(text.rfind("<svg", 0), 0u);
  EXPECT_TRUE(Contains(text, "<title id=\"spc-title\">Beds &amp; trolleys</title>")) << text;
  EXPECT_TRUE(Contains(text, "Q1 &lt;2024&gt;")) << text;
  EXPECT_FALSE(Contains(text, "<2024>"));
  EXPECT_FALSE(Contains(text, "<script"));
}

TEST_F(SpcCommandTest, BadInputNamesFileLineAndReason) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"", "the file is empty"},
      {"\n\n", "the file is empty"},
      {"period,amount\n2024-01,3\n", ":1: no 'value' column"},
      {"month,value\n2024-01,3\n", ":1: no 'period' column"},
      {"period,value\n", "no data rows after the header"},
      {"period,value\n2024-01,3\n2024-02,abc\n", ":3: value 'abc' is not a number"},
      {"period,value\n2024-01,3\n2024-02,\"1,234\"\n", ":3: value '1,234' is not a number"},
      {"period,value\n2024-01,95%\n", ":2: value '95%' is not a number"},
      {"period,value\n2024-01,3\n2024-02,nan\n", ":3: value 'nan' is not a finite number"},
      {"period,value\n2024-01,inf\n", ":2: value 'inf' is not a finite number"},
      {"period,value\n2024-01,1e999\n", ":2: value '1e999' is not a finite number"},
      {"period,value\n2024-01,3\n2024-02,\n", ":3: the value for 2024-02 is empty"},
      {"period,value\n,3\n", ":2: the period is empty"},
      {"period,value\n2024-01,3\n2024-02,4\n2024-01,5\n", ":4: period '2024-01' repeats line 2"},
      {"period,value\n2024-01,3,9\n", ":2: expected 2 fields as in the header, found 3"},
      {"period,value\n2024-01,\"3\n", ":2: "},
  };
  for (const Case& c : cases) {
    std::string in = Write("bad.csv", c.text);
    Outcome o = RunCsu("spc --input " + in);
    EXPECT_EQ(o.exit_code, 1) << c.text << "\n" << o.output;
    EXPECT_TRUE(Contains(o.output, "csu: " + in)) << c.text << "\n" << o.output;
    EXPECT_TRUE(Contains(o.output, c.expect)) << c.text << "\n" << o.output;
  }
}

TEST_F(SpcCommandTest, ExtraColumnsAndOrderAreAccepted) {
  std::string in = Write("s.csv", "Value,Org,Period\r\n10,RBT,a\r\n12,RBT,b\r\n");
  Outcome o = RunCsu("spc --input " + in);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "b,12,11,")) << o.output;
}

TEST_F(SpcCommandTest, BadOptionsAreUsageErrors) {
  std::string in = Write("s.csv", kSmall);
  Outcome o = RunCsu("spc --input " + in + " --improvement up");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_TRUE(Contains(o.output, "--improvement")) << o.output;
  o = RunCsu("spc --input " + in + " --run-length 5");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  o = RunCsu("spc --input " + in + " --rebase 2030-01");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_TRUE(Contains(o.output, "--rebase: period '2030-01' is not in")) << o.output;
  o = RunCsu("spc --input " + in + " --target 95%");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_TRUE(Contains(o.output, "--target: '95%' is not a finite number")) << o.output;
  o = RunCsu("spc --input " + (dir_ / "missing.csv").string());
  EXPECT_EQ(o.exit_code, 2) << o.output;
  o = RunCsu("spc");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_TRUE(Contains(o.output, "--input")) << o.output;
}

TEST_F(SpcCommandTest, HelpExplainsTheOutput) {
  Outcome o = RunCsu("spc --help");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "special_cause_rule")) << o.output;
  EXPECT_TRUE(Contains(o.output, "stderr")) << o.output;
  EXPECT_TRUE(Contains(o.output, "--two-of-three")) << o.output;
  EXPECT_TRUE(Contains(RunCsu("--help").output, "spc"));
}

}  // namespace
}  // namespace csu::cli
