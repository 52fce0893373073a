// The 30-day readmission rule worked by hand (docs/monitoring.md,
// "Readmissions"): the transport-accident exclusion on every diagnosis
// position of the readmission, and which spell is the index.
#include "analytics/readmissions.h"

#include <gtest/gtest.h>

#include "analytics/analytics_testing.h"

namespace csu::analytics {
namespace {

using pricing::Pod;
using testing::SpellSpec;

// Adds a spell and returns its table row.
int32_t Add(testing::TestActivity& t, const SpellSpec& s) {
  t.Spell(s);
  return static_cast<int32_t>(t.activity().tables.apc.size() - 1);
}

SpellSpec Elective(uint32_t patient, const char* admitted, const char* discharged, const char* provider = "RBT") {
  SpellSpec s;
  s.patient = patient;
  s.provider = provider;
  s.admitted = admitted;
  s.discharged = discharged;
  s.method = "11";
  s.pod = Pod::kElective;
  s.hrg = "HN12F";
  s.diagnosis = "M161";
  return s;
}

SpellSpec Emergency(uint32_t patient, const char* admitted, const char* discharged, const char* provider = "RBT") {
  SpellSpec s;
  s.patient = patient;
  s.provider = provider;
  s.admitted = admitted;
  s.discharged = discharged;
  s.method = "21";
  return s;
}

// Each patient: an elective hip replacement at RBT discharged 5 April 2018,
// then an emergency admission to RBT on 15 April (10 days later) with a
// femoral fracture (S720) as its primary diagnosis.
TEST(Readmissions, TransportAccidentInAnyDiagnosisPositionOfTheReadmissionExcludesIt) {
  testing::TestActivity t;
  struct Case {
    const char* name;
    std::string primary;
    std::vector<std::string> secondary;
    std::vector<std::string> index_secondary;
    bool withheld;
  };
  const std::vector<Case> cases = {
      // A car driver's collision (V435) coded, as coding rules require, after
      // the injury: the readmission is excluded and paid.
      {"V code first secondary", "S720", {"V435", "I10X"}, {}, false},
      {"V code third secondary", "S720", {"I10X", "E119", "V892"}, {}, false},
      // A fall (W190) is not a transport accident: withheld.
      {"fall", "S720", {"W190", "I10X"}, {}, true},
      {"no secondary diagnoses", "S720", {}, {}, true},
      // A V code in the primary position (miscoded) still counts.
      {"V code primary", "V435", {}, {}, false},
      // The test is on the readmission, not the index spell: a transport
      // accident recorded on the elective spell does not excuse the return.
      {"V code on the index only", "S720", {"I10X"}, {"V435"}, true},
      // Y and X external causes are not transport accidents.
      {"assault", "S720", {"Y049"}, {}, true},
  };
  std::vector<int32_t> readmission_rows, index_rows;
  uint32_t patient = 1;
  for (const Case& c : cases) {
    SpellSpec el = Elective(patient, "2018-04-02", "2018-04-05");
    el.secondary = c.index_secondary;
    index_rows.push_back(Add(t, el));
    SpellSpec em = Emergency(patient, "2018-04-15", "2018-04-18");
    em.diagnosis = c.primary;
    em.secondary = c.secondary;
    readmission_rows.push_back(Add(t, em));
    ++patient;
  }
  const Readmissions r = FindReadmissions(t.activity().tables, t.activity().apc);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    const auto row = static_cast<size_t>(readmission_rows[i]);
    EXPECT_EQ(r.index_row[row], index_rows[i]);
    EXPECT_EQ(r.payment_index_row[row], index_rows[i]);
    EXPECT_EQ(r.withheld[row], cases[i].withheld ? 1 : 0);
    EXPECT_EQ(r.exclusion[row], cases[i].withheld ? ReadmissionExclusion::kNone : ReadmissionExclusion::kTrauma);
    EXPECT_EQ(r.withheld[static_cast<size_t>(index_rows[i])], 0);  // an elective spell is never withheld
  }
}

// The exclusions that name the first admission as well as the readmission
// (PbR guidance, as tabulated in Ann R Coll Surg Engl 2016;98(4):250, table 1):
// cancer "where initial admission or readmission includes ... primary
// diagnosis of cancer", and "patients readmitted subsequent to a transplant".
// Each patient: an elective spell at RBT discharged 5 April, an emergency
// return to RBT on 15 April.
TEST(Readmissions, CancerAndTransplantOnTheIndexSpellExcludeTheReadmission) {
  testing::TestActivity t;
  struct Case {
    const char* name;
    std::string index_diagnosis, index_hrg, readmission_diagnosis;
    ReadmissionExclusion expected;
  };
  const std::vector<Case> cases = {
      {"cancer on the index spell only", "C180", "FF12A", "K567", ReadmissionExclusion::kCancer},
      {"carcinoma in situ (D01) on the index", "D010", "FF12A", "K567", ReadmissionExclusion::kCancer},
      {"D48 is the last neoplasm code", "D489", "FF12A", "K567", ReadmissionExclusion::kCancer},
      {"D50 (anaemia) is not a neoplasm", "D509", "SA04H", "K567", ReadmissionExclusion::kNone},
      {"cancer on the readmission", "M161", "HN12F", "C180", ReadmissionExclusion::kCancer},
      {"kidney transplant as the index", "N170", "LA02A", "K567", ReadmissionExclusion::kRenalOrTransplant},
      {"neither", "M161", "HN12F", "K567", ReadmissionExclusion::kNone},
  };
  std::vector<int32_t> rows;
  uint32_t patient = 100;
  for (const Case& c : cases) {
    SpellSpec el = Elective(patient, "2018-04-02", "2018-04-05");
    el.diagnosis = c.index_diagnosis;
    el.hrg = c.index_hrg;
    Add(t, el);
    SpellSpec em = Emergency(patient, "2018-04-15", "2018-04-18");
    em.diagnosis = c.readmission_diagnosis;
    rows.push_back(Add(t, em));
    ++patient;
  }
  const Readmissions r = FindReadmissions(t.activity().tables, t.activity().apc);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    const auto row = static_cast<size_t>(rows[i]);
    EXPECT_EQ(r.exclusion[row], cases[i].expected);
    EXPECT_EQ(r.withheld[row], cases[i].expected == ReadmissionExclusion::kNone ? 1 : 0);
  }
}

