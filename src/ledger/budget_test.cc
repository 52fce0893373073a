// Budgets: the budget file reader (docs/formats/ledger-budget-v1.md), the
// flat profile's cumulative rounding, versions and approval, virements that
// must balance, forecast overrides, and the golden two months of a CCG's
// ledger with a budget, a virement and the position, worked by hand in
// tests/golden/ledger/README.md. The stored parts run on SQLite and on
// PostgreSQL (server mode).
#include <gtest/gtest.h>

#include <numeric>

#include "core/file.h"
#include "ledger/budget_file.h"
#include "ledger/budget_reports.h"
#include "ledger/ledger_testing.h"
#include "report/render.h"

namespace csu::ledger {
namespace {

using testing::AnyOrg;
using testing::BackendName;
using testing::LedgerBackend;
using testing::ShippedChart;
using testing::TempDir;
using testing::Txns;

const Actor kAlice{"2018-05-01T09:00:00Z", "alice"};
const Actor kBob{"2018-05-02T10:00:00Z", "bob"};
const char* kHeader = "cost_centre,account,annual,profile,apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,mar\n";

std::string Golden(const std::string& name) {
  auto text = ReadFile(std::string(CSU_SOURCE_DIR) + "/tests/golden/ledger/" + name);
  if (!text.ok()) throw std::runtime_error(text.error().ToString());
  return text.value();
}

TEST(BudgetFile, FlatTwelfthsRoundCumulativelyAndAddUpToTheYear) {
  // The worked example of docs/formats/ledger-budget-v1.md.
  EXPECT_EQ(FlatTwelfths(10'000), (MonthAmounts{833, 834, 833, 833, 834, 833, 833, 834, 833, 833, 834, 833}));
  EXPECT_EQ(FlatTwelfths(12'000), (MonthAmounts{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}));
  EXPECT_EQ(FlatTwelfths(5), (MonthAmounts{0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0}));
  for (int64_t annual : std::vector<int64_t>{0, 1, 11, 99'999, 123'456'789'01, kMaxBudgetPence}) {
    const MonthAmounts m = FlatTwelfths(annual);
    EXPECT_EQ(std::accumulate(m.begin(), m.end(), int64_t{0}), annual);
    for (int64_t x : m) EXPECT_LE(x - annual / 12, 1);
  }
  EXPECT_EQ(CumulativeSpread(1000, 3), (std::vector<int64_t>{333, 334, 333}));
}

TEST(BudgetFile, ReadsBothProfiles) {
  auto lines = ParseBudgetFile(Golden("budget-2018-19.csv"), "b.csv");
  ASSERT_TRUE(lines.ok()) << lines.error().ToString();
  ASSERT_EQ(lines.value().size(), 4u);
  const BudgetLine& alloc = lines.value()[0];
  EXPECT_EQ(alloc.cost_centre, "CC100");
  EXPECT_EQ(alloc.account, "income:allocation:programme");
  EXPECT_EQ(alloc.annual(), 120'000);
  EXPECT_EQ(alloc.line, 2);
  EXPECT_EQ(lines.value()[2].months,
            (MonthAmounts{1500, 1500, 1500, 1500, 1500, 1500, 2500, 2500, 2500, 2500, 2500, 2500}));
  EXPECT_EQ(lines.value()[3].months, FlatTwelfths(10'000));
  // What is read writes back to a file that reads the same.
  auto again = ParseBudgetFile(WriteBudgetFile(lines.value()), "again.csv");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(again.value()[i].months, lines.value()[i].months);
    EXPECT_EQ(again.value()[i].account, lines.value()[i].account);
  }
}

TEST(BudgetFile, BadRowsAreNamedWithLineAndField) {
  const std::string ok_row = "CC100,expenses:programme:acute,600,flat,,,,,,,,,,,,\n";
  struct Case {
    std::string text, where, why;
  };
  const std::vector<Case> cases = {
      {"", "b.csv:1", "empty"},
      {"cost_centre,account,annual\n", "b.csv:1", "no profile column"},
      {"cost_centre,account,amount,profile,apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,mar\n", "b.csv:1", "amount"},
      {std::string(kHeader) + ok_row + "CC100,expenses:programme:acute,1,flat\n", "b.csv:3", "4 fields"},
      {std::string(kHeader) + ",expenses:programme:acute,1,flat,,,,,,,,,,,,\n", "b.csv:2", "cost_centre is empty"},
      {std::string(kHeader) + "CC100,,1,flat,,,,,,,,,,,,\n", "b.csv:2", "account is empty"},
      {std::string(kHeader) + "CC100,expenses:x,£1.234,flat,,,,,,,,,,,,\n", "b.csv:2", "annual"},
      {std::string(kHeader) + "CC100,expenses:x,-5,flat,,,,,,,,,,,,\n", "b.csv:2", "annual is negative"},
      {std::string(kHeader) + "CC100,expenses:x,5,even,,,,,,,,,,,,\n", "b.csv:2", "neither flat nor months"},
      {std::string(kHeader) + "CC100,expenses:x,5,flat,,,1,,,,,,,,,\n", "b.csv:2", "jun is given with profile flat"},
      {std::string(kHeader) + "CC100,expenses:x,12,months,1,1,1,1,1,1,1,1,1,1,1,\n", "b.csv:2", "mar is empty"},
      {std::string(kHeader) + "CC100,expenses:x,12,months,1,1,1,1,1,1,1,1,1,1,1,x\n", "b.csv:2", "mar \"x\""},
      {std::string(kHeader) + "CC100,expenses:x,12,months,1,1,1,1,1,1,1,1,1,1,1,2\n", "b.csv:2",
       "add up to £13.00, not the annual £12.00"},
      {std::string(kHeader) + ok_row + ok_row, "b.csv:3", "budgeted twice (first on line 2)"},
  };
  for (const Case& c : cases) {
    auto r = ParseBudgetFile(c.text, "b.csv");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().where, c.where) << c.text << " → " << r.error().ToString();
    EXPECT_NE(r.error().why.find(c.why), std::string::npos) << r.error().ToString();
  }
}

class BudgetStore : public LedgerBackend {
 protected:
  // The rows of `table` (its name in the SQLite file), read beneath the store.
  int64_t Rows(const std::string& table) {
    auto raw = Raw();
    if (!raw) return -1;
    auto q = raw->Prepare("SELECT COUNT(*) FROM " + Table(table));
    EXPECT_TRUE(q.ok()) << q.error().ToString();
    if (!q.ok() || !q.value().Step().value()) return -1;
    return q.value().Int(0);
  }
};
class BudgetGolden : public LedgerBackend {};
INSTANTIATE_TEST_SUITE_P(Backends, BudgetStore, ::testing::Values("sqlite", "postgresql"), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, BudgetGolden, ::testing::Values("sqlite", "postgresql"), BackendName);

std::unique_ptr<LedgerStore> NewLedger(LedgerBackend& backend) {
  auto db = backend.MustOpen();
  if (!db) return nullptr;
  auto e = db->AddEntity({"02E", EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""},
                         ShippedChart("ccg"), kAlice);
  EXPECT_TRUE(e.ok()) << e.error().ToString();
  return db;
}

std::vector<BudgetLine> GoldenBudget() {
  auto lines = ParseBudgetFile(Golden("budget-2018-19.csv"), "budget-2018-19.csv");
  if (!lines.ok()) throw std::runtime_error(lines.error().ToString());
  return lines.value();
}

const FinancialYear k2018(2018);

TEST_P(BudgetStore, LinesOutsideTheChartAreRefusedByFileLineAndNothingIsStored) {
  auto db = NewLedger(*this);
  ASSERT_TRUE(db);
  std::vector<BudgetLine> lines = GoldenBudget();
  lines[2].cost_centre = "CC999";
  auto r = db->SetBudget("02E", k2018, lines, "plan", "budget-2018-19.csv", kAlice);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "budget-2018-19.csv:4");
  EXPECT_NE(r.error().why.find("cost centre CC999 is not in the chart"), std::string::npos);
  lines = GoldenBudget();
  lines[1].account = "assets:current:cash:gbs";
  r = db->SetBudget("02E", k2018, lines, "plan", "budget-2018-19.csv", kAlice);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "budget-2018-19.csv:3");
  EXPECT_NE(r.error().why.find("only income and expense accounts"), std::string::npos);
  lines = GoldenBudget();
  lines[1].account = "expenses:programme:nonesuch";
  EXPECT_FALSE(db->SetBudget("02E", k2018, lines, "plan", "b.csv", kAlice).ok());
  EXPECT_FALSE(db->SetBudget("02E", k2018, GoldenBudget(), " ", "b.csv", kAlice).ok()) << "a reason is required";
  EXPECT_EQ(Rows("budget_versions"), 0);
  EXPECT_EQ(Rows("budget_lines"), 0);
}

TEST_P(BudgetStore, VersionsAreImmutableAndOneIsApprovedAtATime) {
  auto db = NewLedger(*this);
  ASSERT_TRUE(db);
  auto v1 = db->SetBudget("02E", k2018, GoldenBudget(), "opening plan", "budget-2018-19.csv", kAlice);
  ASSERT_TRUE(v1.ok()) << v1.error().ToString();
  EXPECT_EQ(v1.value(), 1);
  EXPECT_EQ(db->Budget("02E", k2018).value().version, 0) << "a draft is not the budget of record";
  auto ap = db->ApproveBudget("02E", k2018, 1, kBob);
  ASSERT_TRUE(ap.ok()) << ap.error().ToString();
  EXPECT_FALSE(db->ApproveBudget("02E", k2018, 1, kBob).ok()) << "approved once";
  EXPECT_FALSE(db->ApproveBudget("02E", k2018, 7, kBob).ok());
  auto lines = GoldenBudget();
  lines[1].months[0] += 100;
  ASSERT_EQ(db->SetBudget("02E", k2018, lines, "revised plan", "b2.csv", kAlice).value(), 2);
  ASSERT_TRUE(db->ApproveBudget("02E", k2018, 2, kBob).ok());
  auto versions = db->BudgetVersions("02E", k2018);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions.value().size(), 2u);
  EXPECT_EQ(versions.value()[0].state, BudgetState::kSuperseded);
  EXPECT_EQ(versions.value()[0].approved_by, "bob");
  EXPECT_EQ(versions.value()[0].income, Money::FromPounds(1200));
  EXPECT_EQ(versions.value()[0].expenditure, Money::FromPounds(940));
  EXPECT_EQ(versions.value()[0].lines, 4);
  EXPECT_EQ(versions.value()[1].state, BudgetState::kApproved);
  EXPECT_EQ(versions.value()[1].expenditure, Money::FromPence(94'100));
  EXPECT_EQ(db->Budget("02E", k2018).value().version, 2);
  EXPECT_EQ(db->Budget("02E", k2018, 1).value().lines[0].months[0], 5000) << "version 1 as set";
  // The file refuses changes behind the store's back.
  auto raw = Raw();
  ASSERT_TRUE(raw);
  for (const std::string& sql : {"UPDATE " + Table("budget_lines") + " SET amount_pence = 1",
                                 "DELETE FROM " + Table("budget_lines"), "DELETE FROM " + Table("budget_versions"),
                                 "UPDATE " + Table("budget_versions") + " SET reason = 'x'",
                                 "UPDATE " + Table("budget_versions") + " SET state = 'approved' WHERE version = 1"})
    EXPECT_FALSE(raw->Exec(sql).ok()) << sql;
  EXPECT_EQ(Rows("budget_lines"), 8 * 12);
}

TEST_P(BudgetStore, VirementsMustBalanceAndLeaveNoMonthBelowZero) {
  auto db = NewLedger(*this);
  ASSERT_TRUE(db);
  const std::vector<VirementLine> move = {{"CC200", "expenses:programme:mental-health", 2, -500},
                                          {"CC100", "expenses:programme:acute", 2, 500}};
  auto none = db->Vire("02E", k2018, move, "no budget yet", kAlice);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().why.find("no approved budget"), std::string::npos);
  ASSERT_TRUE(db->SetBudget("02E", k2018, GoldenBudget(), "plan", "b.csv", kAlice).ok());
  ASSERT_TRUE(db->ApproveBudget("02E", k2018, 1, kBob).ok());

  auto unbalanced = db->Vire("02E", k2018, {{"CC200", "expenses:programme:mental-health", 2, -500},
                                            {"CC100", "expenses:programme:acute", 2, 400}},
                             "short", kAlice);
  ASSERT_FALSE(unbalanced.ok());
  EXPECT_NE(unbalanced.error().why.find("does not balance"), std::string::npos);
  EXPECT_NE(unbalanced.error().why.find("expenditure budget by -£1.00"), std::string::npos)
      << unbalanced.error().ToString();
  auto across = db->Vire("02E", k2018, {{"CC100", "income:allocation:programme", 2, -500},
                                        {"CC100", "expenses:programme:acute", 2, 500}},
                         "income into spend", kAlice);
  ASSERT_FALSE(across.ok()) << "moving income budget to expenditure changes the planned surplus";
  auto too_much = db->Vire("02E", k2018, {{"CC200", "expenses:programme:mental-health", 2, -1501},
                                          {"CC100", "expenses:programme:acute", 2, 1501}},
                           "more than there is", kAlice);
  ASSERT_FALSE(too_much.ok());
  EXPECT_NE(too_much.error().why.find("-£0.01"), std::string::npos) << too_much.error().ToString();
  EXPECT_FALSE(db->Vire("02E", k2018, move, "", kAlice).ok()) << "a reason is required";
  EXPECT_FALSE(db->Vire("02E", k2018, {{"CC777", "expenses:programme:acute", 2, -500},
                                       {"CC100", "expenses:programme:acute", 2, 500}}, "x", kAlice).ok());
  EXPECT_FALSE(db->Vire("02E", k2018, {{"CC200", "expenses:programme:mental-health", 13, -500},
                                       {"CC100", "expenses:programme:acute", 13, 500}}, "x", kAlice).ok());
  auto itself = db->Vire("02E", k2018, {{"CC100", "expenses:programme:acute", 2, -500},
                                        {"CC100", "expenses:programme:acute", 2, 500}}, "x", kAlice);
  ASSERT_FALSE(itself.ok());
  EXPECT_NE(itself.error().why.find("moves nothing"), std::string::npos);
  EXPECT_EQ(Rows("virements"), 0);
  EXPECT_EQ(Rows("virement_lines"), 0);

  auto n = db->Vire("02E", k2018, move, "Acute overperformance; agreed by the CFO", kAlice);
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(n.value(), 1);
  auto now = db->Budget("02E", k2018);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now.value().virements, 1);
  int64_t total = 0;
  for (const BudgetLine& l : now.value().lines) {
    if (l.account != "income:allocation:programme") total += l.annual();
    if (l.account == "expenses:programme:acute") EXPECT_EQ(l.months[1], 5500);
    if (l.account == "expenses:programme:mental-health") EXPECT_EQ(l.months[1], 1000);
  }
  EXPECT_EQ(total, 94'000) << "the total expenditure budget is kept";
  auto listed = db->Virements("02E", k2018);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed.value().size(), 1u);
  EXPECT_EQ(listed.value()[0].by, "alice");
  EXPECT_EQ(listed.value()[0].lines, move);
  // A new approved version leaves the old one's virements behind.
  ASSERT_TRUE(db->SetBudget("02E", k2018, GoldenBudget(), "replan", "b.csv", kAlice).ok());
  ASSERT_TRUE(db->ApproveBudget("02E", k2018, 2, kBob).ok());
  EXPECT_EQ(db->Budget("02E", k2018).value().virements, 0);
}

// Finds the row whose `key_col` cell is `key`; fails the test when absent.
const std::vector<report::Cell>* Row(const report::ReportTable& t, const std::string& key_col, const std::string& key,
                                     const std::string& key2_col = "", const std::string& key2 = "") {
  const size_t k = t.ColumnIndex(key_col), k2 = key2_col.empty() ? 0 : t.ColumnIndex(key2_col);
  for (const auto& r : t.rows)
    if (r[k].text == key && (key2_col.empty() || r[k2].text.rfind(key2, 0) == 0)) return &r;
  ADD_FAILURE() << "no row " << key << " " << key2 << " in " << t.title;
  return nullptr;
}

int64_t At(const report::ReportTable& t, const std::vector<report::Cell>* row, const std::string& col) {
  if (row == nullptr) return INT64_MIN;
  return (*row)[t.ColumnIndex(col)].number;
}

TEST_P(BudgetGolden, TwoMonthsOfACcgLedgerWithABudgetAVirementAndThePosition) {
  // tests/golden/ledger/README.md works every figure below by hand.
  auto db = NewLedger(*this);
  ASSERT_TRUE(db);
  for (const char* m : {"2018-04", "2018-05"})
    ASSERT_TRUE(db->SetPeriodState("02E", LedgerPeriod::Parse(m).value(), PeriodState::kOpen, kAlice).ok());
  auto posted = db->Raise("02E", Txns(Golden("april-may-2018.journal")),
                          {JournalKind::kImport, "golden", "april-may-2018.journal"}, AnyOrg, kAlice);
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  ASSERT_FALSE(posted.value().pending);
  ASSERT_TRUE(db->SetBudget("02E", k2018, GoldenBudget(), "2018/19 plan", "budget-2018-19.csv", kAlice).ok());
  ASSERT_TRUE(db->ApproveBudget("02E", k2018, 1, kBob).ok());
  ASSERT_TRUE(db->Vire("02E", k2018, {{"CC200", "expenses:programme:mental-health", 2, -500},
                                      {"CC100", "expenses:programme:acute", 2, 500}},
                       "Acute activity above plan in May", kAlice).ok());
  ForecastOverride f;
  f.month = 2, f.cost_centre = "CC900", f.account = "expenses:running-costs:pay", f.outturn = Money::FromPounds(110);
  f.note = "2018/19 pay award";
  ASSERT_TRUE(db->SetForecast("02E", k2018, f, kAlice).ok());
  ForecastOverride later = f;
  later.month = 3, later.outturn = Money::FromPounds(999), later.note = "not yet in force in May";
  ASSERT_TRUE(db->SetForecast("02E", k2018, later, kAlice).ok());

  const LedgerPeriod may = LedgerPeriod::Parse("2018-05").value();
  auto t = BudgetMonitoring(*db, "02E", may);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  const report::ReportTable& b = t.value();
  struct Expect {
    std::string cc, account;
    int64_t mb, ma, mv, yb, ya, yv, annual, rr, prof, fc, fv;
  };
  const std::vector<Expect> expected = {
      {"CC100", "income:allocation:programme", 10000, 10000, 0, 20000, 20000, 0, 120000, 120000, 120000, 120000, 0},
      {"CC100", "expenses:programme:acute", 5500, 5500, 0, 10500, 10300, 200, 60500, 61800, 60300, 60300, 200},
      {"CC200", "expenses:programme:mental-health", 1000, 1200, -200, 2500, 2700, -200, 23500, 16200, 23700, 23700,
       -200},
      {"CC900", "expenses:running-costs:pay", 834, 900, -66, 1667, 1800, -133, 10000, 10800, 10133, 11000, -1000},
      {"", "Total income", 10000, 10000, 0, 20000, 20000, 0, 120000, 120000, 120000, 120000, 0},
      {"", "Total expenditure", 7334, 7600, -266, 14667, 14800, -133, 94000, 88800, 94133, 95000, -1000},
      {"", "Surplus (deficit)", 2666, 2400, -266, 5333, 5200, -133, 26000, 31200, 25867, 25000, -1000},
  };
  for (const Expect& x : expected) {
    const auto* r = x.cc.empty() ? Row(b, "account", x.account) : Row(b, "account", x.account, "cost_centre", x.cc);
    EXPECT_EQ(At(b, r, "month_budget"), x.mb) << x.account;
    EXPECT_EQ(At(b, r, "month_actual"), x.ma) << x.account;
    EXPECT_EQ(At(b, r, "month_variance"), x.mv) << x.account;
    EXPECT_EQ(At(b, r, "ytd_budget"), x.yb) << x.account;
    EXPECT_EQ(At(b, r, "ytd_actual"), x.ya) << x.account;
    EXPECT_EQ(At(b, r, "ytd_variance"), x.yv) << x.account;
    EXPECT_EQ(At(b, r, "annual_budget"), x.annual) << x.account;
    EXPECT_EQ(At(b, r, "forecast_run_rate"), x.rr) << x.account;
    EXPECT_EQ(At(b, r, "forecast_profiled"), x.prof) << x.account;
    EXPECT_EQ(At(b, r, "forecast"), x.fc) << x.account;
    EXPECT_EQ(At(b, r, "forecast_variance"), x.fv) << x.account;
  }
  const auto* pay = Row(b, "account", "expenses:running-costs:pay", "cost_centre", "CC900");
  ASSERT_NE(pay, nullptr);
  EXPECT_NE((*pay)[b.ColumnIndex("forecast_basis")].text.find("2018/19 pay award"), std::string::npos);

  RunningCostAllowance rca{Money::FromPence(2207), "test", 5, "given"};
  auto pos = MonthlyPosition(*db, "02E", may, rca);
  ASSERT_TRUE(pos.ok()) << pos.error().ToString();
  ASSERT_GE(pos.value().size(), 3u);
  const report::ReportTable& p = pos.value()[0];
  const auto* surplus = Row(p, "line", "Surplus (deficit) against plan");
  EXPECT_EQ(At(p, surplus, "ytd_plan"), 5333);
  EXPECT_EQ(At(p, surplus, "ytd_actual"), 5200);
  EXPECT_EQ(At(p, surplus, "forecast"), 25000);
  EXPECT_EQ(At(p, surplus, "forecast_variance"), -1000);
  const auto* allowance = Row(p, "line", "Running costs against the allowance");
  EXPECT_EQ(At(p, allowance, "month_plan"), 919);
  EXPECT_EQ(At(p, allowance, "month_actual"), 900);
  EXPECT_EQ(At(p, allowance, "ytd_plan"), 1839);
  EXPECT_EQ(At(p, allowance, "ytd_variance"), 39);
  EXPECT_EQ(At(p, allowance, "annual_plan"), 11035);
  EXPECT_EQ(At(p, allowance, "forecast"), 11000);
  EXPECT_EQ(At(p, allowance, "forecast_variance"), 35);
  const report::ReportTable& cash = pos.value()[1];
  EXPECT_EQ(At(cash, Row(cash, "account", "assets:current:cash:gbs"), "balance"), 5900);
  EXPECT_EQ(pos.value()[2].title.rfind("Better Payment Practice Code", 0), 0u) << pos.value()[2].title;
}

TEST_P(BudgetGolden, AccrualReversalInJuneCountsInJunesActuals) {
  // The May accrual reverses on 1 June: June's acute actual starts at −£7.00.
  auto db = NewLedger(*this);
  ASSERT_TRUE(db);
  for (const char* m : {"2018-04", "2018-05"})
    ASSERT_TRUE(db->SetPeriodState("02E", LedgerPeriod::Parse(m).value(), PeriodState::kOpen, kAlice).ok());
  ASSERT_TRUE(db->Raise("02E", Txns(Golden("april-may-2018.journal")), {JournalKind::kImport, "g", "g.journal"},
                        AnyOrg, kAlice).ok());
  auto opened = db->SetPeriodState("02E", LedgerPeriod::Parse("2018-06").value(), PeriodState::kOpen, kAlice);
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ(opened.value().size(), 1u);
  auto v = ComputeBudgetView(*db, "02E", LedgerPeriod::Parse("2018-06").value());
  ASSERT_TRUE(v.ok());
  for (const BudgetRow& r : v.value().rows)
    if (r.account == "expenses:programme:acute") {
      EXPECT_EQ(r.month_actual, -700);
      EXPECT_EQ(r.ytd_actual, 9600);
      EXPECT_EQ(r.month_budget, 0) << "no budget approved";
    }
}

}  // namespace
}  // namespace csu::ledger
