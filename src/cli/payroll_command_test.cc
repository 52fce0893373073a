// `csu payroll calc` end to end: HMRC's figures through the binary, other
// columns carried through, and a bad row refused with file, line and column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/run_csu_for_tests.h"
#include "synth/synth_testing.h"

namespace csu::cli {
namespace {

using testing::Contains;
using testing::RunCsu;

const char* kHeader =
    "case,tax_year,frequency,period,tax_code,ni_category,pension_member,gross_pay,pensionable_pay,"
    "annual_pensionable_pay,taxable_pay_to_date,tax_to_date\n";

std::string Calc(const std::string& rows, const std::string& extra = "") {
  synth::testing::TempDir dir("payroll-calc");
  std::filesystem::create_directories(dir.path());
  std::ofstream(dir.file("cases.csv")) << kHeader << rows;
  return RunCsu("payroll calc --input " + dir.file("cases.csv") + " " + extra).output;
}

TEST(PayrollCommand, NurseCaseCarriesItsIdAndExplainsEachFigure) {
  const std::string out = Calc("nurse-1,2024/25,monthly,1,1257L,A,Y,2497.50,2497.50,29970,,\n");
  EXPECT_TRUE(Contains(out, "case,taxable_pay,tax,employee_ni,employer_ni,employee_pension,employer_pension,"
                            "employer_pension_levy,net_pay,explanation\n"))
      << out;
  EXPECT_TRUE(Contains(out, "nurse-1,2290.21,248.20,115.96,240.05,207.29,591.91,2.00,1926.05,")) << out;
  EXPECT_TRUE(Contains(out, "free pay £1,048.26")) << out;
}

TEST(PayrollCommand, BadRowsNameLineAndColumn) {
  EXPECT_EQ(Calc("x,2025/26,monthly,2,1257L,A,N,1000,,,,\n"),
            "csu: cases.csv:2: taxable_pay_to_date: value missing\n");
  EXPECT_EQ(Calc("x,2025/26,monthly,13,1257L,A,N,1000,,,,\n"),
            "csu: cases.csv:2: period: 13 is not a monthly period (1–12)\n");
  EXPECT_EQ(Calc("x,2025/26,monthly,1,1257Q,A,N,1000,,,,\n"),
            "csu: cases.csv:2: tax_code: '1257Q' is not a tax code (e.g. 1257L, S1257L, C1257L, K475, BR, D0, NT, 0T, "
            "with W1, M1 or X for the non-cumulative basis)\n");
  EXPECT_EQ(Calc("x,2023/24,monthly,1,1257L,A,N,1000,,,,\n"),
            "csu: cases.csv:2: tax_year: no rates for '2023/24' (the reference data has 2024/25, 2025/26)\n");
  EXPECT_EQ(Calc("x,2025/26,monthly,1,1257L,Q,N,1000,,,,\n"),
            "csu: cases.csv:2: ni_category: 'Q' is not a category with rates for 2025/26 (known: A, B, C, H, J, M, V, Z)\n");
  EXPECT_EQ(Calc("x,2025/26,monthly,2,1257L,A,N,1000,,,500,0\n"),
            "csu: cases.csv:2: taxable_pay_to_date: £500.00 is less than this period's taxable pay £1,000.00; it "
            "includes this period (tax_to_date does not)\n");
  EXPECT_EQ(Calc("x,2025/26,monthly,1,D2,A,N,1000,,,,\n"),
            "csu: cases.csv:2: tax_code: 'D2' names a rate band this region does not have in 2025/26\n");
}

}  // namespace
}  // namespace csu::cli
