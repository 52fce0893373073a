// Pricing throughput on the demo CSU's synthetic year of admitted care
// (~395,000 spells, ingested and loaded through a real store once per run).
//   baseline-sum-column      sum of one int32 column of the same length: the
//                            memory floor of touching every row once
//   columns-no-explanation   what analytics runs (LoadPriced): the tariff
//                            re-indexed by dictionary id, then the table
//                            pricer over every spell
//   records-with-explanation the per-record pricer with its explanation line,
//                            as `csu price` and `csu price explain` use it
//   sqlite-join-case         the same pricing as one SQL query in an
//                            in-memory SQLite database (spells and tariff
//                            rows loaded during setup, not timed)
// Every case checks its total against the table pricer's, to the penny.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "pricing/pricing_math.h"
#include "pricing/table_pricer.h"
#include "pricing/table_records.h"
#include "refdata/refdata.h"
#include "store/activity_tables.h"

namespace csu {
namespace {

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "pricing_bench: wrong answer: %s\n", what.c_str());
    std::abort();
  }
}

// The per-record pricer's total for the demo year (computed once, not
// timed): the answer every case must give.
int64_t ExpectedTotalPence() {
  static const int64_t total = [] {
    const store::ActivityTables& tables = bench::DemoApcTables();
    int64_t sum = 0;
    for (size_t i = 0; i < tables.apc.size(); ++i) {
      sum += pricing::PriceApc(pricing::ApcRecordAt(tables, i), bench::Demo().ref()).final_price.pence();
    }
    return sum;
  }();
  return total;
}

void SumColumn(benchmark::State& state) {
  const store::ApcTable& apc = bench::DemoApcTables().apc;
  int64_t expected = 0;
  for (int32_t d : apc.admission_date) expected += d;
  for (auto _ : state) {
    int64_t sum = 0;
    const int32_t* column = apc.admission_date.data();
    for (size_t i = 0; i < apc.size(); ++i) sum += column[i];
    benchmark::DoNotOptimize(sum);
    Check(sum == expected, "column sum");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(apc.size()));
}
BENCHMARK(SumColumn)->Name("pricing_apc/baseline-sum-column")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void Columns(benchmark::State& state) {
  const store::ActivityTables& tables = bench::DemoApcTables();
  const int64_t expected = ExpectedTotalPence();
  pricing::PricedColumns priced;  // reused, as a long-running server would
  for (auto _ : state) {
    const pricing::TableTariff tariff(tables.codes, bench::Demo().ref());
    pricing::PriceTable(tables.apc, tariff, priced);
    Check(priced.TotalPence() == expected, "column pricing total");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tables.apc.size()));
}
BENCHMARK(Columns)->Name("pricing_apc/columns-no-explanation")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void RecordsWithExplanation(benchmark::State& state) {
  const store::ActivityTables& tables = bench::DemoApcTables();
  std::vector<ingest::ApcRecord> records;
  records.reserve(tables.apc.size());
  for (size_t i = 0; i < tables.apc.size(); ++i) records.push_back(pricing::ApcRecordAt(tables, i));
  const int64_t expected = ExpectedTotalPence();
  std::string explanation;
  for (auto _ : state) {
    int64_t total = 0;
    for (const ingest::ApcRecord& r : records) {
      total += pricing::PriceApc(r, bench::Demo().ref(), {}, &explanation).final_price.pence();
    }
    Check(total == expected, "per-record total");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
}
BENCHMARK(RecordsWithExplanation)->Name("pricing_apc/records-with-explanation")->Unit(benchmark::kMillisecond)->MinTime(1.0);

// ---- SQLite ----

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    Check(false, "sqlite: " + std::string(error != nullptr ? error : "?") + " in " + sql.substr(0, 80));
  }
}

