// Contract monitoring speed (issue: monitoring over 20 million records in
// under 50 ms on one core, at least 50x faster than the same aggregation as
// SQL in SQLite). Cases, group "monitoring":
//   baseline-sum-pence     summing the price column of the 20M records: the
//                          memory-bandwidth floor any scan pays
//   cube-20m-csu-year      ActivityCube::Build over 20M records for every
//                          commissioner × provider × POD × month of the year
//   cube-20m-one-ccg       the same for one CCG (the others skipped)
//   cube-demo-apc          the demo year's 1.1M priced spells, whole CSU
//   sqlite-group-by-demo-apc  the same aggregation as one GROUP BY in an
//                          in-memory SQLite table of the same spells, given
//                          the month precomputed (less work than ours)
// The 20M records are the demo year's spells repeated: only the columns the
// cube reads are filled (patient, commissioner, provider, discharge date,
// POD, price). Each case checks its totals against a plain loop.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "analytics/activity_cube.h"
#include "analytics/year_calendar.h"
#include "bench/bench_data.h"
#include "pricing/priced_activity.h"
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
    b->apc.final_pence.resize(kBigRows);
    for (size_t i = 0; i < kBigRows; ++i) {
      const size_t s = i % n;
      t.patient[i] = d.tables.apc.patient[s];
      t.commissioner[i] = d.tables.apc.commissioner[s];
      t.provider[i] = d.tables.apc.provider[s];
      t.discharge_date[i] = d.tables.apc.discharge_date[s];
      b->apc.pod[i] = d.apc.pod[s];
      b->apc.final_pence[i] = d.apc.final_pence[s];
    }
    return b;
  }();
  return *big;
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
  const auto& col = Big().apc.final_pence;
  for (auto _ : state) {
    int64_t s = 0;
    for (int64_t v : col) s += v;
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBigRows));
}
BENCHMARK(SumPence)->Name("monitoring/baseline-sum-pence")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void Cube(benchmark::State& state, const pricing::PricedActivity& a, std::optional<uint16_t> commissioner) {
  const auto want = Expected(a, commissioner);
  analytics::ActivityCube cube;
  for (auto _ : state) cube.Build(a, kYear, commissioner);
  CheckCube(cube, want);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(a.tables.apc.size()));
}

void CubeBigCsu(benchmark::State& state) { Cube(state, Big(), std::nullopt); }
BENCHMARK(CubeBigCsu)->Name("monitoring/cube-20m-csu-year")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeBigOneCcg(benchmark::State& state) {
  Cube(state, Big(), static_cast<uint16_t>(Big().tables.codes.commissioner().Find("02E")));
}
BENCHMARK(CubeBigOneCcg)->Name("monitoring/cube-20m-one-ccg")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void CubeDemo(benchmark::State& state) { Cube(state, DemoPriced(), std::nullopt); }
BENCHMARK(CubeDemo)->Name("monitoring/cube-demo-apc")->Unit(benchmark::kMillisecond)->MinTime(1.0);

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
