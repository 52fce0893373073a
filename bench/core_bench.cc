// Core value types on the hot paths of ingest and export: CSV tokenising,
// money parsing and formatting, date parsing, NHS number checks.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/csv_reader.h"
#include "core/date.h"
#include "core/money.h"
#include "core/nhs_number.h"

namespace csu {
namespace {

// 200,000 APC-shaped rows (~120 bytes each) with some quoted fields.
const std::string& CsvText() {
  static const std::string text = [] {
    std::string s = "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,"
                    "discharge_date,admission_method,patient_classification,treatment_function,hrg,primary_diagnosis\n";
    char buf[256];
    for (int i = 0; i < 200000; ++i) {
      std::snprintf(buf, sizeof buf, "943476591%d,19%02d-0%d-1%d,%d,N8100%d,27D,RBT,\"S%06d\",2018-0%d-1%d,2018-0%d-2%d,%s,%d,%d,EB03E,I50%d\n",
                    i % 10, i % 100, 1 + i % 9, i % 10, 1 + i % 2, i % 10, i, 4 + i % 6, i % 10, 4 + i % 6, i % 10,
                    i % 3 ? "11" : "21", 1 + i % 2, 100 + i % 400, i % 10);
      s += buf;
    }
    return s;
  }();
  return text;
}

constexpr int64_t kCsvRows = 200000;

void CsvBaseline(benchmark::State& state) {
  // The floor: find every line end with memchr, touching every byte once.
  const std::string& text = CsvText();
  for (auto _ : state) {
    int64_t lines = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) != nullptr) {
      ++lines;
      ++p;
    }
    if (lines != kCsvRows + 1) std::abort();
    benchmark::DoNotOptimize(lines);
  }
  state.SetItemsProcessed(state.iterations() * kCsvRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(CsvBaseline)->Name("csv_tokenize/baseline-memchr-lines")->Unit(benchmark::kMillisecond);

void CsvReaderBench(benchmark::State& state) {
  const std::string& text = CsvText();
  std::vector<std::string_view> fields;
  for (auto _ : state) {
    CsvReader reader(text);
    int64_t rows = 0, field_count = 0;
    while (true) {
      auto got = reader.Next(fields);
      if (!got.ok()) std::abort();
      if (!got.value()) break;
      ++rows;
      field_count += static_cast<int64_t>(fields.size());
    }
    if (rows != kCsvRows + 1 || field_count != (kCsvRows + 1) * 14) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * kCsvRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(CsvReaderBench)->Name("csv_tokenize/csv_reader")->Unit(benchmark::kMillisecond);

void MoneyFormatBaseline(benchmark::State& state) {
  char buf[32];
  int64_t pence = 0;
  for (auto _ : state) {
    int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(pence));
    benchmark::DoNotOptimize(n);
    pence += 12345;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(MoneyFormatBaseline)->Name("money_format/baseline-snprintf-int");

void MoneyToString(benchmark::State& state) {
  int64_t pence = 0;
  for (auto _ : state) {
    std::string s = Money::FromPence(pence).ToString();
    benchmark::DoNotOptimize(s);
    pence += 12345;
  }
  if (Money::FromPence(123456789).ToString() != "\xC2\xA3" "1,234,567.89") std::abort();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(MoneyToString)->Name("money_format/to_string-pounds");

void MoneyToDecimal(benchmark::State& state) {
  int64_t pence = 0;
  for (auto _ : state) {
    std::string s = Money::FromPence(pence).ToDecimal();
    benchmark::DoNotOptimize(s);
    pence += 12345;
  }
  if (Money::FromPence(-5).ToDecimal() != "-0.05") std::abort();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(MoneyToDecimal)->Name("money_format/to_decimal-csv");

void ParseBaseline(benchmark::State& state) {
  // strtol over a short numeric field: the floor for any field parse.
  const char* text = "20180412";
  for (auto _ : state) {
    long v = std::strtol(text, nullptr, 10);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ParseBaseline)->Name("field_parse/baseline-strtol");

void DateParse(benchmark::State& state) {
  for (auto _ : state) {
    auto d = Date::Parse("2018-04-12");
    if (!d.ok()) std::abort();
    benchmark::DoNotOptimize(d.value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(DateParse)->Name("field_parse/date");

void MoneyParse(benchmark::State& state) {
  for (auto _ : state) {
    auto m = Money::Parse("1234.56");
    if (!m.ok() || m.value().pence() != 123456) std::abort();
    benchmark::DoNotOptimize(m.value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(MoneyParse)->Name("field_parse/money");

void NhsNumberParse(benchmark::State& state) {
  for (auto _ : state) {
    auto n = ParseNhsNumber("9434765919");
    if (!n) std::abort();
    benchmark::DoNotOptimize(*n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(NhsNumberParse)->Name("field_parse/nhs_number");

}  // namespace
}  // namespace csu
