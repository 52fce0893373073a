// The demo's contract plans (contracts.csv): read back with the platform's
// own reader, set against the generated files priced independently by
// pricing::PriceFile, and deterministic from the seed.
#include "synth/contract_plans.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <tuple>

#include "contracts/contract_file.h"
#include "core/csv_reader.h"
#include "core/file.h"
#include "pricing/file_pricer.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "synth/extract_check.h"
#include "synth/synth_testing.h"
#include "synth/generator.h"

namespace csu::synth {
namespace {

using testing::PracticesOf;
using testing::TempDir;

namespace fs = std::filesystem;
using pricing::Pod;

const refdata::RefData& Ref() { return refdata::TestRefData(); }

// Two CCGs of the demo CSU, four practices each (~60,000 patients).
SynthOptions TwoCcgs(const std::string& dir, uint64_t seed = 1) {
  SynthOptions o;
  o.out_dir = dir;
  o.seed = seed;
  o.ccgs = {OdsCode::Parse("02E").value(), OdsCode::Parse("27D").value()};
  o.practices = PracticesOf("02E", 4);
  for (const OdsCode& p : PracticesOf("27D", 4)) o.practices.push_back(p);
  o.progress = false;
  return o;
}

// commissioner, provider -> POD -> (activity, value), from pricing the
// written extract files with `csu price`'s engine.
using PairKey = std::pair<std::string, std::string>;
using Actuals = std::map<PairKey, std::map<Pod, std::pair<int64_t, Money>>>;

Actuals PriceWrittenFiles(const std::string& dir) {
  Actuals actuals;
  for (auto [name, kind] : {std::pair{"apc", ingest::ExtractKind::kApc}, std::pair{"op", ingest::ExtractKind::kOp},
                            std::pair{"ae", ingest::ExtractKind::kAe}}) {
    std::string priced;
    auto summary = pricing::PriceFile(dir + "/" + name + ".csv", kind, Ref(), {},
                                      [&](std::string_view chunk) { priced.append(chunk); }, nullptr);
    EXPECT_TRUE(summary.ok()) << name;
    if (!summary.ok()) return {};
    EXPECT_EQ(summary.value().invalid, 0) << name;
    CsvReader reader(priced);
    std::vector<std::string_view> f;
    EXPECT_TRUE(reader.Next(f).value());
    std::map<std::string_view, size_t> col;
    for (size_t i = 0; i < f.size(); ++i) col[f[i]] = i;
    while (reader.Next(f).value()) {
      if (f[col.at("priced")] != "yes") continue;
      auto& cell = actuals[{std::string(f[col.at("commissioner")]), std::string(f[col.at("provider")])}]
                          [contracts::ParsePod(f[col.at("pod")]).value()];
      ++cell.first;
      cell.second += Money::Parse(f[col.at("final_price")]).value();
    }
  }
  return actuals;
}

double Ratio(Money a, Money b) { return static_cast<double>(a.pence()) / static_cast<double>(b.pence()); }

class ContractPlansTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("two-ccgs");
    auto r = Generate(Ref(), TwoCcgs(dir_->path()));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    summary_ = new SynthSummary(r.value());
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete summary_;
  }
  static std::vector<contracts::Contract> Read() {
    auto read = contracts::ReadContractsFile(dir_->file("contracts.csv"), Ref());
    EXPECT_TRUE(read.ok()) << read.error().ToString();
    return read.ok() ? read.value() : std::vector<contracts::Contract>{};
  }
  static TempDir* dir_;
  static SynthSummary* summary_;
};
TempDir* ContractPlansTest::dir_ = nullptr;
SynthSummary* ContractPlansTest::summary_ = nullptr;

