// The primary care database: practices, contracts (one at a time per
// practice), list sizes (a file's rows all or none) and posted schedules
// (immutable). Every test runs on SQLite (a state folder) and on PostgreSQL
// (server mode, a fresh schema per test) when CSU_TEST_POSTGRES_URL names a
// server; "reopen" is then another node's connection.
#include "primarycare/pc_store.h"

#include <gtest/gtest.h>

#include <optional>

#include "pg/pg_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"
#include "synth/synth_testing.h"

namespace csu::primarycare {
namespace {

using synth::testing::TempDir;

const Actor kActor{"2024-04-01T09:00:00Z", "cli:test"};

class PcStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
  }
  // A new connection each time: on PostgreSQL another node.
  Result<std::unique_ptr<PcStore>> Open() {
    if (!pg_) return PcStore::Open(dir_.path());
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return PcStore::OpenServer(std::move(db));
  }
  // A connection beneath the store, for what the database itself refuses.
  std::unique_ptr<store::SqlConnection> Raw() {
    if (pg_) return std::move(pg::Connect(pg_->url())).value();
    return std::make_unique<store::SqliteConnection>(
        std::move(store::SqliteDb::Open(dir_.path() + "/primary-care.sqlite", "")).value());
  }
  std::unique_ptr<PcStore> NewStore() {
    auto db = Open();
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    auto added = db.value()->AddPractices({{"A84002", "00L", "", "NE65 7UW", 5903},
                                           {"A84003", "00L", "", "NE63 9UT", 14738},
                                           {"B81001", "02Y", "", "HU1 1AA", 9000}},
                                          kActor);
    EXPECT_TRUE(added.ok()) << added.error().ToString();
    EXPECT_EQ(added.value(), 3);
    return std::move(db.value());
  }
  TempDir dir_{"pc-store"};
  std::optional<pg::TestSchema> pg_;
};
std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, PcStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(PcStoreTest, PracticesByCcgAndAddingAgainAddsNothing) {
  auto db = NewStore();
  auto again = db->AddPractices({{"A84002", "00L", "", "NE65 7UW", 5903}}, kActor);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 0);
  auto p = db->Practices("00l");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p.value().size(), 2u);
  EXPECT_EQ(p.value()[1].code, "A84003");
  auto ccgs = db->Ccgs();
  ASSERT_TRUE(ccgs.ok());
  EXPECT_EQ(ccgs.value(), (std::vector<std::string>{"00L", "02Y"}));
}

TEST_P(PcStoreTest, ContractsDoNotOverlapAndReopenKeepsThem) {
  {
    auto db = NewStore();
    Contract gms{0, "A84002", ContractType::kGms, Date::FromYmd(2004, 4, 1), Date::FromYmd(2024, 3, 31), "G-1"};
    ASSERT_TRUE(db->AddContract(gms, kActor).ok());
    Contract apms{0, "A84002", ContractType::kApms, Date::FromYmd(2024, 3, 1), std::nullopt, "A-1"};
    auto overlap = db->AddContract(apms, kActor);
    ASSERT_FALSE(overlap.ok());
    EXPECT_NE(overlap.error().ToString().find("overlaps its GMS contract"), std::string::npos);
    apms.start = Date::FromYmd(2024, 4, 1);
    auto id = db->AddContract(apms, kActor);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    Contract bad{0, "A84003", ContractType::kPms, Date::FromYmd(2024, 4, 1), Date::FromYmd(2024, 3, 1), ""};
    EXPECT_FALSE(db->AddContract(bad, kActor).ok());
    Contract nowhere{0, "Z99999", ContractType::kPms, Date::FromYmd(2024, 4, 1), std::nullopt, ""};
    EXPECT_FALSE(db->AddContract(nowhere, kActor).ok());
    EXPECT_FALSE(db->EndContract(id.value(), Date::FromYmd(2024, 3, 1), kActor).ok());
    Status ended = db->EndContract(id.value(), Date::FromYmd(2026, 3, 31), kActor);
    ASSERT_TRUE(ended.ok()) << ended.error().ToString();
  }
  auto db = Open();
  ASSERT_TRUE(db.ok());
  auto on = db.value()->ContractOn("A84002", Date::FromYmd(2025, 1, 1));
  ASSERT_TRUE(on.ok()) << on.error().ToString();
  ASSERT_TRUE(on.value().has_value());
  EXPECT_EQ(on.value()->type, ContractType::kApms);
  EXPECT_EQ(on.value()->end, Date::FromYmd(2026, 3, 31));
  auto all = db.value()->Contracts("00L", "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 2u);
}

TEST_P(PcStoreTest, ListSizesLoadWholeOrNotAtAll) {
  auto db = NewStore();
  std::vector<ListSize> rows{{"A84002", Date::FromYmd(2024, 4, 1), 5903, 6'012'345'678},
                             {"Z99999", Date::FromYmd(2024, 4, 1), 100, 100'000'000}};
  auto bad = db->LoadListSizes(rows, {2, 3}, "lists.csv", kActor);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "lists.csv:3: practice_code");
  auto none = db->ListSizes("A84002");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().empty());
  rows.pop_back();
  auto ok = db->LoadListSizes(rows, {2}, "lists.csv", kActor);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok.value().added, 1);
  auto in_june = db->ListSizeFor("A84002", Date::FromYmd(2024, 6, 30));
  ASSERT_TRUE(in_june.ok() && in_june.value().has_value());
  EXPECT_EQ(in_june.value()->weighted_millionths, 6'012'345'678);
  auto in_july = db->ListSizeFor("A84002", Date::FromYmd(2024, 7, 1));
  ASSERT_TRUE(in_july.ok());
  EXPECT_FALSE(in_july.value().has_value());
  rows[0].weighted_millionths = 6'000'000'000;
  auto again = db->LoadListSizes(rows, {2}, "lists2.csv", kActor);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again.value().replaced, 1);
  auto now = db->ListSizes("A84002").value();
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].weighted_millionths, 6'000'000'000);
  EXPECT_EQ(now[0].source, "lists2.csv");
}

