// The ledger against hledger on the same journal, in the same run
// (docs/ledger.md, "Performance"): a trial balance over a ledger of
// CSU_BENCH_LEDGER_TB_POSTINGS postings (default 10 million) and the import
// of a journal of CSU_BENCH_LEDGER_IMPORT_POSTINGS postings (default 1
// million). hledger keeps a whole journal in memory, several gigabytes at
// 10 million postings; set the sizes lower on a small machine. Each group's
// baseline is reading the journal file's bytes (the floor of any tool that
// starts from the file). Every case checks its answer and aborts on a wrong
// one. Needs `hledger` on the PATH (scripts/install-deps.sh installs it).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/file.h"
#include "ledger/chart.h"
#include "ledger/journal_format.h"
#include "ledger/ledger_reports.h"
#include "ledger/ledger_store.h"

namespace csu::ledger {
namespace {

namespace fs = std::filesystem;

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "ledger_bench: wrong answer: %s\n", what.c_str());
    std::abort();
  }
}

int64_t SizeFromEnv(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atoll(v) > 0 ? std::atoll(v) : fallback;
}

const Actor kActor{"2026-12-06T00:00:00Z", "bench"};
const char* kDebits[] = {"expenses:programme:acute", "expenses:programme:mental-health",
                         "expenses:programme:community", "expenses:programme:continuing-care",
                         "expenses:programme:primary-care", "expenses:programme:prescribing",
                         "expenses:running-costs:pay", "assets:current:cash:gbs"};
const char* kCredits[] = {"assets:current:cash:gbs", "liabilities:current:payables:nhs",
                          "liabilities:current:accruals", "income:allocation:programme"};

// Transaction i of the synthetic year: two postings, a date in 2018/19, an
// amount from a fixed pseudo-random sequence.
Transaction Synthetic(int64_t i) {
  Transaction t;
  t.date = FinancialYear(2018).first_day().AddDays(static_cast<int32_t>(i % 365));
  t.status = '*';
  t.description = "Synthetic " + std::to_string(i);
  const uint64_t r = static_cast<uint64_t>(i) * 6364136223846793005ULL + 1442695040888963407ULL;
  const Money amount = Money::FromPence(static_cast<int64_t>(r >> 40) % 10'000'000 + 1);
  t.postings.push_back({kDebits[i % 8], amount, "", "", ""});
  t.postings.push_back({kCredits[(i / 8) % 4], -amount, "", "", ""});
  return t;
}

struct Fixture {
  std::string dir;
  std::string journal;  // the file both tools read
  int64_t postings = 0;
  std::unique_ptr<LedgerStore> db;
};

ChartTemplate Chart() {
  const std::string path = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  auto text = ReadFile(path);
  Check(text.ok(), "the chart template reads");
  auto chart = ParseChartTemplate(text.value(), path);
  Check(chart.ok(), "the chart template parses");
  return std::move(chart).value();
}

std::unique_ptr<LedgerStore> NewLedger(const std::string& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto db = LedgerStore::Open(dir);
  Check(db.ok(), "the ledger opens");
  Check(db.value()->AddEntity({"02E", EntityKind::kCcg, "bench", Money::FromPounds(1'000'000'000'000), ""}, Chart(),
                              kActor).ok(), "the entity is added");
  for (int m = 1; m <= 12; ++m)
    Check(db.value()->SetPeriodState("02E", {FinancialYear(2018), m}, PeriodState::kOpen, kActor).ok(), "opens");
  return std::move(db).value();
}

// Writes the journal of `postings` postings and, with `load`, posts the same
// transactions into a ledger in batches of 100,000 postings.
Fixture Make(const std::string& name, int64_t postings, bool load) {
  Fixture f;
  f.dir = (fs::temp_directory_path() / ("csu-ledger-bench-" + name)).string();
  f.postings = postings;
  if (load) f.db = NewLedger(f.dir + "/state");
  else fs::create_directories(f.dir);
  f.journal = f.dir + "/bench.journal";
  AtomicFileWriter w(f.journal);
  Check(w.Open().ok(), "the journal opens for writing");
  std::vector<Transaction> chunk;
  std::string text;
  for (int64_t i = 0; i < postings / 2; ++i) {
    chunk.push_back(Synthetic(i));
    AppendJournalText(chunk.back(), text);
    if (chunk.size() == 50'000 || i + 1 == postings / 2) {
      w.Append(text);
      text.clear();
      if (load) {
        auto r = f.db->Raise("02E", chunk, {JournalKind::kImport, "bench", ""}, nullptr, kActor);
        Check(r.ok(), "the bench journal posts");
      }
      chunk.clear();
    }
  }
  Check(w.Commit().ok(), "the journal is written");
  return f;
}

