// Every rule of docs/formats/activity-extract-v1.md, one row at a time.
#include "ingest/row_validator.h"

#include <gtest/gtest.h>

#include "core/csv_reader.h"
#include "core/text.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"

namespace csu::ingest {
namespace {

const refdata::RefData& Ref() { return refdata::TestRefData(); }

std::vector<std::string_view> Fields(std::string_view line) { return Split(line, ','); }

const char* kApcHeader =
    "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,discharge_date,"
    "admission_method,patient_classification,treatment_function,hrg,primary_diagnosis,primary_procedure,"
    "discharge_method,critical_care_days,rehabilitation_days,palliative_care_days,specialised_service,unbundled_hrgs";
const char* kGoodApc =
    "9434765919,1950-06-15,1,N81002,27D,RBT01,S1,2018-05-01,2018-05-21,21,1,300,EB03E,I500,,1,2,0,0,,RD01A;RD01B";

// Runs one APC row (the good row with `column` replaced by `value`).
std::vector<RowProblem> ApcProblems(const std::string& column, const std::string& value, ApcRecord* out = nullptr) {
  auto header = Fields(kApcHeader);
  std::vector<std::string> values;
  for (auto f : Fields(kGoodApc)) values.emplace_back(f);
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) values[i] = value;
  }
  std::vector<std::string_view> fields(values.begin(), values.end());
  auto map = HeaderMap::Build(ExtractKind::kApc, header);
  EXPECT_TRUE(map.ok());
  RowValidator v(map.value(), Ref());
  ApcRecord r;
  Identity id;
  std::vector<RowProblem> problems;
  bool ok = v.ValidateApc(fields, r, id, problems);
  EXPECT_EQ(ok, problems.empty());
  if (out) *out = r;
  return problems;
}

std::string Only(const std::vector<RowProblem>& p) {
  if (p.size() != 1) {
    std::string all;
    for (const auto& x : p) all += x.ToString() + "; ";
    return "expected one problem, got " + std::to_string(p.size()) + ": " + all;
  }
  return p[0].ToString();
}

TEST(RowValidatorTest, GoodApcRowBecomesARecord) {
  ApcRecord r;
  EXPECT_TRUE(ApcProblems("", "", &r).empty());
  EXPECT_EQ(r.common.provider.view(), "RBT");  // site RBT01 reduced to its trust
  EXPECT_EQ(r.common.age_years, 67);           // 1950-06-15 to 2018-05-01
  EXPECT_EQ(r.los_days(), 20);
  EXPECT_EQ(r.admission_method, "21");
  EXPECT_EQ(r.hrg.view(), "EB03E");
  EXPECT_EQ(r.critical_care_days, 2);
  ASSERT_EQ(r.unbundled_hrgs.size(), 2u);
  EXPECT_EQ(r.unbundled_hrgs[1].view(), "RD01B");
}

// The good row with a secondary_diagnoses column holding `value` (the column
// is optional, so the header gains it only here).
std::vector<RowProblem> SecondaryProblems(const std::string& value, ApcRecord* out = nullptr) {
  const std::string header_line = std::string(kApcHeader) + ",secondary_diagnoses";
  const std::string row = std::string(kGoodApc) + "," + value;
  auto map = HeaderMap::Build(ExtractKind::kApc, Fields(header_line));
  EXPECT_TRUE(map.ok());
  EXPECT_TRUE(map.value().unknown_columns().empty());
  RowValidator v(map.value(), Ref());
  ApcRecord r;
  Identity id;
  std::vector<RowProblem> problems;
  bool ok = v.ValidateApc(Fields(row), r, id, problems);
  EXPECT_EQ(ok, problems.empty());
  if (out) *out = r;
  return problems;
}

