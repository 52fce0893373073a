// The payment schedule worked by hand (tests/golden/primarycare/README.md,
// "Payment schedule"): three GMS/PMS practices' global sums, an APMS
// contract's agreed price and a deduction, a QOF aspiration paid for twelve
// months and the balancing payment the June after, posted to the CCG's
// ledger as one balanced journal per month, once.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "core/file.h"
#include "ledger/chart.h"
#include "ledger/ledger_store.h"
#include "primarycare/adjustments_file.h"
#include "primarycare/global_sum.h"
#include "primarycare/lists_file.h"
#include "primarycare/payment_schedule.h"
#include "primarycare/pc_store.h"
#include "primarycare/qof_files.h"
#include "primarycare/qof_years.h"
#include "primarycare/schedule_posting.h"
#include "refdata/table.h"
#include "synth/synth_testing.h"

namespace csu::primarycare {
namespace {

using synth::testing::TempDir;

const std::string kGolden = std::string(CSU_SOURCE_DIR) + "/tests/golden/primarycare/schedule/";
const Actor kActor{"2024-04-01T09:00:00Z", "cli:test"};

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return std::move(r).value();
}

struct Fixture {
  TempDir dir{"pc-golden"};
  std::unique_ptr<PcStore> db;
  std::unique_ptr<ledger::LedgerStore> ledger;
  GlobalSumRates rates;