Fixture& TrialBalanceFixture() {
  static Fixture f = Make("tb", SizeFromEnv("CSU_BENCH_LEDGER_TB_POSTINGS", 10'000'000), true);
  return f;
}

Fixture& ImportFixture() {
  static Fixture f = Make("import", SizeFromEnv("CSU_BENCH_LEDGER_IMPORT_POSTINGS", 1'000'000), false);
  return f;
}

double ChildrenCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Runs a command, timing it from the outside; aborts when it fails. Its CPU
// time (user + system) goes to `cpu_seconds`: on a shared, loaded machine
// wall time includes waiting for a core, so the "cpu_s" counter of the
// hledger cases is the figure to set beside csu's CPU column.
double TimeCommand(const std::string& command, double& cpu_seconds) {
  const double cpu_before = ChildrenCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  const int rc = std::system((command + " >/dev/null").c_str());
  Check(rc == 0, "'" + command + "' ran (is hledger installed?)");
  cpu_seconds += ChildrenCpuSeconds() - cpu_before;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void ReadBaseline(benchmark::State& state, Fixture& f) {
  int64_t bytes = 0;
  for (auto _ : state) {
    auto text = ReadFile(f.journal);
    Check(text.ok() && !text.value().empty(), "the journal reads");
    bytes = static_cast<int64_t>(text.value().size());
    benchmark::DoNotOptimize(text.value().data());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetItemsProcessed(state.iterations() * f.postings);
}

void TbBaseline(benchmark::State& state) { ReadBaseline(state, TrialBalanceFixture()); }
BENCHMARK(TbBaseline)->Name("ledger_tb/baseline-read-journal")->Unit(benchmark::kMillisecond)->Iterations(1);

void TbCsu(benchmark::State& state) {
  Fixture& f = TrialBalanceFixture();
  for (auto _ : state) {
    auto tb = TrialBalance(*f.db, "02E", kBeginning(), kEnd());
    Check(tb.ok(), "the trial balance runs");
    Check(tb.value().TotalOf("debit") == tb.value().TotalOf("credit") && tb.value().TotalOf("debit") > 0,
          "the trial balance balances");
  }
  state.SetItemsProcessed(state.iterations() * f.postings);
}
BENCHMARK(TbCsu)->Name("ledger_tb/csu-trial-balance")->Unit(benchmark::kMillisecond)->Iterations(3);

void TbHledger(benchmark::State& state) {
  Fixture& f = TrialBalanceFixture();
  double cpu = 0;
  for (auto _ : state) state.SetIterationTime(TimeCommand("hledger -f " + f.journal + " balance", cpu));
  state.SetItemsProcessed(state.iterations() * f.postings);
  state.counters["cpu_s"] = cpu / static_cast<double>(state.iterations());
}
BENCHMARK(TbHledger)->Name("ledger_tb/hledger-balance")->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

void ImportBaseline(benchmark::State& state) { ReadBaseline(state, ImportFixture()); }
BENCHMARK(ImportBaseline)->Name("ledger_import/baseline-read-journal")->Unit(benchmark::kMillisecond)->Iterations(1);

void ImportCsu(benchmark::State& state) {
  Fixture& f = ImportFixture();
  for (auto _ : state) {
    state.PauseTiming();
    auto db = NewLedger(f.dir + "/state");
    state.ResumeTiming();
    auto text = ReadFile(f.journal);
    Check(text.ok(), "the journal reads");
    auto txns = ParseJournal(text.value(), "bench.journal");
    Check(txns.ok(), "the journal parses");
    auto r = db->Raise("02E", txns.value(), {JournalKind::kImport, "bench", "bench.journal"}, nullptr, kActor);
    Check(r.ok() && r.value().postings == f.postings, "every posting is imported");
  }
  state.SetItemsProcessed(state.iterations() * f.postings);
}
BENCHMARK(ImportCsu)->Name("ledger_import/csu-import-durable")->Unit(benchmark::kMillisecond)->Iterations(2);

void ImportHledger(benchmark::State& state) {
  Fixture& f = ImportFixture();
  double cpu = 0;
  for (auto _ : state) state.SetIterationTime(TimeCommand("hledger -f " + f.journal + " stats", cpu));
  state.SetItemsProcessed(state.iterations() * f.postings);
  state.counters["cpu_s"] = cpu / static_cast<double>(state.iterations());
}
BENCHMARK(ImportHledger)->Name("ledger_import/hledger-stats")->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

}  // namespace
}  // namespace csu::ledger
