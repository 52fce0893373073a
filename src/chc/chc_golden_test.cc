// Golden tests of the CHC rules, each figure worked by hand in
// tests/golden/chc/README.md (the section named beside each test).
#include <gtest/gtest.h>

#include "chc/assurance.h"
#include "chc/dst.h"
#include "chc/package_cost.h"
#include "chc/timeliness.h"

namespace csu::chc {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }
DateTime T(const char* s) { return DateTime::Parse(s).value(); }

DstLevels With(std::initializer_list<std::pair<Domain, Level>> set) {
  DstLevels l;
  for (auto [d, v] : set) l[d] = v;
  return l;
}

// README §1.
TEST(ChcGoldenDst, IndicationPatterns) {
  auto ind = [](DstLevels l) { return Indicate(l).indication; };
  EXPECT_EQ(ind(With({{Domain::kBreathing, Level::kPriority}})), Indication::kClear);
  EXPECT_EQ(ind(With({{Domain::kAlteredStates, Level::kPriority}, {Domain::kMobility, Level::kLow}})), Indication::kClear);
  EXPECT_EQ(ind(With({{Domain::kMobility, Level::kSevere}, {Domain::kCognition, Level::kSevere}})), Indication::kClear);
  EXPECT_EQ(ind(With({{Domain::kCognition, Level::kSevere}, {Domain::kMobility, Level::kModerate},
                      {Domain::kContinence, Level::kLow}})),
            Indication::kPossible);
  EXPECT_EQ(ind(With({{Domain::kCognition, Level::kSevere}, {Domain::kContinence, Level::kLow}})), Indication::kNone);
  EXPECT_EQ(ind(With({{Domain::kBehaviour, Level::kHigh}, {Domain::kCommunication, Level::kModerate}})),
            Indication::kPossible);
  EXPECT_EQ(ind(With({{Domain::kBehaviour, Level::kHigh}, {Domain::kContinence, Level::kLow}})), Indication::kNone);
  EXPECT_EQ(ind(DstLevels{}), Indication::kNone);
  IndicationResult r = Indicate(With({{Domain::kMobility, Level::kSevere}, {Domain::kCognition, Level::kSevere}}));
  EXPECT_EQ(r.severe, 2);
  EXPECT_NE(r.why.find("two or more"), std::string::npos);
}

