// QOF achievement and payment for every practice in England: about 6,500
// practices × 70 indicators (issue 21 asks for under a second on one core).
// The baseline is the floor of any calculator: one pass over the same inputs
// summing a figure from each. The inputs are synthetic but realistic in
// range (lists of 1,000–30,000, registers up to 20% of the list).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "primarycare/global_sum.h"
#include "primarycare/qof.h"
#include "primarycare/qof_years.h"

namespace csu::primarycare {
namespace {

constexpr int kPractices = 6500;
constexpr int kIndicators = 70;

struct England {
  std::vector<QofPractice> practices;
  std::vector<QofIndicator> indicators;  // practice i's are [i·70, i·70 + 70)
};

const England& Inputs() {
  static const England e = [] {
    England out;
    uint64_t s = 12345;
    auto next = [&s](int64_t n) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<int64_t>((s >> 33) % static_cast<uint64_t>(n));
    };
    for (int p = 0; p < kPractices; ++p) {
      QofPractice practice{"N" + std::to_string(10000 + p), "2024/25", 1000 + next(29000), 9964,
                           Money::FromPence(22062), std::nullopt};
      // The prior year's figures, for the aspiration (2023/24: £213.43, 9,639).
      practice.prior = QofPractice::Prior{next(60'000), Money::FromPence(21343), practice.list_size, 9639, 8000};
      for (int k = 0; k < kIndicators; ++k) {
        QofIndicator i;
        i.practice_code = practice.practice_code;
        i.indicator = "IND" + std::to_string(100 + k);
        i.points_available = 2 + next(30);
        i.lower_threshold = (30 + next(30)) * kPercentScale;
        i.upper_threshold = i.lower_threshold + (10 + next(30)) * kPercentScale;
        i.register_size = next(practice.list_size / 5 + 1);
        i.denominator = i.register_size;
        i.pcas = next(i.denominator / 10 + 1);
        i.numerator = next(i.denominator - i.pcas + 1);
        i.prevalence_adjusted = k % 5 != 0;
        i.national_prevalence = 1'000'000 + next(15'000'000);
        if (QofInputProblem(practice, i)) std::abort();
        out.indicators.push_back(std::move(i));
      }
      out.practices.push_back(std::move(practice));
    }
    return out;
  }();
  return e;
}

void SumInputsBaseline(benchmark::State& state) {
  const England& e = Inputs();
  for (auto _ : state) {
    int64_t sum = 0;
    for (const QofIndicator& i : e.indicators) sum += i.numerator + i.denominator - i.pcas + i.register_size;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(e.indicators.size()));
}
BENCHMARK(SumInputsBaseline)->Name("qof_england/baseline-sum-inputs")->Unit(benchmark::kMillisecond);

void AllPayments(benchmark::State& state) {
  const England& e = Inputs();
  for (auto _ : state) {
    int64_t total = 0;
    for (size_t p = 0; p < e.practices.size(); ++p) {
      for (size_t k = 0; k < kIndicators; ++k) {
        total += CalculateQof(e.practices[p], e.indicators[p * kIndicators + k]).payment.pence();
      }
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(e.indicators.size()));
}
BENCHMARK(AllPayments)->Name("qof_england/payments-explained-6500x70")->Unit(benchmark::kMillisecond);

void AllPaymentsFiguresOnly(benchmark::State& state) {
  const England& e = Inputs();
  for (auto _ : state) {
    int64_t total = 0;
    for (size_t p = 0; p < e.practices.size(); ++p) {
      for (size_t k = 0; k < kIndicators; ++k) {
        total += CalculateQof(e.practices[p], e.indicators[p * kIndicators + k], Explain::kNo).payment.pence();
      }
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(e.indicators.size()));
}
BENCHMARK(AllPaymentsFiguresOnly)->Name("qof_england/payments-6500x70")->Unit(benchmark::kMillisecond);

// A year of QOF and global sum payments for every practice in England, the
// figures the payment schedules are made of: each practice's achievement
// payment (its 70 indicators, summed) and aspiration as `csu primary-care
// qof-load` stores them (QofYearsFrom, without the per-indicator
// explanations), and twelve months of global sum on a weighted list, each
// explained.
void YearOfPayments(benchmark::State& state) {
  const England& e = Inputs();
  QofInputs inputs{e.practices, e.indicators};
  const GlobalSumRate rate{FinancialYear::Of(Date::FromYmd(2024, 4, 1)), Money::FromPence(11250), "bench"};
  for (auto _ : state) {
    const QofLoad load = QofYearsFrom(inputs, "bench");
    int64_t total = 0;
    for (size_t p = 0; p < load.years.size(); ++p) {
      total += *load.years[p].achievement_pence + 12 * *load.years[p].aspiration_monthly_pence;
      const int64_t weighted = e.practices[p].list_size * 1'030'000;  // a weighted list 3% above the registered
      for (int m = 1; m <= 12; ++m) {
        const ledger::LedgerPeriod month{rate.year, m};
        total += CalculateGlobalSumMonth(weighted, e.practices[p].list_size, rate, month, month.first_day())
                     .amount.pence();
      }
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(e.indicators.size()));
}
BENCHMARK(YearOfPayments)->Name("qof_england/year-of-payments-6500x70")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace csu::primarycare
