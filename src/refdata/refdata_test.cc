// Loads the real reference data shipped in data/refdata, and corrupted copies
// of it, checking both the values a pricing engine relies on and that every
// malformed file is refused with its file, line and reason.
#include "refdata/refdata.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace csu::refdata {
namespace {

namespace fs = std::filesystem;

const std::string kDir = std::string(CSU_SOURCE_DIR) + "/data/refdata";

const RefData& Real() {
  static const RefData* data = [] {
    auto r = RefData::Load(kDir);
    if (!r.ok()) {
      ADD_FAILURE() << r.error().ToString();
      std::abort();
    }
    return new RefData(std::move(r).value());
  }();
  return *data;
}

OdsCode Ods(const char* s) { return OdsCode::Parse(s).value(); }
HrgCode Hrg(const char* s) { return HrgCode::Parse(s).value(); }

TEST(RefDataTest, LoadsEveryTariffYear) {
  const RefData& r = Real();
  ASSERT_EQ(r.tariff_years().size(), 3u);
  EXPECT_EQ(r.Tariff(FinancialYear(2016))->apc().size(), 1283u);
  EXPECT_EQ(r.Tariff(FinancialYear(2017))->apc().size(), 2303u);
  EXPECT_EQ(r.Tariff(FinancialYear(2018))->apc().size(), 2303u);
  EXPECT_EQ(r.Tariff(FinancialYear(2018))->op_attendances().size(), 56u);
  EXPECT_EQ(r.Tariff(FinancialYear(2018))->ae().size(), 12u);
  EXPECT_EQ(r.Tariff(FinancialYear(2016))->ae().size(), 11u);
  EXPECT_EQ(r.Tariff(FinancialYear(2019)), nullptr);
  EXPECT_EQ(r.TariffFor(Date::FromYmd(2019, 3, 31))->year(), FinancialYear(2018));
  EXPECT_EQ(r.TariffFor(Date::FromYmd(2018, 3, 31))->year(), FinancialYear(2017));
}

TEST(RefDataTest, AdmittedCarePricesAsPublished) {
  // tariff_2018_19_apc_oproc.csv, row EB03E: combined DC/EL 1382, NEL 1306,
  // trim points 13/13, excess bed day 229, SSEM 50% = 653.
  const ApcPrice* p = Real().Tariff(FinancialYear(2018))->FindApc(Hrg("EB03E"));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->combined_day_case_elective, Money::FromPounds(1382));
  EXPECT_EQ(p->DayCasePrice(), Money::FromPounds(1382));  // no separate day-case price
  EXPECT_EQ(p->OrdinaryElectivePrice(), Money::FromPounds(1382));
  EXPECT_EQ(p->non_elective, Money::FromPounds(1306));
  EXPECT_EQ(p->elective_trim_days, 13);
  EXPECT_EQ(p->non_elective_trim_days, 13);
  EXPECT_EQ(p->excess_bed_day, Money::FromPounds(229));
  EXPECT_TRUE(p->ssem_applicable);
  EXPECT_EQ(p->ssem_ppm, 500000);
  EXPECT_EQ(p->ssem_price, Money::FromPounds(653));
  EXPECT_FALSE(p->outpatient_procedure.has_value());
}

TEST(RefDataTest, SsemPriceIsAboutThePercentageOfTheNelPrice) {
  // The workbook's ssem_pct column is rounded (0.3, 0.5, 0.75) while
  // ssem_tariff was computed from the unrounded share, so they agree only to
  // within about half a percent of the NEL price: pricing must use the
  // published ssem_price. Hold the data to that band so a shifted column in
  // a future extraction cannot slip in.
  for (int year : {2017, 2018}) {
    for (const ApcPrice& p : Real().Tariff(FinancialYear(year))->apc()) {
      if (!p.ssem_applicable) continue;
      Money from_pct = p.non_elective->MulRatio(*p.ssem_ppm, kPpm);
      int64_t diff = std::llabs(p.ssem_price->pence() - from_pct.pence());
      EXPECT_LE(diff, p.non_elective->pence() / 200 + 100) << p.hrg.ToString() << " " << year;
    }
  }
}

