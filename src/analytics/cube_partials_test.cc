// The partials of a cube merge exactly: the partials of the records split
// between nodes (each node with its own dictionary ids) merged together
// equal the partials of one node holding every record, cell for cell, and
// the cross-CCG view rendered from either is the same bytes. The wire form
// round-trips, and a bad one is refused naming the cell.
#include <gtest/gtest.h>

#include "analytics/analytics_testing.h"
#include "analytics/cube_partials.h"

namespace csu::analytics {
namespace {

using pricing::Pod;

struct Rec {
  const char* ccg;
  const char* provider;
  const char* when;
  int kind;  // 0 spell, 1 appointment, 2 attendance
  Pod pod;
  int64_t pence;
  bool priced;
};

const std::vector<Rec> kRecords = {
    {"02E", "RBT", "2018-04-05", 0, Pod::kNonElective, 1'000'00, true},
    {"27D", "RWW", "2018-06-05", 0, Pod::kNonElective, 2'000'00, true},
    {"02E", "RR1", "2018-05-05", 0, Pod::kElective, 1'500'00, true},
    {"12F", "RBT", "2019-03-31", 0, Pod::kNonElective, 0, false},
    {"02E", "RBT", "2019-04-01", 0, Pod::kNonElective, 1'000'00, true},  // next year
    {"27D", "RBT", "2018-03-31", 0, Pod::kNonElective, 1'000'00, true},  // last year
    {"02E", "RBT", "2018-04-20", 0, Pod::kNonElective, 0, false},
    {"12F", "RBT", "2018-11-02", 0, Pod::kElective, 3'333'33, true},
    {"27D", "RBT", "2018-07-01", 1, Pod::kOpFirst, 0, true},
    {"02E", "RWW", "2018-08-01", 1, Pod::kOpFollowUp, 0, true},
    {"02E", "RBT", "2018-08-02", 1, Pod::kOpFirst, 0, false},
    {"12F", "RWW", "2018-09-01T23:59", 2, Pod::kAe, 0, true},
    {"02E", "RR1", "2018-10-01T00:00", 2, Pod::kAe, 0, false},
    {"27D", "RR1", "2018-12-24T10:00", 2, Pod::kAe, 0, true},
};

// The records of `ccgs` (all when empty), in the order given by `reverse`.
void Fill(testing::TestActivity& t, const std::set<std::string>& ccgs, bool reverse) {
  std::vector<Rec> recs = kRecords;
  if (reverse) std::reverse(recs.begin(), recs.end());
  for (const Rec& r : recs) {
    if (!ccgs.empty() && !ccgs.count(r.ccg)) continue;
    if (r.kind == 0) {
      testing::SpellSpec s;
      s.commissioner = r.ccg;
      s.provider = r.provider;
      s.discharged = r.when;
      s.pod = r.pod;
      s.pence = r.pence;
      s.priced = r.priced;
      t.Spell(s);
    } else if (r.kind == 1) {
      testing::OpSpec s;
      s.commissioner = r.ccg;
      s.provider = r.provider;
      s.date = r.when;
      s.pod = r.pod;
      s.priced = r.priced;
      t.Op(s);
    } else {
      testing::AeSpec s;
      s.commissioner = r.ccg;
      s.provider = r.provider;
      s.arrival = r.when;
      s.priced = r.priced;
      t.Ae(s);
    }
  }
}

CubePartials PartialsOfAll(const pricing::PricedActivity& a, const std::set<std::string>& only = {}) {
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018));
  return PartialsOf(cube, a.tables.codes, only);
}

bool SamePartials(const CubePartials& a, const CubePartials& b) {
  if (a.year != b.year || a.cells.size() != b.cells.size()) return false;
  for (const auto& [key, cells] : a.cells) {
    auto it = b.cells.find(key);
    if (it == b.cells.end()) return false;
    for (size_t i = 0; i < cells.size(); ++i)
      if (cells[i].activity != it->second[i].activity || cells[i].pence != it->second[i].pence) return false;
  }
  return true;
}

TEST(CubePartials, MergeOfPartialsEqualsTheWhole) {
  testing::TestActivity whole, north, south;
  Fill(whole, {}, false);
  Fill(north, {"02E", "27D"}, true);  // other ids: 27D's provider seen first
  Fill(south, {"12F"}, false);
  const CubePartials all = PartialsOfAll(whole.activity());
  CubePartials merged = PartialsOfAll(south.activity());
  ASSERT_TRUE(merged.Merge(PartialsOfAll(north.activity())).ok());
  EXPECT_TRUE(SamePartials(merged, all));
  EXPECT_EQ(PartialsToJson(merged), PartialsToJson(all));
  const std::set<std::string> ccgs = {"02E", "12F", "27D"};
  EXPECT_EQ(CrossCcgActivityJson(merged, 0, ccgs), CrossCcgActivityJson(all, 0, ccgs));
  EXPECT_EQ(CrossCcgActivityJson(merged, 7, ccgs), CrossCcgActivityJson(all, 7, ccgs));
  // The partials carry every in-year record once: 12 of the 14 (slot 0,
  // not priced, is the sum of the three kinds' slots, so it is skipped).
  int64_t records = 0;
  for (const auto& [key, cells] : all.cells)
    for (int m = 1; m <= 12; ++m)
      for (int slot = 1; slot < kCubeSlots; ++slot) records += cells[PartialIndex(m, slot)].activity;
  EXPECT_EQ(records, 12);
}

