// Ingest throughput on the demo CSU's synthetic admitted care extract
// (~395,000 spells for CCGs 27D, 02E, 12F, generated once per run). Every
// case reads the same file; the baseline is the CSV tokenizer alone, so the
// ratios show what validation, pseudonymisation, encoding and durable
// storage each cost on top of reading. Also loads the same file with the
// sqlite3 shell's .import for comparison.
//
// Ingest runs on more than one thread (the content hash and the rows file's
// compression each have one), so these cases measure the CPU time of the
// whole process, and `rows_per_cpu_second` is the rate per core: rows over
// the CPU seconds of all threads. The table's items/s is rows over wall time.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/bench_data.h"
#include "core/csv_reader.h"
#include "core/file.h"
#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "refdata/refdata.h"
#include "store/store.h"

namespace csu {
namespace {

class CountingSink : public ingest::RecordSink {
 public:
  explicit CountingSink(ingest::ExtractKind kind) : kind_(kind) {}
  ingest::ExtractKind kind() const override { return kind_; }
  void AddApc(const ingest::ApcRecord& r) override { count_ += r.los_days() >= 0; }
  void AddOp(const ingest::OpRecord&) override { ++count_; }
  void AddAe(const ingest::AeRecord&) override { ++count_; }
  void AddQuarantined(ingest::QuarantinedRow) override { ++quarantined_; }
  int64_t count_ = 0;
  int64_t quarantined_ = 0;

 private:
  ingest::ExtractKind kind_;
};

// Rows per CPU second of all the process's threads (the benchmark measures
// process CPU time, so a rate counter divides by it).
void PerCore(benchmark::State& state, int64_t rows_per_iteration) {
  state.counters["rows_per_cpu_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * rows_per_iteration), benchmark::Counter::kIsRate);
}

void ParseOnly(benchmark::State& state) {
  const bench::DemoData& data = bench::Demo();
  auto text = ReadFile(data.apc_path).value();
  std::vector<std::string_view> fields;
  for (auto _ : state) {
    CsvReader reader(text);
    int64_t rows = -1;  // the header
    while (reader.Next(fields).value()) ++rows;
    if (rows != data.apc_rows) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * data.apc_rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  PerCore(state, data.apc_rows);
}
BENCHMARK(ParseOnly)->Name("ingest_apc/baseline-csv-parse")->Unit(benchmark::kMillisecond)->MinTime(1.0)->MeasureProcessCPUTime();

void ValidatePseudonymise(benchmark::State& state) {
  const bench::DemoData& data = bench::Demo();
  auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{1});
  for (auto _ : state) {
    CountingSink sink(ingest::ExtractKind::kApc);
    auto r = ingest::IngestFile(data.apc_path, ingest::ExtractKind::kApc, data.ref(), key, sink, nullptr);
    if (!r.ok() || sink.count_ != data.apc_rows || sink.quarantined_ != 0) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * data.apc_rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.apc_bytes));
  PerCore(state, data.apc_rows);
}
BENCHMARK(ValidatePseudonymise)->Name("ingest_apc/parse-validate-pseudonymise")->Unit(benchmark::kMillisecond)->MinTime(1.0)->MeasureProcessCPUTime();

// A fresh state folder under the benchmark's temporary directory.
std::unique_ptr<store::Store> FreshStore(const bench::DemoData& data, const std::string& name,
                                         const ingest::Pseudonymiser& key) {
  std::string dir = data.dir + "/" + name;
  std::filesystem::remove_all(dir);
  auto s = store::Store::Open(dir, key.Fingerprint());
  if (!s.ok()) std::abort();
  return std::move(s).value();
}

void ValidatePseudonymiseEncode(benchmark::State& state) {
  // Everything but durability: records are encoded into a batch that is then dropped.
  const bench::DemoData& data = bench::Demo();
  auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{1});
  auto st = FreshStore(data, "encode", key);
  for (auto _ : state) {
    auto batch = st->NewBatch(ingest::ExtractKind::kApc, static_cast<size_t>(data.apc_rows)).value();
    auto r = ingest::IngestFile(data.apc_path, ingest::ExtractKind::kApc, data.ref(), key, *batch, nullptr);
    if (!r.ok() || batch->records() != data.apc_rows || batch->quarantined() != 0 || batch->restated() != 0 ||
        !batch->status().ok()) {
      std::abort();
    }
  }
  state.SetItemsProcessed(state.iterations() * data.apc_rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.apc_bytes));
  PerCore(state, data.apc_rows);
}
BENCHMARK(ValidatePseudonymiseEncode)->Name("ingest_apc/parse-validate-pseudonymise-encode")->Unit(benchmark::kMillisecond)->MinTime(1.0)->MeasureProcessCPUTime();

void EndToEndDurable(benchmark::State& state) {
  // What `csu ingest` does: hash, validate, pseudonymise, encode, write the
  // rows and column files durably and commit the catalog row.
  const bench::DemoData& data = bench::Demo();
  auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{1});
  for (auto _ : state) {
    state.PauseTiming();
    auto st = FreshStore(data, "durable", key);
    state.ResumeTiming();
    auto batch = st->NewBatch(ingest::ExtractKind::kApc, static_cast<size_t>(data.apc_rows)).value();
    auto r = ingest::IngestFile(data.apc_path, ingest::ExtractKind::kApc, data.ref(), key, *batch, nullptr);
    if (!r.ok()) std::abort();
    store::BatchInfo info;
    info.file_name = "apc.csv";
    info.content_sha256 = r.value().content_sha256;
    info.rows_read = r.value().rows_read;
    info.loaded_by = "bench";
    auto committed = st->CommitBatch(std::move(batch), info);
    if (!committed.ok() || committed.value().rows_accepted != data.apc_rows) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * data.apc_rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.apc_bytes));
  PerCore(state, data.apc_rows);
}
BENCHMARK(EndToEndDurable)->Name("ingest_apc/end-to-end-durable")->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();

void SqliteImport(benchmark::State& state) {
  // The sqlite3 shell's .import into a fresh database: the usual way to get
  // a CSV into SQL, as a yardstick (no validation, no pseudonymisation).
  const bench::DemoData& data = bench::Demo();
  std::string db = data.dir + "/import.db";
  for (auto _ : state) {
    std::filesystem::remove(db);
    std::string cmd = "sqlite3 " + db + " -cmd '.mode csv' '.import " + data.apc_path + " apc' > /dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("sqlite3 shell not available");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * data.apc_rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.apc_bytes));
}
BENCHMARK(SqliteImport)->Name("ingest_apc/sqlite3-shell-import")->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace csu
