// One CCG's cube through the tables' commissioner index (only the blocks
// holding its rows read) must equal the cube built by scanning every row and
// skipping the others, pair order and every cell included, and must equal
// that CCG's part of the whole CSU's cube; the whole CSU's cube through the
// index (blocks of one CCG read without its column) must equal the scan's.
// Checked on hand-made activity of every kind and on random tables, for
// every commissioner id, and for the index itself.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "analytics/activity_cube.h"
#include "analytics/analytics_testing.h"
#include "analytics/year_calendar.h"
#include "store/activity_tables.h"

namespace csu::analytics {
namespace {

using pricing::Pod;

// Every slot of every month of a pair: the PODs, then not priced by kind.
std::vector<CubeCell> CellsOf(const ActivityCube& cube, size_t pair) {
  std::vector<CubeCell> out;
  for (int m = 0; m <= 12; ++m) {
    for (int pod = 0; pod < kPods; ++pod) out.push_back(cube.At(pair, static_cast<Pod>(pod), m));
    for (int k = 0; k < kRecordKinds; ++k) out.push_back(cube.NotPricedAt(pair, static_cast<RecordKind>(k), m));
  }
  return out;
}

bool SameCells(const std::vector<CubeCell>& a, const std::vector<CubeCell>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].activity != b[i].activity || a[i].pence != b[i].pence) return false;
  return true;
}

// The indexed cube of every commissioner id (and one past the dictionary)
// against the scan and against the whole cube; returns the records seen.
int64_t ExpectIndexedMatchesScan(const pricing::PricedActivity& a, FinancialYear year) {
  EXPECT_TRUE(a.tables.apc.indexed_by_commissioner());
  EXPECT_TRUE(a.tables.op.indexed_by_commissioner());
  EXPECT_TRUE(a.tables.ae.indexed_by_commissioner());
  // The whole CSU's cube through the index (blocks of one commissioner
  // skip its column) equals the plain scan's.
  ActivityCube whole, whole_scanned;
  whole.Build(a, year);
  whole_scanned.Build(a, year, std::nullopt, CubeAccess::kScan);
  EXPECT_EQ(whole.pairs().size(), whole_scanned.pairs().size());
  for (size_t p = 0; p < std::min(whole.pairs().size(), whole_scanned.pairs().size()); ++p) {
    EXPECT_EQ(whole.pairs()[p].commissioner, whole_scanned.pairs()[p].commissioner) << "pair order";
    EXPECT_EQ(whole.pairs()[p].provider, whole_scanned.pairs()[p].provider) << "pair order";
    EXPECT_TRUE(SameCells(CellsOf(whole, p), CellsOf(whole_scanned, p))) << "whole cube, pair " << p;
  }
  int64_t records = 0;
  const auto ids = static_cast<uint16_t>(a.tables.codes.commissioner().size());
  for (uint16_t c = 0; c <= ids; ++c) {
    ActivityCube indexed, scanned;
    indexed.Build(a, year, c, CubeAccess::kIndex);
    scanned.Build(a, year, c, CubeAccess::kScan);
    EXPECT_EQ(indexed.year().start_year(), year.start_year());
    EXPECT_EQ(indexed.pairs().size(), scanned.pairs().size()) << "commissioner " << c;
    if (indexed.pairs().size() != scanned.pairs().size()) continue;
    for (size_t p = 0; p < indexed.pairs().size(); ++p) {
      EXPECT_EQ(indexed.pairs()[p].commissioner, c);
      EXPECT_EQ(indexed.pairs()[p].commissioner, scanned.pairs()[p].commissioner);
      EXPECT_EQ(indexed.pairs()[p].provider, scanned.pairs()[p].provider) << "pair order, commissioner " << c;
      EXPECT_TRUE(SameCells(CellsOf(indexed, p), CellsOf(scanned, p))) << "commissioner " << c << " pair " << p;
      const auto in_whole = whole.Find(c, indexed.pairs()[p].provider);
      EXPECT_TRUE(in_whole.has_value());
      if (in_whole) {
        EXPECT_TRUE(SameCells(CellsOf(indexed, p), CellsOf(whole, *in_whole))) << "commissioner " << c;
      }
      records += indexed.SumPods(p, 1, 12).activity;
    }
    EXPECT_EQ(indexed.LastMonthWithActivity(), scanned.LastMonthWithActivity());
  }
  // Together the commissioners' cubes hold every pair of the whole cube.
  int64_t whole_records = 0;
  for (size_t p = 0; p < whole.pairs().size(); ++p) whole_records += whole.SumPods(p, 1, 12).activity;
  EXPECT_EQ(records, whole_records);
  return records;
}

