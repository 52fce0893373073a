// `csu payroll payslips|summary|bank-file|fps|p60|p45|journal` end to end over
// the hand-worked golden run (tests/golden/payroll/README.md): the binary
// writes what the library gives, and a bad period file is refused naming file,
// line and column without printing the personal value.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/run_csu_for_tests.h"
#include "core/file.h"
#include "synth/synth_testing.h"

namespace csu::cli {
namespace {

using testing::Contains;
using testing::RunCsu;

const std::string kGolden = std::string(CSU_SOURCE_DIR) + "/tests/golden/payroll/";

std::string Payroll(const std::string& what, const std::string& input = kGolden + "pay-run-2025-26.csv") {
  return RunCsu("payroll " + what + " --input " + input + " --employer " + kGolden + "employer.csv").output;
}

TEST(PayrollRunCommand, OutputsOfTheGoldenRun) {
  EXPECT_EQ(Payroll("bank-file"), ReadFile(kGolden + "bank-2025-26-m01.txt").value());
  EXPECT_EQ(Payroll("fps"), ReadFile(kGolden + "fps-2025-26-m01.xml").value());
  const std::string slips = Payroll("payslips");
  EXPECT_TRUE(Contains(slips, "A-FULL,2025/26 month 1,2025-04-25,1257L,A,net,Net pay,1984.71,1984.71,")) << slips;
  EXPECT_FALSE(Contains(slips, "RN000011A"));
  const std::string journal = Payroll("journal");
  EXPECT_TRUE(Contains(journal, "liabilities:current:net-pay")) << journal;
  EXPECT_TRUE(Contains(journal, "-£15399.87")) << journal;
  EXPECT_TRUE(Contains(Payroll("p45"), "F-SCOT")) << Payroll("p45");
}

TEST(PayrollRunCommand, BadFileNamesLineAndColumnNotTheValue) {
  synth::testing::TempDir dir("payroll-run");
  std::filesystem::create_directories(dir.path());
  std::string text = ReadFile(kGolden + "pay-run-2025-26.csv").value();
  const size_t at = text.find("11111111");
  text.replace(at, 8, "1111111X");
  std::ofstream(dir.file("run.csv")) << text;
  EXPECT_EQ(Payroll("payslips", dir.file("run.csv")), "csu: run.csv:2: account_number: must be 8 digits\n");
}

}  // namespace
}  // namespace csu::cli
