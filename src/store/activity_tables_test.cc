// The loaded APC table's sparse stay days (SparsifyStayDays, StayDaysAt).
#include "store/activity_tables.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace csu::store {
namespace {

ApcTable DenseTable(const std::vector<StayDays>& days) {
  ApcTable t;
  for (const StayDays& d : days) {
    t.patient.push_back(0);
    t.critical_care_days.push_back(d.critical_care);
    t.rehabilitation_days.push_back(d.rehabilitation);
    t.palliative_care_days.push_back(d.palliative_care);
  }
  return t;
}

void ExpectHolds(const ApcTable& t, const std::vector<StayDays>& want) {
  ASSERT_EQ(t.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(t.StayDaysAt(i), want[i]) << "row " << i;
}

TEST(StayDays, SparsifyKeepsEveryRowAndFreesTheDenseColumns) {
  const std::vector<StayDays> days = {{}, {1, 0, 0}, {}, {0, 0, 65535}, {65535, 65535, 65535}, {0, 7, 0}, {}};
  ApcTable t = DenseTable(days);
  EXPECT_TRUE(t.dense_stay_days());
  ExpectHolds(t, days);
  const size_t dense_bytes = ColumnBytes(t);
  SparsifyStayDays(t);
  EXPECT_FALSE(t.dense_stay_days());
  EXPECT_TRUE(t.critical_care_days.empty() && t.rehabilitation_days.empty() && t.palliative_care_days.empty());
  ExpectHolds(t, days);
  EXPECT_EQ(t.stay_days_row, (std::vector<uint32_t>{1, 3, 4, 5}));
  EXPECT_EQ(t.stay_days[2].Total(), 3 * 65535);
  // 6 bytes a row become 10 bytes a row with any.
  EXPECT_EQ(dense_bytes - ColumnBytes(t), 6 * days.size() - 10 * 4);
}

TEST(StayDays, NoneAndEmpty) {
  ApcTable empty;
  SparsifyStayDays(empty);
  EXPECT_TRUE(empty.stay_days.empty());
  ApcTable none = DenseTable(std::vector<StayDays>(100));
  SparsifyStayDays(none);
  EXPECT_TRUE(none.stay_days.empty());
  ExpectHolds(none, std::vector<StayDays>(100));
  // A table built without the columns at all reads as none.
  ApcTable bare;
  bare.patient.assign(3, 0);
  ExpectHolds(bare, std::vector<StayDays>(3));
}

TEST(StayDays, RandomTablesRoundTrip) {
  std::mt19937_64 rng(21);
  for (int round = 0; round < 40; ++round) {
    std::vector<StayDays> days(rng() % 4000);
    const uint64_t one_in = 1 + rng() % 20;
    for (StayDays& d : days) {
      if (rng() % one_in != 0) continue;
      d.critical_care = static_cast<uint16_t>(rng() % 3 == 0 ? rng() : 0);
      d.rehabilitation = static_cast<uint16_t>(rng() % 3 == 0 ? rng() % 30 : 0);
      d.palliative_care = static_cast<uint16_t>(rng() % 3 == 0 ? rng() % 10 : 0);
    }
    ApcTable t = DenseTable(days);
    SparsifyStayDays(t);
    ExpectHolds(t, days);
    size_t any = 0;
    for (const StayDays& d : days) any += static_cast<size_t>(d != StayDays{});
    EXPECT_EQ(t.stay_days.size(), any);
  }
}

}  // namespace
}  // namespace csu::store
