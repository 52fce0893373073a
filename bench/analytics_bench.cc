// Contract monitoring speed (issue: monitoring over 20 million records in
// under 50 ms on one core, at least 50x faster than the same aggregation as
// SQL in SQLite). Cases, group "monitoring":
//   baseline-sum-pence     summing the 20M records' prices as a plain int64
//                          array (8 bytes a record, the price column's
//                          width before pricing::PenceColumn): what reading
//                          8 bytes a record costs on this machine in this run
//   cube-20m-csu-year      ActivityCube::Build over 20M records for every
//                          commissioner × provider × POD × month of the year
//                          (through the index: blocks of one CCG's records
//                          are read without the commissioner column)
//   cube-20m-csu-year-scan the same by the plain scan (the yardstick)
//   cube-20m-one-ccg       the same for one CCG, through the tables' block
//                          index: only the blocks of rows holding that CCG's
//                          records are read (here about a third of the
//                          20M: 02E is one of the demo's three CCGs)
//   cube-20m-one-ccg-scan  the same by scanning all 20M and skipping the
//                          other CCGs' records (how it was done before the
//                          index; kept as the yardstick)
//   cube-demo-apc          the demo year's 395,000 priced spells, whole CSU
//   cube-england-20m-year  20M spells spread over every CCG and trust of
//                          England (England's ~17M a year, rounded up)
//   cube-england-20m-year-scan  the same by the plain scan
//   cube-england-20m-one-ccg  the same for one CCG (02E, 0.4% of the records),
//                          through the index; -scan: by scanning every row
//   cube-england-20m-every-ccg-one-by-one  a cube for each of England's CCGs
//                          in turn through the index (what a node answering
//                          every CCG's own page does; the same records as
//                          cube-england-20m-year, read once each)
//   sqlite-group-by-demo-apc  the same aggregation as one GROUP BY in an
//                          in-memory SQLite table of the same spells, given
//                          the month precomputed (less work than ours)
// The 20M records of the -20m- cases are the demo year's spells repeated
// (three CCGs, 453 commissioner × provider pairs). England scale has about
// fifty times the pairs, so its cube is that much bigger; the england cases
// build 20M spells for every open CCG (spells in proportion to registered
// patients) and trust, with each CCG's spells going mostly to the trusts of
// its own health geography and some to trusts elsewhere, in the order a CSU
// receives them: a monthly extract per CCG. PODs and prices are drawn from
// the demo's priced spells. Only the columns the cube reads are filled
// (patient, commissioner, provider, discharge date, POD, price). Each case
// checks its totals against a plain loop, and that the cube through the index
// equals the scanned one cell for cell, pair order included.
// Memory: cube-demo-apc carries counters for the demo year's loaded spells,
// bytes a record: table_bytes_per_record (every column of the loaded table,
// the commissioner index, the source-row runs and the sparse pairs
// included), index_bytes_per_record (the index alone;
// cube-england-20m-one-ccg gives it for England's 20M too),
// priced_bytes_per_record (the price columns kept beside them: final price
// in 4 bytes, POD, reason) and total_bytes_per_record (the two together;
// the ceiling is 48); bench_main prints them after the table.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "analytics/activity_cube.h"
#include "analytics/year_calendar.h"
#include "bench/bench_data.h"
#include "pricing/priced_activity.h"
#include "refdata/refdata.h"
#include "store/activity_tables.h"

namespace csu {
namespace {

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "analytics_bench: check failed: %s\n", what.c_str());
    std::abort();
  }
}

const FinancialYear kYear(2018);

const pricing::PricedActivity& DemoPriced() {
  static const pricing::PricedActivity* a = [] {
    store::ActivityTables tables = bench::DemoApcTables();  // a copy: PriceActivity takes ownership
    return new pricing::PricedActivity(pricing::PriceActivity(std::move(tables), bench::Demo().ref()));
  }();
  return *a;
}

constexpr size_t kBigRows = 20'000'000;

const pricing::PricedActivity& Big() {
  static const pricing::PricedActivity* big = [] {
    const pricing::PricedActivity& d = DemoPriced();
    auto* b = new pricing::PricedActivity();
    b->tables.codes = d.tables.codes;
    store::ApcTable& t = b->tables.apc;
    const size_t n = d.tables.apc.size();
    t.patient.resize(kBigRows);
    t.commissioner.resize(kBigRows);
    t.provider.resize(kBigRows);
    t.discharge_date.resize(kBigRows);
    b->apc.pod.resize(kBigRows);
    b->apc.final_pence.reserve(kBigRows);
    for (size_t i = 0; i < kBigRows; ++i) {
      const size_t s = i % n;
      t.patient[i] = d.tables.apc.patient[s];
      t.commissioner[i] = d.tables.apc.commissioner[s];
      t.provider[i] = d.tables.apc.provider[s];
      t.discharge_date[i] = d.tables.apc.discharge_date[s];
      b->apc.pod[i] = d.apc.pod[s];
      b->apc.final_pence.push_back(d.apc.final_pence[s]);
    }
    store::IndexByCommissioner(t);  // as the store does at load
    store::IndexDays(t);
    return b;
  }();
  return *big;
}

