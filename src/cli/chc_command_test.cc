// `csu chc` end to end: a scripted run with known names, NHS numbers and
// dates of birth, then every file under the state folder (SQLite files, WAL,
// logs) and every line the commands printed are searched for them in clear:
// none may appear, except in the output of `show`, which is audited with its
// purpose. Also: the CHC key refused inside the state folder, tenant lists
// per CCG, the DST indication beside the decision, and the meter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run_csu_for_tests.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/field_cipher.h"
#include "store/sql.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;
using testing::RunCsu;

// Invented people; the NHS numbers are valid test numbers.
constexpr const char* kSecrets[] = {"Ada Brightwater", "Brightwater", "9434765919", "1931-02-17", "Orchard Row",
                                    "Bram Oakhollow",  "Oakhollow",   "9434765870", "1944-07-30", "Mill Lane"};

class ChcCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshScratch("csu-chc-cli");
    ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
  }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Csu(const std::string& args, bool with_chc_key = true) {
    const bool chc = args.rfind("chc ", 0) == 0;
    Outcome o = testing::RunCsuOn(
        root_, args, chc && with_chc_key ? " --chc-key " + (root_ / "keys" / "chc.key").string() : "");
    if (args.rfind("chc show", 0) != 0) printed_ += o.output;
    return o;
  }
  fs::path root_;
  std::string printed_;  // everything printed except by `show`
};