TEST(RefDataTest, OutpatientAeUnbundledAndTopUps) {
  const TariffYear& t = *Real().Tariff(FinancialYear(2017));
  const OpAttendancePrice* gs = t.FindOpAttendance(TreatmentFunctionCode::Parse("100").value());
  ASSERT_NE(gs, nullptr);  // 2017/18 General Surgery 163/206/70/104
  EXPECT_EQ(gs->first_single, Money::FromPounds(163));
  EXPECT_EQ(gs->first_multi, Money::FromPounds(206));
  EXPECT_EQ(gs->follow_up_single, Money::FromPounds(70));
  EXPECT_EQ(gs->follow_up_multi, Money::FromPounds(104));
  const AePrice* vb01 = t.FindAe(Hrg("VB01Z"));
  ASSERT_NE(vb01, nullptr);
  EXPECT_EQ(vb01->type_1_2, Money::FromPounds(322));
  EXPECT_EQ(vb01->type_3_4, Money::FromPounds(63));
  const UnbundledPrice* mri = t.FindUnbundled(Hrg("RD01A"));
  ASSERT_NE(mri, nullptr);
  EXPECT_EQ(mri->price, Money::FromPounds(114));
  const SpecialisedTopUp* sarcoma = t.FindTopUp("NCBPS01L");
  ASSERT_NE(sarcoma, nullptr);
  EXPECT_EQ(sarcoma->top_up_ppm, 412383);  // 41.2383%
  EXPECT_TRUE(t.HrgHasNoNationalPrice(Hrg("DZ01Z")));  // lung transplant
  EXPECT_FALSE(t.HrgHasNoNationalPrice(Hrg("EB03E")));
  EXPECT_TRUE(t.TfcHasNoNationalPrice(TreatmentFunctionCode::Parse("102").value()));
}

TEST(RefDataTest, AdmittedCareExclusionsAreSheets8And9NotSheet11) {
  auto tfc = [](const char* c) { return TreatmentFunctionCode::Parse(c).value(); };
  for (int year : {2016, 2017, 2018}) {
    const TariffYear& t = *Real().Tariff(FinancialYear(year));
    SCOPED_TRACE(year);
    EXPECT_EQ(t.tfcs_excluded_from_admitted_care(), 21u);
    for (const char* c : {"318", "319", "199", "499", "700", "710", "727", "343", "264", "424"}) {
      EXPECT_TRUE(t.TfcExcludedFromAdmittedCare(tfc(c))) << c;
    }
    // Stroke medicine and neurology have no outpatient attendance price
    // (sheet 11) but their spells are nationally priced.
    EXPECT_FALSE(t.TfcExcludedFromAdmittedCare(tfc("328")));
    EXPECT_FALSE(t.TfcExcludedFromAdmittedCare(tfc("400")));
    EXPECT_FALSE(t.TfcExcludedFromAdmittedCare(tfc("714")));  // not in the sheet 8 list
  }
  const TariffYear& t = *Real().Tariff(FinancialYear(2017));
  EXPECT_TRUE(t.TfcHasNoNationalPrice(tfc("328")));
  // Sheet 4a: imaging and nuclear medicine rebundled; chemotherapy delivery not.
  EXPECT_TRUE(t.UnbundledIsRebundled(Hrg("RD01A")));
  EXPECT_TRUE(t.UnbundledIsRebundled(Hrg("RN04A")));
  EXPECT_FALSE(t.UnbundledIsRebundled(Hrg("SB12Z")));
  EXPECT_FALSE(t.UnbundledIsRebundled(Hrg("RD33Z")));  // mobile fluoroscopy: not rebundled, no national price
  EXPECT_EQ(t.rebundled_hrgs(), 97u);  // "Costs are included in core HRGs for APC and OP procedures" rows
}

TEST(RefDataTest, MarketForcesFactorIsExact) {
  const RefData& r = Real();
  const Mff* barts = r.FindMff(FinancialYear(2018), Ods("R1H"));
  ASSERT_NE(barts, nullptr);
  EXPECT_EQ(barts->index_ppm, 1212802);
  EXPECT_EQ(r.FindMff(FinancialYear(2017), Ods("RA9"))->index_ppm, 1013242);
  EXPECT_EQ(r.FindMff(FinancialYear(2018), Ods("ZZZ")), nullptr);
  EXPECT_EQ(r.FindMff(FinancialYear(2019), Ods("R1H")), nullptr);
  EXPECT_EQ(r.Mffs(FinancialYear(2016)).size(), 238u);
  EXPECT_EQ(r.Mffs(FinancialYear(2018)).size(), 237u);
}