TEST(RowValidatorTest, SecondaryDiagnosesKeptInPositionOrder) {
  ApcRecord r;
  EXPECT_TRUE(SecondaryProblems("S7200;V435;I10X;E119;J449;N179;Z867", &r).empty());
  EXPECT_EQ(r.secondary_diagnoses,
            (std::vector<std::string>{"S7200", "V435", "I10X", "E119", "J449", "N179", "Z867"}));
  EXPECT_TRUE(SecondaryProblems("I10", &r).empty());  // a three-character code
  EXPECT_EQ(r.secondary_diagnoses, std::vector<std::string>{"I10"});
  EXPECT_TRUE(SecondaryProblems("", &r).empty());  // none recorded
  EXPECT_TRUE(r.secondary_diagnoses.empty());
}

TEST(RowValidatorTest, SecondaryDiagnosesAtMostTwenty) {
  std::string twenty = "I10X";
  for (int i = 1; i < 20; ++i) twenty += ";E119";
  ApcRecord r;
  EXPECT_TRUE(SecondaryProblems(twenty, &r).empty());
  EXPECT_EQ(r.secondary_diagnoses.size(), 20u);
  EXPECT_EQ(Only(SecondaryProblems(twenty + ";J449")), "secondary_diagnoses: more than 20 diagnosis positions");
}

TEST(RowValidatorTest, SecondaryDiagnosisProblemNamesThePosition) {
  EXPECT_EQ(Only(SecondaryProblems("I10X;E119;I1")),
            "secondary_diagnoses: position 3: not an ICD-10 code (e.g. I10X, E119) ('I1')");
  EXPECT_EQ(Only(SecondaryProblems("i10x")), "secondary_diagnoses: position 1: not an ICD-10 code (e.g. I10X, E119) ('i10x')");
  EXPECT_EQ(Only(SecondaryProblems("1I0X")), "secondary_diagnoses: position 1: not an ICD-10 code (e.g. I10X, E119) ('1I0X')");
  EXPECT_EQ(Only(SecondaryProblems("I10.X")), "secondary_diagnoses: position 1: not an ICD-10 code (e.g. I10X, E119) ('I10.X')");
  EXPECT_EQ(Only(SecondaryProblems("I10X;;E119")), "secondary_diagnoses: position 2 is empty");
  EXPECT_EQ(Only(SecondaryProblems("I10X;")), "secondary_diagnoses: position 2 is empty");
}

TEST(RowValidatorTest, FileWithoutSecondaryDiagnosesIsStillValid) {
  // The format v1 header before the column existed: the row is accepted and
  // its spell has no secondary diagnoses.
  ApcRecord r;
  EXPECT_TRUE(ApcProblems("", "", &r).empty());
  EXPECT_TRUE(r.secondary_diagnoses.empty());
  auto map = HeaderMap::Build(ExtractKind::kApc, Fields(kApcHeader));
  ASSERT_TRUE(map.ok());
  EXPECT_FALSE(map.value().IndexOf(Column::kSecondaryDiagnoses).has_value());
}

TEST(RowValidatorTest, PrimaryDiagnosisMustBeIcd10Shaped) {
  EXPECT_TRUE(ApcProblems("primary_diagnosis", "C180").empty());
  EXPECT_TRUE(ApcProblems("primary_diagnosis", "").empty());  // not recorded
  EXPECT_EQ(Only(ApcProblems("primary_diagnosis", "c18")), "primary_diagnosis: not an ICD-10 code (e.g. I10X, E119) ('c18')");
  EXPECT_EQ(Only(ApcProblems("primary_diagnosis", "C18.0")),
            "primary_diagnosis: not an ICD-10 code (e.g. I10X, E119) ('C18.0')");
}

TEST(RowValidatorTest, Icd10Shape) {
  for (const char* good : {"I10", "I10X", "E119", "V435", "S7200", "M4806", "Z992"}) EXPECT_TRUE(IsIcd10Shape(good)) << good;
  for (const char* bad : {"", "I1", "I1X", "10X", "i10x", "I10Y", "I10.X", "I10X123", "V43 5"}) {
    EXPECT_FALSE(IsIcd10Shape(bad)) << bad;
  }
}

