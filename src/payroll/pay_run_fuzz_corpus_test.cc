// Replays fuzz/corpus/pay_run_file through the pay_run_file fuzz target's
// checks (fuzz/pay_run_checks.h), and shows the checks catch a payslip that
// does not add up.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/pay_run_checks.h"

namespace csu::payroll {
namespace {

TEST(PayRunFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("pay_run_file");
  ASSERT_GE(inputs.size(), 3u);
  for (const auto& [path, data] : inputs) {
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckPayRunFile(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
  }
}

TEST(PayRunFuzzCorpus, ChecksRejectAPayslipThatDoesNotAddUp) {
  Payslip s;
  s.basic_pay = s.gross = Money::FromPence(100000);
  s.net = Money::FromPence(90000);
  s.tax = Money::FromPence(10000);
  s.taxable = s.gross;
  EXPECT_EQ(fuzz::CheckPayslip(s), "");
  s.net += Money::FromPence(1);
  EXPECT_EQ(fuzz::CheckPayslip(s), "a payslip does not add up");
}

}  // namespace
}  // namespace csu::payroll
