// The intelligence views (report_views.h: spend, flows, practices, A&E,
// readmission rates) worked by hand: each test states a handful of records
// with chosen prices and checks every figure of the table against the
// working in its comments. Rules: docs/monitoring.md. Registered patients
// come from the reference GP list (data/refdata): N81007 has 10,306.
#include <gtest/gtest.h>

#include <cmath>
#include <utility>
#include <vector>

#include "analytics/analytics_testing.h"
#include "analytics/readmissions.h"
#include "analytics/report_views.h"
#include "refdata/refdata_for_tests.h"

namespace csu::analytics {
namespace {

using pricing::Pod;
using testing::AeSpec;
using testing::NumberAt;
using testing::OpSpec;
using testing::RealAt;
using testing::RowWhere;
using testing::SpellSpec;

ViewScope ScopeOf(testing::TestActivity& t, const std::string& ccg, int month) {
  ViewScope s;
  s.year = FinancialYear(2018);
  s.month = month;
  s.ref = &refdata::TestRefData();
  s.commissioner_label = ccg;
  if (ccg != "all CCGs") s.commissioner = t.Id(store::Dimension::kCommissioner, ccg);
  return s;
}

SpellSpec Spell(const char* commissioner, const char* provider, const char* admitted, const char* discharged,
                int64_t pence) {
  SpellSpec s;
  s.commissioner = commissioner;
  s.provider = provider;
  s.admitted = admitted;
  s.discharged = discharged;
  s.pence = pence;
  return s;
}

// Spend to June (month 3), every CCG.
//   02E at RBT: a spell admitted 28 March, discharged 3 April (counts in
//   April, the month of discharge) £1,234.56; a first outpatient
//   attendance £150.00; a spell with no national price (£0, one record).
//   A spell discharged 2 July is after June: left out.
//   -> admitted £1,234.56, outpatients £150.00, total £1,384.56; 1 spell and
//   1 appointment (each in its own currency; the £0 spell has no national
//   price and is in none).
//   02E at RWW: an elective spell £3,475.44, an A&E attendance £140.00
//   -> admitted £3,475.44, A&E £140.00, total £3,615.44; 1 spell, 1 attendance.
//   02E spends £1,384.56 + £3,615.44 = £5,000.00:
//   RBT £1,384.56 of £5,000.00 = 27.6912%; RWW £3,615.44 of £5,000.00 = 72.3088%.
//   27D: one unpriced spell at RBT: £0 of £0 is no share at all (blank,
//   not 0%); a 27D spell discharged 31 March 2018 is in 2017/18: no RR1 row.
TEST(SpendTable, MarketShareOfEachCcgsSpendByHand) {
  testing::TestActivity t;
  t.Spell(Spell("02E", "RBT", "2018-03-28", "2018-04-03", 1'234'56));
  t.Op({.commissioner = "02E", .provider = "RBT", .date = "2018-05-01", .pence = 150'00});
  SpellSpec np = Spell("02E", "RBT", "2018-05-08", "2018-05-10", 0);
  np.priced = false;
  t.Spell(np);
  t.Spell(Spell("02E", "RBT", "2018-06-30", "2018-07-02", 9'999'00));
  SpellSpec el = Spell("02E", "RWW", "2018-06-18", "2018-06-20", 3'475'44);
  el.method = "11";
  el.pod = Pod::kElective;
  t.Spell(el);
  t.Ae({.commissioner = "02E", .provider = "RWW", .arrival = "2018-06-01T10:00", .pence = 140'00});
  SpellSpec other = Spell("27D", "RBT", "2018-04-18", "2018-04-20", 0);
  other.priced = false;
  t.Spell(other);
  t.Spell(Spell("27D", "RR1", "2018-03-29", "2018-03-31", 500'00));

  const report::ReportTable s = SpendTable(t.activity(), ScopeOf(t, "all CCGs", 3));
  ASSERT_EQ(s.rows.size(), 3u);
  // Each CCG in code order, its providers largest spend first.
  EXPECT_EQ(RowWhere(s, {{"commissioner", "02E"}, {"provider", "RWW"}}), 0u);
  EXPECT_EQ(RowWhere(s, {{"commissioner", "02E"}, {"provider", "RBT"}}), 1u);
  EXPECT_EQ(RowWhere(s, {{"commissioner", "27D"}, {"provider", "RBT"}}), 2u);

  EXPECT_EQ(NumberAt(s, 1, "admitted"), 1'234'56);
  EXPECT_EQ(NumberAt(s, 1, "outpatients"), 150'00);
  EXPECT_EQ(NumberAt(s, 1, "ae"), 0);
  EXPECT_EQ(NumberAt(s, 1, "spend"), 1'384'56);
  EXPECT_EQ(NumberAt(s, 1, "spells"), 1);
  EXPECT_EQ(NumberAt(s, 1, "appointments"), 1);
  EXPECT_EQ(NumberAt(s, 1, "attendances"), 0);
  EXPECT_NEAR(RealAt(s, 1, "share"), 0.276912, 1e-12);

  EXPECT_EQ(NumberAt(s, 0, "admitted"), 3'475'44);
  EXPECT_EQ(NumberAt(s, 0, "outpatients"), 0);
  EXPECT_EQ(NumberAt(s, 0, "ae"), 140'00);
  EXPECT_EQ(NumberAt(s, 0, "spend"), 3'615'44);
  EXPECT_EQ(NumberAt(s, 0, "spells"), 1);
  EXPECT_EQ(NumberAt(s, 0, "appointments"), 0);
  EXPECT_EQ(NumberAt(s, 0, "attendances"), 1);
  EXPECT_NEAR(RealAt(s, 0, "share"), 0.723088, 1e-12);

  EXPECT_EQ(NumberAt(s, 2, "spend"), 0);
  EXPECT_EQ(NumberAt(s, 2, "spells"), 0) << "a row of unpriced activity only is still shown";
  EXPECT_TRUE(std::isnan(RealAt(s, 2, "share"))) << "£0 of £0 is no share, not 0%";

  // One CCG's view: the same figures, the other CCG's rows gone.
  const report::ReportTable one = SpendTable(t.activity(), ScopeOf(t, "02E", 3));
  ASSERT_EQ(one.rows.size(), 2u);
  EXPECT_NEAR(RealAt(one, RowWhere(one, {{"provider", "RBT"}}), "share"), 0.276912, 1e-12);
}

// Flows to May (month 2), CCG 02E.
//   N81007 -> RBT: a spell £1,000.00, outpatients on 20 April and 2 May at
//   £150.00: 1 spell, 2 appointments, £1,300.00 (an appointment on 1 June
//   is after May: left out).
//   N81007 -> RWW: an A&E arrival at 23:50 on 31 May (leaving in June;
//   counts in May, the month of arrival) £140.00.
//   N81012 -> RBT: an unpriced spell (counted, £0) and an A&E attendance at
//   00:00 on 1 April, £140.00.
//   27D's spell from N81001 is another CCG's: no row.
TEST(FlowsTable, PracticeToProviderRecordsAndSpendByHand) {
  testing::TestActivity t;
  SpellSpec s = Spell("02E", "RBT", "2018-04-08", "2018-04-10", 1'000'00);
  s.practice = "N81007";
  t.Spell(s);
  t.Op({.provider = "RBT", .date = "2018-04-20", .pence = 150'00, .practice = "N81007"});
  t.Op({.provider = "RBT", .date = "2018-05-02", .pence = 150'00, .practice = "N81007"});
  t.Op({.provider = "RBT", .date = "2018-06-01", .pence = 150'00, .practice = "N81007"});
  t.Ae({.provider = "RWW", .arrival = "2018-05-31T23:50", .minutes = 60, .pence = 140'00, .practice = "N81007"});
  SpellSpec np = Spell("02E", "RBT", "2018-05-03", "2018-05-05", 0);
  np.practice = "N81012";
  np.priced = false;
  t.Spell(np);
  t.Ae({.provider = "RBT", .arrival = "2018-04-01T00:00", .pence = 140'00, .practice = "N81012"});
  t.Spell(Spell("27D", "RBT", "2018-04-08", "2018-04-10", 2'000'00));

  const report::ReportTable f = FlowsTable(t.activity(), ScopeOf(t, "02E", 2));
  ASSERT_EQ(f.rows.size(), 3u);
  const size_t a = RowWhere(f, {{"practice", "N81007"}, {"provider", "RBT"}});
  ASSERT_LT(a, f.rows.size());
  EXPECT_EQ(NumberAt(f, a, "spells"), 1);
  EXPECT_EQ(NumberAt(f, a, "outpatient_attendances"), 2);
  EXPECT_EQ(NumberAt(f, a, "ae_attendances"), 0);
  EXPECT_EQ(NumberAt(f, a, "spend"), 1'300'00);
  const size_t b = RowWhere(f, {{"practice", "N81007"}, {"provider", "RWW"}});
  ASSERT_LT(b, f.rows.size());
  EXPECT_EQ(NumberAt(f, b, "spells"), 0);
  EXPECT_EQ(NumberAt(f, b, "outpatient_attendances"), 0);
  EXPECT_EQ(NumberAt(f, b, "ae_attendances"), 1);
  EXPECT_EQ(NumberAt(f, b, "spend"), 140'00);
  const size_t c = RowWhere(f, {{"practice", "N81012"}, {"provider", "RBT"}});
  ASSERT_LT(c, f.rows.size());
  EXPECT_EQ(NumberAt(f, c, "spells"), 1);
  EXPECT_EQ(NumberAt(f, c, "outpatient_attendances"), 0);
  EXPECT_EQ(NumberAt(f, c, "ae_attendances"), 1);
  EXPECT_EQ(NumberAt(f, c, "spend"), 140'00);
  EXPECT_EQ(RowWhere(f, {{"commissioner", "27D"}}), f.rows.size());
  // Names beside codes, from the ODS practice file (data/refdata).
  EXPECT_EQ(f.Find(a, "practice_name")->text, "HOLES LANE MEDICAL CENTRE");
  EXPECT_EQ(f.Find(c, "practice_name")->text, "GUARDIAN STREET MED/CTR");
}

// Practice rates to June (month 3), CCG 02E. Annualised: to date × 12 ÷ 3
// = × 4, per 1,000 of N81007's 10,306 registered patients.
//   Admissions: emergency spells discharged 10 April and 30 June, an
//   elective one 15 May = 3 (2 emergency); one discharged 1 July is after
//   June. 3 × 4 × 1,000 ÷ 10,306 = 1.16437; 2 × 4 × 1,000 ÷ 10,306 = 0.77625.
//   First outpatient attendances: a first attendance paid as such, a first
//   attendance paid as an outpatient procedure, and a first telephone
//   consultation (no national price) were all attended: 3. A first
//   appointment the patient did not attend, and a follow-up, are not first
//   attendances. 3 × 4 × 1,000 ÷ 10,306 = 1.16437.
//   A&E: 1; 1 × 4 × 1,000 ÷ 10,306 = 0.38812.
//   N89999 is on no reference list: its counts show, its rates are blank
//   (no registered patients to divide by).
TEST(PracticeRatesTable, RatesPerThousandRegisteredPatientsByHand) {
  testing::TestActivity t;
  auto spell = [&](const char* discharged, const char* method, const char* practice) {
    SpellSpec s = Spell("02E", "RBT", discharged, discharged, 1'000'00);
    s.method = method;
    s.practice = practice;
    t.Spell(s);
  };
  spell("2018-04-10", "21", "N81007");
  spell("2018-06-30", "2A", "N81007");
  spell("2018-05-15", "11", "N81007");
  spell("2018-07-01", "21", "N81007");
  t.Op({.date = "2018-04-03", .pod = Pod::kOpFirst, .practice = "N81007", .first_attendance = '1'});
  t.Op({.date = "2018-04-04", .pod = Pod::kOpProcedure, .hrg = "BZ24A", .practice = "N81007",
        .first_attendance = '1'});
  t.Op({.date = "2018-04-05", .practice = "N81007", .first_attendance = '3', .priced = false});
  t.Op({.date = "2018-04-06", .practice = "N81007", .first_attendance = '1', .attended = '3', .priced = false});
  t.Op({.date = "2018-04-07", .pod = Pod::kOpFollowUp, .practice = "N81007", .first_attendance = '2'});
  t.Ae({.arrival = "2018-06-15T12:00", .practice = "N81007"});
  spell("2018-04-20", "21", "N89999");

  const report::ReportTable p = PracticeRatesTable(t.activity(), ScopeOf(t, "02E", 3));
  ASSERT_EQ(p.rows.size(), 2u);
  const size_t r = RowWhere(p, {{"practice", "N81007"}});
  ASSERT_LT(r, p.rows.size());
  EXPECT_EQ(NumberAt(p, r, "registered_patients"), 10'306);
  EXPECT_EQ(NumberAt(p, r, "spells"), 3);
  EXPECT_NEAR(RealAt(p, r, "admissions_per_1000"), 1.16437, 5e-6);
  EXPECT_EQ(NumberAt(p, r, "emergency_admissions"), 2);
  EXPECT_NEAR(RealAt(p, r, "emergency_per_1000"), 0.77625, 5e-6);
  EXPECT_EQ(NumberAt(p, r, "op_first"), 3);
  EXPECT_NEAR(RealAt(p, r, "op_first_per_1000"), 1.16437, 5e-6);
  EXPECT_EQ(NumberAt(p, r, "ae_attendances"), 1);
  EXPECT_NEAR(RealAt(p, r, "ae_per_1000"), 0.38812, 5e-6);

  const size_t u = RowWhere(p, {{"practice", "N89999"}});
  ASSERT_LT(u, p.rows.size());
  EXPECT_TRUE(p.Find(u, "registered_patients")->empty());
  EXPECT_EQ(NumberAt(p, u, "spells"), 1);
  EXPECT_TRUE(std::isnan(RealAt(p, u, "admissions_per_1000"))) << "no list size: no rate, not 0";
  EXPECT_EQ(p.Find(r, "practice_name")->text, "HOLES LANE MEDICAL CENTRE");
  EXPECT_EQ(p.Find(u, "practice_name")->text, "") << "a code on no list has no name";
}

// A&E for the year (month 12), CCG 02E.
//   RBT type 01, April: 120 minutes (admitted, disposal 01), exactly 240
//   minutes (within 4 hours: the standard is "4 hours or less"), and an
//   arrival at 23:00 on 30 April staying 241 minutes (over; counts in April,
//   the month of arrival): 2 of 3 within 4 h = 66.7%; 1 of 3 admitted = 33.3%.
//   RBT type 01, May: 30 minutes, admitted: 1 of 1 = 100%, 100%.
//   RWW type 03, April: 300 minutes, discharged (02): 0 of 1 = 0%, 0%.
//   An arrival on 1 April 2019 is in the next year; 27D's is another CCG's.
TEST(AeTable, FourHourPerformanceAndConversionByHand) {
  testing::TestActivity t;
  t.Ae({.provider = "RBT", .arrival = "2018-04-03T10:00", .minutes = 120, .disposal = "01"});
  t.Ae({.provider = "RBT", .arrival = "2018-04-10T10:00", .minutes = 240, .disposal = "03"});
  t.Ae({.provider = "RBT", .arrival = "2018-04-30T23:00", .minutes = 241, .disposal = "03"});
  t.Ae({.provider = "RBT", .arrival = "2018-05-05T08:00", .minutes = 30, .disposal = "01"});
  t.Ae({.provider = "RWW", .arrival = "2018-04-12T09:00", .minutes = 300, .department = "03", .disposal = "02"});
  t.Ae({.provider = "RBT", .arrival = "2019-04-01T00:00", .minutes = 500, .disposal = "01"});
  t.Ae({.commissioner = "27D", .provider = "RBT", .arrival = "2018-04-03T10:00", .minutes = 500});

  const report::ReportTable a = AeTable(t.activity(), ScopeOf(t, "02E", 12));
  ASSERT_EQ(a.rows.size(), 3u);
  const size_t apr = RowWhere(a, {{"provider", "RBT"}, {"department_type", "01"}, {"month", "1"}});
  ASSERT_LT(apr, a.rows.size());
  EXPECT_EQ(NumberAt(a, apr, "attendances"), 3);
  EXPECT_EQ(NumberAt(a, apr, "within_4_hours"), 2);
  EXPECT_NEAR(RealAt(a, apr, "four_hour_performance"), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(NumberAt(a, apr, "admitted"), 1);
  EXPECT_NEAR(RealAt(a, apr, "conversion"), 1.0 / 3.0, 1e-12);
  const size_t may = RowWhere(a, {{"provider", "RBT"}, {"department_type", "01"}, {"month", "2"}});
  ASSERT_LT(may, a.rows.size());
  EXPECT_EQ(NumberAt(a, may, "attendances"), 1);
  EXPECT_DOUBLE_EQ(RealAt(a, may, "four_hour_performance"), 1.0);
  EXPECT_DOUBLE_EQ(RealAt(a, may, "conversion"), 1.0);
  const size_t rww = RowWhere(a, {{"provider", "RWW"}, {"department_type", "03"}, {"month", "1"}});
  ASSERT_LT(rww, a.rows.size());
  EXPECT_EQ(NumberAt(a, rww, "attendances"), 1);
  EXPECT_EQ(NumberAt(a, rww, "within_4_hours"), 0);
  EXPECT_DOUBLE_EQ(RealAt(a, rww, "four_hour_performance"), 0.0);
  EXPECT_EQ(NumberAt(a, rww, "admitted"), 0);
  EXPECT_DOUBLE_EQ(RealAt(a, rww, "conversion"), 0.0);
}

// With no attendance admitted anywhere (disposal 01 never seen), conversion
// is 0 of n = 0%, not blank.
TEST(AeTable, NoAdmissionsIsZeroConversion) {
  testing::TestActivity t;
  t.Ae({.arrival = "2018-04-03T10:00", .minutes = 60, .disposal = "03"});
  t.Ae({.arrival = "2018-04-04T10:00", .minutes = 60, .disposal = "02"});
  const report::ReportTable a = AeTable(t.activity(), ScopeOf(t, "02E", 12));
  ASSERT_EQ(a.rows.size(), 1u);
  EXPECT_EQ(NumberAt(a, 0, "attendances"), 2);
  EXPECT_EQ(NumberAt(a, 0, "admitted"), 0);
  EXPECT_DOUBLE_EQ(RealAt(a, 0, "conversion"), 0.0);
  EXPECT_DOUBLE_EQ(RealAt(a, 0, "four_hour_performance"), 1.0);
}

// 30-day readmission rates for the year, CCG 02E, by provider and month of
// discharge.
//   Patient 1: elective at RBT discharged 5 April; emergency at RWW admitted
//   5 May, exactly 30 days later: readmitted (any provider counts).
//   Patient 2: elective at RBT discharged 5 April; emergency at RBT admitted
//   6 May, 31 days later: not readmitted.
//   Not in the denominator: patient 3 died (discharge method 4); patient
//   4's maternity spell (method 31); a spell without an NHS number (cannot
//   be linked); patient 6, a regular day attender (classification 3).
//   RBT, April: 1 of 2 discharges readmitted = 50.0%.
//   RBT, May: patient 2's emergency spell, 0 of 1 = 0%.
//   RWW, May: patient 1's emergency spell, 0 of 1 = 0%.
//   RR1, April: patient 4's emergency spell after her maternity spell (not
//   itself a denominator discharge): 0 of 1 = 0%.
//   RR1, June: only a death: no discharges, so no row (not 0 of 0).
TEST(ReadmissionRatesTable, ThirtyDayRateByHand) {
  testing::TestActivity t;
  auto add = [&](uint32_t patient, const char* provider, const char* method, const char* admitted,
                 const char* discharged) -> SpellSpec {
    SpellSpec s = Spell("02E", provider, admitted, discharged, 1'000'00);
    s.patient = patient;
    s.method = method;
    if (method[0] == '1') s.pod = Pod::kElective;
    return s;
  };
  t.Spell(add(1, "RBT", "11", "2018-04-03", "2018-04-05"));
  t.Spell(add(1, "RWW", "21", "2018-05-05", "2018-05-07"));
  t.Spell(add(2, "RBT", "11", "2018-04-03", "2018-04-05"));
  t.Spell(add(2, "RBT", "21", "2018-05-06", "2018-05-08"));
  SpellSpec died = add(3, "RBT", "21", "2018-04-08", "2018-04-10");
  died.discharge_method = '4';
  t.Spell(died);
  SpellSpec maternity = add(4, "RBT", "31", "2018-04-12", "2018-04-12");
  maternity.pod = Pod::kNonElectiveNonEmergency;
  maternity.hrg = "NZ30A";
  t.Spell(maternity);
  t.Spell(add(4, "RR1", "21", "2018-04-20", "2018-04-21"));
  t.Spell(add(0, "RBT", "21", "2018-04-13", "2018-04-15"));
  SpellSpec regular = add(6, "RBT", "11", "2018-04-16", "2018-04-16");
  regular.classification = '3';
  t.Spell(regular);
  SpellSpec died_june = add(7, "RR1", "21", "2018-06-01", "2018-06-03");
  died_june.discharge_method = '4';
  t.Spell(died_june);

  const pricing::PricedActivity& a = t.activity();
  const Readmissions rd = FindReadmissions(a.tables, a.apc);
  const report::ReportTable r = ReadmissionRatesTable(a, rd, ScopeOf(t, "02E", 12));
  ASSERT_EQ(r.rows.size(), 4u);
  const size_t rbt_apr = RowWhere(r, {{"provider", "RBT"}, {"month", "1"}});
  ASSERT_LT(rbt_apr, r.rows.size());
  EXPECT_EQ(NumberAt(r, rbt_apr, "discharges"), 2);
  EXPECT_EQ(NumberAt(r, rbt_apr, "readmitted_30_days"), 1);
  EXPECT_DOUBLE_EQ(RealAt(r, rbt_apr, "rate"), 0.5);
  for (const auto& [provider, month] :
       std::vector<std::pair<const char*, const char*>>{{"RBT", "2"}, {"RWW", "2"}, {"RR1", "1"}}) {
    const size_t row = RowWhere(r, {{"provider", provider}, {"month", month}});
    ASSERT_LT(row, r.rows.size()) << provider << " month " << month;
    EXPECT_EQ(NumberAt(r, row, "discharges"), 1) << provider;
    EXPECT_EQ(NumberAt(r, row, "readmitted_30_days"), 0) << provider;
    EXPECT_DOUBLE_EQ(RealAt(r, row, "rate"), 0.0) << provider;
  }
  EXPECT_EQ(RowWhere(r, {{"provider", "RR1"}, {"month", "3"}}), r.rows.size());
}

}  // namespace
}  // namespace csu::analytics