TEST(ActivityCubeIndex, OneCcgThroughTheIndexEqualsTheScanOnHandMadeActivity) {
  testing::TestActivity t;
  auto spell = [&t](const char* ccg, const char* provider, const char* discharged, Pod pod, int64_t pence,
                    bool priced) {
    testing::SpellSpec s;
    s.commissioner = ccg;
    s.provider = provider;
    s.discharged = discharged;
    s.pod = pod;
    s.pence = pence;
    s.priced = priced;
    t.Spell(s);
  };
  auto appointment = [&t](const char* ccg, const char* provider, const char* date, Pod pod, bool priced) {
    testing::OpSpec s;
    s.commissioner = ccg;
    s.provider = provider;
    s.date = date;
    s.pod = pod;
    s.priced = priced;
    t.Op(s);
  };
  auto attendance = [&t](const char* ccg, const char* provider, const char* arrival, bool priced) {
    testing::AeSpec s;
    s.commissioner = ccg;
    s.provider = provider;
    s.arrival = arrival;
    s.priced = priced;
    t.Ae(s);
  };
  // Three CCGs interleaved, pairs first seen in different orders, records
  // outside the year, not-priced records of every kind, all three kinds.
  spell("02E", "RBT", "2018-04-05", Pod::kNonElective, 1'000'00, true);
  spell("27D", "RWW", "2018-06-05", Pod::kNonElective, 2'000'00, true);
  spell("02E", "RR1", "2018-05-05", Pod::kElective, 1'500'00, true);
  spell("12F", "RBT", "2019-03-31", Pod::kNonElective, 0, false);
  spell("02E", "RBT", "2019-04-01", Pod::kNonElective, 1'000'00, true);  // next year
  spell("27D", "RBT", "2018-03-31", Pod::kNonElective, 1'000'00, true);  // last year
  spell("02E", "RBT", "2018-04-20", Pod::kNonElective, 0, false);
  appointment("27D", "RBT", "2018-07-01", Pod::kOpFirst, true);
  appointment("02E", "RWW", "2018-08-01", Pod::kOpFollowUp, true);
  appointment("02E", "RBT", "2018-08-02", Pod::kOpFirst, false);
  attendance("12F", "RWW", "2018-09-01T23:59", true);
  attendance("02E", "RR1", "2018-10-01T00:00", false);
  const pricing::PricedActivity& a = t.activity();
  EXPECT_EQ(ExpectIndexedMatchesScan(a, FinancialYear(2018)), 10);
  // Seven spells fill part of one block, which every commissioner has.
  const uint16_t e02 = t.Id(store::Dimension::kCommissioner, "02E");
  const auto blocks = a.tables.apc.by_commissioner.Of(e02);
  EXPECT_EQ(std::vector<uint32_t>(blocks.begin(), blocks.end()), (std::vector<uint32_t>{0}));
}

TEST(ActivityCubeIndex, ATableWithoutTheIndexIsScanned) {
  testing::TestActivity t;
  testing::SpellSpec s;
  t.Spell(s);
  s.commissioner = "27D";
  t.Spell(s);
  pricing::PricedActivity& a = t.activity();
  // A row added after indexing leaves the index short: the cube must not use it.
  s.commissioner = "02E";
  s.provider = "RWW";
  t.Spell(s);
  EXPECT_FALSE(a.tables.apc.indexed_by_commissioner());
  ActivityCube cube;
  cube.Build(a, FinancialYear(2018), t.Id(store::Dimension::kCommissioner, "02E"));
  ASSERT_EQ(cube.pairs().size(), 2u);
  EXPECT_EQ(cube.SumPods(1, 1, 12).activity, 1);
}

