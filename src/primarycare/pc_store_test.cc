// The primary care database: practices, contracts (one at a time per
// practice) and list sizes (a file's rows all or none).
#include "primarycare/pc_store.h"

#include <gtest/gtest.h>

#include "synth/synth_testing.h"

namespace csu::primarycare {
namespace {

using synth::testing::TempDir;

const Actor kActor{"2024-04-01T09:00:00Z", "cli:test"};

std::unique_ptr<PcStore> NewStore(const TempDir& dir) {
  std::filesystem::create_directories(dir.path());
  auto db = PcStore::Open(dir.path());
  EXPECT_TRUE(db.ok()) << db.error().ToString();
  auto added = db.value()->AddPractices({{"A84002", "00L", "", "NE65 7UW", 5903}, {"A84003", "00L", "", "NE63 9UT", 14738},
                                    {"B81001", "02Y", "", "HU1 1AA", 9000}},
                                   kActor);
  EXPECT_TRUE(added.ok());
  EXPECT_EQ(added.value(), 3);
  return std::move(db.value());
}

TEST(PcStore, PracticesByCcgAndAddingAgainAddsNothing) {
  TempDir dir("pc-store-practices");
  auto db = NewStore(dir);
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

TEST(PcStore, ContractsDoNotOverlapAndReopenKeepsThem) {
  TempDir dir("pc-store-contracts");
  {
    auto db = NewStore(dir);
    Contract gms{0, "A84002", ContractType::kGms, Date::FromYmd(2004, 4, 1), Date::FromYmd(2024, 3, 31), "G-1"};
    ASSERT_TRUE(db->AddContract(gms, kActor).ok());
    Contract apms{0, "A84002", ContractType::kApms, Date::FromYmd(2024, 3, 1), std::nullopt, "A-1"};
    auto overlap = db->AddContract(apms, kActor);
    ASSERT_FALSE(overlap.ok());
    EXPECT_NE(overlap.error().ToString().find("overlaps its GMS contract"), std::string::npos);
    apms.start = Date::FromYmd(2024, 4, 1);
    auto id = db->AddContract(apms, kActor);
    ASSERT_TRUE(id.ok());
    Contract bad{0, "A84003", ContractType::kPms, Date::FromYmd(2024, 4, 1), Date::FromYmd(2024, 3, 1), ""};
    EXPECT_FALSE(db->AddContract(bad, kActor).ok());
    Contract nowhere{0, "Z99999", ContractType::kPms, Date::FromYmd(2024, 4, 1), std::nullopt, ""};
    EXPECT_FALSE(db->AddContract(nowhere, kActor).ok());
    EXPECT_FALSE(db->EndContract(id.value(), Date::FromYmd(2024, 3, 1), kActor).ok());
    ASSERT_TRUE(db->EndContract(id.value(), Date::FromYmd(2026, 3, 31), kActor).ok());
  }
  auto db = PcStore::Open(dir.path());
  ASSERT_TRUE(db.ok());
  auto on = db.value()->ContractOn("A84002", Date::FromYmd(2025, 1, 1));
  ASSERT_TRUE(on.ok());
  ASSERT_TRUE(on.value().has_value());
  EXPECT_EQ(on.value()->type, ContractType::kApms);
  EXPECT_EQ(on.value()->end, Date::FromYmd(2026, 3, 31));
  auto all = db.value()->Contracts("00L", "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 2u);
}

TEST(PcStore, ListSizesLoadWholeOrNotAtAll) {
  TempDir dir("pc-store-lists");
  auto db = NewStore(dir);
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
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().added, 1);
  auto in_june = db->ListSizeFor("A84002", Date::FromYmd(2024, 6, 30));
  ASSERT_TRUE(in_june.ok() && in_june.value().has_value());
  EXPECT_EQ(in_june.value()->weighted_millionths, 6'012'345'678);
  auto in_july = db->ListSizeFor("A84002", Date::FromYmd(2024, 7, 1));
  ASSERT_TRUE(in_july.ok());
  EXPECT_FALSE(in_july.value().has_value());
  rows[0].weighted_millionths = 6'000'000'000;
  auto again = db->LoadListSizes(rows, {2}, "lists2.csv", kActor);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().replaced, 1);
}

}  // namespace
}  // namespace csu::primarycare
