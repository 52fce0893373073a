// Loading all reference data: what every `csu` command pays at start.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "core/file.h"
#include "refdata/refdata.h"

namespace csu {
namespace {

const std::string kDir = std::string(CSU_SOURCE_DIR) + "/data/refdata";

void ReadAllBaseline(benchmark::State& state) {
  // The floor: read the same files' bytes without parsing them.
  int64_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const auto& e : std::filesystem::directory_iterator(kDir)) {
      if (e.path().extension() != ".csv") continue;
      auto text = ReadFile(e.path().string());
      if (!text.ok()) std::abort();
      bytes += static_cast<int64_t>(text.value().size());
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(ReadAllBaseline)->Name("refdata_load/baseline-read-files")->Unit(benchmark::kMillisecond);

void LoadAll(benchmark::State& state) {
  for (auto _ : state) {
    auto r = refdata::RefData::Load(kDir);
    if (!r.ok() || r.value().practices().size() != 6658) std::abort();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(LoadAll)->Name("refdata_load/load-and-cross-check")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace csu