TEST(Readmissions, PaymentIndexIsTheLatestElectiveDischargeEvenWithASpellBetween) {
  testing::TestActivity t;
  // Patient 10: elective discharged 5 April; a first emergency return on 10
  // April (withheld); a second on 20 April, 15 days after the elective
  // discharge but 8 after the first return. Both are withheld: each is an
  // emergency readmission within 30 days of an elective discharge.
  const int32_t el10 = Add(t, Elective(10, "2018-04-02", "2018-04-05"));
  const int32_t em10a = Add(t, Emergency(10, "2018-04-10", "2018-04-12"));
  const int32_t em10b = Add(t, Emergency(10, "2018-04-20", "2018-04-21"));
  // Patient 11: elective at RBT, an emergency at RR1 between, then an
  // emergency back at RBT: the RBT return is withheld (the elective was at
  // RBT); the RR1 one is paid (another provider).
  const int32_t el11 = Add(t, Elective(11, "2018-04-02", "2018-04-05"));
  const int32_t em11a = Add(t, Emergency(11, "2018-04-08", "2018-04-09", "RR1"));
  const int32_t em11b = Add(t, Emergency(11, "2018-04-15", "2018-04-16"));
  // Patients 12 and 13: the window is 30 days from discharge inclusive.
  const int32_t el12 = Add(t, Elective(12, "2018-03-30", "2018-04-01"));
  const int32_t em12 = Add(t, Emergency(12, "2018-05-01", "2018-05-02"));  // 30 days
  Add(t, Elective(13, "2018-03-30", "2018-04-01"));
  const int32_t em13 = Add(t, Emergency(13, "2018-05-02", "2018-05-03"));  // 31 days
  // Patients 14 and 15: two elective spells; the later one is the index,
  // and self-discharge against advice (method 2) is read from it.
  SpellSpec el14a = Elective(14, "2018-04-01", "2018-04-02");
  el14a.discharge_method = '2';
  Add(t, el14a);
  const int32_t el14b = Add(t, Elective(14, "2018-04-08", "2018-04-10"));
  const int32_t em14 = Add(t, Emergency(14, "2018-04-12", "2018-04-13"));
  Add(t, Elective(15, "2018-04-01", "2018-04-02"));
  SpellSpec el15b = Elective(15, "2018-04-08", "2018-04-10");
  el15b.discharge_method = '2';
  const int32_t el15 = Add(t, el15b);
  const int32_t em15 = Add(t, Emergency(15, "2018-04-12", "2018-04-13"));
  // Patient 16: only emergency spells: linked for the rate, never withheld.
  const int32_t em16a = Add(t, Emergency(16, "2018-04-01", "2018-04-05"));
  const int32_t em16b = Add(t, Emergency(16, "2018-04-10", "2018-04-11"));

  const Readmissions r = FindReadmissions(t.activity().tables, t.activity().apc);
  auto at = [](const auto& v, int32_t row) { return v[static_cast<size_t>(row)]; };

  EXPECT_EQ(at(r.index_row, em10a), el10);
  EXPECT_EQ(at(r.payment_index_row, em10a), el10);
  EXPECT_EQ(at(r.withheld, em10a), 1);
  EXPECT_EQ(at(r.index_row, em10b), em10a);  // the rate links it to the latest discharge
  EXPECT_EQ(at(r.payment_index_row, em10b), el10);
  EXPECT_EQ(at(r.withheld, em10b), 1);
  EXPECT_EQ(at(r.readmitted_after, el10), 1);
  EXPECT_EQ(at(r.readmitted_after, em10a), 1);  // followed by em10b within 30 days

  EXPECT_EQ(at(r.index_row, em11a), el11);
  EXPECT_EQ(at(r.payment_index_row, em11a), -1);
  EXPECT_EQ(at(r.withheld, em11a), 0);
  EXPECT_EQ(at(r.index_row, em11b), em11a);
  EXPECT_EQ(at(r.payment_index_row, em11b), el11);
  EXPECT_EQ(at(r.withheld, em11b), 1);

  EXPECT_EQ(at(r.payment_index_row, em12), el12);
  EXPECT_EQ(at(r.withheld, em12), 1);
  EXPECT_EQ(at(r.index_row, em13), -1);
  EXPECT_EQ(at(r.payment_index_row, em13), -1);
  EXPECT_EQ(at(r.withheld, em13), 0);

  EXPECT_EQ(at(r.payment_index_row, em14), el14b);
  EXPECT_EQ(at(r.withheld, em14), 1);
  EXPECT_EQ(at(r.payment_index_row, em15), el15);
  EXPECT_EQ(at(r.withheld, em15), 0);
  EXPECT_EQ(at(r.exclusion, em15), ReadmissionExclusion::kSelfDischarge);

  EXPECT_EQ(at(r.index_row, em16b), em16a);
  EXPECT_EQ(at(r.payment_index_row, em16b), -1);
  EXPECT_EQ(at(r.withheld, em16b), 0);
  EXPECT_EQ(at(r.readmitted_after, em16a), 1);

  // Withheld in all: em10a, em10b, em11b, em12, em14.
  int withheld = 0;
  for (uint8_t w : r.withheld) withheld += w;
  EXPECT_EQ(withheld, 5);
}

}  // namespace
}  // namespace csu::analytics