// Runs `sql` once per row of values, binding them in order (int64 or text).
struct Inserter {
  sqlite3_stmt* stmt = nullptr;
  Inserter(sqlite3* db, const char* sql) { Check(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK, sql); }
  ~Inserter() { sqlite3_finalize(stmt); }
  Inserter& Int(int k, std::optional<int64_t> v) {
    if (v) sqlite3_bind_int64(stmt, k, *v);
    else sqlite3_bind_null(stmt, k);
    return *this;
  }
  Inserter& Text(int k, std::string_view v) {
    sqlite3_bind_text(stmt, k, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  void Run() {
    Check(sqlite3_step(stmt) == SQLITE_DONE, "sqlite insert");
    sqlite3_reset(stmt);
  }
};

std::optional<int64_t> Pence(const std::optional<Money>& m) { return m ? std::optional<int64_t>(m->pence()) : std::nullopt; }

// The spells and every tariff year's rows, keyed by text codes as they are
// published; spells carry what the rules need, nothing derived but the
// tariff year (start year of the admission date's financial year), the
// length of stay and the PbR length of stay.
sqlite3* LoadSqlite(const store::ActivityTables& t, const refdata::RefData& ref) {
  sqlite3* db = nullptr;
  Check(sqlite3_open(":memory:", &db) == SQLITE_OK, "sqlite open");
  Exec(db, R"(
    CREATE TABLE spells(id INTEGER PRIMARY KEY, year INT, hrg TEXT, method TEXT, class TEXT, tfc TEXT,
                        los INT, pbr_los INT, age INT, provider TEXT, pss TEXT);
    CREATE TABLE spell_unbundled(spell INT, hrg TEXT);
    CREATE TABLE tariff(year INT, hrg TEXT, dc INT, el INT, nel INT, el_trim INT, nel_trim INT, ebd INT, ssem INT,
                        PRIMARY KEY(year, hrg)) WITHOUT ROWID;
    CREATE TABLE hrg_no_price(year INT, hrg TEXT, PRIMARY KEY(year, hrg)) WITHOUT ROWID;
    CREATE TABLE tfc_excluded(year INT, tfc TEXT, PRIMARY KEY(year, tfc)) WITHOUT ROWID;
    CREATE TABLE mff(year INT, provider TEXT, ppm INT, PRIMARY KEY(year, provider)) WITHOUT ROWID;
    CREATE TABLE topup(year INT, flag TEXT, ppm INT, PRIMARY KEY(year, flag)) WITHOUT ROWID;
    CREATE TABLE unbundled_price(year INT, hrg TEXT, short_price INT, ordinary_price INT,
                                 PRIMARY KEY(year, hrg)) WITHOUT ROWID;
    BEGIN;)");
  {
    Inserter spell(db, "INSERT INTO spells VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    const store::ApcTable& a = t.apc;
    for (size_t i = 0; i < a.size(); ++i) {
      const int32_t los = a.discharge_date[i] - a.admission_date[i];
      const int32_t pbr = std::max(0, los - a.StayDaysAt(i).Total());
      const char cls = static_cast<char>(a.patient_classification[i]);
      spell.Int(1, static_cast<int64_t>(i))
          .Int(2, FinancialYear::Of(Date::FromDays(a.discharge_date[i])).start_year())  // the discharge date's tariff
          .Text(3, t.codes.hrg().code(a.hrg[i]))
          .Text(4, t.codes.admission_method().code(a.admission_method[i]))
          .Text(5, std::string_view(&cls, 1))
          .Text(6, t.codes.treatment_function().code(a.treatment_function[i]))
          .Int(7, los)
          .Int(8, pbr)
          .Int(9, a.age_years[i])
          .Text(10, t.codes.provider().code(a.provider[i]))
          .Text(11, t.codes.specialised_service().code(a.specialised_service[i]))
          .Run();
    }
    Inserter unbundled(db, "INSERT INTO spell_unbundled VALUES(?,?)");
    for (size_t k = 0; k < a.unbundled_row.size(); ++k) {
      unbundled.Int(1, a.unbundled_row[k]).Text(2, t.codes.hrg().code(a.unbundled_hrg[k])).Run();
    }
  }
  Inserter tariff(db, "INSERT INTO tariff VALUES(?,?,?,?,?,?,?,?,?)");
  Inserter hrg_no_price(db, "INSERT INTO hrg_no_price VALUES(?,?)");
  Inserter tfc_excluded(db, "INSERT INTO tfc_excluded VALUES(?,?)");
  Inserter mff(db, "INSERT INTO mff VALUES(?,?,?)");
  Inserter topup(db, "INSERT INTO topup VALUES(?,?,?)");
  Inserter unbundled_price(db, "INSERT INTO unbundled_price VALUES(?,?,?,?)");
  for (FinancialYear year : ref.tariff_years()) {
    const refdata::TariffYear& y = *ref.Tariff(year);
    const int64_t sy = year.start_year();
    for (const refdata::ApcPrice& p : y.apc()) {
      tariff.Int(1, sy).Text(2, p.hrg.view()).Int(3, Pence(p.DayCasePrice())).Int(4, Pence(p.OrdinaryElectivePrice()))
          .Int(5, Pence(p.non_elective)).Int(6, p.elective_trim_days).Int(7, p.non_elective_trim_days)
          .Int(8, Pence(p.excess_bed_day))
          .Int(9, p.ssem_applicable ? Pence(p.ssem_price) : std::nullopt)
          .Run();
    }
    // TariffYear answers membership of its no-national-price lists rather
    // than listing them: ask for every code the reference data or the
    // spells know.
    std::set<std::string> hrgs, tfcs;
    for (const refdata::HrgInfo& h : ref.hrgs()) hrgs.insert(h.code.ToString());
    for (const std::string& h : t.codes.hrg().codes()) hrgs.insert(h);
    for (const refdata::TreatmentFunction& f : ref.treatment_functions()) tfcs.insert(f.code.ToString());
    for (const std::string& f : t.codes.treatment_function().codes()) tfcs.insert(f);
    for (const std::string& h : hrgs) {
      auto code = HrgCode::Parse(h);
      if (code.ok() && y.HrgHasNoNationalPrice(code.value())) hrg_no_price.Int(1, sy).Text(2, h).Run();
    }
    for (const std::string& f : tfcs) {
      auto code = TreatmentFunctionCode::Parse(f);
      if (code.ok() && y.TfcExcludedFromAdmittedCare(code.value())) tfc_excluded.Int(1, sy).Text(2, f).Run();
    }
    for (const refdata::Mff& m : ref.Mffs(year)) mff.Int(1, sy).Text(2, m.provider.view()).Int(3, m.index_ppm).Run();
    for (const refdata::SpecialisedTopUp& u : y.top_ups()) topup.Int(1, sy).Text(2, u.pss_flag).Int(3, u.top_up_ppm).Run();
    // What each unbundled HRG adds to a day case or regular attender's spell
    // and to an ordinary admission, by the pricer's own rule (NULL: nothing).
    for (const refdata::UnbundledPrice& u : y.unbundled()) {
      auto paid = [&](bool ordinary) -> std::optional<int64_t> {
        const auto r = pricing::detail::PriceUnbundledOnSpell(y, u.hrg, ordinary);
        if (r.rule != pricing::detail::UnbundledRule::kPaid) return std::nullopt;
        return r.price.pence();
      };
      unbundled_price.Int(1, sy).Text(2, u.hrg.view()).Int(3, paid(false)).Int(4, paid(true)).Run();
    }
  }
  Exec(db, "COMMIT; CREATE INDEX spell_unbundled_spell ON spell_unbundled(spell); ANALYZE;");
  return db;
}

// docs/pricing.md's admitted care rules as one query. Not-priced spells
// drop out (inner joins, NOT EXISTS, base IS NOT NULL) or add 0 (a regular
// attender without a delivery HRG): they add nothing. A regular attender
// (setting 4) has no core price and is paid its delivery HRGs.
// The final price is (core × (10^6 + top-up) + unbundled × 10^6) × MFF / 10^12
// rounded half up (all terms are non-negative here); that product can
// exceed int64, and SQLite would silently switch to floating point, so it
// is split: x = q·10^6 + r, q·MFF = a1·10^6 + a0, and
// final = a1 + (a0·10^6 + r·MFF + 5·10^11) / 10^12, all within int64.
constexpr char kPricingSql[] = R"(
WITH setting AS (
  SELECT s.*, CASE WHEN s.class IN ('3', '4') THEN 4
                   WHEN s.method IN ('11', '12', '13') THEN (CASE WHEN s.class = '2' THEN 0 ELSE 1 END)
                   WHEN substr(s.method, 1, 1) = '2' THEN 2 ELSE 3 END AS setting
  FROM spells s
  WHERE s.hrg <> 'UZ01Z'
    AND NOT EXISTS (SELECT 1 FROM tfc_excluded n WHERE n.year = s.year AND n.tfc = s.tfc)
    AND (s.class IN ('3', '4') OR NOT EXISTS (SELECT 1 FROM hrg_no_price n WHERE n.year = s.year AND n.hrg = s.hrg))
), pod AS (
  SELECT st.id, st.year, st.provider, st.pss, st.los, st.pbr_los, st.age, st.setting, t.ebd, t.ssem,
         CASE st.setting WHEN 0 THEN t.dc WHEN 1 THEN t.el WHEN 4 THEN 0 ELSE t.nel END AS base,
         CASE WHEN st.setting <= 1 THEN t.el_trim ELSE t.nel_trim END AS trim
  FROM setting st LEFT JOIN tariff t ON t.year = st.year AND t.hrg = st.hrg
  WHERE st.setting = 4 OR t.hrg IS NOT NULL
), core AS (
  SELECT id, year, provider, pss, setting,
         CASE WHEN setting = 4 THEN 0
              WHEN setting = 2 AND los <= 1 AND ssem IS NOT NULL AND age >= 19 THEN ssem
              WHEN trim IS NOT NULL AND ebd IS NOT NULL AND pbr_los > trim THEN base + (pbr_los - trim) * ebd
              ELSE base END AS core
  FROM pod WHERE base IS NOT NULL
), exact AS (
  SELECT c.core * (1000000 + coalesce(u.ppm, 0)) +
           1000000 * coalesce((SELECT sum(CASE WHEN c.setting IN (0, 4) THEN p.short_price ELSE p.ordinary_price END)
                               FROM spell_unbundled su
                               JOIN unbundled_price p ON p.year = c.year AND p.hrg = su.hrg
                               WHERE su.spell = c.id), 0) AS x,
         m.ppm AS mff
  FROM core c JOIN mff m ON m.year = c.year AND m.provider = c.provider
  LEFT JOIN topup u ON u.year = c.year AND u.flag = c.pss
)
SELECT sum(a / 1000000 + (a % 1000000 * 1000000 + r * mff + 500000000000) / 1000000000000)
FROM (SELECT (x / 1000000) * mff AS a, x % 1000000 AS r, mff FROM exact)
)";

void SqliteJoinCase(benchmark::State& state) {
  const store::ActivityTables& tables = bench::DemoApcTables();
  const int64_t expected = ExpectedTotalPence();
  sqlite3* db = LoadSqlite(tables, bench::Demo().ref());
  sqlite3_stmt* query = nullptr;
  Check(sqlite3_prepare_v2(db, kPricingSql, -1, &query, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
  for (auto _ : state) {
    Check(sqlite3_step(query) == SQLITE_ROW, sqlite3_errmsg(db));
    Check(sqlite3_column_type(query, 0) == SQLITE_INTEGER, "the SQL total is not an integer");
    const int64_t total = sqlite3_column_int64(query, 0);
    sqlite3_reset(query);
    Check(total == expected, "SQL total " + std::to_string(total) + " vs " + std::to_string(expected));
  }
  sqlite3_finalize(query);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tables.apc.size()));
}
BENCHMARK(SqliteJoinCase)->Name("pricing_apc/sqlite-join-case")->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace csu
