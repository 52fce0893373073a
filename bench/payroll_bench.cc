// A pay run of 50,000 employees (a large CSU's customers together): PAYE,
// Class 1 NI and NHS Pension for each, with every figure's explanation
// built, as `csu payroll calc` does. The baseline is the floor of any pay
// run: one pass over the same employees summing their gross pay. Employees
// are synthetic but realistic: Agenda for Change salaries from band 2 to 9,
// mostly 1257L cumulative, some Scottish, K, BR and M1 codes, 9 in 10 in the
// pension scheme, a month 6 run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "payroll/national_insurance.h"
#include "payroll/nhs_pension.h"
#include "payroll/paye.h"
#include "payroll/rates.h"

namespace csu::payroll {
namespace {

struct Employee {
  TaxCode code;
  Money gross, annual;
  bool member = true;
  Money taxable_before;  // months 1–5
  Money tax_before;
};

const TaxYearRates& Year() {
  static const PayrollRates rates = [] {
    auto r = PayrollRates::Load(std::string(CSU_SOURCE_DIR) + "/data/payroll");
    if (!r.ok()) std::abort();
    return r.value();
  }();
  return *rates.Year("2025/26");
}

const std::vector<Employee>& Staff() {
  static const std::vector<Employee> staff = [] {
    const int64_t salaries[] = {24465, 24937, 27485, 31049, 38682, 47810, 55690, 62682, 74290, 90387, 125637};
    const char* codes[] = {"1257L", "1257L", "1257L", "1257L", "1257L", "1257L", "S1257L", "K475", "BR", "1257L M1"};
    std::vector<Employee> out;
    uint64_t s = 42;
    auto next = [&s](uint64_t n) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return (s >> 33) % n;
    };
    for (int i = 0; i < 50'000; ++i) {
      Employee e;
      e.code = ParseTaxCode(codes[next(10)]).value();
      const int64_t annual = salaries[next(11)] * 100;
      e.annual = Money::FromPence(annual);
      e.gross = Money::FromPence(DivRoundHalfAway(annual, 12));
      e.member = next(10) != 0;
      e.taxable_before = Money::FromPence(e.gross.pence() * 5 * 9 / 10);
      e.tax_before = Money::FromPence(e.taxable_before.pence() / 6);
      out.push_back(e);
    }
    return out;
  }();
  return staff;
}

void SumGrossBaseline(benchmark::State& state) {
  const auto& staff = Staff();
  for (auto _ : state) {
    int64_t sum = 0;
    for (const Employee& e : staff) sum += e.gross.pence();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Staff().size()));
}
BENCHMARK(SumGrossBaseline)->Name("pay_run_50k/baseline-sum-gross")->Unit(benchmark::kMillisecond);

void PayRun(benchmark::State& state) {
  const TaxYearRates& y = Year();
  const auto& staff = Staff();
  for (auto _ : state) {
    int64_t net = 0;
    for (const Employee& e : staff) {
      Money pension;
      if (e.member) pension = CalculateNhsPension(y, e.gross, e.annual).member;
      PayeInput in;
      in.period = 6;
      in.code = e.code;
      in.taxable_pay = e.gross - pension;
      in.taxable_pay_to_date = e.taxable_before + in.taxable_pay;
      in.tax_to_date = e.tax_before;
      auto tax = CalculatePaye(y, in);
      auto ni = CalculateNi(y, Frequency::kMonthly, 'A', e.gross);
      if (!tax.ok() || !ni.ok()) std::abort();
      net += (e.gross - tax.value().tax - ni.value().employee - pension).pence();
    }
    benchmark::DoNotOptimize(net);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Staff().size()));
}
BENCHMARK(PayRun)->Name("pay_run_50k/paye-ni-pension-explained")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace csu::payroll
