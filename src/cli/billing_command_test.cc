// The billing commands end to end: the built binary on a temporary state
// folder, from an empty catalogue to an invoice, a re-run, a credit note
// and a replacement, with the exit codes and messages a user sees.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/run_csu_for_tests.h"
#include "billing/invoice_run.h"
#include "pg/job_lock.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;
using testing::RunCsu;

class BillingCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("csu-billing-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "keys");
    // A state folder: the first user creates it.
    const fs::path in = root_ / "pw.txt";
    std::ofstream(in) << "tangerine lorry whistle\n";
    ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + in.string()).exit_code, 0);
  }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Csu(const std::string& args) {
    return testing::RunCsuOn(root_, args);
  }
  fs::path root_;
};

TEST_F(BillingCommandTest, FromCatalogueToInvoiceCreditAndReplacement) {
  const std::string golden = std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv";
  Outcome o = Csu("catalogue load " + golden);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "9 versions, 9 new")) << o.output;
  EXPECT_TRUE(Contains(Csu("catalogue load " + golden).output, "0 new, 9 already held"));

  o = Csu("subscriptions add --ccg 02e --item BI-CORE --start 2018-04-01 --term 36 --discount 5");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "02E takes BI-CORE")) << o.output;  // the code is kept in capitals
  o = Csu("subscriptions add --ccg 02E --item FULL --start 2019-04-01 --term 36");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "BI-CORE would be charged twice")) << o.output;
  o = Csu("subscriptions add --ccg 02E --item CONTRACTS --start 2018-04-01 --term 12");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "outside 18–60 months")) << o.output;
  EXPECT_EQ(Csu("subscriptions add --ccg 02E --item CONTRACTS --start 2018-04-01").exit_code, 0);
  o = Csu("population set --ccg 99x --from 2018-04-01 --patients 10");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_TRUE(Contains(o.output, "99X is not a CCG in the reference data; the CSU's customers: 02E")) << o.output;

  EXPECT_EQ(Csu("invoice run --period 2018-6").exit_code, 2);
  o = Csu("invoice run --period 2018-06");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "INV-000001")) << o.output;
  // 7,532,759 - 376,638 + 2,517,044 = 9,673,165 net; VAT 1,934,633; total 11,607,798.
  EXPECT_TRUE(Contains(o.output, "£116,077.98")) << o.output;
  o = Csu("invoice run --period 2018-06");
  EXPECT_TRUE(Contains(o.output, "0 invoices issued") && Contains(o.output, "1 already issued")) << o.output;

  o = Csu("invoice show INV-000001 --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  auto j = nlohmann::json::parse(o.output);
  EXPECT_EQ(j["total_pence"], 11607798);
  EXPECT_EQ(Csu("invoice show INV-000001 --format xlsx").exit_code, 2);  // a workbook needs --out
  EXPECT_EQ(Csu("invoice show INV-999999").exit_code, 1);

  o = Csu("invoice credit INV-000001 --reason 'population was wrong'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "CN-000001 issued")) << o.output;
  ASSERT_EQ(Csu("population set --ccg 02E --from 2018-06-01 --patients 100002").exit_code, 0);
  o = Csu("invoice run --period 2018-06");
  EXPECT_TRUE(Contains(o.output, "INV-000002")) << o.output;
  o = Csu("invoice verify");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "3 documents")) << o.output;
  o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, "billing.invoice.issue") && Contains(o.output, "billing.credit_note.issue")) << o.output;
}

