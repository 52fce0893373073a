// End-to-end checks of the `csu` binary as a user meets it: help texts, exit
// codes and the messages for mistakes.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "cli/run_csu_for_tests.h"

namespace csu::cli {
namespace {

using testing::Outcome;
using testing::RunCsu;

using testing::kRefdata;

using testing::Contains;

TEST(CliTest, HelpListsSubcommands) {
  Outcome o = RunCsu("--help");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "refdata")) << o.output;
  EXPECT_TRUE(Contains(o.output, "version")) << o.output;
  EXPECT_TRUE(Contains(o.output, "synth")) << o.output;
}

TEST(CliTest, VersionPrintsVersion) {
  Outcome o = RunCsu("version");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "csu 0.")) << o.output;
}

TEST(CliTest, UnknownCommandIsAUsageError) {
  Outcome o = RunCsu("frobnicate");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(Contains(o.output, "frobnicate")) << o.output;
  EXPECT_TRUE(Contains(o.output, "--help")) << o.output;
}

TEST(CliTest, UnknownOptionIsAUsageError) {
  Outcome o = RunCsu(kRefdata + "refdata check --colour");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(Contains(o.output, "--colour")) << o.output;
}

TEST(CliTest, RefdataCheckPrintsCounts) {
  Outcome o = RunCsu(kRefdata + "refdata check");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "valid")) << o.output;
  EXPECT_TRUE(Contains(o.output, "2,303 admitted care")) << o.output;
  EXPECT_TRUE(Contains(o.output, "6,658")) << o.output;
}

TEST(CliTest, ShowTariffPrintsPrices) {
  Outcome o = RunCsu(kRefdata + "refdata show tariff 2018/19 EB03E");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "\xC2\xA3" "1,306.00")) << o.output;
  EXPECT_TRUE(Contains(o.output, "13 days")) << o.output;
}

TEST(CliTest, ShowMffAndOrganisations) {
  EXPECT_TRUE(Contains(RunCsu(kRefdata + "refdata show mff 2018/19 R1H").output, "1.212802"));
  EXPECT_TRUE(Contains(RunCsu(kRefdata + "refdata show ccg 27D").output, "783,954"));
  EXPECT_TRUE(Contains(RunCsu(kRefdata + "refdata show practice A84002").output, "5,903"));
  EXPECT_TRUE(Contains(RunCsu(kRefdata + "refdata show provider RBT").output, "MID CHESHIRE"));
}

TEST(CliTest, ShowSomethingMissingFailsClearly) {
  Outcome o = RunCsu(kRefdata + "refdata show tariff 2018/19 DZ01Z");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "no national price")) << o.output;
  o = RunCsu(kRefdata + "refdata show tariff 2021/22 EB03E");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "no tariff loaded for 2021/22")) << o.output;
  o = RunCsu(kRefdata + "refdata show tariff 2018/20 EB03E");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(Contains(o.output, "not a financial year")) << o.output;
}

TEST(CliTest, MalformedReferenceDataNamesFileAndLine) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("csu-cli-refdata-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(fs::path(CSU_SOURCE_DIR) / "data/refdata", dir);
  {
    std::ofstream out(dir / "mff_2016_17.csv", std::ios::app);
    out << "2016/17,RXX,BROKEN TRUST,one point two\n";
  }
  Outcome o = RunCsu("--refdata " + dir.string() + " refdata check");
  fs::remove_all(dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "mff_2016_17.csv:240")) << o.output;
  EXPECT_TRUE(Contains(o.output, "one point two")) << o.output;
}

TEST(CliTest, MissingReferenceDirectoryIsAUsageError) {
  Outcome o = RunCsu("--refdata /nonexistent/refdata refdata check");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(Contains(o.output, "/nonexistent/refdata")) << o.output;
}


// A file cut off mid-row (no final line break, last row short) is refused
// with its line and nothing is stored; --accept-truncated loads it with that
// row quarantined. A file with bare CR line ends is named as such.
TEST(CliTest, TruncatedAndBareCrExtractsGetClearErrors) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("csu-cli-trunc-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  const std::string header =
      "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,discharge_date,"
      "admission_method,patient_classification,treatment_function,hrg\n";
  const std::string row1 = "9434765919,1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E\n";
  const std::string cut = "9434765919,1950-06-15,1,N81002,27D,RBT,S2,2018-06-01,2018-0";
  std::ofstream(root / "cut.csv") << header << row1 << cut;
  std::string crlines = header + row1;
  for (char& ch : crlines) if (ch == '\n') ch = '\r';
  std::ofstream(root / "cr.csv") << crlines;
  const std::string common = kRefdata + "ingest --data " + (root / "state").string() + " --key " +
                             (root / "k.key").string() + " --kind apc ";

  Outcome o = RunCsu(common + (root / "cut.csv").string());
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "cut.csv: line 3: the file looks truncated")) << o.output;
  EXPECT_TRUE(Contains(RunCsu(kRefdata + "batches --data " + (root / "state").string() + " --key " +
                              (root / "k.key").string()).output, "No batches")) << "nothing may be stored";
  o = RunCsu(common + "--accept-truncated " + (root / "cut.csv").string());
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "accepted                  1")) << o.output;
  EXPECT_TRUE(Contains(o.output, "1  wrong number of fields")) << o.output;

  o = RunCsu(common + (root / "cr.csv").string());
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "bare carriage return")) << o.output;
  fs::remove_all(root);
}

}  // namespace
}  // namespace csu::cli
