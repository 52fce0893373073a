// Replays fuzz/corpus/payroll_calc through the payroll_calc fuzz target's
// checks (fuzz/payroll_checks.h), and shows the checks catch wrong figures.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/payroll_checks.h"

namespace csu::payroll {
namespace {

TEST(PayrollFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("payroll_calc");
  ASSERT_GE(inputs.size(), 3u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckPayrollCalc(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

TEST(PayrollFuzzCorpus, ChecksRejectWrongFigures) {
  // The nurse of payroll_test.cc: gross £2,497.50.
  const fuzz::PayrollFigures right{229021, 24820, 11596, 24005, 20729, 59191, 200, 192605};
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, right), "");
  fuzz::PayrollFigures wrong = right;
  wrong.taxable_pay = 249750;  // pension not taken off before tax
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, wrong), "taxable pay is not gross less the member's pension");
  wrong = right;
  wrong.tax = 120000;  // above half the taxable pay
  wrong.net_pay = 249750 - 120000 - 11596 - 20729;
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, wrong), "tax above the 50% regulatory limit");
  wrong = right;
  wrong.net_pay += 1;
  EXPECT_EQ(fuzz::CheckPayrollRow(249750, wrong), "net pay does not add up");
}

}  // namespace
}  // namespace csu::payroll
