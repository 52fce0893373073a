// A whole pay run of 50,000 employees (a large CSU's customers together):
// CalculatePayRun from the per-employee period inputs, so Agenda for Change
// pay (step, FTE, HCAS), PAYE, Class 1 NI and NHS Pension with every
// figure's explanation line, as a run is calculated for review; then its
// FPS and bank file. The baseline is the floor of any pay run: one pass over
// the same inputs summing a figure from each. Inputs are synthetic but
// realistic: bands 2 to 9 at every step, one in four part time, one in six
// in a high cost area, mostly 1257L cumulative with Scottish, K, BR and M1
// codes, 9 in 10 in the pension scheme, a month 6 run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "payroll/bank_file.h"
#include "payroll/fps_xml.h"
#include "payroll/pay_run.h"

namespace csu::payroll {
namespace {

constexpr int kEmployees = 50'000;

const PayRunRates& Rates() {
  static const PayRunRates rates = [] {
    auto r = PayRunRates::Load(std::string(CSU_SOURCE_DIR) + "/data/payroll");
    if (!r.ok()) std::abort();
    return r.value();
  }();
  return rates;
}

struct Run {
  std::vector<PeriodInput> inputs;
  std::vector<EmployeePersonal> people;
  EmployerDetails employer;
};

const Run& Inputs() {
  static const Run run = [] {
    Run out;
    const char* bands[] = {"2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"};
    const char* codes[] = {"1257L", "1257L", "1257L", "1257L", "1257L", "1257L", "S1257L", "K475", "BR", "1257L M1"};
    uint64_t s = 42;
    auto next = [&s](uint64_t n) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return (s >> 33) % n;
    };
    const AfcYear& afc = *Rates().afc.Year("2025/26");
    for (int i = 0; i < kEmployees; ++i) {
      PeriodInput in;
      in.employee_id = "E" + std::to_string(100000 + i);
      in.employer_id = "CSU";
      in.cost_centre = "CS" + std::to_string(100 * (1 + next(6)));
      in.tax_year = "2025/26";
      in.period = 6;
      in.pay_date = Date::FromYmd(2025, 9, 26);
      in.tax_code = codes[next(10)];
      in.pension_member = next(10) != 0;
      in.afc_band = bands[next(11)];
      in.afc_step = 1 + static_cast<int>(next(static_cast<uint64_t>(afc.LastStep(in.afc_band))));
      if (next(4) == 0) in.fte = {static_cast<int64_t>(1500 + next(2250)), 3750};
      if (next(6) == 0) in.hcas = static_cast<HcasZone>(1 + next(3));
      in.to_date.taxable = Money::FromPence(static_cast<int64_t>(1'000'000 + next(2'000'000)));
      in.to_date.tax = Money::FromPence(in.to_date.taxable.pence() / 6);
      out.inputs.push_back(std::move(in));
      EmployeePersonal p;
      p.employee_id = out.inputs.back().employee_id;
      p.forenames = "Alex Sam";
      p.surname = "Taylor";
      p.ni_number = "AB123456C";
      p.birth_date = Date::FromYmd(1980, 1, 1);
      p.address = {"1 High Street", "Leeds"};
      p.postcode = "LS1 1AA";
      p.sort_code = "401234";
      p.account_number = "12345678";
      p.account_name = "A S TAYLOR";
      out.people.push_back(std::move(p));
    }
    out.employer = {"CSU", "Example CSU", "635", "A635", "123PA00012345", "309999", "87654321", "EXAMPLE CSU", "123456"};
    return out;
  }();
  return run;
}

void SumInputsBaseline(benchmark::State& state) {
  const Run& r = Inputs();
  for (auto _ : state) {
    int64_t sum = 0;
    for (const PeriodInput& in : r.inputs) sum += in.to_date.taxable.pence() + in.afc_step + in.fte.contracted_centihours;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kEmployees);
}
BENCHMARK(SumInputsBaseline)->Name("afc_pay_run_50k/baseline-sum-inputs")->Unit(benchmark::kMillisecond);

void Calculate(benchmark::State& state) {
  const Run& r = Inputs();
  for (auto _ : state) {
    auto run = CalculatePayRun(r.inputs, Rates());
    if (!run.ok()) std::abort();
    benchmark::DoNotOptimize(run.value().totals.net);
  }
  state.SetItemsProcessed(state.iterations() * kEmployees);
}
BENCHMARK(Calculate)->Name("afc_pay_run_50k/calculate-payslips")->Unit(benchmark::kMillisecond);

void Outputs(benchmark::State& state) {
  const Run& r = Inputs();
  auto run = CalculatePayRun(r.inputs, Rates());
  if (!run.ok()) std::abort();
  for (auto _ : state) {
    auto fps = WriteFps(run.value(), r.people, r.employer);
    auto bank = WriteBankFile(run.value(), r.people, r.employer);
    if (!fps.ok() || !bank.ok()) std::abort();
    benchmark::DoNotOptimize(fps.value().size() + bank.value().text.size());
  }
  state.SetItemsProcessed(state.iterations() * kEmployees);
}
BENCHMARK(Outputs)->Name("afc_pay_run_50k/fps-and-bank-file")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace csu::payroll