// First day (days since 1970-01-01) and length of each month of kYear.
struct YearCalendarDays {
  int32_t first[13] = {};
  int32_t length[13] = {};
};
YearCalendarDays YearDays() {
  YearCalendarDays d;
  const analytics::YearCalendar cal(kYear);
  for (int32_t day = cal.first_day(); cal.Month(day) != 0; ++day) {
    const int m = cal.Month(day);
    if (d.length[m]++ == 0) d.first[m] = day;
  }
  return d;
}

const pricing::PricedActivity& England() {
  static const pricing::PricedActivity* england = [] {
    const pricing::PricedActivity& demo = DemoPriced();
    const refdata::RefData& ref = bench::Demo().ref();
    auto* e = new pricing::PricedActivity();
    store::CodeList& commissioners = e->tables.codes[store::Dimension::kCommissioner];
    store::CodeList& providers = e->tables.codes[store::Dimension::kProvider];
    struct Ccg {
      uint16_t id;
      int64_t patients;
      std::vector<uint16_t> providers;  // local trusts first
    };
    std::vector<Ccg> ccgs;
    std::vector<uint16_t> all_trusts;
    std::mt19937_64 rng(20181);
    for (const refdata::Trust& t : ref.trusts())
      if (t.is_open()) all_trusts.push_back(static_cast<uint16_t>(providers.Append(t.code.view())));
    int64_t population = 0;
    for (const refdata::Ccg& c : ref.ccgs()) {
      if (c.close_date || !c.registered_patients || *c.registered_patients == 0) continue;
      Ccg ccg{static_cast<uint16_t>(commissioners.Append(c.code.view())), *c.registered_patients, {}};
      for (const refdata::Trust& t : ref.trusts())
        if (t.is_open() && t.health_geography == c.health_geography)
          ccg.providers.push_back(static_cast<uint16_t>(providers.Find(t.code.view())));
      std::shuffle(ccg.providers.begin(), ccg.providers.end(), rng);
      ccg.providers.resize(std::min<size_t>(ccg.providers.size(), 8));
      for (int k = 0; k < 24; ++k) ccg.providers.push_back(all_trusts[rng() % all_trusts.size()]);
      population += ccg.patients;
      ccgs.push_back(std::move(ccg));
    }
    // 85% of a CCG's spells to its local trusts (the first slightly favoured),
    // the rest spread over the trusts elsewhere.
    auto pick = [&rng](const Ccg& c) -> uint16_t {
      const size_t local = c.providers.size() - 24;
      const uint64_t r = rng() % 100;
      if (local > 0 && r < 85) return c.providers[(rng() % (local * (local + 1) / 2)) % local];
      return c.providers[local + rng() % 24];
    };
    store::ApcTable& t = e->tables.apc;
    t.patient.reserve(kBigRows);
    const YearCalendarDays days = YearDays();
    const size_t demo_rows = demo.tables.apc.size();
    for (int month = 1; month <= 12; ++month) {
      for (const Ccg& c : ccgs) {
        const auto n = static_cast<size_t>(static_cast<double>(kBigRows) * static_cast<double>(c.patients) /
                                           static_cast<double>(population) / 12.0);
        for (size_t k = 0; k < n && t.patient.size() < kBigRows; ++k) {
          const size_t s = rng() % demo_rows;
          t.patient.push_back(demo.tables.apc.patient[s]);
          t.commissioner.push_back(c.id);
          t.provider.push_back(pick(c));
          t.discharge_date.push_back(days.first[month] + static_cast<int32_t>(rng() % days.length[month]));
          e->apc.pod.push_back(demo.apc.pod[s]);
          e->apc.final_pence.push_back(demo.apc.final_pence[s]);
        }
      }
    }
    Check(t.patient.size() > kBigRows * 99 / 100, "england rows");
    store::IndexByCommissioner(t);  // as the store does at load
    store::IndexDays(t);
    return e;
  }();
  return *england;
}

