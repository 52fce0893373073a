// `csu payroll` HR commands end to end: a scripted run with known names, NI
// numbers, bank accounts and dates of birth, then every file under the state
// folder (SQLite files, WAL, logs) and every line the commands printed are
// searched for them in clear: none may appear, except in the output of
// `employees show --identifiable`, which is audited with its purpose. Also:
// the key refused inside the state folder, a bad staff file refused whole
// with every bad row named, and second-person approval refused for the
// person who calculated a run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run_csu_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;

constexpr const char* kSecrets[] = {"Harriet Quennell", "Quennell", "JG103759A", "JG 10 37 59 A", "41235678",
                                    "1985-03-09",       "Mill Lane", "Olwen Tarrant", "Tarrant", "AB123457C",
                                    "87654321",         "1979-12-01"};

class PayrollHrCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = testing::FreshScratch("csu-payroll-hr-cli"); }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Csu(const std::string& args, bool with_key = true) {
    const bool payroll = args.rfind("payroll ", 0) == 0;
    Outcome o = testing::RunCsuOn(
        root_, args, payroll && with_key ? " --payroll-key " + (root_ / "keys" / "payroll.key").string() : "");
    if (!Contains(args, "--identifiable")) printed_ += o.output;
    return o;
  }
  fs::path root_;
  std::string printed_;  // everything printed except by `employees show --identifiable`
};