TEST_F(ContractPlansTest, FileParsesWithThePlatformsReader) {
  const std::vector<contracts::Contract> read = Read();
  ASSERT_FALSE(read.empty());
  EXPECT_EQ(static_cast<int64_t>(read.size()), summary_->contracts);
  int64_t lines = 0;
  std::map<std::string, int> per_ccg;
  for (const contracts::Contract& c : read) {
    EXPECT_EQ(c.year, FinancialYear(2018));
    EXPECT_FALSE(c.lines.empty());
    lines += static_cast<int64_t>(c.lines.size());
    ++per_ccg[c.commissioner.ToString()];
    EXPECT_TRUE(c.readmission_rule);
  }
  EXPECT_EQ(lines, summary_->plan_lines);
  EXPECT_EQ(per_ccg.size(), 2u);
  for (const auto& [ccg, n] : per_ccg) EXPECT_GE(n, 2) << ccg;

  auto check = CheckContractsFile(Ref(), FinancialYear(2018), dir_->file("contracts.csv"));
  ASSERT_TRUE(check.ok()) << check.error().ToString();
  EXPECT_EQ(check.value().contracts, summary_->contracts);
  EXPECT_EQ(check.value().lines, summary_->plan_lines);
  auto wrong_year = CheckContractsFile(Ref(), FinancialYear(2017), dir_->file("contracts.csv"));
  ASSERT_FALSE(wrong_year.ok());
  EXPECT_NE(wrong_year.error().ToString().find("not 2017/18"), std::string::npos) << wrong_year.error().ToString();

  const std::string table = FormatSummaryTable(*summary_);
  EXPECT_NE(table.find("Contracts (contracts.csv): " + std::to_string(summary_->contracts) + " contracts, " +
                       std::to_string(summary_->plan_lines) + " plan lines"),
            std::string::npos)
      << table;
  EXPECT_NE(FormatSummaryJson(*summary_).find("\"plan_lines\": " + std::to_string(summary_->plan_lines)),
            std::string::npos);
}

TEST_F(ContractPlansTest, PlansSitNearThePricedActivityWithSomeContractsOverAndUnder) {
  const std::vector<contracts::Contract> read = Read();
  const Actuals actuals = PriceWrittenFiles(dir_->path());
  ASSERT_FALSE(actuals.empty());

  Money plan_total, actual_total, all_priced;
  for (const auto& [pair, pods] : actuals) {
    for (const auto& [pod, cell] : pods) all_priced += cell.second;
  }
  std::map<std::string, int> over, under;
  int near = 0, mret_contracts = 0, seasonal_lines = 0;
  for (const contracts::Contract& c : read) {
    const std::string ccg = c.commissioner.ToString();
    auto found = actuals.find({ccg, c.provider.ToString()});
    ASSERT_NE(found, actuals.end()) << ccg << " " << c.provider.ToString();
    const auto& pods = found->second;
    Money plan, actual;
    for (const contracts::PlanLine& l : c.lines) {
      auto cell = pods.find(l.pod);
      ASSERT_NE(cell, pods.end()) << "a plan line without priced activity";
      plan += l.value;
      actual += cell->second.second;
      EXPECT_GT(l.activity, 0);
      // Each line's activity is planned with the same ratio as its value.
      const double activity_ratio = static_cast<double>(cell->second.first) / static_cast<double>(l.activity);
      EXPECT_NEAR(activity_ratio, 1.0, cell->second.first >= 50 ? 0.13 : 0.5);
      if (l.profile == kWinterProfile) {
        ++seasonal_lines;
        EXPECT_TRUE(l.pod == Pod::kNonElective || l.pod == Pod::kNonElectiveShortStay || l.pod == Pod::kAe);
      } else {
        EXPECT_EQ(l.profile, contracts::kFlatProfile);
      }
    }
    // Every POD with priced activity has a line.
    EXPECT_EQ(pods.size(), c.lines.size()) << ccg << " " << c.provider.ToString();
    plan_total += plan;
    actual_total += actual;
    const double ratio = Ratio(actual, plan);
    if (ratio >= 1.07 && ratio <= 1.13) {
      ++over[ccg];
    } else if (ratio >= 0.87 && ratio <= 0.93) {
      ++under[ccg];
    } else {
      EXPECT_NEAR(ratio, 1.0, 0.04) << ccg << " " << c.provider.ToString();
      ++near;
    }
    if (c.mret_baseline) {
      ++mret_contracts;
      EXPECT_EQ(c.mret_rate_percent, 70);
      Money emergency;
      for (Pod p : {Pod::kNonElective, Pod::kNonElectiveShortStay}) {
        if (auto cell = pods.find(p); cell != pods.end()) emergency += cell->second.second;
      }
      // Slightly below the emergency income, so the marginal rate bites a little.
      EXPECT_LT(*c.mret_baseline, emergency);
      EXPECT_GT(Ratio(*c.mret_baseline, emergency), 0.94);
    }
  }
  for (const char* ccg : {"02E", "27D"}) {
    EXPECT_EQ(over[ccg], 1) << ccg;
    EXPECT_EQ(under[ccg], 1) << ccg;
  }
  EXPECT_GT(near, 0);
  EXPECT_EQ(mret_contracts, 2);  // one per CCG
  EXPECT_GT(seasonal_lines, 0);
  // The footprint's plans as a whole sit within a few percent of the activity.
  EXPECT_NEAR(Ratio(actual_total, plan_total), 1.0, 0.03);
  // The summary's figures are the priced files' figures, to the penny.
  EXPECT_EQ(summary_->priced_value, all_priced);
  EXPECT_EQ(summary_->contract_actual, actual_total);
  EXPECT_EQ(summary_->plan_value, plan_total);
  // Contracts cover most of the activity, but not all: the rest is NCA.
  EXPECT_GT(actuals.size(), read.size());
  EXPECT_GT(Ratio(actual_total, all_priced), 0.90);
  EXPECT_LT(actual_total, all_priced);
}