TEST(CubePartials, PartialsOfSomeCommissionersHoldOnlyThem) {
  testing::TestActivity whole;
  Fill(whole, {}, false);
  const CubePartials only = PartialsOfAll(whole.activity(), {"12F"});
  ASSERT_FALSE(only.cells.empty());
  for (const auto& [key, cells] : only.cells) EXPECT_EQ(key.first, "12F");
  CubePartials rest = PartialsOfAll(whole.activity(), {"02E", "27D"});
  ASSERT_TRUE(rest.Merge(only).ok());
  EXPECT_TRUE(SamePartials(rest, PartialsOfAll(whole.activity())));
}

TEST(CubePartials, TheViewSumsTheYearToDateByLine) {
  testing::TestActivity whole;
  Fill(whole, {}, false);
  const std::string json = CrossCcgActivityJson(PartialsOfAll(whole.activity()), 0, {"12F"});
  // 12F: an elective spell in November (£3,333.33), a not-priced spell in
  // March, an A&E attendance in September (£140, the test tables' price);
  // the last month is March (12).
  EXPECT_EQ(json,
            R"({"ccgs":[{"ccg":"12F","pence_ytd":347333,"records_ytd":3}],"lines":[)"
            R"({"activity_ytd":1,"ccg":"12F","pence_ytd":333333,"pod":"EL","provider":"RBT"},)"
            R"({"activity_ytd":1,"ccg":"12F","pence_ytd":0,"pod":"NP:spell","provider":"RBT"},)"
            R"({"activity_ytd":1,"ccg":"12F","pence_ytd":14000,"pod":"AE","provider":"RWW"}],"month":12,"year":"2018/19"})");
  // To October: the March spell is not yet there.
  EXPECT_NE(CrossCcgActivityJson(PartialsOfAll(whole.activity()), 7, {"12F"}).find(R"("records_ytd":1)"),
            std::string::npos);
}

TEST(CubePartials, TheWireFormRoundTrips) {
  testing::TestActivity whole;
  Fill(whole, {}, false);
  const CubePartials p = PartialsOfAll(whole.activity());
  auto back = PartialsFromJson(PartialsToJson(p), "node a");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_TRUE(SamePartials(back.value(), p));
}

TEST(CubePartials, MergeRefusesAnotherYearAndAnOverflowAndChangesNothing) {
  CubePartials a, b;
  a.year = FinancialYear(2018);
  b.year = FinancialYear(2019);
  a.cells[{"02E", "RBT"}][PartialIndex(1, 1)] = CubeCell{1, 100};
  b.cells[{"02E", "RBT"}][PartialIndex(1, 1)] = CubeCell{1, 100};
  EXPECT_FALSE(a.Merge(b).ok());
  b.year = FinancialYear(2018);
  b.cells[{"02E", "RBT"}][PartialIndex(1, 1)] = CubeCell{1, INT64_MAX};
  b.cells[{"03F", "RBT"}][PartialIndex(1, 1)] = CubeCell{1, 1};
  const Status s = a.Merge(b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("overflows"), std::string::npos);
  EXPECT_EQ(a.cells.size(), 1u);
  const std::pair<std::string, std::string> key{"02E", "RBT"};
  EXPECT_EQ(a.cells[key][PartialIndex(1, 1)].pence, 100);
}

TEST(CubePartials, ABadWireFormIsRefusedNamingTheCell) {
  const std::string head = R"({"format":"csu-cube-partials-v1","year":"2018/19","slots":)" + std::to_string(kCubeSlots) +
                           R"(,"cells":[)";
  struct Case {
    std::string text, says;
  };
  const std::vector<Case> cases = {
      {"not json", "not a JSON object"},
      {R"({"format":"other"})", "format"},
      {R"({"format":"csu-cube-partials-v1","year":"2018/20","slots":1,"cells":[]})", "year"},
      {R"({"format":"csu-cube-partials-v1","year":"2018/19","slots":1,"cells":[]})", "slots"},
      {head + R"(["02E","RBT",13,1,1,1]]})", "cell 1: month"},
      {head + R"(["02E","RBT",1,1,1,1],["02E","RBT",1,99,1,1]]})", "cell 2: slot"},
      {head + R"(["02E","RBT",1,1,-1,1]]})", "negative"},
      {head + R"(["","RBT",1,1,1,1]]})", "code"},
      {head + R"(["02E","RBT",1,1,1,1],["02E","RBT",1,1,2,2]]})", "twice"},
      {head + R"(["02E","RBT",1,1,1]]})", "not [commissioner"},
      {head + R"(["02E","RBT",1,1,1,18446744073709551615]]})", "out of range"},
  };
  for (const Case& c : cases) {
    auto r = PartialsFromJson(c.text, "node b");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().where, "node b");
    EXPECT_NE(r.error().why.find(c.says), std::string::npos) << r.error().why;
  }
}

}  // namespace
}  // namespace csu::analytics