TEST_F(ChcCommandTest, ScriptedRunLeavesNoIdentifierInClear) {
  Outcome o = Csu("chc refer --ccg 02e --name 'Ada Brightwater' --nhs-number 9434765919 --dob 1931-02-17 "
                  "--address '12 Orchard Row, Leeds' --on 2018-09-01");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "case 1 referred (02E")) << o.output;
  o = Csu("chc refer --ccg 00C --name 'Bram Oakhollow' --nhs-number 9434765870 --dob 1944-07-30 "
          "--address '3 Mill Lane, Darlington' --on 2018-09-02");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_EQ(Csu("chc checklist 1 --positive --on 2018-09-03").exit_code, 0);
  o = Csu("chc assess 1 --level breathing=priority --level mobility=high --recommendation eligible --on 2018-09-20");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "DST indication: clear")) << o.output;
  o = Csu("chc assess 1 --level continence=severe --recommendation eligible");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_TRUE(Contains(o.output, "continence")) << o.output;
  o = Csu("chc decide 1 --eligible --reason 'priority need in breathing' --on 2018-09-28");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "DST indication beside it: clear")) << o.output;
  o = Csu("chc package add --case 1 --provider nvc01 --setting care_home_nursing --unit-cost 950.00 --from 2018-10-01");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("chc package change 1 --provider NVC01 --setting care_home_nursing --unit-cost 1020.50 --from 2018-10-15 "
          "--reason 'fee uplift'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("chc committed-cost --as-of 2018-12-10 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "02E,2018-12,3207.29")) << o.output;
  EXPECT_TRUE(Contains(o.output, "02E,2019-02,4082.00")) << o.output;

  // An appeal: local resolution first, its outcome with reasons, on the timeline.
  EXPECT_EQ(Csu("chc appeal 1 --stage independent_review --on 2018-10-02").exit_code, 1);
  o = Csu("chc appeal 1 --stage local_resolution --on 2018-10-02");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "appeal 1 recorded")) << o.output;
  EXPECT_NE(Csu("chc appeal-outcome 2 --appeal 1 --upheld --reason x").exit_code, 0);  // not case 2's appeal
  o = Csu("chc appeal-outcome 1 --appeal 1 --not-upheld --reason 'levels confirmed' --on 2018-11-01");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(Csu("chc timeline 1 --format csv").output, "not upheld on 2018-11-01: levels confirmed"));

  // The 28-day list: case 2's Checklist is on day 26 on 2018-10-01.
  ASSERT_EQ(Csu("chc checklist 2 --positive --on 2018-09-05").exit_code, 0);
  o = Csu("chc deadlines --as-of 2018-10-01 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "2,00C,2018-09-05,26,nearing")) << o.output;
  // Tenant lists: one CCG's caseload does not list another's case.
  o = Csu("chc caseload --ccg 02E --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "\n1,02E,")) << o.output;
  EXPECT_FALSE(Contains(o.output, "00C")) << o.output;

  // The identifiable view needs a purpose, shows the fields, and is audited.
  EXPECT_EQ(Csu("chc show 1").exit_code, 2);
  o = Csu("chc show 1 --purpose 'letter of decision'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Ada Brightwater")) << o.output;
  o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, "chc.identity.view")) << o.output;
  EXPECT_TRUE(Contains(o.output, "letter of decision")) << o.output;

  // An error about a case names the case, never the person.
  o = Csu("chc decide 1 --eligible --reason again");
  EXPECT_NE(o.exit_code, 0);

  // Provider invoices (issue 20): October 1-14 at £950.00 is £1,900.00,
  // payable; a penny more is queried; the same reference again is a
  // duplicate; a malformed file stores nothing and names line and field.
  {
    std::ofstream bad(root_ / "bad.csv");
    bad << "ccg,provider,invoice_ref,case,period_from,period_to,amount\n02E,NVC01,A,1,2018-10-14,2018-10-01,5\n";
  }
  o = Csu("chc check-invoices " + (root_ / "bad.csv").string());
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "bad.csv:2: period_to: is before period_from")) << o.output;
  {
    std::ofstream inv(root_ / "invoices.csv");
    inv << "ccg,provider,invoice_ref,case,period_from,period_to,amount\n"
           "02E,NVC01,INV-1,1,2018-10-01,2018-10-14,1900.00\n"
           "02E,NVC01,INV-2,1,2018-10-15,2018-10-31,2478.37\n"
           "02E,NVC01,INV-1,1,2018-11-01,2018-11-30,4373.57\n";
  }
  o = Csu("chc check-invoices " + (root_ / "invoices.csv").string());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "3 invoices checked from invoices.csv: 1 payable, 2 queried")) << o.output;
  EXPECT_TRUE(Contains(o.output, "amount differs by £0.01")) << o.output;
  EXPECT_TRUE(Contains(o.output, "duplicate: invoice INV-1 of NVC01")) << o.output;
  o = Csu("chc invoices --ccg 02E --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "INV-1,1,2018-10-01,2018-10-14,1900.00,1900.00,payable")) << o.output;
  EXPECT_TRUE(Contains(Csu("audit list").output, "chc.invoices.check")) << "audited";

  // A retrospective claim on case 2: 30 days at £700.00 stated, eligible
  // for 10 of them: 70,000 × 10 / 7 = 100,000 pence.
  o = Csu("chc claim 2 --received 2018-09-10 --from 2016-04-01 --to 2016-04-30 --cost 2016-04-01:2016-04-30:700.00");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "claim 1 recorded, costs stated £3,000.00")) << o.output;
  EXPECT_EQ(Csu("chc claim-decide 1 --eligible --from 2016-04-21 --to 2016-04-30").exit_code, 2);  // no reason: a usage error
  o = Csu("chc claim-decide 1 --eligible --from 2016-04-21 --to 2016-04-30 --reason 'nursing needs from 21 April' "
          "--on 2018-10-20");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "claim 1: eligible, awarded £1,000.00")) << o.output;
  o = Csu("chc claims --ccg 00C --format csv");
  EXPECT_TRUE(Contains(o.output, "1,2,00C,2018-09-10,2016-04-01,2016-04-30,3000.00,eligible")) << o.output;
  EXPECT_FALSE(Contains(Csu("chc claims --ccg 02E --format csv").output, "2016-04-01"));

  // The patient level data set extract: case 1, by pseudonym only.
  o = Csu("chc plds --ccg 02E --quarter 2018-Q3 --submitter 0de --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "1.0,02E,0DE,OpenCSU,2018-10-01,2018-12-31")) << o.output;
  EXPECT_TRUE(Contains(o.output, "Care Home With Nursing")) << o.output;
  EXPECT_TRUE(Contains(Csu("audit list").output, "chc.plds.export")) << "audited";

  // The CCG's ledger: October's accrual from the package, once; the
  // forecast from the committed cost (tests/golden/chc/README.md §5 rules):
  // 14 days at £950.00 = £1,900.00 + 17 days at £1,020.50 = £2,478.36.
  const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  ASSERT_EQ(Csu("ledger entity add --entity 02e --template " + chart + " --approval-above £50,000,000").exit_code, 0);
  ASSERT_EQ(Csu("ledger period open --entity 02E --year 2018/19").exit_code, 0);
  o = Csu("ledger chc-accrual propose --entity 02E --period 2018-10 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "NVC01,1,4378.36,4378.36")) << o.output;
  o = Csu("ledger chc-accrual post --entity 02E --period 2018-10 --reason 'reviewed by the CHC finance lead'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "CHC-ACCRUAL-2018-10: accrual £4,378.36")) << o.output;
  o = Csu("ledger chc-accrual post --entity 02E --period 2018-10 --reason again");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "already posted")) << o.output;
  // Committed November-March at £1,020.50 a week: 437,357 + 451,936 +
  // 451,936 + 408,200 + 451,936 = £22,013.65; + £4,378.36 booked.
  o = Csu("ledger chc-forecast --entity 02E --period 2018-10 --set --reason 'month 7 forecast'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "committed to 31 March £22,013.65 = forecast outturn £26,392.01")) << o.output;
  o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, "ledger.chc_accrual.post")) << o.output;
  EXPECT_TRUE(Contains(o.output, "ledger.budget.forecast.chc")) << o.output;

  // Nothing identifiable in clear in the folder or in anything printed.
  for (const auto& f : fs::recursive_directory_iterator(root_ / "state")) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    for (const char* s : kSecrets) EXPECT_FALSE(Contains(bytes, s)) << s << " in " << f.path();
  }
  for (const char* s : kSecrets) EXPECT_FALSE(Contains(printed_, s)) << s << " printed";
}