// The platform date (store/platform_date.h): a folder of past data bills as
// of its own date, says so on every billing command, and goes back to the
// real date when cleared.
TEST_F(BillingCommandTest, APlatformDateStandsInForTodayAndSaysSo) {
  Outcome o = Csu("store platform-date");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "no platform date")) << o.output;
  ASSERT_EQ(Csu("catalogue load " + std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv").exit_code, 0);
  ASSERT_EQ(Csu("subscriptions add --ccg 02E --item BI-CORE --start 2018-04-01 --term 36").exit_code, 0);
  EXPECT_EQ(Csu("store platform-date --set 2018-13-01").exit_code, 2);
  o = Csu("store platform-date --set 2018-06-15");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "platform date 15/06/2018 (the real date is")) << o.output;
  // June has not ended on the platform's date, though it has on the real one.
  o = Csu("invoice run --period 2018-06");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "has not ended yet (today is 2018-06-15")) << o.output;
  EXPECT_TRUE(Contains(o.output, "csu: platform date 15/06/2018")) << o.output;
  o = Csu("invoice run --period 2018-05");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("invoice show INV-000001 --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "\"2018-06-15T")) << o.output;  // issued on the platform's date
  o = Csu("store platform-date --clear");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("invoice run --period 2018-06");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(Contains(o.output, "platform date")) << o.output;
  EXPECT_TRUE(Contains(Csu("audit list").output, "platform.date"));
}

}  // namespace
}  // namespace csu::cli

namespace csu::cli {
namespace {

// Issue 15: re-loading a catalogue that leaves out an item a package
// includes said the item was "not in the catalogue", though it was stored and
// subscribed to. The refusal names the file's line, the package, the item,
// the subscriptions that hold it, and what to do.
TEST_F(BillingCommandTest, ACatalogueLeavingOutAHeldItemNamesItsHoldersAndWhatToDo) {
  const std::string golden = std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv";
  ASSERT_EQ(Csu("catalogue load " + golden).exit_code, 0);
  ASSERT_EQ(Csu("subscriptions add --ccg 02E --item BI-CORE --start 2018-04-01").exit_code, 0);
  std::ifstream in(golden);
  std::string text, line;
  int package_line = 0, n = 0;
  while (std::getline(in, line)) {
    if (line.rfind("service,BI-CORE,", 0) == 0) continue;
    text += line + "\n";
    ++n;
    if (package_line == 0 && line.rfind("package,FULL,", 0) == 0) package_line = n;
  }
  const fs::path reloaded = root_ / "reloaded.csv";
  std::ofstream(reloaded) << text;
  Outcome o = Csu("catalogue load " + reloaded.string());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "reloaded.csv:" + std::to_string(package_line) +
                                     ": package FULL includes BI-CORE, which this file does not list; BI-CORE is in "
                                     "the stored catalogue and held by subscription 1 (02E BI-CORE from 2018-04-01)"))
      << o.output;
  EXPECT_TRUE(Contains(o.output, "keep BI-CORE's rows in the file")) << o.output;
  EXPECT_FALSE(Contains(o.output, "not in the catalogue")) << o.output;
}