TEST(ContractPlansSeedTest, SameSeedSameFileOtherSeedOtherPlans) {
  TempDir a("seed-a"), b("seed-b"), c("seed-c");
  for (auto [dir, seed] : {std::pair{&a, 1}, std::pair{&b, 1}, std::pair{&c, 2}}) {
    SynthOptions o = TwoCcgs(dir->path(), static_cast<uint64_t>(seed));
    o.practices = PracticesOf("02E", 2);
    ASSERT_TRUE(Generate(Ref(), o).ok());
  }
  const std::string text_a = ReadFile(a.file("contracts.csv")).value();
  EXPECT_EQ(text_a, ReadFile(b.file("contracts.csv")).value());
  EXPECT_NE(text_a, ReadFile(c.file("contracts.csv")).value());
  EXPECT_EQ(text_a.rfind("commissioner,provider,financial_year,pod,plan_activity,plan_value,profile,", 0), 0u);
}

TEST(ContractPlansFormatTest, WritesTheFormatsColumnsExactly) {
  ContractPlans plans;
  PlannedContract pc;
  contracts::Contract& c = pc.contract;
  c.commissioner = OdsCode::Parse("02E").value();
  c.provider = OdsCode::Parse("RBT").value();
  c.year = FinancialYear(2018);
  c.mret_baseline = Money::FromPence(1'234'500'000);
  c.lines.push_back({Pod::kDayCase, 1200, Money::FromPence(98'765'400), contracts::kFlatProfile});
  c.lines.push_back({Pod::kNonElective, 3400, Money::FromPence(1'300'000'100), kWinterProfile});
  plans.contracts.push_back(pc);
  pc.contract.provider = OdsCode::Parse("RJR").value();
  pc.contract.mret_baseline.reset();
  pc.contract.lines = {{Pod::kAe, 7, Money::FromPence(100), {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1250}}};
  plans.contracts.push_back(pc);
  EXPECT_EQ(FormatContractsFile(plans),
            "commissioner,provider,financial_year,pod,plan_activity,plan_value,profile,mret_baseline,"
            "mret_rate_percent\n"
            "02E,RBT,2018/19,DC,1200,987654.00,flat,12345000.00,70\n"
            "02E,RBT,2018/19,NEL,3400,13000001.00,8.1;8.4;8.1;8.3;8;8;8.4;8.4;8.8;8.9;8;8.6,12345000.00,70\n"
            "02E,RJR,2018/19,AE,7,1.00,0.001;0;0;0;0;0;0;0;0;0;0;1.25,,\n");
}

}  // namespace
}  // namespace csu::synth
