// Replays fuzz/corpus/refdata_file through the refdata_file fuzz target's
// checks (fuzz/refdata_file_checks.h), shows that each check rejects a wrong
// row, and keeps a test for each finding of that target.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_for_tests.h"
#include "../../fuzz/refdata_file_checks.h"

namespace csu::refdata {
namespace {

TEST(RefDataFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusInputs("refdata_file");
  ASSERT_GE(inputs.size(), fuzz::kRefDataFileKinds);
  for (const auto& [name, data] : inputs) {
    for (size_t n = 0; n < data.size(); n += std::max<size_t>(1, data.size() / 32))
      ASSERT_EQ(fuzz::CheckRefDataFile(std::string_view(data).substr(0, n)), "") << name << " prefix " << n;
    EXPECT_EQ(fuzz::CheckRefDataFile(data), "") << name;
  }
}

TEST(RefDataFuzzCorpus, EachKindHasASeedCutFromTheRealFile) {
  // One seed a kind, cut from the real file, so the checks of accepted rows
  // run for every kind.
  const auto inputs = fuzz::CorpusInputs("refdata_file");
  for (size_t kind = 0; kind < fuzz::kRefDataFileKinds; ++kind) {
    bool found = false;
    for (const auto& [name, data] : inputs) found |= !data.empty() && static_cast<unsigned char>(data[0]) == kind;
    EXPECT_TRUE(found) << fuzz::kRefDataFiles[kind];
  }
}

TEST(RefDataFuzzCorpus, EachCheckRejectsAWrongRow) {
  EXPECT_EQ(fuzz::CheckMffRow(Mff{OdsCode(), "", 1'000'000}), "");
  EXPECT_NE(fuzz::CheckMffRow(Mff{OdsCode(), "", 3'000'000}), "");
  Ccg c;
  c.name = "NHS Somewhere CCG";
  EXPECT_EQ(fuzz::CheckCcgRow(c), "");
  c.practices = -1;
  EXPECT_NE(fuzz::CheckCcgRow(c), "");
  c.practices = 0;
  c.registered_patients = -5;
  EXPECT_NE(fuzz::CheckCcgRow(c), "");
  AeMonth a{Date::FromYmd(2018, 4, 1), OdsCode(), "1", 10, 2, 1};
  EXPECT_EQ(fuzz::CheckAeMonthRow(a), "");
  a.breaches = 11;
  EXPECT_NE(fuzz::CheckAeMonthRow(a), "");
  a.breaches = 2;
  a.month = Date::FromYmd(2018, 4, 2);
  EXPECT_NE(fuzz::CheckAeMonthRow(a), "");
  ApcPrice p;
  p.non_elective = Money::FromPence(100);
  p.non_elective_trim_days = 5;
  EXPECT_EQ(fuzz::CheckApcPrice(p), "");
  p.non_elective_trim_days = -1;
  EXPECT_NE(fuzz::CheckApcPrice(p), "");
  p.non_elective_trim_days.reset();
  EXPECT_NE(fuzz::CheckApcPrice(p), "");
}

}  // namespace
}  // namespace csu::refdata

namespace csu::refdata {
namespace {

// Counts the loaders keep in 32 bits are bounded before they are narrowed: a
// negative or huge count of practices, or a trim point past 2^31 days, was
// accepted and wrapped.
TEST(RefDataFuzzCorpus, CountsKeptIn32BitsAreBoundedNotWrapped) {
  const std::string ccg_header =
      "ods_code,name_ccg_2021_buyingcatalogue,name_ods_2025,national_grouping,high_level_health_geography,postcode,"
      "open_date,close_date,registered_patients_jan2021,gp_practices_jan2021\n";
  for (const char* practices : {"-1", "4294967297"}) {
    auto r = ParseCcgs("ccg.csv", ccg_header + "10C,NHS A CCG,,,,,,,100," + practices + "\n");
    ASSERT_FALSE(r.ok()) << practices;
    EXPECT_EQ(r.error().where, "ccg.csv:2");
    EXPECT_NE(r.error().why.find("gp_practices_jan2021"), std::string::npos) << r.error().why;
  }
  EXPECT_TRUE(ParseCcgs("ccg.csv", ccg_header + "10C,NHS A CCG,,,,,,,100,12\n").ok());

  const std::string apc =
      "tariff_year,hrg_code,hrg_name,op_procedure_tariff,combined_dc_el_tariff,day_case_tariff,"
      "ordinary_elective_tariff,elective_trim_point_days,non_elective_tariff,non_elective_trim_point_days,"
      "excess_bed_day_rate,ssem_applicable,ssem_pct,ssem_tariff\n2018/19,AA22C,X,,,,,,100,";
  TariffYear tariff(FinancialYear(2018));
  Status s = ParseTariffFile(TariffFile::kApc, "apc.csv", apc + "4294967301,,No,,\n", FinancialYear(2018), tariff);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().ToString(), "apc.csv:2: trim point is over 36,500 days");
  TariffYear fine(FinancialYear(2018));
  EXPECT_TRUE(ParseTariffFile(TariffFile::kApc, "apc.csv", apc + "5,,No,,\n", FinancialYear(2018), fine).ok());
}

}  // namespace
}  // namespace csu::refdata
