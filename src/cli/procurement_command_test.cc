// The procurement commands end to end on a temporary state folder: plan,
// tender, criteria and scores imports, moderation, evaluation, award with
// its standstill, a representation, contract award into the commissioning
// database, OCDS publication, the audit log and the billing meter; and the
// refusals a user sees, each leaving the store as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/run_csu_for_tests.h"
#include "cli/server_mode.h"
#include "contracts/contract_store.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;
using testing::RunCsu;

class ProcurementCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshScratch("csu-procurement-cli");
    ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + Path("pw.txt")).exit_code, 0);
    fs::copy_file(std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/procurement_files/golden-criteria.csv",
                  root_ / "criteria.csv");
    std::ofstream(root_ / "e1.csv") << "bid,criterion,score,comment\nB1,Q1,3,\nB1,Q2,3,\nB1,S1,2,\n"
                                       "B2,Q1,2,\nB2,Q2,3,\nB2,S1,4,\nB3,Q1,4,\nB3,Q2,4,\nB3,S1,3,\n";
    std::ofstream(root_ / "e2.csv") << "bid,criterion,score\nB1,Q1,4\nB1,Q2,3\nB1,S1,2\n"
                                       "B2,Q1,3\nB2,Q2,3\nB2,S1,3\nB3,Q1,4\nB3,Q2,3\nB3,S1,3\n";
    std::ofstream(root_ / "spec.txt") << "Service specification v1\n";
  }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Csu(const std::string& args) {
    return testing::RunCsuOn(root_, args);
  }
  std::string Path(const char* name) const { return (root_ / name).string(); }
  void Ok(const std::string& args) {
    Outcome o = Csu(args);
    ASSERT_EQ(o.exit_code, 0) << args << "\n" << o.output;
  }
  fs::path root_;
};