TEST(RowValidatorTest, NhsNumberRules) {
  EXPECT_EQ(Only(ApcProblems("nhs_number", "9434765918")), "nhs_number: check digit invalid");
  EXPECT_EQ(Only(ApcProblems("nhs_number", "94347659")), "nhs_number: fewer than 10 digits");
  EXPECT_EQ(Only(ApcProblems("nhs_number", "943476591X")), "nhs_number: not all digits");
  EXPECT_TRUE(ApcProblems("nhs_number", "943 476 5919").empty());
  EXPECT_TRUE(ApcProblems("nhs_number", "").empty());  // unknown patient: allowed
}

TEST(RowValidatorTest, ProblemsNeverEchoAnNhsNumberFromAnyField) {
  // Found by the extract_row fuzz target: a bad value quoted in a problem's
  // detail is stored with the quarantined row, so an NHS number in it is masked.
  for (const auto& p : ApcProblems("admission_date", "9434765919")) {
    EXPECT_EQ(p.ToString().find("9434765919"), std::string::npos) << p.ToString();
  }
  for (const auto& p : ApcProblems("hrg", "x 943 476 5919")) EXPECT_EQ(p.ToString().find("943 476 5919"), std::string::npos);
}

TEST(RowValidatorTest, ProblemsNeverEchoIdentifiers) {
  for (const auto& p : ApcProblems("nhs_number", "9434765918")) EXPECT_EQ(p.ToString().find("943"), std::string::npos);
  for (const auto& p : ApcProblems("date_of_birth", "1950-02-30")) {
    EXPECT_EQ(p.ToString().find("1950"), std::string::npos) << p.ToString();
  }
}

// An NHS number in a record identifier would be stored raw in the retained
// rows and column files: refused, wherever it sits, without echoing it.
TEST(RowValidatorTest, IdentifierHoldingAnNhsNumberIsRefused) {
  const std::string why =
      "spell_id: holds an NHS number (ten digits with a valid check digit): record identifiers must not carry "
      "patient identifiers";
  EXPECT_EQ(Only(ApcProblems("spell_id", "9434765919")), why);
  EXPECT_EQ(Only(ApcProblems("spell_id", "RBT-943 476 5919/2")), why);
  for (const auto& p : ApcProblems("spell_id", "9434765919")) EXPECT_EQ(p.ToString().find("943"), std::string::npos);
  // Not an NHS number: a wrong check digit, nine or eleven digits.
  EXPECT_TRUE(ApcProblems("spell_id", "9434765918").empty());
  EXPECT_TRUE(ApcProblems("spell_id", "943476591").empty());
  EXPECT_TRUE(ApcProblems("spell_id", "94347659190").empty());
  EXPECT_TRUE(ApcProblems("spell_id", "N81007-000001").empty());
}

TEST(RowValidatorTest, DateRules) {
  EXPECT_EQ(Only(ApcProblems("date_of_birth", "1950-02-30")), "date_of_birth: not a valid date YYYY-MM-DD");
  EXPECT_EQ(Only(ApcProblems("date_of_birth", "2018-05-02")), "date_of_birth: after the activity date");
  EXPECT_EQ(Only(ApcProblems("date_of_birth", "1890-01-01")), "date_of_birth: age at activity over 120");
  EXPECT_EQ(Only(ApcProblems("discharge_date", "2018-04-30")), "discharge_date: before the admission date");
  EXPECT_EQ(Only(ApcProblems("admission_date", "01/05/2018")),
            "admission_date: not a valid date YYYY-MM-DD ('01/05/2018')");
  EXPECT_EQ(Only(ApcProblems("admission_date", "")), "admission_date: missing");
}