TEST_F(ChcCommandTest, AListForACodeThatIsNoCcgIsRefusedNotEmpty) {
  Outcome o = Csu("chc caseload --ccg 99Z");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "--ccg: 99Z is not a CCG in the reference data")) << o.output;
  EXPECT_EQ(Csu("chc caseload --ccg 02e").exit_code, 0) << "a real CCG in any case lists (here, nothing yet)";
}

TEST_F(ChcCommandTest, KeyInsideTheStateFolderIsRefused) {
  Outcome o = Csu("chc caseload --chc-key " + (root_ / "state" / "chc.key").string(), /*with_chc_key=*/false);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "outside the state folder")) << o.output;
  EXPECT_FALSE(fs::exists(root_ / "state" / "chc.key"));
  EXPECT_FALSE(fs::exists(root_ / "state" / "chc.sqlite"));
}

TEST_F(ChcCommandTest, ImportIsAllOrNothingAndNamesEveryBadRow) {
  const std::string corpus = std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/chc_caseload/";
  Outcome o = Csu("chc import " + corpus + "bad_rows.csv");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "bad_rows.csv:2: nhs_number: is not a valid NHS number")) << o.output;
  EXPECT_TRUE(Contains(o.output, "bad_rows.csv:3: route: is not standard or fast_track")) << o.output;
  EXPECT_TRUE(Contains(o.output, "nothing was imported")) << o.output;
  o = Csu("chc caseload --format csv");
  EXPECT_FALSE(Contains(o.output, "\n1,")) << o.output;
  o = Csu("chc import " + corpus + "good.csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "2 cases imported from good.csv (cases 1 to 2)")) << o.output;
  o = Csu("chc committed-cost --as-of 2019-03-01 --ccg 02E --format csv");
  EXPECT_TRUE(Contains(o.output, "02E,2019-03,4207.14")) << o.output;  // 95,000 x 31 / 7 = 420,714.29
  o = Csu("chc timeline 1");
  EXPECT_TRUE(Contains(o.output, "imported from good.csv line 2")) << o.output;
  for (const char* s : kSecrets) EXPECT_FALSE(Contains(printed_, s)) << s << " printed";
}