TEST_F(PayrollHrCommandTest, ScriptedRunLeavesNoPersonalFieldInClear) {
  ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
  Outcome o = Csu("payroll employers add --employer 02e --name 'NHS Example CCG' --paye-ref 123/AB456 "
                  "--ao-ref 123PA00012345");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("payroll employers add --employer 99Z --name 'Nobody' --paye-ref 123/AB456 --ao-ref 123PA00012345");
  EXPECT_NE(o.exit_code, 0) << "not a CCG in the reference data";
  o = Csu("payroll employers add --employer 00C --name 'x' --paye-ref 12/AB456 --ao-ref 123PA00012345");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "PAYE reference")) << o.output;
  ASSERT_EQ(Csu("payroll posts add --employer 02E --post FIN01 --cost-centre FIN --title 'Finance officer' "
                "--band 5 --wte 2.00")
                .exit_code,
            0);
  o = Csu("payroll employees add --employer 02E --staff-number E001 --name 'Harriet Quennell' "
          "--address '4 Mill Lane, Leeds' --dob 1985-03-09 --ni 'JG 10 37 59 A' --sort-code 40-12-76 "
          "--account 41235678 --start 2024-01-15 --continuous-service 2019-06-01");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "employee 1 added")) << o.output;
  // A bad NI number is refused without being repeated.
  o = Csu("payroll employees add --employer 02E --staff-number E009 --name 'Olwen Tarrant' --dob 1979-12-01 "
          "--ni QQ123456C --sort-code 401276 --account 87654321 --start 2024-01-15");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_FALSE(Contains(o.output, "QQ123456C")) << o.output;
  o = Csu("payroll assignments add --employee 1 --post FIN01 --start 2024-01-15 --hours 37.5 --fte 1.00 --band 5 "
          "--point 2 --salary 30000 --tax-code 1257L");
  ASSERT_EQ(o.exit_code, 0) << o.output;

  // A staff file with a bad row stores nothing and names the line and column.
  const std::string header =
      "staff_number,name,address,date_of_birth,ni_number,sort_code,account_number,start_date,continuous_service_date,"
      "post,hours,fte,band,spine_point,incremental_date,annual_salary,hcas,tax_code,ni_category,pension_member\n";
  std::ofstream(root_ / "bad.csv") << header
                                   << "E002,Olwen Tarrant,,1979-12-01,AB123457C,401276,87654321,2024-02-01,,FIN01,22.5,"
                                      "0.60,5,1,,,,1257L,A,Y\n"
                                   << "E003,Olwen Tarrant,,1979-12-01,AB123457E,401276,87654321,2024-02-01,,,,,,,,,,,,\n";
  o = Csu("payroll import " + (root_ / "bad.csv").string() + " --employer 02E");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "bad.csv:3: ni_number: does not end in A, B, C or D")) << o.output;
  EXPECT_TRUE(Contains(o.output, "nothing was imported")) << o.output;
  // A post the employer lacks is refused by the store, named by line.
  std::ofstream(root_ / "nopost.csv") << header
                                      << "E002,Olwen Tarrant,,1979-12-01,AB123457C,401276,87654321,2024-02-01,,HR99,"
                                         "22.5,0.60,5,1,,,,1257L,A,Y\n";
  o = Csu("payroll import " + (root_ / "nopost.csv").string() + " --employer 02E");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "nopost.csv:2: post HR99")) << o.output;
  std::ofstream(root_ / "good.csv") << header
                                    << "E002,Olwen Tarrant,,1979-12-01,AB123457C,401276,87654321,2024-02-01,,FIN01,"
                                       "22.5,0.60,5,1,,,,1257L,A,Y\n";
  o = Csu("payroll import " + (root_ / "good.csv").string() + " --employer 02E");
  ASSERT_EQ(o.exit_code, 0) << o.output;

  // Lists are masked; establishment shows the vacancy.
  o = Csu("payroll employees list --employer 02E --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "JG •• •• •• A")) << o.output;
  EXPECT_TRUE(Contains(o.output, "••••5678")) << o.output;
  o = Csu("payroll posts list --employer 02E --on 2025-05-01 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "FIN01,FIN,Finance officer,5,2.00,1.60,2,0.40")) << o.output;

  // Absence and the sickness rate: June 2025, 30 × 1.00 + 30 × 0.60 = 48
  // FTE days available; 2 days lost at 1.00: 4.17%.
  ASSERT_EQ(Csu("payroll absence add --employee 1 --from 2025-06-02 --to 2025-06-03 --reason 'flu'").exit_code, 0);
  o = Csu("payroll absence rates --employer 02E --from 2025-06-01 --to 2025-06-30 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "2025-06,2.00,48.00")) << o.output;

  // The record: masked, and audited; identifiable only with a purpose.
  o = Csu("payroll employees show 1");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "continuous service from: 2019-06-01")) << o.output;
  EXPECT_EQ(Csu("payroll employees show 1 --identifiable").exit_code, 2);
  o = Csu("payroll employees show 1 --identifiable --purpose 'bank change letter'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Harriet Quennell")) << o.output;
  EXPECT_TRUE(Contains(o.output, "41235678")) << o.output;
  o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, "payroll.employee.view_identifiable")) << o.output;
  EXPECT_TRUE(Contains(o.output, "bank change letter")) << o.output;
  EXPECT_TRUE(Contains(o.output, "payroll employee 1")) << o.output;
  EXPECT_TRUE(Contains(o.output, "payroll.staff.list")) << o.output;

  // A stored pay run through the real calculation (pay_run.h): April 2025,
  // both new starters; the person who calculated it cannot approve it.
  o = Csu("payroll run calculate --employer 02E --year 2025/26 --period 1");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "pay run 1: 02E 2025/26 period 1 calculated: 2 payslip(s), 2 flagged")) << o.output;
  o = Csu("payroll run review 1 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "new_starter")) << o.output;
  EXPECT_TRUE(Contains(o.output, "E001,FIN,1257L,2500.00")) << o.output;  // £30,000 ÷ 12
  o = Csu("payroll run approve 1");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "a second person must approve it")) << o.output;
  EXPECT_EQ(Csu("payroll run calculate --employer 02E --year 2025/26 --period 2").exit_code, 1)
      << "period 1 is not approved yet";

  // TUPE: to another CCG employer, continuous service kept.
  ASSERT_EQ(Csu("payroll employers add --employer 00C --name 'NHS Other CCG' --paye-ref 321/ZX9 "
                "--ao-ref 321PB00054321")
                .exit_code,
            0);
  o = Csu("payroll employees transfer 1 --to 00c --staff-number T1 --on 2025-07-01");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("payroll employees show 3");
  EXPECT_TRUE(Contains(o.output, "continuous service from: 2019-06-01")) << o.output;
  EXPECT_TRUE(Contains(o.output, "00C")) << o.output;

  // Nothing personal in clear in the folder or in anything printed.
  for (const auto& f : fs::recursive_directory_iterator(root_ / "state")) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    for (const char* s : kSecrets) EXPECT_FALSE(Contains(ss.str(), s)) << s << " in " << f.path();
  }
  for (const char* s : kSecrets) EXPECT_FALSE(Contains(printed_, s)) << s << " printed";
}

TEST_F(PayrollHrCommandTest, KeyInsideTheStateFolderIsRefused) {
  ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
  Outcome o = Csu("payroll employers list --payroll-key " + (root_ / "state" / "payroll.key").string(), false);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "outside the state folder")) << o.output;
  EXPECT_FALSE(fs::exists(root_ / "state" / "payroll.key"));
  EXPECT_FALSE(fs::exists(root_ / "state" / "payroll.sqlite"));
}

}  // namespace
}  // namespace csu::cli
