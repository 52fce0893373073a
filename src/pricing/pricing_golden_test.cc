// Runs every hand-worked case in tests/golden/pricing/*.csv.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/csv_reader.h"
#include "core/text.h"
#include "pricing/pricer.h"
#include "refdata/refdata.h"

namespace csu::pricing {
namespace {

const refdata::RefData& Ref() {
  static const refdata::RefData* r =
      new refdata::RefData(refdata::RefData::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata").value());
  return *r;
}

using Row = std::map<std::string, std::string>;

std::vector<Row> ReadCases(const std::string& name) {
  std::ifstream in(std::string(CSU_SOURCE_DIR) + "/tests/golden/pricing/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  std::vector<std::string> header;
  std::vector<Row> rows;
  while (reader.Next(fields).value()) {
    if (header.empty()) {
      header.assign(fields.begin(), fields.end());
      continue;
    }
    Row row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = std::string(fields[i]);
    rows.push_back(row);
  }
  EXPECT_FALSE(rows.empty()) << name;
  return rows;
}

ingest::PatientFields Patient(const Row& row) {
  ingest::PatientFields p;
  p.provider = OdsCode::Parse(row.at("provider")).value();
  p.commissioner = OdsCode::Parse("27D").value();
  p.practice = OdsCode::Parse("N81002").value();
  if (row.count("age")) p.age_years = static_cast<uint8_t>(*ParseInt(row.at("age")));
  return p;
}

void Check(const Row& row, const Price& price, const std::string& explanation) {
  SCOPED_TRACE(row.at("case") + " | " + explanation);
  if (!row.at("expected_not_priced").empty()) {
    EXPECT_FALSE(price.priced());
    EXPECT_EQ(NotPricedText(price.not_priced), row.at("expected_not_priced"));
    EXPECT_EQ(price.final_price, Money());
    EXPECT_EQ(explanation.rfind("not priced: ", 0), 0u);
    return;
  }
  ASSERT_TRUE(price.priced()) << NotPricedText(price.not_priced);
  EXPECT_EQ(PodCode(price.pod), row.at("expected_pod"));
  EXPECT_EQ(price.final_price, Money::Parse(row.at("expected_final")).value());
  // The explanation ends with the final price it explains.
  EXPECT_NE(explanation.find("= " + price.final_price.ToString()), std::string::npos);
}

TEST(PricingGoldenTest, AdmittedCare) {
  for (const Row& row : ReadCases("apc.csv")) {
    ingest::ApcRecord s;
    s.common = Patient(row);
    s.hrg = HrgCode::Parse(row.at("hrg")).value();
    s.admission_method = row.at("admission_method");
    s.patient_classification = row.at("patient_classification")[0];
    s.admission_date = Date::Parse(row.at("admission_date")).value();
    s.discharge_date = Date::Parse(row.at("discharge_date")).value();
    s.critical_care_days = static_cast<int32_t>(*ParseInt(row.at("critical_care_days")));
    s.treatment_function = TreatmentFunctionCode::Parse(row.at("treatment_function")).value();
    s.specialised_service = row.at("specialised_service");
    if (!row.at("unbundled_hrgs").empty()) {
      for (auto code : Split(row.at("unbundled_hrgs"), ';')) s.unbundled_hrgs.push_back(HrgCode::Parse(code).value());
    }
    std::string explanation;
    Price p = PriceApc(s, Ref(), {}, &explanation);
    Check(row, p, explanation);
    // Pricing without an explanation gives the same price.
    EXPECT_EQ(PriceApc(s, Ref()).final_price, p.final_price);
  }
}

TEST(PricingGoldenTest, Outpatients) {
  for (const Row& row : ReadCases("op.csv")) {
    ingest::OpRecord a;
    a.common = Patient(row);
    a.treatment_function = TreatmentFunctionCode::Parse(row.at("treatment_function")).value();
    a.appointment_date = Date::Parse(row.at("appointment_date")).value();
    a.first_attendance = row.at("first_attendance")[0];
    a.attended = row.at("attended")[0];
    a.multi_professional = row.at("multi_professional") == "1";
    if (!row.at("hrg").empty()) a.hrg = HrgCode::Parse(row.at("hrg")).value();
    std::string explanation;
    Check(row, PriceOp(a, Ref(), {}, &explanation), explanation);
  }
}

TEST(PricingGoldenTest, AccidentAndEmergency) {
  for (const Row& row : ReadCases("ae.csv")) {
    ingest::AeRecord a;
    a.common = Patient(row);
    a.hrg = HrgCode::Parse(row.at("hrg")).value();
    a.arrival = DateTime::Parse(row.at("arrival")).value();
    a.departure = a.arrival.AddMinutes(90);
    a.department_type = row.at("department_type");
    std::string explanation;
    Check(row, PriceAe(a, Ref(), {}, &explanation), explanation);
  }
}

TEST(PricingTest, ExplanationOfTheWorkedExample) {
  ingest::ApcRecord s;
  s.common.provider = OdsCode::Parse("R1H").value();
  s.common.age_years = 67;
  s.hrg = HrgCode::Parse("EB03E").value();
  s.admission_method = "21";
  s.patient_classification = '1';
  s.admission_date = Date::FromYmd(2017, 10, 2);
  s.discharge_date = Date::FromYmd(2017, 10, 22);
  s.treatment_function = TreatmentFunctionCode::Parse("300").value();
  std::string e;
  Price p = PriceApc(s, Ref(), {}, &e);
  EXPECT_EQ(e, "NEL EB03E \xC2\xA3" "1,301.00 + 7 excess days \xC3\x97 \xC2\xA3" "229.00 = \xC2\xA3" "2,904.00; "
               "\xC3\x97 MFF 1.212802 (R1H) = \xC2\xA3" "3,521.98");
  EXPECT_EQ(p.base, Money::FromPounds(1301));
  EXPECT_EQ(p.excess_bed_days, 7);
  EXPECT_EQ(p.excess_bed_day_payment, Money::FromPounds(1603));
  EXPECT_EQ(p.mff_ppm, 1212802);
  EXPECT_EQ(p.tariff_year, FinancialYear(2017));
}

TEST(PricingTest, TariffYearOverride) {
  ingest::ApcRecord s;
  s.common.provider = OdsCode::Parse("R1H").value();
  s.common.age_years = 67;
  s.hrg = HrgCode::Parse("EB03E").value();
  s.admission_method = "21";
  s.patient_classification = '1';
  s.admission_date = Date::FromYmd(2017, 10, 2);
  s.discharge_date = Date::FromYmd(2017, 10, 5);
  s.treatment_function = TreatmentFunctionCode::Parse("300").value();
  PricingOptions o;
  o.tariff_year = FinancialYear(2018);
  Price p = PriceApc(s, Ref(), o);
  EXPECT_EQ(p.tariff_year, FinancialYear(2018));
  EXPECT_EQ(p.base, Money::FromPounds(1306));  // the 2018/19 NEL price
}

}  // namespace
}  // namespace csu::pricing
