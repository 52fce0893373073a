// `csu primary-care schemes|claims` end to end: the worked example of
// tests/golden/primarycare-claims/README.md on a fresh state folder, with
// the role and practice isolation of `--as` and the audit of every change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run_csu_for_tests.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;
using testing::RunCsuOn;

class PrimaryCareClaimsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshScratch("csu-pc-claims");
    for (const char* add : {"users add pc.team --role ccg_primary_care --tenant 02E --password-stdin < ",
                            "users add gp.n81007 --role gp_practice --tenant 02E --practice n81007 --password-stdin < ",
                            "users add gp.n81012 --role gp_practice --tenant 02E --practice N81012 --password-stdin < "}) {
      Outcome o = RunCsuOn(root_, std::string(add) + (root_ / "pw.txt").string());
      ASSERT_EQ(o.exit_code, 0) << add << o.output;
    }
    std::ofstream(root_ / "state" / "platform-date") << "2024-07-02\n";
  }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Run(const std::string& args) { return RunCsuOn(root_, args); }
  fs::path root_;
};

TEST_F(PrimaryCareClaimsCommandTest, TheWorkedExampleWithIsolationAndAudit) {
  const std::string window = " --from 2024-04-01 --to 2025-03-31";
  Outcome o = Run("primary-care schemes add --as pc.team --code LES-ANTICOAG --name 'Anticoagulation monitoring' "
                  "--spec 'INR monitoring in the practice' --fee 7.50 --cap 400 --evidence 'INR test list'" + window);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Run("primary-care schemes add --as pc.team --code LCS-ACCESS --name 'Extended access' --spec 'Evening clinics' "
          "--rule per_registered_patient --frequency quarterly --fee 0.37 --cap 20000 --evidence 'Rota'" + window);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  // A practice may not define schemes.
  o = Run("primary-care schemes add --as gp.n81007 --code X1 --name x --spec x --fee 1 --cap 1 --evidence x" + window);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "not permitted")) << o.output;

  auto submit = [&](const std::string& who, const std::string& scheme, const std::string& period, int units) {
    return Run("primary-care claims submit --as " + who + " --scheme " + scheme + " --period " + period + " --units " +
               std::to_string(units));
  };
  o = submit("gp.n81007", "LES-ANTICOAG", "2024-05", 130);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Claim 1 submitted for N81007")) << o.output;
  ASSERT_EQ(submit("gp.n81007", "LCS-ACCESS", "2024-04", 10306).exit_code, 0);
  ASSERT_EQ(submit("gp.n81012", "LES-ANTICOAG", "2024-05", 88).exit_code, 0);
  // The refusals, each with its reason.
  o = submit("gp.n81007", "LES-ANTICOAG", "2024-05", 90);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "already has claim 1")) << o.output;
  o = submit("gp.n81007", "LES-ANTICOAG", "2025-04", 10);
  EXPECT_TRUE(Contains(o.output, "outside the scheme's claim window")) << o.output;
  o = submit("gp.n81007", "LES-ANTICOAG", "2024-06", 401);
  EXPECT_TRUE(Contains(o.output, "above the scheme's cap of 400")) << o.output;
  o = submit("gp.n81007", "LCS-ACCESS", "2024-05", 10);
  EXPECT_TRUE(Contains(o.output, "a quarterly claim starts in April")) << o.output;
  o = submit("gp.n81007", "LCS-ACCESS", "2024-07", 10307);
  EXPECT_TRUE(Contains(o.output, "more than the practice's 10306 registered patients")) << o.output;
  // A practice claims only for itself.
  o = Run("primary-care claims submit --as gp.n81007 --practice N81012 --scheme LES-ANTICOAG --period 2024-06 --units 1");
  EXPECT_NE(o.exit_code, 0);

  // Query, answer, approve, reject.
  o = Run("primary-care claims query 1 --as pc.team --question '130 tests for 52 patients is high'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(Run("primary-care claims approve 1 --as pc.team").exit_code, 0) << "waits for the answer";
  EXPECT_NE(Run("primary-care claims answer 1 --as gp.n81012 --answer nosy").exit_code, 0);
  o = Run("primary-care claims answer 1 --as gp.n81007 --answer 'Ten were duplicates' --units 120");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(Run("primary-care claims approve 2 --as gp.n81007").exit_code, 0) << "a practice never approves";
  ASSERT_EQ(Run("primary-care claims approve 1 --as pc.team").exit_code, 0);
  ASSERT_EQ(Run("primary-care claims approve 2 --as pc.team").exit_code, 0);
  ASSERT_EQ(Run("primary-care claims reject 3 --as pc.team --reason 'No INR list was supplied'").exit_code, 0);

  // July's payments, worked by hand in the README.
  o = Run("primary-care claims payments --as pc.team --month 2024-07 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  std::ifstream expected_file(std::string(CSU_SOURCE_DIR) + "/tests/golden/primarycare-claims/payments-2024-07.csv");
  std::stringstream expected;
  expected << expected_file.rdbuf();
  EXPECT_EQ(o.output, expected.str());

  // Isolation: each practice sees only its own claims and payments.
  o = Run("primary-care claims list --as gp.n81012 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "N81012")) << o.output;
  EXPECT_FALSE(Contains(o.output, "N81007")) << o.output;
  o = Run("primary-care claims history 1 --as gp.n81012");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "no such claim")) << o.output;
  o = Run("primary-care claims payments --as gp.n81012 --month 2024-07 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(Contains(o.output, "N81007")) << o.output;
  o = Run("primary-care claims list --as gp.n81007 --format csv");
  EXPECT_TRUE(Contains(o.output, "N81007")) << o.output;
  EXPECT_FALSE(Contains(o.output, "N81012")) << o.output;
  // Another CCG is out of reach for the CCG team.
  EXPECT_NE(Run("primary-care claims list --as pc.team --ccg 27D").exit_code, 0);

  // One audit entry per state change, and the chain verifies.
  o = Run("audit list");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  auto count = [&](const std::string& action) {
    size_t n = 0;
    for (size_t at = o.output.find(action); at != std::string::npos; at = o.output.find(action, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("primary_care.claim.submit"), 3u) << o.output;
  EXPECT_EQ(count("primary_care.claim.query"), 1u);
  EXPECT_EQ(count("primary_care.claim.answer"), 1u);
  EXPECT_EQ(count("primary_care.claim.approve"), 2u);
  EXPECT_EQ(count("primary_care.claim.reject"), 1u);
  EXPECT_EQ(count("primary_care.scheme.add"), 2u);
  EXPECT_EQ(Run("audit verify").exit_code, 0);
}

// Evidence on the command line: a practice attaches a file when it submits;
// the CCG team lists and fetches it (the same bytes, audited); another
// practice neither sees nor fetches it.
TEST_F(PrimaryCareClaimsCommandTest, EvidenceIsListedAndFetchedOnlyWithinScopeAndAudited) {
  ASSERT_EQ(Run("primary-care schemes add --as pc.team --code LES-ANTICOAG --name 'Anticoagulation monitoring' "
                "--spec 'INR monitoring' --fee 7.50 --cap 400 --evidence 'INR test list' --require-file "
                "--from 2024-04-01 --to 2025-03-31")
                .exit_code,
            0);
  const std::string csv = "week,tests\n2024-05-06,31\n2024-05-13,29\n";
  std::ofstream(root_ / "inr-tests.csv") << csv;
  Outcome o = Run("primary-care claims submit --as gp.n81007 --scheme LES-ANTICOAG --period 2024-05 --units 60");
  EXPECT_NE(o.exit_code, 0) << "the scheme requires a file: " << o.output;
  o = Run("primary-care claims submit --as gp.n81007 --scheme LES-ANTICOAG --period 2024-05 --units 60 --evidence-file " +
          (root_ / "inr-tests.csv").string());
  ASSERT_EQ(o.exit_code, 0) << o.output;

  o = Run("primary-care claims evidence --as pc.team --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "inr-tests.csv")) << o.output;
  EXPECT_TRUE(Contains(o.output, "text/csv")) << o.output;
  o = Run("primary-care claims evidence --as gp.n81012 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(Contains(o.output, "inr-tests.csv")) << "another practice's file: " << o.output;

  const fs::path got = root_ / "got.csv";
  o = Run("primary-care claims evidence-get 1 --as gp.n81012 --out " + got.string());
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "no such file")) << o.output;
  EXPECT_FALSE(fs::exists(got));
  o = Run("primary-care claims evidence-get 1 --as pc.team --out " + got.string());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  std::stringstream back;
  back << std::ifstream(got).rdbuf();
  EXPECT_EQ(back.str(), csv);
  o = Run("audit list");
  EXPECT_TRUE(Contains(o.output, "primary_care.evidence.download")) << o.output;
  EXPECT_EQ(Run("audit verify").exit_code, 0);
}

// Server mode (docs/server-mode.md): two nodes, each with its own state
// folder, given the same --database. A scheme defined on one, a claim made
// on the other and approved on the first are one claim in PostgreSQL; the
// practices added on one are listed on the other; every change is audited in
// PostgreSQL's log; a schedule posts through the ledger's opening, which
// refuses server mode until the ledger is there; and neither folder's own
// primary-care.sqlite holds a claim. Skipped without CSU_TEST_POSTGRES_URL.
TEST(PrimaryCareServerModeTest, AClaimMadeOnOneNodeIsDecidedOnAnotherAndAuditedInTheDatabase) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const std::string db = " --database '" + schema.value()->url() + "'";
  const fs::path a = testing::FreshScratch("csu-pc-node-a"), b = testing::FreshScratch("csu-pc-node-b");
  for (const fs::path& node : {a, b})
    ASSERT_EQ(RunCsuOn(node, "users add admin --role csu_admin --password-stdin < " + (node / "pw.txt").string())
                  .exit_code,
              0);
  Outcome o = RunCsuOn(a, "primary-care schemes add --ccg 02E --code LES-ANTICOAG --name 'Anticoagulation monitoring' "
                          "--spec 'INR monitoring' --fee 7.50 --cap 400 --evidence 'INR test list' --from 2024-04-01 "
                          "--to 2025-03-31", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = RunCsuOn(b, "primary-care claims submit --ccg 02E --practice N81007 --scheme LES-ANTICOAG --period 2024-05 "
                  "--units 12", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Claim 1 submitted for N81007")) << o.output;
  o = RunCsuOn(a, "primary-care claims approve 1 --ccg 02E", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = RunCsuOn(b, "primary-care claims approve 1 --ccg 02E", db);
  EXPECT_NE(o.exit_code, 0) << "approved on the other node: " << o.output;
  o = RunCsuOn(b, "primary-care claims list --ccg 02E --format csv", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "approved") && Contains(o.output, "N81007")) << o.output;
  o = RunCsuOn(a, "primary-care practices add --ccg 02E", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = RunCsuOn(b, "primary-care practices list --ccg 02E --format csv", db);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "N81007")) << o.output;
  // The posting reaches the ledger in PostgreSQL, where 02E has none yet.
  o = RunCsuOn(b, "primary-care schedule-post --ccg 02E --month 2024-07", db);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "there is no ledger for this entity")) << o.output;
  EXPECT_FALSE(Contains(o.output, "tangerine")) << "no password in an error";
  // The folders' own databases were not used.
  o = RunCsuOn(b, "primary-care claims list --ccg 02E --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(Contains(o.output, "N81007")) << o.output;
  auto conn = pg::Connect(schema.value()->url());
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  auto q = conn.value()->Prepare(
      "SELECT (SELECT count(*) FROM es_claims), (SELECT count(*) FROM audit_log WHERE action IN "
      "('primary_care.scheme.add', 'primary_care.claim.submit', 'primary_care.claim.approve', "
      "'primary_care.practices_add'))");
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  ASSERT_TRUE(q.value().Step().value());
  EXPECT_EQ(q.value().Int(0), 1);
  EXPECT_EQ(q.value().Int(1), 4);
  fs::remove_all(a);
  fs::remove_all(b);
}

}  // namespace
}  // namespace csu::cli
