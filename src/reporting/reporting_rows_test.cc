// The reporting schema's rows (reporting_rows.h) on activity stated by hand:
// the aggregates are the activity cube split by HRG chapter, the check
// against the cube fails when a figure is off, and record rows carry the
// pseudonym and never anything else about the patient.
#include "reporting/reporting_rows.h"

#include <gtest/gtest.h>

#include "analytics/analytics_testing.h"
#include "refdata/refdata_for_tests.h"
#include "reporting/reporting_testing.h"

namespace csu::reporting {
namespace {

using analytics::testing::AeSpec;
using analytics::testing::OpSpec;
using analytics::testing::SpellSpec;
using analytics::testing::TestActivity;

using testing::Ae;
using testing::Op;
using testing::Spell;

// Two CCGs, two providers, two financial years, a not-priced spell.
pricing::PricedActivity& Activity(TestActivity& t) {
  SpellSpec np = Spell("02E", "RBT", 4, "2018-04-02", "2018-04-03", 0, "UZ01Z");
  np.pod = pricing::Pod::kNone;
  np.priced = false;
  t.Spell(Spell("02E", "RBT", 1, "2018-04-02", "2018-04-05", 100'000, "EB03E"))
      .Spell(Spell("02E", "RBT", 2, "2018-04-20", "2018-04-22", 50'000, "FZ12A"))
      .Spell(Spell("02E", "RBT", 3, "2018-04-20", "2018-04-21", 70'000, "EB05A"))
      .Spell(np)
      .Spell(Spell("27D", "RJR", 5, "2019-03-30", "2019-04-02", 90'000, "EB03E"))
      .Op(Op("27D", "RJR", 5, "2018-06-01", 15'000))
      .Ae(Ae("02E", "RBT", 0, "2018-05-01T10:00", 14'000));
  return t.activity();
}

const MonthlyRow* Find(const std::vector<MonthlyRow>& rows, std::string_view ccg, std::string_view pod,
                       std::string_view chapter, int month, int year = 2018) {
  for (const MonthlyRow& r : rows)
    if (r.commissioner == ccg && r.pod == pod && r.hrg_chapter == chapter && r.month == month &&
        r.year.start_year() == year)
      return &r;
  return nullptr;
}

TEST(ReportingRows, MonthlyRowsAreTheCubeSplitByHrgChapter) {
  TestActivity t;
  const pricing::PricedActivity& a = Activity(t);
  const auto rows = MonthlyActivity(a, refdata::TestRefData());
  // 02E NEL in April 2018: EB03E + EB05A in chapter E (2 spells, £1,700),
  // FZ12A in chapter F (1 spell, £500).
  const MonthlyRow* e = Find(rows, "02E", "NEL", "E", 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->activity, 2);
  EXPECT_EQ(e->pence, 170'000);
  EXPECT_EQ(e->record_kind, "apc");
  EXPECT_EQ(CurrencyOf(e->record_kind), "spells");
  EXPECT_FALSE(e->hrg_chapter_name.empty());
  const MonthlyRow* f = Find(rows, "02E", "NEL", "F", 1);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->activity, 1);
  EXPECT_EQ(f->pence, 50'000);
  // Not priced: NP, £0, counted as a spell.
  const MonthlyRow* np = Find(rows, "02E", "NP", "U", 1);
  ASSERT_NE(np, nullptr);
  EXPECT_EQ(np->activity, 1);
  EXPECT_EQ(np->pence, 0);
  // Discharged 2 April 2019: month 1 of 2019/20, as the cube counts spells.
  ASSERT_NE(Find(rows, "27D", "NEL", "E", 1, 2019), nullptr);
  EXPECT_EQ(Find(rows, "27D", "NEL", "E", 12, 2018), nullptr);
  // An outpatient appointment without a procedure HRG has no chapter.
  ASSERT_NE(Find(rows, "27D", "OPFA", "none", 3), nullptr);
  EXPECT_TRUE(CheckAgainstCube(rows, a).ok()) << CheckAgainstCube(rows, a).error().ToString();
}

TEST(ReportingRows, CheckAgainstCubeFailsOnAnyDifference) {
  TestActivity t;
  const pricing::PricedActivity& a = Activity(t);
  const auto rows = MonthlyActivity(a, refdata::TestRefData());
  auto off = rows;
  off[0].pence += 1;
  Status s = CheckAgainstCube(off, a);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().ToString().find("disagree"), std::string::npos) << s.error().ToString();
  // The last row is the only one of 2019/20: a whole year missing is found.
  auto missing = rows;
  ASSERT_EQ(missing.back().year.start_year(), 2019);
  missing.pop_back();
  EXPECT_FALSE(CheckAgainstCube(missing, a).ok());
  auto extra = rows;
  extra.push_back(rows[0]);
  extra.back().provider = "RXX";
  s = CheckAgainstCube(extra, a);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().ToString().find("lacks"), std::string::npos) << s.error().ToString();
}

TEST(ReportingRows, RecordsCarryThePseudonymOnly) {
  TestActivity t;
  const pricing::PricedActivity& a = Activity(t);
  size_t n = 0, without = 0;
  int64_t pence = 0;
  Status s = ForEachRecord(a, [&](const RecordRow& r) -> Status {
    ++n;
    pence += r.pence;
    if (r.patient_pseudonym.empty()) {
      ++without;
    } else {
      EXPECT_EQ(r.patient_pseudonym.size(), 64u);
      EXPECT_EQ(r.patient_pseudonym.find_first_not_of("0123456789abcdef"), std::string::npos);
    }
    if (r.record_kind == "apc") {
      EXPECT_TRUE(r.admission_date.has_value());
    } else {
      EXPECT_FALSE(r.admission_date.has_value());
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(n, 7u);
  EXPECT_EQ(without, 1u);  // the A&E attendance of patient 0
  EXPECT_EQ(pence, 100'000 + 50'000 + 70'000 + 90'000 + 15'000 + 14'000);
  // The callback's error stops the walk.
  size_t seen = 0;
  s = ForEachRecord(a, [&](const RecordRow&) -> Status { return ++seen == 2 ? MakeError("x", "stop") : Status::Ok(); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(seen, 2u);
}

}  // namespace
}  // namespace csu::reporting
