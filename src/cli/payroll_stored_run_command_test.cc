// A stored pay run's outputs and posting end to end (docs/payroll.md,
// "Outputs of a stored run"): the bank file, FPS, P45 and journal are
// refused for a calculated run, saying a final run is needed; once a second
// person has approved it they come from payroll.sqlite, each audited, with
// the personal fields only inside the files that need them (never printed
// to the terminal or kept in the state folder in clear); the run posts to the
// CCG's ledger once, and the trial balance and pay cost show it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run_csu_for_tests.h"
#include "payroll/payroll_store.h"
#include "store/field_cipher.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;

constexpr const char* kSecrets[] = {"Harriet Quennell", "Quennell", "JG103759A", "41235678", "1985-03-09",
                                    "Mill Lane", "LS1 1AA"};

class PayrollStoredRunTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = testing::FreshScratch("csu-payroll-run-cli"); }
  void TearDown() override { fs::remove_all(root_); }
  std::string Key() const { return (root_ / "keys" / "payroll.key").string(); }
  Outcome Csu(const std::string& args) {
    const bool payroll = args.rfind("payroll ", 0) == 0 && args.rfind("payroll pay-cost", 0) != 0;
    Outcome o = testing::RunCsuOn(root_, args, payroll ? " --payroll-key " + Key() : "");
    printed_ += o.output;
    return o;
  }
  std::string Slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path root_;
  std::string printed_;
};