// Server mode (docs/server-mode.md): two nodes, each with its own state
// folder, given the same --database. An invoice issued on one is what the
// other sees, in the one number series; a challenge set on one is in the
// shared log; the audit entries are in PostgreSQL's log, against which the
// other node verifies the documents; and neither state folder's own
// billing.sqlite holds anything. Skipped without CSU_TEST_POSTGRES_URL.
TEST(BillingServerModeTest, AnInvoiceIssuedOnOneNodeIsSeenNumberedAndVerifiedOnAnother) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const std::string db = " --database '" + schema.value()->url() + "'";
  const fs::path a = testing::FreshScratch("csu-billing-node-a"), b = testing::FreshScratch("csu-billing-node-b");
  for (const fs::path& node : {a, b})
    ASSERT_EQ(testing::RunCsuOn(node, "users add admin --role csu_admin --password-stdin < " + (node / "pw.txt").string())
                  .exit_code,
              0);
  const std::string golden = std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv";
  Outcome o = testing::RunCsuOn(a, "catalogue load " + golden, db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = testing::RunCsuOn(a, "subscriptions add --ccg 02E --item BI-CORE --start 2018-04-01", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = testing::RunCsuOn(a, "invoice run --period 2018-06", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "INV-000001")) << o.output;
  o = testing::RunCsuOn(b, "invoice run --period 2018-06", db);
  EXPECT_TRUE(Contains(o.output, "0 invoices issued") && Contains(o.output, "1 already issued")) << o.output;
  o = testing::RunCsuOn(b, "invoice run --period 2018-07", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "INV-000002")) << o.output;
  o = testing::RunCsuOn(a, "invoice list", db);
  EXPECT_TRUE(Contains(o.output, "INV-000001") && Contains(o.output, "INV-000002")) << o.output;
  o = testing::RunCsuOn(b, "invoice verify", db);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "2 documents")) << o.output;
  o = testing::RunCsuOn(a, "challenges set fu-ratio:02E:RBT:100:2018 rejected --note 'coded right'", db);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  // The state folders' own databases were not used.
  o = testing::RunCsuOn(b, "invoice list");
  EXPECT_FALSE(Contains(o.output, "INV-000001")) << o.output;
  auto conn = pg::Connect(schema.value()->url());
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  auto q = conn.value()->Prepare(
      "SELECT (SELECT count(*) FROM challenge_log WHERE challenge = 'fu-ratio:02E:RBT:100:2018' AND ccg = '02E'), "
      "(SELECT count(*) FROM audit_log WHERE action IN ('billing.invoice.issue', 'challenge.status'))");
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  ASSERT_TRUE(q.value().Step().value());
  EXPECT_EQ(q.value().Int(0), 1);
  EXPECT_EQ(q.value().Int(1), 3);  // two invoices and the challenge
  fs::remove_all(a);
  fs::remove_all(b);
}

// The invoice run is a singleton job in server mode: while another run
// holds billing::kInvoiceRunJobLock (here this test, on its own connection,
// as a run on another machine would), `csu invoice run --database` is
// refused naming the holder and issues nothing; a dry run needs no lock;
// once the holder has gone the run goes ahead.
TEST(BillingServerModeTest, ASecondInvoiceRunIsRefusedWhileOneHoldsTheJobLock) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const std::string db = " --database '" + schema.value()->url() + "'";
  const fs::path node = testing::FreshScratch("csu-billing-job-lock");
  ASSERT_EQ(testing::RunCsuOn(node, "users add admin --role csu_admin --password-stdin < " + (node / "pw.txt").string())
                .exit_code,
            0);
  const std::string golden = std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv";
  ASSERT_EQ(testing::RunCsuOn(node, "catalogue load " + golden, db).exit_code, 0);
  ASSERT_EQ(testing::RunCsuOn(node, "subscriptions add --ccg 02E --item BI-CORE --start 2018-04-01", db).exit_code, 0);
  Outcome o;
  {
    auto held = pg::JobLock::Take(schema.value()->url(), billing::kInvoiceRunJobLock, "invoice run");
    ASSERT_TRUE(held.ok()) << held.error().ToString();
    o = testing::RunCsuOn(node, "invoice run --period 2018-06", db);
    EXPECT_EQ(o.exit_code, 1) << o.output;
    EXPECT_TRUE(Contains(o.output, "another invoice run is running against this database")) << o.output;
    EXPECT_TRUE(Contains(o.output, "pid " + std::to_string(::getpid()))) << o.output;
    EXPECT_TRUE(Contains(o.output, "holds its lock")) << o.output;
    Outcome dry = testing::RunCsuOn(node, "invoice run --period 2018-06 --dry-run", db);
    EXPECT_EQ(dry.exit_code, 0) << dry.output;
  }
  o = testing::RunCsuOn(node, "invoice list", db);
  EXPECT_FALSE(Contains(o.output, "INV-000001")) << "a refused run issued something: " << o.output;
  o = testing::RunCsuOn(node, "invoice run --period 2018-06", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "INV-000001")) << o.output;
  fs::remove_all(node);
}

}  // namespace
}  // namespace csu::cli