// Records and pence in the year, by a plain loop: what every cube must total.
std::pair<int64_t, int64_t> Expected(const pricing::PricedActivity& a, std::optional<uint16_t> commissioner) {
  const analytics::YearCalendar cal(kYear);
  int64_t n = 0, pence = 0;
  for (size_t i = 0; i < a.tables.apc.size(); ++i) {
    if (commissioner && a.tables.apc.commissioner[i] != *commissioner) continue;
    if (cal.Month(a.tables.apc.discharge_date[i]) == 0) continue;
    ++n;
    pence += a.apc.final_pence[i];
  }
  return {n, pence};
}

void CheckCube(const analytics::ActivityCube& cube, std::pair<int64_t, int64_t> want) {
  int64_t n = 0, pence = 0;
  for (size_t p = 0; p < cube.pairs().size(); ++p) {
    const analytics::CubeCell c = cube.SumPods(p, 1, 12);
    n += c.activity;
    pence += c.pence;
  }
  Check(n == want.first && pence == want.second, "cube totals");
}

void SumPence(benchmark::State& state) {
  // The 20M records' pence as plain int64: 8 bytes a record, the width the
  // price column had before it was narrowed (pricing::PenceColumn), kept as
  // the yardstick of what reading 8 bytes a record costs on this machine.
  static const std::vector<int64_t> col = [] {
    std::vector<int64_t> v(kBigRows);
    for (size_t i = 0; i < kBigRows; ++i) v[i] = Big().apc.final_pence[i];
    return v;
  }();
  for (auto _ : state) {
    int64_t s = 0;
    for (int64_t v : col) s += v;
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBigRows));
}
BENCHMARK(SumPence)->Name("monitoring/baseline-sum-pence")->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Two cubes alike: the same pairs in the same order, every cell equal.
bool SameCube(const analytics::ActivityCube& a, const analytics::ActivityCube& b) {
  if (a.pairs().size() != b.pairs().size()) return false;
  for (size_t p = 0; p < a.pairs().size(); ++p) {
    if (a.pairs()[p].commissioner != b.pairs()[p].commissioner || a.pairs()[p].provider != b.pairs()[p].provider)
      return false;
    for (int pod = 0; pod < analytics::kPods; ++pod)
      for (int m = 1; m <= 12; ++m) {
        const auto& x = a.At(p, static_cast<pricing::Pod>(pod), m);
        const auto& y = b.At(p, static_cast<pricing::Pod>(pod), m);
        if (x.activity != y.activity || x.pence != y.pence) return false;
      }
  }
  return true;
}

void Cube(benchmark::State& state, const pricing::PricedActivity& a, std::optional<uint16_t> commissioner,
          analytics::CubeAccess access = analytics::CubeAccess::kIndex) {
  const auto want = Expected(a, commissioner);
  Check(a.tables.apc.indexed_by_commissioner(), "tables indexed");
  analytics::ActivityCube cube;
  for (auto _ : state) cube.Build(a, kYear, commissioner, access);
  CheckCube(cube, want);
  analytics::ActivityCube other;
  other.Build(a, kYear, commissioner,
              access == analytics::CubeAccess::kIndex ? analytics::CubeAccess::kScan : analytics::CubeAccess::kIndex);
  Check(SameCube(cube, other), "indexed cube == scanned cube");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(a.tables.apc.size()));
}

void CubeBigCsu(benchmark::State& state) { Cube(state, Big(), std::nullopt); }
BENCHMARK(CubeBigCsu)->Name("monitoring/cube-20m-csu-year")->Unit(benchmark::kMillisecond)->MinTime(1.0);
void CubeBigCsuScan(benchmark::State& state) { Cube(state, Big(), std::nullopt, analytics::CubeAccess::kScan); }
BENCHMARK(CubeBigCsuScan)->Name("monitoring/cube-20m-csu-year-scan")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeBigOneCcg(benchmark::State& state) {
  Cube(state, Big(), static_cast<uint16_t>(Big().tables.codes.commissioner().Find("02E")));
}
BENCHMARK(CubeBigOneCcg)->Name("monitoring/cube-20m-one-ccg")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeBigOneCcgScan(benchmark::State& state) {
  Cube(state, Big(), static_cast<uint16_t>(Big().tables.codes.commissioner().Find("02E")), analytics::CubeAccess::kScan);
}
BENCHMARK(CubeBigOneCcgScan)->Name("monitoring/cube-20m-one-ccg-scan")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeDemo(benchmark::State& state) {
  Cube(state, DemoPriced(), std::nullopt);
  const pricing::PricedActivity& a = DemoPriced();
  const double rows = static_cast<double>(a.tables.apc.size());
  const double table = static_cast<double>(store::ColumnBytes(a.tables.apc));
  const double priced = static_cast<double>(a.apc.Bytes());
  state.counters["table_bytes_per_record"] = table / rows;
  state.counters["index_bytes_per_record"] = static_cast<double>(a.tables.apc.by_commissioner.bytes()) / rows;
  state.counters["priced_bytes_per_record"] = priced / rows;
  state.counters["total_bytes_per_record"] = (table + priced) / rows;
}
BENCHMARK(CubeDemo)->Name("monitoring/cube-demo-apc")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeEngland(benchmark::State& state) { Cube(state, England(), std::nullopt); }
BENCHMARK(CubeEngland)->Name("monitoring/cube-england-20m-year")->Unit(benchmark::kMillisecond)->MinTime(1.0);
void CubeEnglandScan(benchmark::State& state) { Cube(state, England(), std::nullopt, analytics::CubeAccess::kScan); }
BENCHMARK(CubeEnglandScan)->Name("monitoring/cube-england-20m-year-scan")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeEnglandOneCcg(benchmark::State& state) {
  // 02E, one of the demo's CCGs, among all of England's.
  Cube(state, England(), static_cast<uint16_t>(England().tables.codes.commissioner().Find("02E")));
  state.counters["index_bytes_per_record"] = static_cast<double>(England().tables.apc.by_commissioner.bytes()) /
                                             static_cast<double>(England().tables.apc.size());
}
BENCHMARK(CubeEnglandOneCcg)->Name("monitoring/cube-england-20m-one-ccg")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeEnglandOneCcgScan(benchmark::State& state) {
  Cube(state, England(), static_cast<uint16_t>(England().tables.codes.commissioner().Find("02E")),
       analytics::CubeAccess::kScan);
}
BENCHMARK(CubeEnglandOneCcgScan)
    ->Name("monitoring/cube-england-20m-one-ccg-scan")
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