TEST_F(PayrollStoredRunTest, FinalRunOutputsPostingAndPayCost) {
  ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
  ASSERT_EQ(Csu("payroll employers add --employer 02E --name 'NHS Warrington CCG' --paye-ref 083/BA02E "
                "--ao-ref 083PB00012345")
                .exit_code,
            0);
  ASSERT_EQ(Csu("payroll posts add --employer 02E --post FIN01 --cost-centre CC900 --title 'Finance officer' "
                "--band 5 --wte 1.00")
                .exit_code,
            0);
  Outcome o = Csu("payroll employees add --employer 02E --staff-number E001 --name 'Harriet Quennell' "
                  "--address '4 Mill Lane, Leeds LS1 1AA' --dob 1985-03-09 --ni JG103759A --sort-code 40-12-76 "
                  "--account 41235678 --start 2024-01-15");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_EQ(Csu("payroll assignments add --employee 1 --post FIN01 --start 2024-01-15 --hours 37.5 --fte 1.00 "
                "--band 5 --salary 30000 --tax-code 1257L --point 1")
                .exit_code,
            0);
  o = Csu("payroll run calculate --employer 02E --year 2025/26 --period 1");
  ASSERT_EQ(o.exit_code, 0) << o.output;

  // A calculated run: payslips marked not final; no bank file, FPS, P45 or journal.
  o = Csu("payroll run payslips 1");  // the table's title says so
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "NOT FINAL")) << o.output;
  for (const char* what : {"bank-file", "fps", "p45", "journal", "post"}) {
    o = Csu(std::string("payroll run ") + what + " 1");
    EXPECT_EQ(o.exit_code, 1) << what;
    EXPECT_TRUE(Contains(o.output, "is calculated, not final")) << what << ": " << o.output;
  }

  // A second person approves (the CLI's actor is the login; the store is
  // given another, as the web's approval by a user name would be).
  {
    auto cipher = store::FieldCipher::Open(Key(), false, store::kPayrollCipherDomain);
    ASSERT_TRUE(cipher.ok()) << cipher.error().ToString();
    auto db = payroll::PayrollStore::Open((root_ / "state").string(), cipher.value());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    ASSERT_TRUE(db.value()->ApproveRun(1, {"2025-04-25T09:00:00Z", "second-person"}).ok());
  }

  // The bank file needs the employer's paying account; the FPS the gender.
  o = Csu("payroll run bank-file 1");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "no paying account")) << o.output;
  ASSERT_EQ(Csu("payroll employers account --employer 02E --sort-code 20-00-00 --account 90000001 "
                "--account-name 'NHS WARRINGTON CCG' --sun 123456")
                .exit_code,
            0);
  o = Csu("payroll run fps 1");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "E001: the FPS needs the gender")) << o.output;
  ASSERT_EQ(Csu("payroll employees gender 1 --gender f").exit_code, 0);

  o = Csu("payroll run bank-file 1 --out " + (root_ / "bank.txt").string());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const std::string bank = Slurp(root_ / "bank.txt");
  EXPECT_TRUE(Contains(bank, "41235678")) << bank;
  EXPECT_TRUE(Contains(bank, "90000001")) << bank;
  o = Csu("payroll run fps 1 --out " + (root_ / "fps.xml").string());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const std::string fps = Slurp(root_ / "fps.xml");
  EXPECT_TRUE(Contains(fps, "<NINO>JG103759A</NINO>")) << fps;
  EXPECT_TRUE(Contains(fps, "<Fore>Harriet</Fore>")) << fps;
  EXPECT_TRUE(Contains(fps, "<Sur>Quennell</Sur>")) << fps;
  EXPECT_TRUE(Contains(fps, "<Line>4 Mill Lane</Line>")) << fps;
  EXPECT_TRUE(Contains(fps, "<UKPostcode>LS1 1AA</UKPostcode>")) << fps;
  EXPECT_TRUE(Contains(fps, "<Gender>F</Gender>")) << fps;
  EXPECT_TRUE(Contains(fps, "<PayId>E001</PayId>")) << fps;
  o = Csu("payroll run summary 1 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "E001,CC900")) << o.output;
  EXPECT_FALSE(Contains(o.output, "NOT FINAL")) << o.output;
  o = Csu("payroll run p45 1");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "no leaver")) << o.output;
  o = Csu("payroll run p60 --employer 02E --year 2025/26");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "period 12 of 2025/26 is not final")) << o.output;
  o = Csu("payroll run journal 1");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "expenses:running-costs:staff-salaries")) << o.output;
  EXPECT_TRUE(Contains(o.output, "liabilities:current:net-pay")) << o.output;

  // Posting: the CCG's ledger with April open; once.
  const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  ASSERT_EQ(Csu("ledger entity add --entity 02E --template " + chart + " --approval-above £100,000,000").exit_code, 0);
  ASSERT_EQ(Csu("ledger period open --entity 02E --period 2025-04").exit_code, 0);
  o = Csu("payroll run post 1");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "as journal 1 (PAY 2025-26 M01")) << o.output;
  o = Csu("payroll run post 1");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "posted already as journal 1")) << o.output;
  o = Csu("ledger report trial-balance --entity 02E --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "liabilities:current:net-pay")) << o.output;
  EXPECT_TRUE(Contains(o.output, "liabilities:current:hmrc-paye")) << o.output;
  o = Csu("payroll pay-cost --employer 02E --year 2025/26 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "CC900,2025-04,0.00,2500.00")) << o.output;  // £30,000 ÷ 12, no budget

  o = Csu("audit list");
  for (const char* action : {"payroll.run.bank_file", "payroll.run.fps", "payroll.run.payslips", "payroll.run.summary",
                             "payroll.run.post", "payroll.employee.gender", "payroll.employer.account"})
    EXPECT_TRUE(Contains(o.output, action)) << action;

  // Nothing personal printed or kept in clear in the state folder.
  for (const char* s : kSecrets) EXPECT_FALSE(Contains(printed_, s)) << s << " printed";
  for (const auto& f : fs::recursive_directory_iterator(root_ / "state")) {
    if (!f.is_regular_file()) continue;
    const std::string body = Slurp(f.path());
    for (const char* s : kSecrets) EXPECT_FALSE(Contains(body, s)) << s << " in " << f.path();
  }
}

}  // namespace
}  // namespace csu::cli