TEST(RowValidatorTest, CodeLists) {
  EXPECT_EQ(Only(ApcProblems("sex", "3")), "sex: not a valid code ('3')");
  EXPECT_EQ(Only(ApcProblems("admission_method", "99")), "admission_method: not a valid code ('99')");
  EXPECT_TRUE(ApcProblems("admission_method", "2A").empty());
  EXPECT_EQ(Only(ApcProblems("patient_classification", "6")), "patient_classification: not a valid code ('6')");
  EXPECT_EQ(Only(ApcProblems("discharge_method", "6")), "discharge_method: not a valid code ('6')");
  EXPECT_TRUE(ApcProblems("discharge_method", "").empty());
  EXPECT_EQ(Only(ApcProblems("treatment_function", "10")),
            "treatment_function: not a 3-digit treatment function code ('10')");
}

TEST(RowValidatorTest, ReferenceCodes) {
  EXPECT_EQ(Only(ApcProblems("provider", "ZZZ")), "provider: unknown provider ('ZZZ')");
  EXPECT_EQ(Only(ApcProblems("provider", "RB")), "provider: not a 3-character trust or 5-character site code ('RB')");
  EXPECT_EQ(Only(ApcProblems("provider", "RBT012345")), "provider: longer than 8 characters");
  EXPECT_EQ(Only(ApcProblems("commissioner", "99Z")), "commissioner: unknown commissioner ('99Z')");
  EXPECT_EQ(Only(ApcProblems("gp_practice", "Z99999")), "gp_practice: unknown GP practice ('Z99999')");
  EXPECT_TRUE(ApcProblems("gp_practice", "V81999").empty());  // not registered
  EXPECT_EQ(Only(ApcProblems("hrg", "XX99Z")), "hrg: not in the tariff ('XX99Z')");
  EXPECT_EQ(Only(ApcProblems("hrg", "EB3E")), "hrg: not an HRG code ('EB3E')");
  EXPECT_TRUE(ApcProblems("hrg", "UZ01Z").empty());  // ungroupable: kept, priced later as not priced
  EXPECT_TRUE(ApcProblems("hrg", "DZ01Z").empty());  // no national price: kept
  EXPECT_EQ(Only(ApcProblems("unbundled_hrgs", "RD01A;nope")),
            "unbundled_hrgs: not a list of HRG codes separated by ';' ('nope')");
}

TEST(RowValidatorTest, DaysAndWidths) {
  EXPECT_EQ(Only(ApcProblems("critical_care_days", "-1")), "critical_care_days: not a whole number of days 0-9999 ('-1')");
  EXPECT_EQ(Only(ApcProblems("critical_care_days", "30")),
            "critical_care_days: critical care, rehabilitation and palliative days exceed the length of stay");
  EXPECT_EQ(Only(ApcProblems("spell_id", std::string(41, 'x'))), "spell_id: longer than 40 characters");
}

TEST(RowValidatorTest, SeveralProblemsAreAllReported) {
  auto header = Fields(kApcHeader);
  auto map = HeaderMap::Build(ExtractKind::kApc, header).value();
  RowValidator v(map, Ref());
  std::string line = "9434765918,x,7,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E,,,,,,,,";
  auto fields = Fields(line);
  ApcRecord r;
  Identity id;
  std::vector<RowProblem> problems;
  EXPECT_FALSE(v.ValidateApc(fields, r, id, problems));
  EXPECT_EQ(problems.size(), 3u);
}

TEST(RowValidatorTest, OutpatientRules) {
  std::vector<std::string_view> header = {"nhs_number", "date_of_birth", "sex", "gp_practice", "commissioner",
                                          "provider", "attendance_id", "appointment_date", "first_attendance",
                                          "attended", "treatment_function", "multi_professional", "hrg"};
  auto map = HeaderMap::Build(ExtractKind::kOp, header).value();
  RowValidator v(map, Ref());
  auto run = [&](const std::string& line) {
    auto fields = Fields(line);
    OpRecord r;
    Identity id;
    std::vector<RowProblem> problems;
    v.ValidateOp(fields, r, id, problems);
    return problems;
  };
  EXPECT_TRUE(run("9434765919,1980-01-01,2,N81002,27D,RBT,A1,2018-06-01,1,5,100,0,").empty());
  EXPECT_TRUE(run("9434765919,1980-01-01,2,N81002,27D,RBT,A1,2018-06-01,2,3,100,1,").empty());
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,A1,2018-06-01,5,5,100,0,")),
            "first_attendance: not a valid code ('5')");
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,A1,2018-06-01,1,1,100,0,")),
            "attended: not a valid code ('1')");
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,A1,2018-06-01,1,5,100,0,ZZ99Z")),
            "hrg: not in the tariff ('ZZ99Z')");
}

