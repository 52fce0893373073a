// `csu payroll` in server mode (docs/server-mode.md): two nodes, each with
// its own state folder, given the same --database and the same payroll key
// file. Staff added on one node are what the other lists; a run calculated
// by one person is approved on the other node by another; its payslips are
// counted on the billing meter once, in PostgreSQL, however often approval
// is tried; the audit entries are in PostgreSQL's log; no personal field is
// in any row in clear; neither folder gets a payroll.sqlite; and a node
// whose key file is missing or another is refused, never given a new key.
// Skipped without CSU_TEST_POSTGRES_URL.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/run_csu_for_tests.h"
#include "payroll/payroll_store.h"
#include "payroll/payroll_store_testing.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/field_cipher.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;

// A stand-in calculation paying 2,500.00 gross, 1,900.00 net: the workflow
// across nodes is under test, the arithmetic has its own tests.
const payroll::PayrollStore::PayCalculator Fixed = payroll::testing::FixedPay(250000, 190000);

int64_t Count(store::SqlConnection& db, const std::string& sql) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return -1;
  auto row = q.value().Step();
  return row.ok() && row.value() ? q.value().Int(0) : -1;
}

TEST(PayrollServerModeTest, StaffAndRunsAreSharedByNodesMeteredOnceAndNeverInClear) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const fs::path a = testing::FreshScratch("csu-payroll-node-a"), b = testing::FreshScratch("csu-payroll-node-b");
  const fs::path keys = testing::FreshScratch("csu-payroll-node-keys");
  const std::string key = (keys / "payroll.key").string();
  const std::string db = " --database '" + schema.value()->url() + "' --payroll-key " + key;
  for (const fs::path& node : {a, b})
    ASSERT_EQ(testing::RunCsuOn(node, "users add admin --role csu_admin --password-stdin < " + (node / "pw.txt").string())
                  .exit_code,
              0);
  // The first command against a new database creates the key; every node
  // is then given that file.
  Outcome o = testing::RunCsuOn(a, "payroll employers add --employer 02E --name 'NHS Example CCG' "
                                   "--paye-ref 123/AB456 --ao-ref 123PA00012345", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_TRUE(fs::exists(key));
  o = testing::RunCsuOn(a, "payroll posts add --employer 02E --post FIN01 --cost-centre FIN --title 'Finance officer' "
                           "--band 5 --wte 1.00", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = testing::RunCsuOn(a, "payroll employees add --employer 02E --staff-number E001 --name 'Harriet Quennell' "
                           "--address '4 Mill Lane, Leeds' --dob 1985-03-09 --ni 'JG 10 37 59 A' --sort-code 40-12-76 "
                           "--account 41235678 --start 2024-01-15", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = testing::RunCsuOn(a, "payroll assignments add --employee 1 --post FIN01 --start 2024-01-15 --hours 37.5 "
                           "--fte 1.00 --band 5 --point 2 --salary 30000 --tax-code 1257L", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  // Node B lists what node A added (masked).
  o = testing::RunCsuOn(b, "payroll employees list --employer 02E --format csv", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "E001")) << o.output;
  EXPECT_TRUE(Contains(o.output, "JG •• •• •• A")) << o.output;
  EXPECT_FALSE(Contains(o.output, "Quennell")) << o.output;

  // Carol calculates on the web (the store, as a page does); the CLI's
  // actor on node B is another person and approves.
  {
    auto cipher = store::FieldCipher::Open(key, false, store::kPayrollCipherDomain);
    ASSERT_TRUE(cipher.ok()) << cipher.error().ToString();
    auto conn = pg::Connect(schema.value()->url());
    ASSERT_TRUE(conn.ok()) << conn.error().ToString();
    auto pay = payroll::PayrollStore::OpenServer(std::move(conn).value(), cipher.value());
    ASSERT_TRUE(pay.ok()) << pay.error().ToString();
    auto run = pay.value()->CalculateRun("02E", "2025/26", 1, Fixed, {"2025-04-20T09:00:00Z", "carol"});
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    ASSERT_EQ(run.value().id, 1);
  }
  o = testing::RunCsuOn(b, "payroll run approve 1", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "final (1 payslips)")) << o.output;
  o = testing::RunCsuOn(a, "payroll run approve 1", db);
  EXPECT_NE(o.exit_code, 0) << "approved once only";
  o = testing::RunCsuOn(a, "payroll run list --employer 02E --format csv", db);
  EXPECT_TRUE(Contains(o.output, "approved")) << o.output;

  auto conn = pg::Connect(schema.value()->url());
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  // One payslip, counted once on the meter every node bills from.
  EXPECT_EQ(Count(*conn.value(), "SELECT COALESCE(SUM(quantity), 0) FROM usage WHERE ccg = '02E' AND meter = 'payslips'"),
            1);
  EXPECT_EQ(Count(*conn.value(), "SELECT count(*) FROM usage_keys WHERE key = 'payroll_run:1'"), 1);
  // Audited in PostgreSQL's log, by the node that acted.
  EXPECT_EQ(Count(*conn.value(), "SELECT count(*) FROM audit_log WHERE action = 'payroll.run.approve'"), 1);
  EXPECT_GE(Count(*conn.value(), "SELECT count(*) FROM audit_log WHERE action LIKE 'payroll.%'"), 5);
  // Nothing personal in clear in any row, the audit log's included.
  const std::string rows = payroll::testing::RawServerRows(schema.value()->url(), schema.value()->schema());
  ASSERT_TRUE(Contains(rows, "employees: ")) << "the raw rows were read";
  for (const char* clear : {"Harriet", "Quennell", "JG103759A", "JG 10 37 59 A", "41235678", "401276", "40-12-76",
                            "1985-03-09", "Mill Lane"})
    EXPECT_FALSE(Contains(rows, clear)) << clear;
  // The folders' own payroll databases were never made.
  EXPECT_FALSE(fs::exists(a / "state" / "payroll.sqlite"));
  EXPECT_FALSE(fs::exists(b / "state" / "payroll.sqlite"));

  // A node without the key file is refused, and no new key is made for it.
  const std::string missing = (keys / "elsewhere.key").string();
  o = testing::RunCsuOn(b, "payroll employers list", " --database '" + schema.value()->url() + "' --payroll-key " + missing);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "payroll key not found")) << o.output;
  EXPECT_FALSE(fs::exists(missing));
  // A node with another key is refused by the fingerprint.
  ASSERT_TRUE(store::FieldCipher::Open(missing, true, store::kPayrollCipherDomain).ok());
  o = testing::RunCsuOn(b, "payroll employers list", " --database '" + schema.value()->url() + "' --payroll-key " + missing);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "fingerprint differs")) << o.output;
  fs::remove_all(a);
  fs::remove_all(b);
  fs::remove_all(keys);
}

}  // namespace
}  // namespace csu::cli
