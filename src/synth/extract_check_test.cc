// The structural checker and the defects, one kind at a time: every defect
// kind turns a good row into exactly one bad row, found on its own line.
#include "synth/extract_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/file.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "synth/defects.h"
#include "synth/generator.h"

namespace csu::synth {
namespace {

namespace fs = std::filesystem;

const refdata::RefData& Ref() { return refdata::TestRefData(); }

class ExtractCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("csu-synth-check-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    SynthOptions o;
    o.out_dir = (*dir_ / "gen").string();
    o.ccgs = {OdsCode::Parse("27D").value()};
    for (const auto& p : Ref().practices()) {
      if (p.ccg.view() == "27D" && o.practices.empty()) o.practices.push_back(p.code);
    }
    o.progress = false;
    ASSERT_TRUE(Generate(Ref(), o).ok());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  // The header and the first `n` data lines of a generated file.
  static std::vector<std::string> Lines(Dataset d, size_t n) {
    const std::string text = ReadFile((*dir_ / "gen" / (std::string(DatasetName(d)) + ".csv")).string()).value();
    std::vector<std::string> lines;
    size_t start = 0;
    while (lines.size() < n + 1 && start < text.size()) {
      const size_t end = text.find('\n', start);
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }

  static ExtractCheckReport Check(Dataset d, const std::vector<std::string>& lines) {
    const std::string path = (*dir_ / (std::string(DatasetName(d)) + ".csv")).string();
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    Write(path, text);
    auto report = CheckExtractFile(Ref(), FinancialYear(2018), d, path);
    EXPECT_TRUE(report.ok());
    return report.value();
  }

  // Plain write (no fsync: these files are scratch).
  static void Write(const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(std::fwrite(text.data(), 1, text.size(), f), text.size());
    std::fclose(f);
  }

  static fs::path* dir_;
};

fs::path* ExtractCheckTest::dir_ = nullptr;

TEST_F(ExtractCheckTest, EachDefectKindMakesExactlyOneBadRow) {
  for (Dataset d : kDatasets) {
    for (size_t k = 0; k < kDefectKinds; ++k) {
      const auto kind = static_cast<DefectKind>(k);
      if (kind == DefectKind::kDischargeBeforeAdmission && d != Dataset::kApc) continue;
      if (kind == DefectKind::kDepartureBeforeArrival && d != Dataset::kAe) continue;
      for (uint64_t seed = 0; seed < 4; ++seed) {  // each kind has variants
        auto lines = Lines(d, 30);
        ASSERT_EQ(lines.size(), 31u);
        EXPECT_EQ(Check(d, lines).bad_rows, 0);
        Rng rng(seed);
        lines[10] = ApplyDefect(kind, d, lines[10], 9434765919ULL, rng);
        if (kind == DefectKind::kBrokenQuoting) lines[20] = ApplyDefect(kind, d, lines[20], 9434765919ULL, rng);
        const ExtractCheckReport r = Check(d, lines);
        const int64_t expected = kind == DefectKind::kBrokenQuoting ? 2 : 1;
        EXPECT_EQ(r.rows, 30) << DatasetName(d) << " " << DefectName(kind);
        ASSERT_EQ(r.bad_rows, expected) << DatasetName(d) << " " << DefectName(kind) << ": " << lines[10];
        EXPECT_EQ(r.problems[0].line, 11) << DatasetName(d) << " " << DefectName(kind);
      }
    }
  }
}

TEST_F(ExtractCheckTest, MissingColumnRejectsTheFile) {
  auto lines = Lines(Dataset::kAe, 2);
  lines[0].replace(lines[0].find("departure"), 9, "leaving");
  const std::string path = (*dir_ / "ae.csv").string();
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  Write(path, text);
  auto report = CheckExtractFile(Ref(), FinancialYear(2018), Dataset::kAe, path);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().why.find("departure"), std::string::npos);
}

TEST_F(ExtractCheckTest, RepeatedIdsAndOutOfYearDatesAreProblems) {
  auto lines = Lines(Dataset::kOp, 5);
  lines.push_back(lines[1]);  // the same attendance id at the same provider
  auto r = Check(Dataset::kOp, lines);
  EXPECT_EQ(r.bad_rows, 1);
  EXPECT_EQ(r.problems[0].column, "attendance_id");
  lines = Lines(Dataset::kOp, 5);
  lines[2].replace(lines[2].find(",2018-") + 1, 4, "2017");
  r = Check(Dataset::kOp, lines);
  if (r.bad_rows == 0) {  // the row was in 2019: move it out the other way
    lines[2].replace(lines[2].find(",2019-") + 1, 4, "2020");
    r = Check(Dataset::kOp, lines);
  }
  EXPECT_EQ(r.bad_rows, 1);
}

}  // namespace
}  // namespace csu::synth