TEST(ChcGoldenDst, LevelsEachDomainHas) {
  int priority = 0, severe = 0;
  for (Domain d : kAllDomains) {
    priority += DomainHasLevel(d, Level::kPriority);
    severe += DomainHasLevel(d, Level::kSevere);
    EXPECT_TRUE(DomainHasLevel(d, Level::kNone));
    EXPECT_TRUE(DomainHasLevel(d, Level::kLow));
    EXPECT_TRUE(DomainHasLevel(d, Level::kHigh));
  }
  EXPECT_EQ(priority, 4);  // breathing, behaviour, drug therapies, altered states
  EXPECT_EQ(severe, 8);
  EXPECT_FALSE(DomainHasLevel(Domain::kAlteredStates, Level::kSevere));
  EXPECT_FALSE(DomainHasLevel(Domain::kAlteredStates, Level::kModerate));
  EXPECT_FALSE(CheckLevels(With({{Domain::kContinence, Level::kSevere}})).ok());
  Status s = CheckLevels(With({{Domain::kAlteredStates, Level::kSevere}}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, "consciousness");
  EXPECT_TRUE(CheckLevels(With({{Domain::kDrugTherapies, Level::kPriority}})).ok());
  for (Domain d : kAllDomains) EXPECT_EQ(ParseDomain(DomainCode(d)), d);
}

// README §2.
TEST(ChcGoldenClock, TwentyEightCalendarDays) {
  const Date received = D("2018-09-03");
  EXPECT_EQ(TwentyEightDay(received, D("2018-10-01"), D("2019-01-01"), false).band, ClockBand::kMet);
  EXPECT_EQ(TwentyEightDay(received, D("2018-10-01"), D("2019-01-01"), false).days, 28);
  EXPECT_EQ(TwentyEightDay(received, D("2018-10-02"), D("2019-01-01"), false).band, ClockBand::kMissed);
  EXPECT_EQ(TwentyEightDay(received, std::nullopt, D("2018-09-23"), false).band, ClockBand::kOnTrack);
  EXPECT_EQ(TwentyEightDay(received, std::nullopt, D("2018-09-24"), false).band, ClockBand::kNearing);
  EXPECT_EQ(TwentyEightDay(received, std::nullopt, D("2018-10-01"), false).band, ClockBand::kNearing);
  ClockStatus late = TwentyEightDay(received, std::nullopt, D("2018-10-02"), true);
  EXPECT_EQ(late.band, ClockBand::kOverdue);
  EXPECT_EQ(late.days, 29);
  EXPECT_TRUE(late.valid_exception);
}

TEST(ChcGoldenClock, FastTrackAndReviews) {
  EXPECT_TRUE(FastTrackMet(T("2018-11-05T16:30"), T("2018-11-07T16:30")));
  EXPECT_FALSE(FastTrackMet(T("2018-11-05T16:30"), T("2018-11-07T16:31")));
  EXPECT_EQ(NextReviewDue(D("2018-11-30"), std::nullopt), D("2019-02-28"));
  EXPECT_EQ(NextReviewDue(D("2019-11-30"), std::nullopt), D("2020-02-29"));
  EXPECT_EQ(NextReviewDue(D("2019-05-31"), std::nullopt), D("2019-08-31"));
  EXPECT_EQ(NextReviewDue(D("2018-11-30"), D("2019-02-20")), D("2020-02-20"));
}

// README §3.
Package NursingHome() {
  Package a;
  a.id = 1;
  a.ccg = "02E";
  a.versions = {{1, D("2018-04-01"), "NVC01", Setting::kCareHomeNursing, Money::FromPence(95000), 100},
                {2, D("2018-10-15"), "NVC01", Setting::kCareHomeNursing, Money::FromPence(102050), 100}};
  return a;
}
Package Domiciliary() {
  Package b;
  b.id = 2;
  b.ccg = "02E";
  b.versions = {{1, D("2018-06-11"), "LOCAL-0042", Setting::kDomiciliary, Money::FromPence(1837), 3750}};
  b.end = D("2019-01-20");
  return b;
}

TEST(ChcGoldenPackages, CostAcrossAYearWithChanges) {
  const Package a = NursingHome(), b = Domiciliary();
  EXPECT_EQ(WeeklyCost(a.versions[0]).pence(), 95000);
  EXPECT_EQ(WeeklyCost(b.versions[0]).pence(), 68888);  // 688.875 rounds half away
  EXPECT_EQ(CostBetween(a, D("2018-04-01"), D("2018-10-14")).pence(), 2673571);
  EXPECT_EQ(CostBetween(a, D("2018-10-15"), D("2019-03-31")).pence(), 2449200);
  EXPECT_EQ(CostBetween(a, D("2018-04-01"), D("2019-03-31")).pence(), 5122771);
  EXPECT_EQ(CostBetween(b, D("2018-04-01"), D("2019-03-31")).pence(), 2204400);
  EXPECT_EQ(CostBetween(b, D("2019-01-21"), D("2019-03-31")).pence(), 0);  // ended
}

TEST(ChcGoldenPackages, CommittedToYearEndByMonth) {
  auto c = CommittedToYearEnd({NursingHome(), Domiciliary()}, D("2018-12-10"));
  ASSERT_EQ(c.size(), 1u);
  const auto& m = c.at("02E");
  ASSERT_EQ(m.size(), 4u);  // December to March
  EXPECT_EQ(m[0].month, D("2018-12-01"));
  EXPECT_EQ(m[0].amount.pence(), 320729 + 216504);
  EXPECT_EQ(m[1].amount.pence(), 451936 + 196821);
  EXPECT_EQ(m[2].amount.pence(), 408200);
  EXPECT_EQ(m[3].amount.pence(), 451936);
  Money total;
  for (const auto& x : m) total += x.amount;
  EXPECT_EQ(total.pence(), 2046126);
}

TEST(ChcGoldenPackages, UnitsParse) {
  EXPECT_EQ(ParseUnitsX100("37.5").value(), 3750);
  EXPECT_EQ(ParseUnitsX100("7").value(), 700);
  EXPECT_EQ(ParseUnitsX100("0.25").value(), 25);
  EXPECT_FALSE(ParseUnitsX100("1.234").ok());
  EXPECT_FALSE(ParseUnitsX100("0").ok());
  EXPECT_FALSE(ParseUnitsX100("-1").ok());
  EXPECT_FALSE(ParseUnitsX100("1.").ok());
  EXPECT_EQ(UnitsX100ToString(3750), "37.5");
  EXPECT_EQ(UnitsX100ToString(25), "0.25");
}

// README §4.
TEST(ChcGoldenAssurance, QuarterMeasures) {
  auto standard = [](int64_t id, const char* checklist, const char* decided, bool eligible) {
    CaseFacts f;
    f.id = id;
    f.ccg = "02E";
    f.checklist_received = D(checklist);
    f.decided = D(decided);
    f.eligible = eligible;
    return f;
  };
  std::vector<CaseFacts> cases;
  cases.push_back(standard(1, "2018-09-10", "2018-10-05", true));
  cases.back().assessments = {{D("2018-09-28"), false}};
  cases.push_back(standard(2, "2018-10-01", "2018-11-05", true));
  cases.back().assessments = {{D("2018-10-20"), true}};
  cases.push_back(standard(3, "2018-10-10", "2018-11-20", false));
  cases.back().valid_delay = true;
  cases.back().assessments = {{D("2018-11-01"), false}};
  cases.push_back(standard(4, "2018-11-01", "2018-11-25", false));
  cases.back().assessments = {{D("2018-11-15"), false}};
  cases.push_back(standard(5, "2018-05-10", "2018-06-01", true));
  cases.back().eligibility_ended = D("2018-12-01");
  cases.push_back(standard(6, "2017-11-01", "2017-12-01", true));
  CaseFacts ft1;
  ft1.id = 7, ft1.ccg = "02E", ft1.fast_track = true;
  ft1.fast_track_received = T("2018-10-03T09:00"), ft1.fast_track_in_place = T("2018-10-05T08:00");
  ft1.decided = D("2018-10-03"), ft1.eligible = true;
  cases.push_back(ft1);
  CaseFacts ft2 = ft1;
  ft2.id = 8, ft2.fast_track_received = T("2018-12-30T10:00"), ft2.fast_track_in_place = T("2019-01-02T10:00");
  cases.push_back(ft2);
  CaseFacts other = standard(9, "2018-10-01", "2018-10-10", true);
  other.ccg = "00C";
  cases.push_back(other);

  Quarter q = ParseQuarter("2018-Q3").value();
  EXPECT_EQ(q.first_day(), D("2018-10-01"));
  EXPECT_EQ(q.last_day(), D("2018-12-31"));
  AssuranceMeasures m = Assure("02E", 250'000, q, cases);
  EXPECT_EQ(m.eligible, 3);
  EXPECT_EQ(m.eligible_per_50k_x100, 60);
  EXPECT_EQ(m.decisions, 4);
  EXPECT_EQ(m.decisions_excluded, 1);
  EXPECT_EQ(m.decisions_within_28, 2);
  EXPECT_EQ(m.within_28_permille, 667);
  EXPECT_EQ(m.assessments, 3);
  EXPECT_EQ(m.assessments_acute, 1);
  EXPECT_EQ(m.acute_permille, 333);
  EXPECT_EQ(m.fast_track, 2);
  EXPECT_EQ(m.fast_track_within_48h, 1);
  EXPECT_EQ(ParseQuarter("2018-Q4").value().last_day(), D("2019-03-31"));
  EXPECT_FALSE(ParseQuarter("2018-Q5").ok());
}

}  // namespace
}  // namespace csu::chc
