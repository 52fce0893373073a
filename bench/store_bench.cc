// The store's hot paths on 1M synthetic APC records (store_testing.h):
// encoding records into columns and rows text, committing a batch durably,
// and loading batches back into column tables. Each group's baseline is the
// physical floor of the same work on this machine: touching the same number
// of fresh bytes (encode, load) or writing and fsyncing the same number of
// bytes (commit). Every case checks its answer and aborts on a wrong one.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "store/column_encoder.h"
#include "store/env.h"
#include "store/rows_file.h"
#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

constexpr int64_t kRows = 1000000;
constexpr size_t kBytesPerRow = 44;  // the APC table's in-memory row, measured

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "store_bench: wrong answer: %s\n", what);
    std::abort();
  }
}

// 1M records, ~720k distinct patients; generated once (~1.5 s).
std::vector<ingest::ApcRecord>& Records() {
  static std::vector<ingest::ApcRecord> records = [] {
    std::vector<ingest::ApcRecord> r;
    r.reserve(kRows);
    for (int64_t i = 0; i < kRows; ++i) r.push_back(testing::MakeApc(static_cast<uint64_t>(i), 0, 1500000));
    return r;
  }();
  return records;
}

// Renumbers the records as spells offset..offset+1M, each spell with a fixed
// provider, so batches with overlapping ranges restate exactly the overlap.
void SetSpells(int64_t offset) {
  static const std::vector<OdsCode> providers = [] {
    std::vector<OdsCode> p;
    for (const auto& r : Records()) p.push_back(r.common.provider);
    return p;
  }();
  auto& records = Records();
  for (int64_t i = 0; i < kRows; ++i) {
    int64_t spell = i + offset;
    records[static_cast<size_t>(i)].spell_id = "S" + std::to_string(spell);
    records[static_cast<size_t>(i)].common.provider = providers[static_cast<size_t>(spell % kRows)];
  }
}

std::string BenchDir(const std::string& name) {
  const char* base = std::getenv("TMPDIR");
  return std::string(base != nullptr ? base : "/tmp") + "/csu-store-bench-" + name;
}

std::unique_ptr<Store> OpenFresh(const std::string& dir) {
  std::filesystem::remove_all(dir);
  auto store = Store::Open(dir, testing::kFingerprint);
  Check(store.ok(), "open");
  return std::move(store).value();
}

// Commits `passes` x 1M records as one batch (each pass renumbered so no
// record restates another).
BatchInfo CommitAll(Store& store, const std::string& name, int passes = 1, benchmark::State* state = nullptr,
                    int64_t expected_restated = 0) {
  auto builder = store.NewBatch(ExtractKind::kApc, static_cast<size_t>(passes * kRows));
  Check(builder.ok(), "new batch");
  for (int pass = 0; pass < passes; ++pass) {
    if (passes > 1) {
      if (state != nullptr) state->PauseTiming();
      SetSpells(pass * kRows);
      if (state != nullptr) state->ResumeTiming();
    }
    for (const auto& r : Records()) builder.value()->AddApc(r);
  }
  if (passes > 1) SetSpells(0);
  BatchInfo info;
  info.file_name = name;
  info.content_sha256 = Sha256Hex(name);
  info.loaded_by = "bench";
  auto committed = store.CommitBatch(std::move(builder).value(), info);
  Check(committed.ok(), "commit");
  Check(committed.value().rows_accepted == passes * kRows, "rows accepted");
  Check(committed.value().records_restated == expected_restated, "restated records");
  return committed.value();
}

class NullFile final : public WritableFile {
 public:
  explicit NullFile(uint64_t* bytes) : bytes_(bytes) {}
  Status Append(std::string_view d) override {
    *bytes_ += d.size();
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }

 private:
  uint64_t* bytes_;
};

// ---- store_encode: records -> columns and rows text, in memory ----

