#include "core/uk_time.h"

#include <gtest/gtest.h>

#include <string_view>
#include <utility>

namespace csu {
namespace {

// A UTC instant from "YYYY-MM-DDTHH:MM".
DateTime Utc(std::string_view text) {
  auto t = DateTime::Parse(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? t.value() : DateTime();
}

TEST(UkTimeTest, BstBeginsAtOneUtcOnTheLastSundayOfMarch) {
  EXPECT_FALSE(IsBst(Utc("2018-03-25T00:59")));
  EXPECT_TRUE(IsBst(Utc("2018-03-25T01:00")));
  EXPECT_EQ(UkLocalTime(Utc("2018-03-25T00:59")).ToString(), "2018-03-25T00:59");
  // The clocks jump from 01:00 GMT to 02:00 BST.
  EXPECT_EQ(UkLocalTime(Utc("2018-03-25T01:00")).ToString(), "2018-03-25T02:00");
  EXPECT_EQ(BstStartUtc(2018).ToString(), "2018-03-25T01:00");
}

TEST(UkTimeTest, BstEndsAtOneUtcOnTheLastSundayOfOctober) {
  EXPECT_TRUE(IsBst(Utc("2018-10-28T00:59")));
  EXPECT_FALSE(IsBst(Utc("2018-10-28T01:00")));
  // 01:59 BST is followed by 01:00 GMT: the hour 01:00-01:59 happens twice.
  EXPECT_EQ(UkLocalTime(Utc("2018-10-28T00:59")).ToString(), "2018-10-28T01:59");
  EXPECT_EQ(UkLocalTime(Utc("2018-10-28T01:00")).ToString(), "2018-10-28T01:00");
  EXPECT_EQ(BstEndUtc(2018).ToString(), "2018-10-28T01:00");
}

TEST(UkTimeTest, TimestampsAsThePlatformWritesThem) {
  EXPECT_EQ(UkDateOfTimestamp("2018-06-30T23:30:00Z")->ToString(), "2018-07-01");
  EXPECT_EQ(UkDateOfTimestamp("2018-12-31T23:30:00Z")->ToString(), "2018-12-31");
  EXPECT_FALSE(UkDateOfTimestamp("2018-06-30"));
  EXPECT_FALSE(UkDateOfTimestamp("2018-06-30 23:30"));
  EXPECT_FALSE(UkDateOfTimestamp(""));
}

TEST(UkTimeTest, LateEveningUtcIsTheNextUkDayOnlyInSummer) {
  EXPECT_EQ(UkDate(Utc("2018-06-30T23:30")).ToString(), "2018-07-01");  // 00:30 BST
  EXPECT_EQ(UkDate(Utc("2018-06-30T22:59")).ToString(), "2018-06-30");  // 23:59 BST
  EXPECT_EQ(UkDate(Utc("2018-12-31T23:30")).ToString(), "2018-12-31");  // GMT: no new year yet
  EXPECT_EQ(UkDate(Utc("2019-01-01T00:00")).ToString(), "2019-01-01");
  // BST began on 31 March 2019 at 01:00 UTC, so that evening is already April.
  EXPECT_EQ(UkDate(Utc("2019-03-31T23:30")).ToString(), "2019-04-01");
  // Before 01:00 UTC that day it was still GMT.
  EXPECT_EQ(UkDate(Utc("2019-03-31T00:30")).ToString(), "2019-03-31");
  // October's last hours are GMT again.
  EXPECT_EQ(UkDate(Utc("2018-10-31T23:30")).ToString(), "2018-10-31");
}

TEST(UkTimeTest, LastSundayOfMarchOnTheThirtyFirstAndTheTwentyFifth) {
  // 2024: 31 March is a Sunday, so 24 March (a week earlier) is not the start.
  EXPECT_EQ(BstStartUtc(2024).ToString(), "2024-03-31T01:00");
  EXPECT_FALSE(IsBst(Utc("2024-03-24T12:00")));
  EXPECT_FALSE(IsBst(Utc("2024-03-31T00:59")));
  EXPECT_TRUE(IsBst(Utc("2024-03-31T01:00")));
  EXPECT_EQ(BstEndUtc(2024).ToString(), "2024-10-27T01:00");
  // 2029: 25 March is a Sunday, the earliest the start can be.
  EXPECT_EQ(BstStartUtc(2029).ToString(), "2029-03-25T01:00");
  EXPECT_FALSE(IsBst(Utc("2029-03-25T00:59")));
  EXPECT_TRUE(IsBst(Utc("2029-03-25T01:00")));
  EXPECT_TRUE(IsBst(Utc("2029-03-31T12:00")));
  EXPECT_EQ(BstEndUtc(2029).ToString(), "2029-10-28T01:00");
}

TEST(UkTimeTest, EveryYearFrom2000To2040StartsAndEndsOnALastSunday) {
  constexpr int32_t kSunday = 6;
  for (int32_t year = 2000; year <= 2040; ++year) {
    SCOPED_TRACE(year);
    const DateTime start = BstStartUtc(year);
    const DateTime end = BstEndUtc(year);
    for (const auto& [t, month] : {std::pair{start, 3}, std::pair{end, 10}}) {
      EXPECT_EQ(t.date().weekday(), kSunday);
      EXPECT_EQ(t.date().month(), month);
      EXPECT_GE(t.date().day(), 25);
      EXPECT_LE(t.date().day(), 31);
      EXPECT_EQ(t.minutes() % 1440, 60);  // 01:00 UTC
    }
    EXPECT_FALSE(IsBst(start.AddMinutes(-1)));
    EXPECT_TRUE(IsBst(start));
    EXPECT_TRUE(IsBst(end.AddMinutes(-1)));
    EXPECT_FALSE(IsBst(end));
    EXPECT_FALSE(IsBst(DateTime::At(Date::FromYmd(year, 1, 15), 12, 0)));
    EXPECT_TRUE(IsBst(DateTime::At(Date::FromYmd(year, 7, 15), 12, 0)));
  }
}

}  // namespace
}  // namespace csu