void CubeEnglandEveryCcg(benchmark::State& state) {
  const pricing::PricedActivity& a = England();
  const auto ccgs = static_cast<uint16_t>(a.tables.codes.commissioner().size());
  const auto want = Expected(a, std::nullopt);
  analytics::ActivityCube cube;
  int64_t n = 0, pence = 0;
  for (auto _ : state) {
    n = pence = 0;
    for (uint16_t c = 0; c < ccgs; ++c) {
      cube.Build(a, kYear, c);
      for (size_t p = 0; p < cube.pairs().size(); ++p) {
        const analytics::CubeCell cell = cube.SumPods(p, 1, 12);
        n += cell.activity;
        pence += cell.pence;
      }
    }
  }
  Check(n == want.first && pence == want.second, "every CCG's cubes total the year");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(a.tables.apc.size()));
}
BENCHMARK(CubeEnglandEveryCcg)
    ->Name("monitoring/cube-england-20m-every-ccg-one-by-one")
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

void SqliteGroupBy(benchmark::State& state) {
  const pricing::PricedActivity& a = DemoPriced();
  const auto& t = a.tables.apc;
  const analytics::YearCalendar cal(kYear);
  sqlite3* db = nullptr;
  Check(sqlite3_open(":memory:", &db) == SQLITE_OK, "sqlite open");
  Check(sqlite3_exec(db,
                     "CREATE TABLE spells(commissioner TEXT, provider TEXT, pod INT, month INT, pence INT); BEGIN;",
                     nullptr, nullptr, nullptr) == SQLITE_OK,
        "sqlite create");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO spells VALUES(?,?,?,?,?)", -1, &ins, nullptr);
  for (size_t i = 0; i < t.size(); ++i) {
    std::string_view c = a.tables.codes.commissioner().code(t.commissioner[i]);
    std::string_view p = a.tables.codes.provider().code(t.provider[i]);
    sqlite3_bind_text(ins, 1, c.data(), static_cast<int>(c.size()), SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, p.data(), static_cast<int>(p.size()), SQLITE_STATIC);
    sqlite3_bind_int(ins, 3, a.apc.pod[i]);
    sqlite3_bind_int(ins, 4, cal.Month(t.discharge_date[i]));
    sqlite3_bind_int64(ins, 5, a.apc.final_pence[i]);
    Check(sqlite3_step(ins) == SQLITE_DONE, "sqlite insert");
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT commissioner, provider, pod, month, count(*), sum(pence) FROM spells "
                     "WHERE month BETWEEN 1 AND 12 GROUP BY commissioner, provider, pod, month",
                     -1, &q, nullptr);
  const auto want = Expected(a, std::nullopt);
  for (auto _ : state) {
    int64_t n = 0, pence = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
      n += sqlite3_column_int64(q, 4);
      pence += sqlite3_column_int64(q, 5);
    }
    sqlite3_reset(q);
    Check(n == want.first && pence == want.second, "sqlite totals");
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(t.size()));
}
BENCHMARK(SqliteGroupBy)->Name("monitoring/sqlite-group-by-demo-apc")->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace csu
