// Loading the same input again, or a bad one, through the `csu` binary:
// `csu ingest` of a file already loaded says so and loads nothing, and a
// contracts file with a bad line anywhere (here the last) is refused whole,
// leaving the stored contracts exactly as they were.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/run_csu_for_tests.h"
#include "core/file.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::kRefdata;
using testing::Outcome;
using testing::RunCsu;

class LoadTwiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Common() const {
    return "--data " + (root_ / "state").string() + " --key " + (root_ / "keys" / "k.key").string();
  }
  std::string Write(const std::string& name, const std::string& text) const {
    const fs::path p = root_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  fs::path root_ = fs::temp_directory_path() / ("csu-load-twice-" + std::to_string(::getpid()));
};

TEST_F(LoadTwiceTest, IngestingTheSameFileTwiceSaysNothingNewWasLoaded) {
  const std::string file = std::string(CSU_SOURCE_DIR) + "/tests/golden/ingest/apc_mixed.csv";
  Outcome first = RunCsu(kRefdata + "ingest " + Common() + " --kind apc " + file);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_TRUE(Contains(first.output, "apc_mixed.csv -> batch 1 (apc)")) << first.output;
  Outcome batches_before = RunCsu("batches " + Common());
  ASSERT_EQ(batches_before.exit_code, 0) << batches_before.output;

  Outcome second = RunCsu(kRefdata + "ingest " + Common() + " --kind apc " + file);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  const std::string sha12 = store::Sha256Hex(ReadFile(file).value()).substr(0, 12);
  // The file is named as it was given, with the batch and its hash's first 12 digits.
  EXPECT_EQ(second.output, file + ": already loaded as batch 1 (same content, " + sha12 + "); nothing new loaded\n");
  // Still one batch: the listing is what it was.
  Outcome batches_after = RunCsu("batches " + Common());
  EXPECT_EQ(batches_after.output, batches_before.output);
  // The same in JSON, for scripts.
  Outcome json = RunCsu(kRefdata + "ingest " + Common() + " --kind apc --json " + file);
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_TRUE(Contains(json.output, "\"already_loaded\": true")) << json.output;
}

TEST_F(LoadTwiceTest, AContractsFileWithABadLastLineChangesNothingStored) {
  // Contracts go into an existing state folder: make one with an extract.
  Outcome ingested = RunCsu(kRefdata + "ingest " + Common() + " --kind apc " + std::string(CSU_SOURCE_DIR) +
                            "/tests/golden/ingest/apc_mixed.csv");
  ASSERT_EQ(ingested.exit_code, 0) << ingested.output;
  const std::string header = "commissioner,provider,financial_year,pod,plan_activity,plan_value,profile\n";
  const std::string good = Write("good.csv", header +
                                                 "02E,RRK,2018/19,EL,4200,11950000.00,flat\n"
                                                 "02E,RRK,2018/19,NEL,9800,21400000.00,flat\n"
                                                 "02E,RBT,2018/19,OPFA,31000,4650000.00,\n");
  Outcome loaded = RunCsu(kRefdata + "contracts load " + Common() + " " + good);
  ASSERT_EQ(loaded.exit_code, 0) << loaded.output;
  Outcome before = RunCsu(kRefdata + "contracts list " + Common() + " --json");
  ASSERT_EQ(before.exit_code, 0) << before.output;
  ASSERT_TRUE(Contains(before.output, "11950000")) << before.output;

  // Every line but the last is valid: it would replace 02E × RRK (dropping
  // its NEL plan) and add a contract for 27D. The last names no POD.
  const std::string bad = Write("bad.csv", header +
                                               "02E,RRK,2018/19,EL,1,1.00,flat\n"
                                               "27D,RBT,2018/19,EL,5,500.00,flat\n"
                                               "27D,RBT,2018/19,XX,5,500.00,flat\n");
  Outcome refused = RunCsu(kRefdata + "contracts load " + Common() + " " + bad);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(Contains(refused.output, "bad.csv:4")) << refused.output;
  EXPECT_TRUE(Contains(refused.output, "\"XX\" is not one of")) << refused.output;
  EXPECT_TRUE(Contains(refused.output, "(nothing was loaded)")) << refused.output;
  Outcome after = RunCsu(kRefdata + "contracts list " + Common() + " --json");
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(after.output, before.output);
}

}  // namespace
}  // namespace csu::cli
