#include "bench/bench_data.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "synth/generator.h"

namespace csu::bench {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::abort();
}

const refdata::RefData& Ref() {
  static const refdata::RefData* r = [] {
    auto loaded = refdata::RefData::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata");
    if (!loaded.ok()) {
      std::fprintf(stderr, "bench: %s\n", loaded.error().ToString().c_str());
      std::abort();
    }
    return new refdata::RefData(std::move(loaded).value());
  }();
  return *r;
}

}  // namespace

const refdata::RefData& DemoData::ref() const { return Ref(); }

const DemoData& Demo() {
  static const DemoData* data = [] {
    auto* d = new DemoData;
    d->dir = (std::filesystem::temp_directory_path() / ("csu-bench-" + std::to_string(::getpid()))).string();
    synth::SynthOptions options;
    options.out_dir = d->dir;
    options.progress = false;
    auto summary = synth::Generate(Ref(), options);
    if (!summary.ok()) {
      std::fprintf(stderr, "bench: %s\n", summary.error().ToString().c_str());
      std::abort();
    }
    d->apc_path = d->dir + "/apc.csv";
    d->op_path = d->dir + "/op.csv";
    d->ae_path = d->dir + "/ae.csv";
    d->apc_rows = summary.value().apc_rows;
    d->op_rows = summary.value().op_rows;
    d->ae_rows = summary.value().ae_rows;
    d->apc_bytes = std::filesystem::file_size(d->apc_path);
    std::atexit([] { std::filesystem::remove_all(Demo().dir); });
    return d;
  }();
  return *data;
}

const store::ActivityTables& DemoApcTables() {
  static const store::ActivityTables* tables = [] {
    const DemoData& data = Demo();
    const auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{1});
    auto st = store::Store::Open(data.dir + "/loaded-state", key.Fingerprint());
    if (!st.ok()) Fail(st.error().ToString());
    auto batch = st.value()->NewBatch(ingest::ExtractKind::kApc, static_cast<size_t>(data.apc_rows));
    if (!batch.ok()) Fail(batch.error().ToString());
    auto report = ingest::IngestFile(data.apc_path, ingest::ExtractKind::kApc, Ref(), key, *batch.value(), nullptr);
    if (!report.ok()) Fail(report.error().ToString());
    store::BatchInfo info;
    info.file_name = report.value().file_name;
    info.content_sha256 = report.value().content_sha256;
    info.rows_read = report.value().rows_read;
    info.loaded_by = "bench";
    if (auto c = st.value()->CommitBatch(std::move(batch).value(), info); !c.ok()) Fail(c.error().ToString());
    auto loaded = st.value()->Load(ingest::ExtractKind::kApc);
    if (!loaded.ok()) Fail(loaded.error().ToString());
    if (static_cast<int64_t>(loaded.value().apc.size()) != data.apc_rows) Fail("loaded spells != generated spells");
    return new store::ActivityTables(std::move(loaded).value());
  }();
  return *tables;
}

}  // namespace csu::bench