TEST(RowValidatorTest, AeRules) {
  std::vector<std::string_view> header = {"nhs_number", "date_of_birth", "sex", "gp_practice", "commissioner",
                                          "provider", "attendance_id", "arrival", "departure", "department_type",
                                          "arrival_mode", "disposal", "hrg"};
  auto map = HeaderMap::Build(ExtractKind::kAe, header).value();
  RowValidator v(map, Ref());
  AeRecord r;
  auto run = [&](const std::string& line) {
    auto fields = Fields(line);
    Identity id;
    std::vector<RowProblem> problems;
    v.ValidateAe(fields, r, id, problems);
    return problems;
  };
  EXPECT_TRUE(run("9434765919,1980-01-01,2,N81002,27D,RBT,E1,2018-06-01T23:10,2018-06-02T02:55,01,1,03,VB07Z").empty());
  EXPECT_EQ(r.minutes_in_department(), 225);
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,E1,2018-06-01T23:10,2018-06-01T22:55,01,1,03,VB07Z")),
            "departure: before the arrival");
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,E1,2018-06-01 23:10,2018-06-02T02:55,01,1,03,VB07Z")),
            "arrival: not a valid date-time YYYY-MM-DDTHH:MM ('2018-06-01 23:10')");
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,E1,2018-06-01T23:10,2018-06-02T02:55,05,1,03,VB07Z")),
            "department_type: not a valid code ('05')");
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,E1,2018-06-01T23:10,2018-06-02T02:55,01,1,15,VB07Z")),
            "disposal: not a valid code ('15')");
  EXPECT_EQ(Only(run("9434765919,1980-01-01,2,N81002,27D,RBT,E1,2018-06-01T23:10,2018-06-02T02:55,01,1,03,EB03E")),
            "hrg: not an A&E HRG (VB01Z-VB11Z, VB99Z) ('EB03E')");
}

TEST(HeaderMapTest, AnyOrderExtraColumnsAndMissingOnes) {
  std::vector<std::string_view> header = {"provider", "hrg", "extra", "date_of_birth"};
  auto map = HeaderMap::Build(ExtractKind::kApc, header);
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.error().why.find("missing required columns for an apc extract: sex, gp_practice"), std::string::npos)
      << map.error().why;
  std::vector<std::string_view> ae = {"hrg", "disposal", "arrival_mode", "department_type", "departure", "arrival",
                                      "attendance_id", "provider", "commissioner", "gp_practice", "sex",
                                      "date_of_birth", "nhs_number", "mood"};
  auto ok = HeaderMap::Build(ExtractKind::kAe, ae);
  ASSERT_TRUE(ok.ok()) << ok.error().why;
  EXPECT_EQ(ok.value().IndexOf(Column::kHrg), 0u);
  EXPECT_EQ(ok.value().unknown_columns(), std::vector<std::string>{"mood"});
  std::vector<std::string_view> twice = {"hrg", "hrg"};
  EXPECT_NE(HeaderMap::Build(ExtractKind::kAe, twice).error().why.find("appears twice"), std::string::npos);
}

TEST(AgeBandTest, Bands) {
  EXPECT_EQ(AgeBand(0), "0-4");
  EXPECT_EQ(AgeBand(4), "0-4");
  EXPECT_EQ(AgeBand(5), "5-9");
  EXPECT_EQ(AgeBand(89), "85-89");
  EXPECT_EQ(AgeBand(90), "90+");
  EXPECT_EQ(AgeBand(120), "90+");
}

}  // namespace
}  // namespace csu::ingest