TEST_F(ProcurementCommandTest, TheGoldenTenderFromPlanToPublishedContract) {
  const std::string t = "--ccg 02e --tender T-1";
  Ok("procurement plan add --ccg 02E --ref P1 --title \"Community MSK\" --value 1200000.00 --regime psr "
     "--process competitive --reasons \"several capable providers\" --key-criteria \"quality; value\" "
     "--start 2025-06-01 --award-by 2025-12-31");
  Ok("procurement tender create " + t + " --plan P1 --title \"Community MSK\" --deadline 2025-09-01");
  Ok("procurement tender document " + t + " " + Path("spec.txt"));
  Ok("procurement criteria " + t + " " + Path("criteria.csv"));
  Ok("procurement bids add " + t + " --bid B1 --bidder \"Alpha Health\" --provider RBT --price 100000.00");
  Ok("procurement bids add " + t + " --bid B2 --bidder \"Beta Care\" --provider RWW --price 80000.00");
  Ok("procurement bids add " + t + " --bid B3 --bidder \"Gamma Services\" --provider RJN --price 90000.00");
  Ok("procurement bids add " + t + " --bid B4 --bidder \"Delta Ltd\" --price 70000.00");
  // An evaluator must declare first.
  Outcome undeclared = Csu("procurement assign " + t + " --evaluator e1 --bid B1");
  EXPECT_EQ(undeclared.exit_code, 1);
  EXPECT_TRUE(Contains(undeclared.output, "has not declared")) << undeclared.output;
  Ok("procurement declare " + t + " --person e1 --interest none");
  Ok("procurement declare " + t + " --person e2 --interest \"former employee of Beta Care\" --conflict "
     "--management \"left 2019; panel chair agreed no active interest\"");
  Ok("procurement assign " + t + " --evaluator e1 --bid B1 --bid B2 --bid B3");
  Ok("procurement assign " + t + " --evaluator e2 --bid B1 --bid B2 --bid B3");
  // A bad scores file names the line and field, and stores nothing.
  std::ofstream(root_ / "bad.csv") << "bid,criterion,score\nB1,Q1,3\nB1,Q2,x\n";
  Outcome bad = Csu("procurement scores " + t + " --evaluator e1 " + Path("bad.csv"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(Contains(bad.output, "bad.csv:3: score: 'x' is not a whole number")) << bad.output;
  // Clarification questions while the tender is open.
  Ok("procurement clarification add " + t + " --from \"Delta Ltd\" --received 2025-07-01 --question \"Is TUPE in scope?\"");
  Ok("procurement clarification answer " + t + " --seq 1 --answer \"Yes, schedule 4\" --answered 2025-07-03 --publish");
  Ok("procurement scores " + t + " --evaluator e1 " + Path("e1.csv"));
  Ok("procurement scores " + t + " --evaluator e2 " + Path("e2.csv"));
  // Nobody sees the scores together before moderation.
  Outcome early = Csu("procurement evaluate " + t);
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_TRUE(Contains(early.output, "sealed")) << early.output;
  Ok("procurement moderate open " + t);
  Ok("procurement exclude " + t + " --bid B4 --ground \"mandatory exclusion: debarment list\"");
  Ok("procurement moderate set " + t + " --bid B1 --criterion Q1 --score 4 --reason \"seven-day service evidenced\"");
  Ok("procurement moderate set " + t + " --bid B2 --criterion Q1 --score 2 --reason \"pathway not described\"");
  Ok("procurement moderate set " + t + " --bid B2 --criterion S1 --score 3 --reason \"jobs not quantified\"");
  Ok("procurement moderate set " + t + " --bid B3 --criterion Q2 --score 4 --reason \"plan in place\"");
  Outcome ev = Csu("procurement evaluate " + t + " --format csv");
  ASSERT_EQ(ev.exit_code, 0) << ev.output;
  EXPECT_TRUE(Contains(ev.output, "1,B3,Gamma Services,90000.00,67.50,26.67,94.17,565/6,most advantageous tender"))
      << ev.output;
  Outcome award = Csu("procurement award " + t + " --notice 2025-12-19");
  ASSERT_EQ(award.exit_code, 0) << award.output;
  EXPECT_TRUE(Contains(award.output, "ends 2026-01-05")) << award.output;
  EXPECT_TRUE(Contains(award.output, "Conflict of interest: e2")) << award.output;
  Ok("procurement representation add " + t + " --from \"Beta Care\" --received 2025-12-23 --summary \"Q1 score\"");
  Outcome early_contract = Csu("procurement contract " + t + " --signed 2026-01-07");
  EXPECT_EQ(early_contract.exit_code, 1);
  EXPECT_TRUE(Contains(early_contract.output, "awaiting its outcome")) << early_contract.output;
  Ok("procurement representation decide " + t + " --seq 1 --outcome \"not upheld\"");
  Outcome contract = Csu("procurement contract " + t + " --signed 2026-01-07");
  ASSERT_EQ(contract.exit_code, 0) << contract.output;
  EXPECT_TRUE(Contains(contract.output, "created in the commissioning database")) << contract.output;
  {
    auto held = contracts::ContractStore::Open((root_ / "state").string());
    ASSERT_TRUE(held.ok());
    auto year = held.value()->Contracts(FinancialYear(2025));
    ASSERT_TRUE(year.ok());
    ASSERT_EQ(year.value().size(), 1u);
    EXPECT_EQ(year.value()[0].commissioner.ToString(), "02E");
    EXPECT_EQ(year.value()[0].provider.ToString(), "RJN");
  }
  // A second contract command is refused: the tender is already contracted.
  EXPECT_EQ(Csu("procurement contract " + t + " --signed 2026-01-08").exit_code, 1);

  // The decision record as a workbook: six sheets, and as JSON with the
  // moderation reason and the conflict's management.
  Ok("procurement record " + t + " --format xlsx --out " + Path("record.xlsx"));
  EXPECT_GT(fs::file_size(root_ / "record.xlsx"), 1000u);
  Outcome decision = Csu("procurement record " + t + " --format json");
  ASSERT_EQ(decision.exit_code, 0) << decision.output;
  EXPECT_TRUE(Contains(decision.output, "seven-day service evidenced")) << decision.output;
  EXPECT_TRUE(Contains(decision.output, "panel chair agreed")) << decision.output;
  EXPECT_TRUE(Contains(decision.output, "not upheld")) << decision.output;
  EXPECT_TRUE(Contains(decision.output, "Yes, schedule 4")) << decision.output;

  for (const char* stage : {"planning", "tender", "award", "contract"})
    Ok(std::string("procurement publish ") + t + " --stage " + stage + " --out-dir " + root_.string());
  std::ifstream rec(root_ / "T-1-record-package.json");
  const auto record = nlohmann::json::parse(rec);
  ASSERT_EQ(record["records"].size(), 1u);
  EXPECT_EQ(record["records"][0]["ocid"], "ocds-test00-T-1");
  EXPECT_EQ(record["records"][0]["releases"].size(), 4u);
  EXPECT_EQ(record["records"][0]["compiledRelease"]["awards"][0]["suppliers"][0]["name"], "Gamma Services");

  // Every change is in the audit log, and the award is metered once.
  Outcome audit = Csu("audit list");
  EXPECT_TRUE(Contains(audit.output, "procurement.award")) << audit.output;
  EXPECT_TRUE(Contains(audit.output, "procurement.scores.submit")) << audit.output;
  EXPECT_TRUE(Contains(audit.output, "procurement.clarification.answer")) << audit.output;
  EXPECT_FALSE(Contains(audit.output, "\"score\":"));  // scores stay sealed, even in the log
  Outcome verify = Csu("audit verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST_F(ProcurementCommandTest, AnotherCcgSeesNoTender) {
  Ok("procurement plan add --ccg 02E --ref P1 --title X --value 10.00 --regime pa2023 --start 2025-06-01 "
     "--award-by 2025-07-01");
  Ok("procurement tender create --ccg 02E --tender T-9 --plan P1 --title X --deadline 2025-06-20");
  Outcome other = Csu("procurement tender show --ccg 27D --tender T-9");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_TRUE(Contains(other.output, "no such tender for CCG 27D")) << other.output;
}

// Clarifications: an answer is refused for a question that does not exist
// or is already answered, naming why; the shared list has published answers
// only and never says who asked; another CCG's tender is missing.
TEST_F(ProcurementCommandTest, ClarificationsAreAnsweredOnceAndSharedWithoutTheAsker) {
  const std::string t = "--ccg 02E --tender T-3";
  Ok("procurement plan add --ccg 02E --ref P3 --title X --value 10.00 --regime pa2023 --start 2025-06-01 "
     "--award-by 2025-07-01");
  Ok("procurement tender create " + t + " --plan P3 --title X --deadline 2025-06-20");
  Ok("procurement clarification add " + t + " --from \"Alpha Health\" --received 2025-06-02 --question \"Which sites?\"");
  Ok("procurement clarification add " + t + " --from \"Beta Care\" --received 2025-06-03 --question \"Our own pricing?\"");
  Outcome missing = Csu("procurement clarification answer " + t + " --seq 7 --answer A --answered 2025-06-04");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.output, "clarification 7 of tender T-3: there is no such question")) << missing.output;
  Ok("procurement clarification answer " + t + " --seq 1 --answer \"Leeds and Bradford\" --answered 2025-06-04 --publish");
  Ok("procurement clarification answer " + t + " --seq 2 --answer \"See your letter\" --answered 2025-06-04");
  Outcome twice = Csu("procurement clarification answer " + t + " --seq 1 --answer B --answered 2025-06-05");
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_TRUE(Contains(twice.output, "already answered on 2025-06-04")) << twice.output;
  Outcome own = Csu("procurement clarification list " + t + " --format csv");
  ASSERT_EQ(own.exit_code, 0) << own.output;
  EXPECT_TRUE(Contains(own.output, "Alpha Health")) << own.output;
  EXPECT_TRUE(Contains(own.output, "the asker only")) << own.output;
  Outcome shared = Csu("procurement clarification list " + t + " --format csv --shared");
  ASSERT_EQ(shared.exit_code, 0) << shared.output;
  EXPECT_TRUE(Contains(shared.output, "Leeds and Bradford")) << shared.output;
  EXPECT_FALSE(Contains(shared.output, "Alpha Health")) << shared.output;
  EXPECT_FALSE(Contains(shared.output, "See your letter")) << shared.output;
  Outcome other = Csu("procurement clarification list --ccg 27D --tender T-3");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_TRUE(Contains(other.output, "no such tender for CCG 27D")) << other.output;
  EXPECT_TRUE(Contains(Csu("audit list").output, "procurement.clarification.add"));
}

// Patient flows by practice for one service line, from loaded synthetic
// activity: each practice's shares add up to the whole of its activity; the
// shared view hides small counts and the shares they would reveal; a line
// without activity, or --pod without --tfc, is refused naming the option.
TEST_F(ProcurementCommandTest, MarketPatientFlowsByPracticeForOneServiceLine) {
  const std::string syn = Path("syn");
  Outcome made = RunCsu(testing::kRefdata + "synth --out " + syn + " --ccgs 02E --year 2018/19 --seed 1 --quiet");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  Ok("ingest --kind apc " + syn + "/apc.csv");
  Outcome own = Csu("procurement market --ccg 02E --pod EL --tfc 110 --format json");
  ASSERT_EQ(own.exit_code, 0) << own.output;
  const auto tables = nlohmann::json::parse(own.output);
  const nlohmann::json* flows = nullptr;
  for (const auto& t : tables)
    if (t["title"] == "Patient flows by practice") flows = &t;
  ASSERT_NE(flows, nullptr) << own.output.substr(0, 400);
  ASSERT_FALSE((*flows)["rows"].empty());
  // JSON shares are rounded to 3 decimals: each row may be 0.0005 off.
  std::map<std::string, double> share_sum;
  std::map<std::string, int> rows_of;
  std::map<std::string, int64_t> practices;
  for (const auto& r : (*flows)["rows"]) {
    share_sum[r["practice_period"].get<std::string>()] += r["share"].get<double>();
    rows_of[r["practice_period"].get<std::string>()]++;
    practices[r["practice"].get<std::string>()] += r["activity"].get<int64_t>();
  }
  EXPECT_GT(practices.size(), 1u);
  for (const auto& [group, sum] : share_sum) EXPECT_NEAR(sum, 1.0, 0.0005 * rows_of[group] + 1e-9) << group;
  Outcome shared = Csu("procurement market --ccg 02E --pod EL --tfc 110 --shared --format csv");
  ASSERT_EQ(shared.exit_code, 0) << shared.output;
  EXPECT_TRUE(Contains(shared.output, ",*,*")) << shared.output.substr(0, 400);
  Outcome none = Csu("procurement market --ccg 02E --pod EL --tfc 999");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(Contains(none.output, "--pod EL --tfc 999: no activity")) << none.output;
  Outcome half = Csu("procurement market --ccg 02E --pod EL");
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_TRUE(Contains(half.output, "--tfc: patient flows need both")) << half.output;
}

TEST_F(ProcurementCommandTest, AFullTieNeedsARecordedDecisionForOneOfTheTiedBids) {
  const std::string t = "--ccg 02E --tender T-2";
  Ok("procurement plan add --ccg 02E --ref P2 --title Tie --value 100.00 --regime pa2023 --start 2025-06-01 "
     "--award-by 2025-12-31");
  Ok("procurement tender create " + t + " --plan P2 --title Tie --deadline 2025-09-01");
  std::ofstream(root_ / "tie.csv") << "type,id,parent,kind,name,weight,score\ncriterion,Q,,quality,Quality,70,\n"
                                      "sub,Q1,Q,,Model,70,\ncriterion,P,,price,Price,30,\nscale,,,,No,,0\n"
                                      "scale,,,,Some,,1\nscale,,,,Yes,,2\n";
  Ok("procurement criteria " + t + " " + Path("tie.csv"));
  Ok("procurement bids add " + t + " --bid T1 --bidder Tern --provider RBT --price 100.00");
  Ok("procurement bids add " + t + " --bid T2 --bidder Teal --provider RWW --price 100.00");
  Ok("procurement bids add " + t + " --bid T3 --bidder Tit --provider RJN --price 200.00");
  Ok("procurement declare " + t + " --person e1 --interest none");
  Ok("procurement assign " + t + " --evaluator e1 --bid T1 --bid T2 --bid T3");
  std::ofstream(root_ / "tie-e1.csv") << "bid,criterion,score\nT1,Q1,2\nT2,Q1,2\nT3,Q1,1\n";
  Ok("procurement scores " + t + " --evaluator e1 " + Path("tie-e1.csv"));
  Ok("procurement moderate open " + t);
  // T1 and T2: 70 + 30 = 100 each, equal on quality too: no most advantageous tender.
  Outcome plain = Csu("procurement award " + t + " --notice 2025-12-19");
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_TRUE(Contains(plain.output, "bids T1, T2 tie")) << plain.output;
  Outcome third = Csu("procurement award " + t + " --notice 2025-12-19 --bid T3 --tie-decision \"cheaper\"");
  EXPECT_EQ(third.exit_code, 1) << "T3 is not one of the tied bids";
  Outcome decided = Csu("procurement award " + t + " --notice 2025-12-19 --bid T2 --tie-decision \"local access\"");
  ASSERT_EQ(decided.exit_code, 0) << decided.output;
  EXPECT_TRUE(Contains(decided.output, "Tie decided for bid T2: local access")) << decided.output;
  // Procurement Act: 19 Dec counts, so standstill ends 2 January.
  EXPECT_TRUE(Contains(decided.output, "ends 2026-01-02")) << decided.output;
}

// Server mode (docs/server-mode.md): two nodes, each with its own state
// folder, given the same --database, take one tender from plan to published
// contract, alternating. Every step sees the other node's writes (a bid
// added on one is scored on the other; moderation opened on one seals
// scoring on both); releases are numbered in one series; the contract for
// monitoring, the award's meter count and every audit entry are in
// PostgreSQL; neither state folder's procurement.sqlite holds the tender.
// Skipped without CSU_TEST_POSTGRES_URL.
TEST_F(ProcurementCommandTest, TwoNodesShareOneTenderThroughTheDatabase) {
  auto schema = pg::TestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  if (!schema.value()) GTEST_SKIP() << pg::kNoPostgresMessage;
  const std::string db = " --database '" + schema.value()->url() + "'";
  const fs::path b = testing::FreshScratch("csu-procurement-node-b");
  ASSERT_EQ(testing::RunCsuOn(b, "users add admin --role csu_admin --password-stdin < " + (b / "pw.txt").string()).exit_code, 0);
  int step = 0;
  // Alternates nodes: even steps on this test's folder (A), odd on B.
  auto on = [&](const std::string& args) {
    const fs::path& node = (step++ % 2 == 0) ? root_ : b;
    return testing::RunCsuOn(node, args, db);
  };
  auto ok = [&](const std::string& args) {
    Outcome o = on(args);
    EXPECT_EQ(o.exit_code, 0) << args << "\n" << o.output;
  };
  const std::string t = "--ccg 02E --tender T-1";
  ok("procurement plan add --ccg 02E --ref P1 --title \"Community MSK\" --value 1200000.00 --regime psr "
     "--process competitive --reasons \"several capable providers\" --key-criteria \"quality; value\" "
     "--start 2025-06-01 --award-by 2025-12-31");
  ok("procurement tender create " + t + " --plan P1 --title \"Community MSK\" --deadline 2025-09-01");
  ok("procurement tender document " + t + " " + Path("spec.txt"));
  ok("procurement criteria " + t + " " + Path("criteria.csv"));
  ok("procurement bids add " + t + " --bid B1 --bidder \"Alpha Health\" --provider RBT --price 100000.00");
  ok("procurement bids add " + t + " --bid B2 --bidder \"Beta Care\" --provider RWW --price 80000.00");
  ok("procurement bids add " + t + " --bid B3 --bidder \"Gamma Services\" --provider RJN --price 90000.00");
  ok("procurement declare " + t + " --person e1 --interest none");
  ok("procurement declare " + t + " --person e2 --interest none");
  ok("procurement assign " + t + " --evaluator e1 --bid B1 --bid B2 --bid B3");
  ok("procurement assign " + t + " --evaluator e2 --bid B1 --bid B2 --bid B3");
  // The scores files are in A's folder; each node reads the path it is given.
  ok("procurement scores " + t + " --evaluator e1 " + Path("e1.csv"));
  ok("procurement scores " + t + " --evaluator e2 " + Path("e2.csv"));
  ok("procurement moderate open " + t);
  // Sealed on the other node too.
  Outcome late = on("procurement scores " + t + " --evaluator e1 " + Path("e1.csv"));
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_TRUE(Contains(late.output, "only while the tender is open")) << late.output;
  ok("procurement moderate set " + t + " --bid B1 --criterion Q1 --score 4 --reason \"seven-day service evidenced\"");
  ok("procurement moderate set " + t + " --bid B2 --criterion Q1 --score 2 --reason \"pathway not described\"");
  ok("procurement moderate set " + t + " --bid B2 --criterion S1 --score 3 --reason \"jobs not quantified\"");
  ok("procurement moderate set " + t + " --bid B3 --criterion Q2 --score 4 --reason \"plan in place\"");
  ok("procurement award " + t + " --notice 2025-12-19");
  ok("procurement contract " + t + " --signed 2026-01-07");
  ok("procurement publish " + t + " --stage planning");
  ok("procurement publish " + t + " --stage tender");
  Outcome last = on("procurement publish " + t + " --stage tender");
  ASSERT_EQ(last.exit_code, 0) << last.output;
  EXPECT_TRUE(Contains(last.output, "ocds-test00-T-1-tender-2")) << last.output;
  EXPECT_TRUE(Contains(last.output, "ocds-test00-T-1-planning-1")) << last.output;

  // Neither state folder's own procurement.sqlite has the tender.
  for (const fs::path& node : {root_, b}) {
    Outcome local = testing::RunCsuOn(node, "procurement tender show " + t);
    EXPECT_EQ(local.exit_code, 1) << local.output;
    EXPECT_TRUE(Contains(local.output, "no such tender for CCG 02E")) << local.output;
  }
  auto conn = pg::Connect(schema.value()->url());
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  auto q = conn.value()->Prepare(
      "SELECT (SELECT count(*) FROM procurement_releases WHERE ocid = 'ocds-test00-T-1'), "
      "(SELECT count(*) FROM contracts WHERE commissioner = '02E' AND provider = 'RJN'), "
      "(SELECT coalesce(sum(quantity), 0) FROM usage WHERE ccg = '02E' AND meter = 'procurements'), "
      "(SELECT count(*) FROM audit_log WHERE action LIKE 'procurement.%'), "
      "(SELECT status FROM procurement_tenders WHERE id = 'T-1')");
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  ASSERT_TRUE(q.value().Step().value());
  EXPECT_EQ(q.value().Int(0), 3);
  EXPECT_EQ(q.value().Int(1), 1);  // the contract for monitoring, in PostgreSQL's commissioning tables
  EXPECT_EQ(q.value().Int(2), 1);  // one award, counted once
  EXPECT_EQ(q.value().Int(3), 23);  // every change above, in PostgreSQL's audit log
  EXPECT_EQ(q.value().Text(4), "contracted");
  auto log = OpenServerAudit(schema.value()->url());
  ASSERT_TRUE(log.ok()) << log.error().ToString();
  auto chain = log.value()->Verify();
  ASSERT_TRUE(chain.ok()) << chain.error().ToString();
  EXPECT_GE(chain.value(), 23);
  fs::remove_all(b);
}

}  // namespace
}  // namespace csu::cli