// Two nodes (two connections to one schema; two connections to the file on
// SQLite): what one writes, the other reads next, with no cache between.
TEST_P(PcStoreTest, TwoConnectionsSeeEachOthersWrites) {
  auto a = NewStore();
  auto b = Open();
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ(b.value()->Practices("00L").value().size(), 2u);
  Contract gms{0, "B81001", ContractType::kGms, Date::FromYmd(2020, 4, 1), std::nullopt, ""};
  ASSERT_TRUE(b.value()->AddContract(gms, kActor).ok());
  auto seen = a->ContractOn("B81001", Date::FromYmd(2024, 4, 1));
  ASSERT_TRUE(seen.ok() && seen.value().has_value());
  EXPECT_EQ(seen.value()->type, ContractType::kGms);
  // A contract recorded on one node is an overlap on the other.
  gms.type = ContractType::kPms;
  EXPECT_FALSE(a->AddContract(gms, kActor).ok());
  ASSERT_TRUE(a->AddAdjustments({{0, "A84002", ledger::LedgerPeriod::Parse("2024-05").value(),
                                  LineKind::kDeduction, "Overpayment recovered", -12345, "letter 4 May", ""}},
                                 {2}, "adj.csv", kActor)
                  .ok());
  auto adj = b.value()->Adjustments("00L", ledger::LedgerPeriod::Parse("2024-05").value());
  ASSERT_TRUE(adj.ok()) << adj.error().ToString();
  ASSERT_EQ(adj.value().size(), 1u);
  EXPECT_EQ(adj.value()[0].amount_pence, -12345);
}

// A posted schedule posts once and never changes: the store refuses a
// second posting (from another node too), adjustments into its month and a
// QOF year whose balancing it paid; the database itself refuses to update,
// delete (or, on PostgreSQL, truncate) its rows.
TEST_P(PcStoreTest, APostedScheduleIsImmutableOnEveryNode) {
  auto a = NewStore();
  auto b = Open();
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  const auto may = ledger::LedgerPeriod::Parse("2024-05").value();
  std::vector<ScheduleLine> lines{
      {"A84002", may, LineKind::kGlobalSum, "Global sum", 5'000'00, "weighted list × rate / 12"},
      {"A84002", may, LineKind::kQofBalancing, BalancingDescription("2023/24"), 1'234'56, "achievement − aspiration"}};
  PostedSchedule p{"00L", may, 41, 6'234'56, 2, "2024-06-01T09:00:00Z", "cli:test"};
  Status first = a->RecordPosting(p, lines);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  Status second = b.value()->RecordPosting(p, lines);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().why.find("already posted (journal 41)"), std::string::npos) << second.error().ToString();
  auto found = b.value()->FindPosting("00l", may);
  ASSERT_TRUE(found.ok() && found.value().has_value());
  EXPECT_EQ(found.value()->total_pence, 6'234'56);
  EXPECT_EQ(b.value()->PostedLines("00L", may).value().size(), 2u);
  auto adj = b.value()->AddAdjustments({{0, "A84003", may, LineKind::kOtherPayment, "Locum", 100, "agreed", ""}}, {2},
                                       "late.csv", kActor);
  ASSERT_FALSE(adj.ok());
  EXPECT_EQ(adj.error().where, "late.csv:2: month");
  QofYear y;
  y.practice = "A84002";
  y.year = "2023/24";
  y.source = "qof.csv";
  Status qof = b.value()->StoreQof({y}, {}, kActor);
  ASSERT_FALSE(qof.ok());
  EXPECT_NE(qof.error().why.find("already posted"), std::string::npos);
  EXPECT_EQ(a->SumPosted("A84002", LineKind::kQofBalancing, BalancingDescription("2023/24")).value().pence, 1'234'56);
  // Beneath the store.
  auto raw = Raw();
  EXPECT_FALSE(raw->Exec("UPDATE schedule_postings SET total_pence = 1").ok());
  EXPECT_FALSE(raw->Exec("DELETE FROM schedule_postings").ok());
  EXPECT_FALSE(raw->Exec("UPDATE schedule_lines SET amount_pence = 1").ok());
  EXPECT_FALSE(raw->Exec("DELETE FROM schedule_lines").ok());
  if (pg_) {
    EXPECT_FALSE(raw->Exec("TRUNCATE schedule_lines").ok());
    EXPECT_FALSE(raw->Exec("TRUNCATE schedule_postings").ok());
  }
  EXPECT_EQ(a->PostedLines("00L", may).value().at(1).amount_pence, 1'234'56);
}

TEST(PcStoreServer, ASqliteConnectionIsRefused) {
  TempDir dir("pc-store-refuse");
  std::filesystem::create_directories(dir.path());
  auto raw = store::SqliteDb::Open(dir.path() + "/x.sqlite", "");
  ASSERT_TRUE(raw.ok());
  auto db = PcStore::OpenServer(std::make_unique<store::SqliteConnection>(std::move(raw).value()));
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().why.find("PostgreSQL"), std::string::npos);
}

}  // namespace
}  // namespace csu::primarycare