  Fixture() {
    std::filesystem::create_directories(dir.path());
    db = Must(PcStore::Open(dir.path()));
    Must(db->AddPractices({{"A84002", "00L", "", "NE65 7UW", 5903},
                           {"A84003", "00L", "", "NE63 9UT", 14738},
                           {"A84005", "00L", "", "NE22 6JX", 12066},
                           {"A84006", "00L", "", "NE66 2NL", 18638}},
                          kActor));
    Must(db->AddContract({0, "A84002", ContractType::kGms, Date::FromYmd(2004, 4, 1), std::nullopt, "", "", ""}, kActor));
    Must(db->AddContract({0, "A84003", ContractType::kPms, Date::FromYmd(2010, 4, 1), std::nullopt, "", "", ""}, kActor));
    Must(db->AddContract({0, "A84005", ContractType::kGms, Date::FromYmd(2004, 4, 1), std::nullopt, "", "", ""}, kActor));
    Must(db->AddContract(
        {0, "A84006", ContractType::kApms, Date::FromYmd(2020, 4, 1), Date::FromYmd(2025, 3, 31), "", "", ""}, kActor));
    ListFile lists = Must(ReadListFile(kGolden + "lists.csv"));
    Must(db->LoadListSizes(lists.rows, lists.lines, lists.name, kActor));
    QofInputs qof = Must(ReadQofFiles(kGolden + "qof-practices.csv", kGolden + "qof-indicators.csv"));
    const QofLoad load = QofYearsFrom(qof, "golden");
    EXPECT_TRUE(db->StoreQof(load.years, load.indicators, kActor).ok());
    AdjustmentFile adj = Must(ReadAdjustmentFile(kGolden + "adjustments.csv"));
    Must(db->AddAdjustments(adj.rows, adj.lines, adj.name, kActor));
    rates = Must(GlobalSumRates::Load(std::string(CSU_SOURCE_DIR) + "/data/primarycare"));
    ledger = Must(ledger::LedgerStore::Open(dir.path()));
    const std::string chart_text = Must(ReadFile(std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv"));
    const ledger::ChartTemplate chart = Must(ledger::ParseChartTemplate(chart_text, "ccg-chart.csv"));
    ledger::Entity e;
    e.code = "00L";
    e.name = "NHS Northumberland CCG";
    e.approval_threshold = Money::FromPounds(100'000'000);
    const ledger::Actor la{kActor.at, kActor.by};
    Must(ledger->AddEntity(e, chart, la));
    for (ledger::LedgerPeriod p = Must(ledger::LedgerPeriod::Parse("2024-04"));
         p <= Must(ledger::LedgerPeriod::Parse("2025-06")); p = p.Next())
      Must(ledger->SetPeriodState("00L", p, ledger::PeriodState::kOpen, la));
  }

  Schedule Build(const std::string& month) {
    return Must(BuildSchedule(*db, rates, nullptr, "00L", Must(ledger::LedgerPeriod::Parse(month))));
  }
};

ledger::OrgDirectory AnyOrg() {
  return [](const std::string& code) -> std::optional<std::string> { return "practice " + code; };
}

// practice/kind -> pence, from the hand-written expected file.
std::map<std::string, int64_t> Expected(const std::string& file) {
  auto t = refdata::Table::Load(kGolden + file, {"practice_code", "kind", "amount_pence"});
  EXPECT_TRUE(t.ok()) << t.error().ToString();
  std::map<std::string, int64_t> out;
  for (const auto& row : t.value().rows())
    out[std::string(row.Text("practice_code")) + "/" + std::string(row.Text("kind"))] = row.Int("amount_pence").value();
  return out;
}

std::map<std::string, int64_t> Got(const Schedule& s) {
  std::map<std::string, int64_t> out;
  for (const ScheduleLine& l : s.lines) out[l.practice + "/" + std::string(LineKindName(l.kind))] += l.amount_pence;
  return out;
}

TEST(PrimaryCareGolden, AprilScheduleMatchesTheHandWorking) {
  Fixture f;
  const Schedule s = f.Build("2024-04");
  EXPECT_EQ(Got(s), Expected("schedule-2024-04-expected.csv"));
  EXPECT_EQ(s.total_pence(), 35'835'939);
  // Each line explains itself.
  for (const ScheduleLine& l : s.lines) EXPECT_FALSE(l.explanation.empty()) << l.description;
  EXPECT_NE(s.lines[0].explanation.find("6,120.443712 weighted patients"), std::string::npos) << s.lines[0].explanation;
  EXPECT_NE(s.lines[0].explanation.find("£112.50"), std::string::npos);
}

TEST(PrimaryCareGolden, PostsOneBalancedJournalOnce) {
  Fixture f;
  const Schedule s = f.Build("2024-04");
  const PostOutcome p = Must(PostSchedule(*f.db, *f.ledger, s, AnyOrg(), kActor));
  EXPECT_FALSE(p.pending);
  EXPECT_FALSE(p.recovered);
  auto j = Must(f.ledger->GetJournal("00L", p.journal));
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->txn.code, "PCS-2024-04");
  EXPECT_EQ(j->txn.date, Date::FromYmd(2024, 4, 30));
  EXPECT_TRUE(ledger::CheckBalanced(j->txn, "journal").ok());
  EXPECT_EQ(ledger::DebitTotal(j->txn).pence(), 35'835'939 + 31'240);  // the deduction is a credit to expenditure
  auto balances = Must(f.ledger->Balances("00L", Date::FromYmd(2024, 4, 1), Date::FromYmd(2024, 4, 30)));
  for (const auto& b : balances) {
    if (b.account.name == kPrimaryCareExpense) {
      EXPECT_EQ(b.balance.pence(), 35'835'939);
    }
    if (b.account.name == kPracticePayables) {
      EXPECT_EQ(b.balance.pence(), -35'835'939);
    }
  }
  // Twice: refused, and the ledger unchanged.
  const Schedule again = f.Build("2024-04");
  EXPECT_TRUE(again.posted);
  auto second = PostSchedule(*f.db, *f.ledger, again, AnyOrg(), kActor);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().why.find("already posted"), std::string::npos);
  Schedule fresh = s;  // a stale copy built before the first post
  EXPECT_FALSE(PostSchedule(*f.db, *f.ledger, fresh, AnyOrg(), kActor).ok());
  auto journals = Must(f.ledger->Journals("00L", Date::FromYmd(2024, 4, 1), Date::FromYmd(2024, 4, 30)));
  EXPECT_EQ(journals.size(), 1u);
  // The posted schedule reads back as posted, line for line.
  EXPECT_EQ(Got(again), Got(s));
  // No adjustment can join a month already posted.
  AdjustmentFile adj = Must(ReadAdjustmentFile(kGolden + "adjustments.csv"));
  auto late = f.db->AddAdjustments(adj.rows, adj.lines, adj.name, kActor);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().where, "adjustments.csv:2: month");
}

TEST(PrimaryCareGolden, RecoversAJournalRaisedBeforeAnInterruptedRecord) {
  Fixture f;
  const Schedule s = f.Build("2024-04");
  // The journal reached the ledger, the record did not (a crash between).
  auto accounts = Must(f.ledger->Accounts("00L"));
  auto centres = Must(f.ledger->CostCentres("00L"));
  const ledger::Transaction txn = Must(ScheduleJournal(s, accounts, centres));
  Must(f.ledger->Raise("00L", {txn}, {ledger::JournalKind::kImport, "interrupted", "x"}, AnyOrg(),
                       {kActor.at, kActor.by}));
  const PostOutcome p = Must(PostSchedule(*f.db, *f.ledger, s, AnyOrg(), kActor));
  EXPECT_TRUE(p.recovered);
  auto journals = Must(f.ledger->Journals("00L", Date::FromYmd(2024, 4, 1), Date::FromYmd(2024, 4, 30)));
  EXPECT_EQ(journals.size(), 1u);
}

TEST(PrimaryCareGolden, BalancingTheJuneAfterSettlesTwelveAspirationPayments) {
  Fixture f;
  for (ledger::LedgerPeriod m = Must(ledger::LedgerPeriod::Parse("2024-04"));
       m <= Must(ledger::LedgerPeriod::Parse("2025-03")); m = m.Next()) {
    const Schedule s = Must(BuildSchedule(*f.db, f.rates, nullptr, "00L", m));
    Must(PostSchedule(*f.db, *f.ledger, s, AnyOrg(), kActor));
  }
  // April and May 2025: no balancing yet (it falls due from June).
  for (const char* month : {"2025-04", "2025-05"}) {
    const Schedule s = f.Build(month);
    EXPECT_EQ(Got(s).count("A84002/qof_balancing"), 0u) << month;
  }
  const Schedule june = f.Build("2025-06");
  EXPECT_EQ(Got(june), Expected("schedule-2025-06-expected.csv"));
  Must(PostSchedule(*f.db, *f.ledger, june, AnyOrg(), kActor));
  // The year's figures are final once the balancing is posted.
  QofInputs qof = Must(ReadQofFiles(kGolden + "qof-practices.csv", kGolden + "qof-indicators.csv"));
  const QofLoad load = QofYearsFrom(qof, "again");
  EXPECT_FALSE(f.db->StoreQof(load.years, load.indicators, kActor).ok());
  auto history = Must(f.db->PracticeHistory("A84002"));
  int64_t aspiration = 0;
  for (const ScheduleLine& l : history) aspiration += l.kind == LineKind::kQofAspiration ? l.amount_pence : 0;
  EXPECT_EQ(aspiration, 12 * 8'714);
}

TEST(PrimaryCareGolden, GmsPracticeWithoutAListIsRefusedByName) {
  Fixture f;
  Must(f.db->AddPractices({{"A84007", "00L", "", "", 1000}}, kActor));
  Must(f.db->AddContract({0, "A84007", ContractType::kGms, Date::FromYmd(2024, 4, 1), std::nullopt, "", "", ""}, kActor));
  auto s = BuildSchedule(*f.db, f.rates, nullptr, "00L", Must(ledger::LedgerPeriod::Parse("2024-04")));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, "practice A84007");
}

TEST(PrimaryCareGolden, YearWithoutAPriceIsRefused) {
  Fixture f;
  auto s = BuildSchedule(*f.db, f.rates, nullptr, "00L", Must(ledger::LedgerPeriod::Parse("2023-04")));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().ToString().find("2023/24"), std::string::npos);
}

}  // namespace
}  // namespace csu::primarycare