TEST(RefDataTest, OrganisationsAndPopulations) {
  const RefData& r = Real();
  EXPECT_EQ(r.practices().size(), 6658u);
  // Names from ODS epraccur (December 2019) for all but the four practices
  // opened since.
  EXPECT_EQ(r.FindPractice(Ods("N81002"))->name, "KENMORE MEDICAL CENTRE");
  size_t named = 0;
  for (const Practice& p : r.practices()) named += !p.name.empty();
  EXPECT_EQ(named, 6654u);
  const Ccg* cheshire = r.FindCcg(Ods("27D"));
  ASSERT_NE(cheshire, nullptr);
  EXPECT_EQ(cheshire->name, "NHS Cheshire CCG");
  EXPECT_EQ(cheshire->registered_patients, 783954);
  int64_t csu_total = 0;
  for (const char* code : {"27D", "02E", "12F"}) csu_total += *r.FindCcg(Ods(code))->registered_patients;
  EXPECT_EQ(csu_total, 1342555);  // the demo CSU: Cheshire, Warrington and Wirral
  const Practice* p = r.FindPractice(Ods("A84002"));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->registered_patients, 5903);
  EXPECT_EQ(p->ccg, Ods("00L"));
  const Trust* rbt = r.FindTrust(Ods("RBT"));
  ASSERT_NE(rbt, nullptr);
  EXPECT_TRUE(rbt->is_open());
  EXPECT_EQ(rbt->postcode, "CW1 4QJ");
  EXPECT_NE(r.FindCsu(Ods("0DE")), nullptr);
  EXPECT_EQ(r.FindCsu(Ods("RBT")), nullptr);
}

TEST(RefDataTest, NamesAndCodeLists) {
  const RefData& r = Real();
  const HrgInfo* h = r.FindHrg(Hrg("EB03E"));
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->chapter, "E");
  EXPECT_FALSE(h->chapter_name.empty());
  // 2016/17 HRG4 codes retired by HRG4+ are still named.
  for (const ApcPrice& p : r.Tariff(FinancialYear(2016))->apc()) EXPECT_NE(r.FindHrg(p.hrg), nullptr);
  EXPECT_EQ(r.FindTreatmentFunction(TreatmentFunctionCode::Parse("100").value())->name, "GENERAL SURGERY SERVICE");
  ASSERT_NE(r.FindCode("admission_method", "21"), nullptr);
  EXPECT_EQ(r.FindCode("admission_method", "77"), nullptr);
  EXPECT_EQ(r.ae_history().size(), 12765u);
}