// Random tables: ids drawn unevenly (some commissioners have no rows, one
// has most), rows in random order, dates straddling the year.
// With `run` > 1, commissioners come in runs of about that many rows, as
// extracts arrive; with 1, every row draws its own. With `month_runs`, each
// run's dates also fall in one month (one of the year's, or one just
// before or after it), as a monthly extract's do, so that blocks inside
// one month take the cube's path that reads no dates; some prices are wide.
pricing::PricedActivity RandomActivity(uint64_t seed, size_t apc_rows, size_t op_rows, size_t ae_rows,
                                       size_t run = 1, bool month_runs = false) {
  std::mt19937_64 rng(seed);
  pricing::PricedActivity a;
  store::CodeList& comm = a.tables.codes[store::Dimension::kCommissioner];
  store::CodeList& prov = a.tables.codes[store::Dimension::kProvider];
  for (int c = 0; c < 9; ++c) comm.Append("C" + std::to_string(10 + c));
  for (int p = 0; p < 13; ++p) prov.Append("P" + std::to_string(10 + p));
  const int32_t first_day = Date::FromYmd(2018, 4, 1).days();
  auto fill = [&](store::CommonColumns& t, pricing::PricedColumns& priced, std::vector<int32_t>& day, size_t n,
                  int32_t unit) {
    uint16_t commissioner = 1;
    int32_t month_start = first_day;  // of the run's month, with month_runs
    for (size_t i = 0; i < n; ++i) {
      t.patient.push_back(static_cast<uint32_t>(rng() % 50));
      // Commissioner 9 never appears; 1 takes about half the rows.
      if (run == 1 || rng() % run == 0) {
        const uint64_t r = rng() % 16;
        commissioner = static_cast<uint16_t>(r < 8 ? 1 : r % 8 + 1);
        // The first of a month from March 2018 to May 2019: inside the
        // financial year or just outside it.
        const int k = static_cast<int>(rng() % 15);  // 0 = March 2018
        month_start = Date::FromYmd(2018 + (2 + k) / 12, (2 + k) % 12 + 1, 1).days();
      }
      t.commissioner.push_back(commissioner);
      t.provider.push_back(static_cast<uint16_t>(rng() % 14));  // 0 = absent too
      const int32_t d = month_runs ? month_start + static_cast<int32_t>(rng() % 28)
                                   : first_day - 20 + static_cast<int32_t>(rng() % 410);
      day.push_back(d * unit + static_cast<int32_t>(rng() % static_cast<uint64_t>(unit)));
      const auto pod = static_cast<uint8_t>(rng() % 5 == 0 ? 0 : rng() % kPods);
      priced.pod.push_back(pod);
      const bool wide = month_runs && rng() % 500 == 0;  // beyond 4 bytes (pricing::PenceColumn)
      priced.final_pence.push_back(pod == 0 ? 0
                                   : wide   ? (int64_t{1} << 33) + static_cast<int64_t>(rng() % 1000)
                                            : static_cast<int64_t>(rng() % 500'000) - 1'000);
    }
  };
  fill(a.tables.apc, a.apc, a.tables.apc.discharge_date, apc_rows, 1);
  fill(a.tables.op, a.op, a.tables.op.appointment_date, op_rows, 1);
  fill(a.tables.ae, a.ae, a.tables.ae.arrival, ae_rows, 1440);
  store::IndexByCommissioner(a.tables.apc);
  store::IndexByCommissioner(a.tables.op);
  store::IndexByCommissioner(a.tables.ae);
  store::IndexDays(a.tables.apc);
  store::IndexDays(a.tables.op);
  store::IndexDays(a.tables.ae);
  return a;
}

TEST(ActivityCubeIndex, OneCcgThroughTheIndexEqualsTheScanOnRandomTables) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    // Interleaved row by row, and in runs (some shorter than a block, some
    // spanning several), over several blocks.
    const pricing::PricedActivity a = RandomActivity(seed, 3000 + seed * 7, 2000, 1000);
    EXPECT_GT(ExpectIndexedMatchesScan(a, FinancialYear(2018)), 5000) << "seed " << seed;
    const pricing::PricedActivity runs = RandomActivity(seed, 20'000 + seed * 7, 9000, 5000, 300 * seed);
    EXPECT_GT(ExpectIndexedMatchesScan(runs, FinancialYear(2018)), 25'000) << "seed " << seed;
  }
  // Monthly extracts: most blocks inside one month, read without their dates.
  for (uint64_t seed = 11; seed <= 13; ++seed) {
    const pricing::PricedActivity months = RandomActivity(seed, 30'000, 12'000, 8000, 1500 * (seed - 10), true);
    size_t one_month = 0, blocks = 0;
    const analytics::YearCalendar cal(FinancialYear(2018));
    const store::DaysByBlock& d = months.tables.apc.days_by_block;
    for (size_t b = 0; b < d.least.size(); ++b, ++blocks) {
      one_month += static_cast<size_t>(cal.Month(d.least[b]) != 0 && cal.Month(d.least[b]) == cal.Month(d.greatest[b]));
    }
    EXPECT_GT(one_month, blocks / 4) << "seed " << seed;
    EXPECT_LT(one_month, blocks) << "seed " << seed;
    EXPECT_GT(ExpectIndexedMatchesScan(months, FinancialYear(2018)), 25'000) << "seed " << seed;
  }
  // Empty tables and one kind empty.
  const pricing::PricedActivity empty = RandomActivity(9, 0, 0, 0);
  EXPECT_EQ(ExpectIndexedMatchesScan(empty, FinancialYear(2018)), 0);
  const pricing::PricedActivity no_op = RandomActivity(10, 500, 0, 300);
  EXPECT_GT(ExpectIndexedMatchesScan(no_op, FinancialYear(2018)), 0);
}

TEST(ActivityCubeIndex, TheIndexListsEachBlockOfACommissionerOnceAscending) {
  for (const size_t run : {size_t{1}, size_t{2000}}) {
    const pricing::PricedActivity a = RandomActivity(7, 50'000, 0, 0, run);
    const store::ApcTable& t = a.tables.apc;
    const store::BlocksById& index = t.by_commissioner;
    constexpr size_t kBlock = store::BlocksById::kBlockRows;
    ASSERT_TRUE(t.indexed_by_commissioner());
    // The blocks each commissioner occurs in, worked out the plain way.
    std::vector<std::set<uint32_t>> want(10);
    for (size_t i = 0; i < t.size(); ++i) want[t.commissioner[i]].insert(static_cast<uint32_t>(i / kBlock));
    size_t entries = 0;
    for (uint16_t c = 0; c < 10; ++c) {
      const auto blocks = index.Of(c);
      EXPECT_EQ(std::vector<uint32_t>(blocks.begin(), blocks.end()),
                std::vector<uint32_t>(want[c].begin(), want[c].end()))
          << "commissioner " << c << ", runs of " << run;
      entries += blocks.size();
    }
    EXPECT_TRUE(index.Of(500).empty());  // beyond the largest id
    EXPECT_EQ(index.bytes(), (entries + index.first.size()) * sizeof(uint32_t));
    if (run > 1) {
      // Grouped rows: a few hundredths of a byte a record.
      EXPECT_LT(static_cast<double>(index.bytes()) / static_cast<double>(t.size()), 0.05);
    }
    // Rebuilding gives the same index; a table changed after it is not
    // taken as indexed.
    store::ApcTable copy = t;
    store::IndexByCommissioner(copy);
    EXPECT_EQ(copy.by_commissioner.blocks, index.blocks);
    EXPECT_EQ(copy.by_commissioner.first, index.first);
    copy.patient.push_back(0);
    EXPECT_FALSE(copy.indexed_by_commissioner());
  }
}

TEST(ActivityCubeIndex, TheDayIndexHoldsEachBlocksLeastAndGreatestDay) {
  const pricing::PricedActivity a = RandomActivity(8, 10'500, 3000, 2100, 700, true);
  constexpr size_t kBlock = store::BlocksById::kBlockRows;
  auto check = [](const auto& t) {
    ASSERT_TRUE(t.indexed_by_day());
    const store::DaysByBlock& d = t.days_by_block;
    ASSERT_EQ(d.least.size(), (t.size() + kBlock - 1) / kBlock);
    for (size_t b = 0; b < d.least.size(); ++b) {
      int32_t least = INT32_MAX, greatest = INT32_MIN;
      for (size_t i = b * kBlock; i < std::min(t.size(), (b + 1) * kBlock); ++i) {
        least = std::min(least, store::ActivityDay(t, i));
        greatest = std::max(greatest, store::ActivityDay(t, i));
      }
      EXPECT_EQ(d.least[b], least) << "block " << b;
      EXPECT_EQ(d.greatest[b], greatest) << "block " << b;
    }
    EXPECT_EQ(d.bytes(), d.least.size() * 8);
  };
  check(a.tables.apc);
  check(a.tables.op);
  check(a.tables.ae);
  // A row added after it leaves it short: not taken as built.
  store::OpTable copy = a.tables.op;
  copy.patient.push_back(0);
  copy.appointment_date.push_back(0);
  EXPECT_FALSE(copy.indexed_by_day());
  store::IndexDays(copy);
  EXPECT_TRUE(copy.indexed_by_day());
}

}  // namespace
}  // namespace csu::analytics
