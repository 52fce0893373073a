// The patient level data set extract (docs/chc.md, "The patient level data
// set"): which cases are in a quarter's extract and what each record says,
// worked by hand for 02E, 2018-Q3 (1 October to 31 December 2018).
#include "chc/plds_extract.h"

#include <gtest/gtest.h>

namespace csu::chc {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

CaseRow Case(int64_t id, const char* referred) {
  CaseRow c;
  c.id = id, c.ccg = "02E", c.pseudonym = std::string(63, 'c') + std::to_string(id % 10);
  c.status = "referred", c.referred_on = D(referred);
  return c;
}

TEST(PldsExtract, CasesWithActivityOrEligibleInTheQuarter) {
  PldsInput in;
  in.ccg = "02E", in.submitter = "0DE", in.quarter = ParseQuarter("2018-Q3").value();
  in.created_at = "2019-01-05T09:00:00Z";
  CaseRow a = Case(1, "2018-10-02");  // referred in the quarter, decided eligible in it
  a.checklist_received = D("2018-10-03"), a.checklist_positive = true;
  a.decided_on = D("2018-10-29"), a.eligible = true, a.status = "eligible";
  CaseRow b = Case(2, "2017-05-01");  // eligible since 2017: no activity, still eligible
  b.checklist_received = D("2017-05-02"), b.checklist_positive = true;
  b.decided_on = D("2017-05-20"), b.eligible = true, b.status = "eligible";
  CaseRow c = Case(3, "2018-06-01");  // not eligible in June: nothing in the quarter
  c.checklist_received = D("2018-06-02"), c.checklist_positive = true;
  c.decided_on = D("2018-06-20"), c.eligible = false, c.status = "not_eligible";
  CaseRow d = Case(4, "2019-01-10");  // after the quarter
  in.cases = {a, b, c, d};
  CaseFacts fa;
  fa.id = 1, fa.ccg = "02E", fa.assessments = {{D("2018-10-20"), true}};
  in.facts = {fa};
  Package p;
  p.id = 9, p.case_id = 1, p.ccg = "02E";
  PackageVersion v;
  v.start = D("2018-11-01"), v.provider = "NVC01", v.setting = Setting::kCareHomeNursing;
  v.unit_cost = Money::FromPence(95000), v.units_x100 = 100;
  p.versions = {v};
  v.version = 2, v.start = D("2018-12-01"), v.unit_cost = Money::FromPence(99050);
  p.versions.push_back(v);
  in.packages = {p};
  ChcStore::Appeal lr;
  lr.id = 1, lr.case_id = 3, lr.stage = "local_resolution", lr.received_on = D("2018-07-15");
  in.appeals = {lr};

  auto tables = PldsExtract(in);
  ASSERT_EQ(tables.size(), 2u);
  ASSERT_EQ(tables[0].rows.size(), 1u);
  EXPECT_EQ(tables[0].rows[0][0].text, "1.0");
  EXPECT_EQ(tables[0].rows[0][4].text, "2018-10-01");
  EXPECT_EQ(tables[0].rows[0][5].text, "2018-12-31");
  const report::ReportTable& t = tables[1];
  ASSERT_EQ(t.rows.size(), 2u);  // cases 1 and 2
  auto col = [&](const char* name) {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].name == name) return i;
    ADD_FAILURE() << name;
    return size_t{0};
  };
  EXPECT_EQ(t.rows[0][col("case")].number, 1);
  EXPECT_EQ(t.rows[0][col("local_patient_identifier")].text, a.pseudonym);
  EXPECT_EQ(t.rows[0][col("dst_date")].text, "2018-10-20");
  EXPECT_EQ(t.rows[0][col("dst_in_acute_hospital")].text, "yes");
  EXPECT_EQ(t.rows[0][col("days_to_decision")].number, 26);  // 3 to 29 October
  EXPECT_EQ(t.rows[0][col("care_setting")].text, "Care Home With Nursing");
  EXPECT_EQ(t.rows[0][col("care_package_weekly_cost")].number, 99050);  // the version in force on 31 December
  EXPECT_EQ(t.rows[0][col("care_package_changes")].number, 2);
  EXPECT_EQ(t.rows[1][col("case")].number, 2);
  EXPECT_EQ(t.rows[1][col("eligibility_outcome")].text, "eligible");
  EXPECT_TRUE(t.rows[1][col("days_to_decision")].empty() == false);  // decided 18 days after its Checklist
  EXPECT_EQ(t.rows[1][col("days_to_decision")].number, 18);
  // No identifiable element is a column of the extract.
  for (const auto& c2 : t.columns)
    for (const char* banned : {"nhs_number", "name", "date_of_birth", "postcode", "address"})
      EXPECT_NE(c2.name, banned);
}

}  // namespace
}  // namespace csu::chc