// Server mode (docs/server-mode.md): two nodes, each with its own state
// folder, given the same --database and the same CHC key file. A case
// referred and decided on one is what the other lists and shows; the
// assessment is metered and every change audited in PostgreSQL; a node
// given another key is refused; neither folder gets a chc.sqlite; and no
// identifier is in clear in any PostgreSQL table. Skipped without
// CSU_TEST_POSTGRES_URL.
TEST(ChcServerModeTest, ACaseOnOneNodeIsWhatTheOtherSees) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const std::string url = schema.value()->url();
  const fs::path a = testing::FreshScratch("csu-chc-node-a"), b = testing::FreshScratch("csu-chc-node-b");
  const fs::path keys = testing::FreshScratch("csu-chc-keys");
  // Both nodes pseudonymise with one key, as a deployment's nodes do: A's
  // folder makes it, B's is made with a copy.
  for (const fs::path& node : {a, b}) {
    if (node == b) fs::copy_file(a / "keys" / "pseudo.key", b / "keys" / "pseudo.key");
    ASSERT_EQ(testing::RunCsuOn(node, "users add admin --role csu_admin --password-stdin < " + (node / "pw.txt").string())
                  .exit_code,
              0);
  }
  const std::string on = " --database '" + url + "' --chc-key " + (keys / "keys" / "chc.key").string();
  std::string printed;
  auto run = [&](const fs::path& node, const std::string& args, const std::string& extra) {
    Outcome o = testing::RunCsuOn(node, args, extra);
    if (args.rfind("chc show", 0) != 0) printed += o.output;
    return o;
  };
  Outcome o = run(a, "chc refer --ccg 02E --name 'Ada Brightwater' --nhs-number 9434765919 --dob 1931-02-17 "
                     "--address '12 Orchard Row, Leeds' --on 2018-09-01", on);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "case 1 referred (02E")) << o.output;
  o = run(b, "chc checklist 1 --positive --on 2018-09-03", on);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = run(a, "chc assess 1 --level breathing=priority --recommendation eligible --on 2018-09-20", on);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = run(b, "chc decide 1 --eligible --reason 'priority need in breathing' --on 2018-09-28", on);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "DST indication beside it: clear")) << o.output;  // B read A's assessment
  EXPECT_NE(run(a, "chc decide 1 --not-eligible --reason again", on).exit_code, 0);  // decided once, on any node
  o = run(a, "chc caseload --ccg 02E --format csv", on);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "\n1,02E,")) << o.output;
  o = run(b, "chc show 1 --purpose 'letter of decision'", on);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Ada Brightwater")) << o.output;  // sealed on A, opened on B: the same key
  // A node given another key is refused, naming the option, and changes nothing.
  const fs::path other = testing::FreshScratch("csu-chc-otherkey");
  ASSERT_TRUE(store::FieldCipher::Open((other / "keys" / "chc.key").string(), true, store::kChcCipherDomain).ok());
  o = run(b, "chc review 1 --on 2019-01-10 --outcome 'no change'",
          " --database '" + url + "' --chc-key " + (other / "keys" / "chc.key").string());
  EXPECT_NE(o.exit_code, 0);
  EXPECT_TRUE(Contains(o.output, "fingerprint differs")) << o.output;
  EXPECT_FALSE(Contains(o.output, "tangerine")) << o.output;
  // Nothing in either folder's chc.sqlite: the cases are in PostgreSQL.
  EXPECT_FALSE(fs::exists(a / "state" / "chc.sqlite"));
  EXPECT_FALSE(fs::exists(b / "state" / "chc.sqlite"));

  auto db = pg::Connect(url);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  auto count = [&](const std::string& sql) {
    auto q = db.value()->Prepare(sql);
    EXPECT_TRUE(q.ok()) << sql;
    EXPECT_TRUE(q.value().Step().value()) << sql;
    return q.value().Int(0);
  };
  EXPECT_EQ(count("SELECT count(*) FROM cases"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE case_id = 1"), 4);  // referred, checklist, assessment, decision
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action IN ('chc.refer','chc.checklist','chc.assess',"
                  "'chc.decide','chc.identity.view')"),
            5);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'chc.review'"), 0);
  EXPECT_EQ(count("SELECT coalesce(sum(quantity), 0) FROM usage WHERE meter = 'chc_assessments' AND ccg = '02E'"), 1);
  // Every row of every table in the schema, read raw: no identifier in clear.
  std::string raw;
  auto tables = db.value()->Prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
  ASSERT_TRUE(tables.ok());
  std::vector<std::string> names;
  while (tables.value().Step().value()) names.push_back(tables.value().Text(0));
  for (const std::string& t : names) {
    auto rows = db.value()->Prepare("SELECT t::text FROM " + t + " t");
    ASSERT_TRUE(rows.ok()) << t;
    while (rows.value().Step().value()) raw += rows.value().Text(0) + "\n";
  }
  EXPECT_TRUE(Contains(raw, "priority need in breathing")) << "the rows were read";
  for (const char* secret : kSecrets) {
    EXPECT_FALSE(Contains(raw, secret)) << secret << " in a PostgreSQL table";
    EXPECT_FALSE(Contains(printed, secret)) << secret << " printed";
  }
  for (const fs::path& p : {a, b, keys, other}) fs::remove_all(p);
}

}  // namespace
}  // namespace csu::cli
