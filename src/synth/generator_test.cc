#include "synth/generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "synth/defects.h"
#include "synth/extract_check.h"
#include "synth/synth_testing.h"

namespace csu::synth {
namespace {

using testing::PracticesOf;
using testing::TempDir;

namespace fs = std::filesystem;

const refdata::RefData& Ref() { return refdata::TestRefData(); }

SynthOptions Small(const std::string& dir, uint64_t seed = 1) {
  SynthOptions o;
  o.out_dir = dir;
  o.seed = seed;
  o.ccgs = {OdsCode::Parse("02E").value()};
  o.practices = PracticesOf("02E", 3);
  o.progress = false;
  return o;
}

std::string Read(const std::string& path) { return ReadFile(path).value(); }

int64_t BadRows(const std::string& dir, FinancialYear year, std::vector<ExtractProblem>* problems = nullptr) {
  int64_t bad = 0;
  for (Dataset d : kDatasets) {
    auto report = CheckExtractFile(Ref(), year, d, dir + "/" + std::string(DatasetName(d)) + ".csv");
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    if (!report.ok()) return -1;
    EXPECT_GT(report.value().rows, 0);
    bad += report.value().bad_rows;
    if (problems) {
      for (const auto& p : report.value().problems) problems->push_back(p);
    }
  }
  return bad;
}

TEST(GeneratorTest, SameArgumentsGiveByteIdenticalFiles) {
  TempDir a("same-a"), b("same-b"), c("same-c");
  auto ra = Generate(Ref(), Small(a.path()));
  auto rb = Generate(Ref(), Small(b.path()));
  auto rc = Generate(Ref(), Small(c.path(), 2));
  ASSERT_TRUE(ra.ok()) << ra.error().ToString();
  ASSERT_TRUE(rb.ok() && rc.ok());
  for (const char* f : {"apc.csv", "op.csv", "ae.csv", "contracts.csv"}) {
    EXPECT_EQ(Read(a.file(f)), Read(b.file(f))) << f;
    EXPECT_NE(Read(a.file(f)), Read(c.file(f))) << f;
  }
  EXPECT_GT(ra.value().apc_rows, 1000);
  EXPECT_EQ(ra.value().apc_rows, rb.value().apc_rows);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(a.path())) {
    ++files;
    EXPECT_EQ(entry.path().extension(), ".csv") << entry.path();
  }
  EXPECT_EQ(files, 4);
}

TEST(GeneratorTest, APracticesRowsDoNotDependOnWhichOthersRun) {
  TempDir both("indep-both"), one("indep-one");
  SynthOptions o = Small(both.path());
  ASSERT_TRUE(Generate(Ref(), o).ok());
  const OdsCode third = o.practices[2];
  o.out_dir = one.path();
  o.practices = {third};
  ASSERT_TRUE(Generate(Ref(), o).ok());
  const std::string tag = "," + third.ToString() + ",";
  for (const char* f : {"apc.csv", "op.csv", "ae.csv"}) {
    std::string from_both, from_one;
    for (auto* target : {&from_both, &from_one}) {
      const std::string text = Read((target == &from_both ? both : one).file(f));
      size_t start = text.find('\n') + 1;
      while (start < text.size()) {
        const size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        if (line.find(tag) != std::string::npos) *target += line + "\n";
        start = end + 1;
      }
    }
    EXPECT_FALSE(from_one.empty()) << f;
    EXPECT_EQ(from_both, from_one) << f;
  }
}

TEST(GeneratorTest, CleanOutputPassesTheStructuralCheck) {
  TempDir dir("clean");
  ASSERT_TRUE(Generate(Ref(), Small(dir.path())).ok());
  std::vector<ExtractProblem> problems;
  EXPECT_EQ(BadRows(dir.path(), FinancialYear(2018), &problems), 0);
  for (size_t i = 0; i < problems.size() && i < 10; ++i) {
    ADD_FAILURE() << "line " << problems[i].line << ": " << problems[i].column << ": " << problems[i].why;
  }
}

TEST(GeneratorTest, EveryTariffYearGeneratesCleanly) {
  for (int start : {2016, 2017}) {
    TempDir dir("year-" + std::to_string(start));
    SynthOptions o = Small(dir.path());
    o.practices.resize(1);
    o.year = FinancialYear(start);
    auto r = Generate(Ref(), o);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(BadRows(dir.path(), o.year), 0) << start;
  }
}

TEST(GeneratorTest, DefectsPlantExactlyNBadRowsOfEveryKind) {
  TempDir dir("defects");
  SynthOptions o = Small(dir.path());
  o.defects = 45;
  auto r = Generate(Ref(), o);
  ASSERT_TRUE(r.ok());
  int64_t planted = 0;
  for (const auto& [kind, n] : r.value().defects) planted += n;
  EXPECT_EQ(planted, 45);
  EXPECT_EQ(r.value().defects.size(), kDefectKinds);
  EXPECT_EQ(BadRows(dir.path(), o.year), 45);

  // Rows are replaced, not added: the files have as many rows as without.
  TempDir clean("defects-clean");
  o.out_dir = clean.path();
  o.defects = 0;
  auto c = Generate(Ref(), o);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c.value().defects.empty());
  EXPECT_EQ(c.value().apc_rows, r.value().apc_rows);
}

TEST(GeneratorTest, MoreDefectsThanATinyPracticeHasRowsStillCountExactly) {
  TempDir dir("defects-many");
  SynthOptions o = Small(dir.path());
  o.practices.resize(1);
  o.defects = 3000;
  auto r = Generate(Ref(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(BadRows(dir.path(), o.year), 3000);
}

TEST(GeneratorTest, BadOptionsAreClearErrors) {
  TempDir dir("errors");
  SynthOptions o = Small(dir.path());
  o.ccgs = {OdsCode::Parse("27D").value(), OdsCode::Parse("99Q").value()};
  o.practices.clear();
  auto r = Generate(Ref(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().ToString().find("99Q"), std::string::npos) << r.error().ToString();

  o = Small(dir.path());
  o.year = FinancialYear(2019);
  r = Generate(Ref(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().ToString().find("2019/20"), std::string::npos) << r.error().ToString();
  EXPECT_FALSE(fs::exists(dir.file("apc.csv")));
}

// The default CSU (1.34 million patients, ~4 million rows, ~3 s): every
// summary rate within its target range.
TEST(GeneratorTest, DefaultCsuRatesMeetTheirTargets) {
  TempDir dir("rates");
  SynthOptions o;
  o.out_dir = dir.path();
  o.progress = false;
  auto r = Generate(Ref(), o);
  ASSERT_TRUE(r.ok());
  const SynthSummary& s = r.value();
  EXPECT_EQ(s.ccgs, 3);
  EXPECT_NEAR(static_cast<double>(s.patients), 1.34e6, 0.01e6);
  EXPECT_NEAR(static_cast<double>(s.apc_rows + s.op_rows + s.ae_rows), 3.9e6, 0.3e6);
  for (const auto& c : SummaryChecks(s)) {
    EXPECT_TRUE(c.ok()) << c.name << " = " << c.value << ", target " << c.low << "-" << c.high;
  }
  const std::string table = FormatSummaryTable(s);
  EXPECT_NE(table.find("A&E Type 1 within 4 hours"), std::string::npos);
  EXPECT_EQ(table.find("\u2717"), std::string::npos) << table;  // no cross
  const std::string json = FormatSummaryJson(s);
  EXPECT_NE(json.find("\"checks\""), std::string::npos);
}

}  // namespace
}  // namespace csu::synth
