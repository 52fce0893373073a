#include "bench/bench_data.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "refdata/refdata.h"
#include "synth/generator.h"

namespace csu::bench {
namespace {

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

}  // namespace csu::bench