void EncodeBaseline(benchmark::State& state) {
  // The floor: write the table's bytes into freshly allocated memory.
  const auto& records = Records();
  for (auto _ : state) {
    std::vector<uint32_t> a(kRows);
    std::vector<uint8_t> rest(kRows * (kBytesPerRow - 4));
    for (int64_t i = 0; i < kRows; ++i) a[static_cast<size_t>(i)] = static_cast<uint32_t>(records[static_cast<size_t>(i)].admission_date.days());
    std::memset(rest.data(), 1, rest.size());
    Check(a[5] == static_cast<uint32_t>(records[5].admission_date.days()), "baseline");
    benchmark::DoNotOptimize(rest.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(EncodeBaseline)->Name("store_encode/baseline-fill-44B-rows")->Unit(benchmark::kMillisecond)->Iterations(3);

void EncodeColumns(benchmark::State& state) {
  const auto& records = Records();
  for (auto _ : state) {
    ColumnEncoder encoder(ExtractKind::kApc, CodeDictionaries(), kRows);
    for (const auto& r : records) encoder.Add(r);
    Check(encoder.status().ok() && encoder.columns().rows() == kRows, "encoded rows");
    Check(encoder.dictionaries().hrg().code(encoder.columns().apc.hrg[7]) == records[7].hrg.view(), "hrg id");
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(EncodeColumns)->Name("store_encode/columns")->Unit(benchmark::kMillisecond)->Iterations(3);

void EncodeRowsText(benchmark::State& state) {
  const auto& records = Records();
  uint64_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    RowsWriter writer(ExtractKind::kApc, std::make_unique<NullFile>(&bytes));
    for (const auto& r : records) writer.Add(r);
    auto info = writer.Finish();
    Check(info.ok() && info.value().bytes == bytes && bytes > 40u * kRows, "rows file bytes");
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.counters["file_bytes_per_row"] = static_cast<double>(bytes) / kRows;
}
BENCHMARK(EncodeRowsText)->Name("store_encode/rows-text-zstd")->Unit(benchmark::kMillisecond)->Iterations(3);

// ---- store_commit: a durable 1M-row batch ----

uint64_t CommitBytes() {
  static uint64_t bytes = [] {
    std::string dir = BenchDir("probe");
    auto store = OpenFresh(dir);
    CommitAll(*store, "probe.csv");
    uint64_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir + "/batches")) total += e.file_size();
    store.reset();
    std::filesystem::remove_all(dir);
    return total;
  }();
  return bytes;
}

void CommitBaseline(benchmark::State& state) {
  // The floor: write the batch's file bytes (random, so incompressible like
  // the pseudonyms that dominate them) and fsync.
  const uint64_t total = CommitBytes();
  std::string block(1 << 20, '\0');
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(testing::SplitMix(i));
  std::string path = BenchDir("baseline.bin");
  for (auto _ : state) {
    auto file = Env::Default().NewWritableFile(path);
    Check(file.ok(), "baseline create");
    for (uint64_t done = 0; done < total; done += block.size()) {
      Check(file.value()->Append(std::string_view(block).substr(0, std::min<uint64_t>(block.size(), total - done))).ok(),
            "baseline write");
    }
    Check(file.value()->Sync().ok() && file.value()->Close().ok(), "baseline fsync");
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(total));
}
BENCHMARK(CommitBaseline)->Name("store_commit/baseline-write-fsync")->Unit(benchmark::kMillisecond)->Iterations(3);

void Commit1M(benchmark::State& state) {
  const uint64_t total = CommitBytes();
  std::string dir = BenchDir("commit");
  for (auto _ : state) {
    state.PauseTiming();
    auto store = OpenFresh(dir);
    state.ResumeTiming();
    CommitAll(*store, "apc.csv");
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(total));
  state.counters["file_bytes_per_row"] = static_cast<double>(total) / kRows;
}
BENCHMARK(Commit1M)->Name("store_commit/new-add-commit-1M")->Unit(benchmark::kMillisecond)->Iterations(3);

void Commit4M(benchmark::State& state) {
  std::string dir = BenchDir("commit4");
  for (auto _ : state) {
    state.PauseTiming();
    auto store = OpenFresh(dir);
    state.ResumeTiming();
    CommitAll(*store, "apc.csv", 4, &state);
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * 4 * kRows);
}
BENCHMARK(Commit4M)->Name("store_commit/new-add-commit-4M")->Unit(benchmark::kMillisecond)->Iterations(1);

// ---- store_load: column files -> tables ----

// A store with `batches` batches of 1M; with `restate`, each batch's spell
// ids overlap the previous batch's by a quarter (so the key pass runs).
// The stores are removed when the benchmark program exits.
struct MadeStores {
  std::map<std::pair<int, bool>, std::string> dirs;
  ~MadeStores() {
    std::error_code ec;
    for (const auto& [key, dir] : dirs) std::filesystem::remove_all(dir, ec);
  }
};

const std::string& LoadStore(int batches, bool restate) {
  static MadeStores stores;
  auto& made = stores.dirs;
  auto key = std::make_pair(batches, restate);
  if (made.count(key) == 0) {
    std::string dir = BenchDir("load-" + std::to_string(batches) + (restate ? "-restated" : ""));
    auto store = OpenFresh(dir);
    for (int b = 0; b < batches; ++b) {
      SetSpells(restate ? b * kRows * 3 / 4 : b * kRows);
      CommitAll(*store, "apc" + std::to_string(b) + ".csv", 1, nullptr, restate && b > 0 ? kRows / 4 : 0);
    }
    SetSpells(0);
    made[key] = dir;
  }
  return made[key];
}

size_t ExpectedLoadRows(int batches, bool restate) {
  return restate ? static_cast<size_t>(kRows + (batches - 1) * kRows * 3 / 4) : static_cast<size_t>(batches * kRows);
}

void LoadBaseline(benchmark::State& state) {
  // The floor: map the column files of 4M rows and copy their bytes into as
  // much fresh memory as the tables take.
  const int batches = 4;
  const std::string& dir = LoadStore(batches, false);
  for (auto _ : state) {
    size_t copied = 0;
    std::vector<uint8_t> table(static_cast<size_t>(batches * kRows) * kBytesPerRow);
    for (const auto& e : std::filesystem::directory_iterator(dir + "/batches")) {
      if (e.path().extension() != ".cols") continue;
      auto file = Env::Default().MapFile(e.path().string());
      Check(file.ok(), "map");
      size_t n = std::min(file.value()->data().size(), table.size() - copied);
      std::memcpy(table.data() + copied, file.value()->data().data(), n);
      copied += n;
    }
    Check(copied > 0, "baseline read");
    benchmark::DoNotOptimize(table.data());
  }
  state.SetItemsProcessed(state.iterations() * batches * kRows);
}
BENCHMARK(LoadBaseline)->Name("store_load/baseline-map-copy-4M")->Unit(benchmark::kMillisecond)->Iterations(3);

void Load(benchmark::State& state, int batches, bool restate) {
  const std::string& dir = LoadStore(batches, restate);
  auto store = Store::Open(dir, testing::kFingerprint);
  Check(store.ok(), "open");
  double bytes_per_row = 0;
  size_t rows = 0;
  for (auto _ : state) {
    auto tables = store.value()->Load(ExtractKind::kApc);
    Check(tables.ok(), "load");
    const ApcTable& apc = tables.value().apc;
    rows = apc.size();
    Check(rows == ExpectedLoadRows(batches, restate), "loaded rows");
    Check(tables.value().codes.hrg().code(apc.hrg[3]) == Records()[3].hrg.view(), "hrg of row 3");
    bytes_per_row = static_cast<double>(ColumnBytes(apc)) / static_cast<double>(rows);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["bytes_per_row"] = bytes_per_row;
}
void Load1M(benchmark::State& state) { Load(state, 1, false); }
void Load4M(benchmark::State& state) { Load(state, 4, false); }
void Load4MRestated(benchmark::State& state) { Load(state, 4, true); }
BENCHMARK(Load1M)->Name("store_load/load-1M")->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(Load4M)->Name("store_load/load-4M")->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(Load4MRestated)->Name("store_load/load-4M-restated-3.25M")->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace csu::store