// A scratch copy of data/refdata that a test may corrupt.
class CorruptRefDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("csu-refdata-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& e : fs::directory_iterator(kDir)) fs::copy_file(e.path(), dir_ / e.path().filename());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Read(const std::string& file) {
    std::ifstream in(dir_ / file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void Write(const std::string& file, const std::string& text) {
    std::ofstream out(dir_ / file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  // Replaces the first occurrence of `from` in `file`.
  void Replace(const std::string& file, const std::string& from, const std::string& to) {
    std::string text = Read(file);
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    Write(file, text);
  }
  Error LoadError() {
    auto r = RefData::Load(dir_.string());
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
  }

  fs::path dir_;
};

TEST_F(CorruptRefDataTest, CleanCopyLoads) { EXPECT_TRUE(RefData::Load(dir_.string()).ok()); }

TEST_F(CorruptRefDataTest, NonNumericPriceNamesFileLineAndColumn) {
  // EB03E is on line 1,0xx of the file; find its line to assert it exactly.
  std::string text = Read("tariff_2018_19_apc_oproc.csv");
  size_t at = text.find("2018/19,EB03E,");
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  Replace("tariff_2018_19_apc_oproc.csv", ",1306,13,229,", ",13O6,13,229,");
  Error e = LoadError();
  EXPECT_EQ(e.where, "tariff_2018_19_apc_oproc.csv:" + std::to_string(line));
  EXPECT_NE(e.why.find("non_elective_tariff"), std::string::npos) << e.why;
  EXPECT_NE(e.why.find("13O6"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, MissingColumn) {
  Replace("mff_2017_19.csv", "mff_payment_index", "mff_index");
  Error e = LoadError();
  EXPECT_EQ(e.where, "mff_2017_19.csv:1");
  EXPECT_EQ(e.why, "missing required column 'mff_payment_index'");
}

TEST_F(CorruptRefDataTest, WrongFieldCount) {
  Replace("mff_2017_19.csv", "2017/18-2018/19,R1C,SOLENT NHS TRUST,1.092165", "2017/18-2018/19,R1C,1.092165");
  Error e = LoadError();
  EXPECT_EQ(e.where, "mff_2017_19.csv:3");
  EXPECT_EQ(e.why, "has 3 fields, expected 4");
}

TEST_F(CorruptRefDataTest, MffOutOfRange) {
  Replace("mff_2017_19.csv", "1.092165", "109.2165");
  Error e = LoadError();
  EXPECT_EQ(e.where, "mff_2017_19.csv:3");
  EXPECT_NE(e.why.find("outside the plausible range"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, DuplicateHrg) {
  std::string text = Read("tariff_2017_18_ae.csv");
  text += "2017/18,VB01Z,Duplicate,1,1\n";
  Write("tariff_2017_18_ae.csv", text);
  Error e = LoadError();
  EXPECT_EQ(e.where, "tariff_2017_18_ae.csv:14");
  EXPECT_EQ(e.why, "duplicate HRG VB01Z");
}

TEST_F(CorruptRefDataTest, UnterminatedQuote) {
  Replace("csu_list_ods.csv", "0AP,NHS Anglia", "0AP,\"NHS Anglia");
  Error e = LoadError();
  EXPECT_EQ(e.where, "csu_list_ods.csv:2");
  EXPECT_NE(e.why.find("quote"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, TariffYearMismatch) {
  Replace("tariff_2018_19_ae.csv", "2018/19,VB01Z", "2017/18,VB01Z");
  Error e = LoadError();
  EXPECT_EQ(e.where, "tariff_2018_19_ae.csv:2");
  EXPECT_NE(e.why.find("the file is for 2018/19"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, BadHrgCode) {
  Replace("tariff_2018_19_ae.csv", "2018/19,VB01Z", "2018/19,VB1Z");
  Error e = LoadError();
  EXPECT_EQ(e.where, "tariff_2018_19_ae.csv:2");
  EXPECT_NE(e.why.find("hrg_code: 'VB1Z' is not an HRG code"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, PracticeWithUnknownCcg) {
  Replace("gp-reg-pat-prac-all_2021-01.csv", "GP,00L,E38000130,A84002", "GP,ZZZ,E38000130,A84002");
  Error e = LoadError();
  EXPECT_EQ(e.where, "gp-reg-pat-prac-all_2021-01.csv");
  EXPECT_NE(e.why.find("practice A84002 names unknown CCG ZZZ"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, PopulationThatDisagreesWithItsPractices) {
  Replace("gp-reg-pat-prac-all_2021-01.csv", "A84002,NE65 7UW,ALL,ALL,5903", "A84002,NE65 7UW,ALL,ALL,5904");
  Error e = LoadError();
  EXPECT_NE(e.why.find("CCG 00L states"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, ExclusionListedTwice) {
  Replace("tfc_admitted_exclusions_2017_19.csv", "319,Respite Care", "318,Respite Care");
  Error e = LoadError();
  EXPECT_EQ(e.where, "tfc_admitted_exclusions_2017_19.csv:3");
  EXPECT_NE(e.why.find("listed twice"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, RebundledFlagMustBeY) {
  Replace("hrg_unbundled_list_2017_19.csv", "RD01A,\"Magnetic Resonance Imaging Scan of one area, without contrast, 19 years and over\",Y,Y",
          "RD01A,\"Magnetic Resonance Imaging Scan of one area, without contrast, 19 years and over\",Y,yes");
  Error e = LoadError();
  EXPECT_NE(e.where.find("hrg_unbundled_list_2017_19.csv:"), std::string::npos) << e.where;
  EXPECT_NE(e.why.find("costs_rebundled must be Y or empty"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, MissingAdmittedExclusionsRefuseTheYear) {
  fs::remove(dir_ / "tfc_admitted_exclusions_2016_17.csv");
  Error e = LoadError();
  EXPECT_NE(e.where.find("tfc_admitted_exclusions_2016_17.csv"), std::string::npos) << e.where;
}

TEST_F(CorruptRefDataTest, MissingFile) {
  fs::remove(dir_ / "tariff_2017_18_outpatient_attendances.csv");
  Error e = LoadError();
  EXPECT_NE(e.where.find("tariff_2017_18_outpatient_attendances.csv"), std::string::npos) << e.where;
  EXPECT_NE(e.why.find("No such file"), std::string::npos) << e.why;
}

TEST_F(CorruptRefDataTest, InvalidUtf8) {
  Replace("csu_list_ods.csv", "Anglia", "Angl\xFF" "a");
  Error e = LoadError();
  EXPECT_EQ(e.where, "csu_list_ods.csv");
  EXPECT_EQ(e.why, "is not valid UTF-8");
}

TEST_F(CorruptRefDataTest, HeaderOnlyFile) {
  Write("tariff_2018_19_ae.csv", "tariff_year,hrg_code,hrg_name,type_1_2_dept_tariff,type_3_dept_tariff\n");
  Error e = LoadError();
  EXPECT_EQ(e.where, "tariff_2018_19_ae.csv");
  EXPECT_EQ(e.why, "has no data rows");
}

TEST_F(CorruptRefDataTest, SsemWithoutItsPrice) {
  // EB03E applies SSEM at 50% = 653; drop the price.
  Replace("tariff_2018_19_apc_oproc.csv", "Yes,0.5,653,", "Yes,0.5,,");
  Error e = LoadError();
  EXPECT_NE(e.why.find("short-stay emergency adjustment applies"), std::string::npos) << e.why;
}

TEST(DefaultRefDataDirTest, ExplicitWins) {
  EXPECT_EQ(DefaultRefDataDir("/x", "/built"), "/x");
}

}  // namespace
}  // namespace csu::refdata
