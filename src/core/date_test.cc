#include "core/date.h"

#include <gtest/gtest.h>

#include <string>

namespace csu {
namespace {

Date D(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.ok()) << text << ": " << (d.ok() ? "" : d.error().ToString());
  return d.ok() ? d.value() : Date();
}

// ---- Date ----

TEST(DateTest, EpochAndKnownDayNumbers) {
  EXPECT_EQ(Date().ToString(), "1970-01-01");
  EXPECT_EQ(D("1970-01-01").days(), 0);
  EXPECT_EQ(D("1970-01-02").days(), 1);
  EXPECT_EQ(D("1969-12-31").days(), -1);
  // 1970..1999 is 30 years with 7 leap days (72, 76, ..., 96): 30*365 + 7 =
  // 10957 days to 2000-01-01, then 31 + 28 days of January and February.
  EXPECT_EQ(D("2000-01-01").days(), 10957);
  EXPECT_EQ(D("2000-02-29").days(), 10957 + 31 + 28);
  // 2000..2017 adds 18*365 + 5 leap days (2000, 04, 08, 12, 16) = 6575, then
  // Jan..Mar 2018 (31 + 28 + 31 = 90): 10957 + 6575 + 90 = 17622.
  EXPECT_EQ(D("2018-04-01").days(), 17622);
  // 1800-01-01: 170 years back with 41 leap days (1804..1968, not 1900).
  EXPECT_EQ(D("1800-01-01").days(), -(170 * 365 + 41));
}

TEST(DateTest, ParseAcceptsTheRange) {
  EXPECT_EQ(D("1800-01-01").ToString(), "1800-01-01");
  EXPECT_EQ(D("2999-12-31").ToString(), "2999-12-31");
  EXPECT_EQ(D("2018-12-31").ToString(), "2018-12-31");
}

TEST(DateTest, ParseIsStrict) {
  for (const char* bad : {"", "2018-4-01", "2018-04-1", "18-04-01", "2018/04/01", "20180401", "2018-04-01 ",
                          " 2018-04-01", "2018-04-01T00:00", "+018-04-01", "-018-04-01", "2018-0a-01",
                          "2018-04-0a", "201a-04-01", "2018-+4-01", "2018-04- 1", "2018--4-01",
                          "01-04-2018", "2018-04-01\n"}) {
    EXPECT_FALSE(Date::Parse(bad).ok()) << bad;
  }
}

TEST(DateTest, ParseRejectsImpossibleDates) {
  for (const char* bad : {"2018-13-01", "2018-00-10", "2018-04-00", "2018-04-31", "2018-06-31", "2018-09-31",
                          "2018-11-31", "2018-01-32", "2018-02-30", "2016-02-30", "2019-02-29", "1900-02-29",
                          "2100-02-29", "1799-12-31", "3000-01-01", "0000-01-01", "9999-12-31"}) {
    EXPECT_FALSE(Date::Parse(bad).ok()) << bad;
  }
  auto r = Date::Parse("2019-02-29");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("2019-02-29"), std::string::npos) << r.error().why;
}

TEST(DateTest, LeapYears) {
  EXPECT_TRUE(Date::IsLeapYear(2000));   // divisible by 400
  EXPECT_FALSE(Date::IsLeapYear(1900));  // by 100 but not 400
  EXPECT_TRUE(Date::IsLeapYear(2016));
  EXPECT_FALSE(Date::IsLeapYear(2019));
  EXPECT_FALSE(Date::IsLeapYear(2100));
  EXPECT_TRUE(Date::IsLeapYear(2400));
  EXPECT_TRUE(Date::IsLeapYear(2020));
  EXPECT_TRUE(D("2000-02-29").days() > 0);
  EXPECT_EQ(D("2016-02-29").ToString(), "2016-02-29");
  EXPECT_EQ(D("2016-02-29").AddDays(1).ToString(), "2016-03-01");
  EXPECT_EQ(D("2019-02-28").AddDays(1).ToString(), "2019-03-01");
  EXPECT_EQ(D("1900-02-28").AddDays(1).ToString(), "1900-03-01");
  EXPECT_EQ(D("2000-02-28").AddDays(1).ToString(), "2000-02-29");
}

TEST(DateTest, DaysInMonth) {
  const int32_t expected[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int32_t m = 1; m <= 12; ++m) {
    EXPECT_EQ(Date::DaysInMonth(2019, m), expected[m - 1]) << m;
    EXPECT_EQ(Date::DaysInMonth(2016, m), m == 2 ? 29 : expected[m - 1]) << m;
  }
  EXPECT_EQ(Date::DaysInMonth(1900, 2), 28);
  EXPECT_EQ(Date::DaysInMonth(2000, 2), 29);
}

// Walks the calendar one day at a time with DaysInMonth, an oracle that shares
// no arithmetic with the day-number conversion, over 1800..2999 in both
// directions from the epoch.
TEST(DateTest, RoundTripsEveryDayAgainstACalendarWalk) {
  int32_t y = 1970, m = 1, d = 1;
  for (int32_t days = 0; days <= 376199; ++days) {  // up to 2999-12-31
    Date date = Date::FromDays(days);
    ASSERT_EQ(date.year(), y) << days;
    ASSERT_EQ(date.month(), m) << days;
    ASSERT_EQ(date.day(), d) << days;
    ASSERT_EQ(Date::FromYmd(y, m, d).days(), days);
    if (++d > Date::DaysInMonth(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  EXPECT_EQ(y, 3000);
  y = 1970, m = 1, d = 1;
  for (int32_t days = 0; days >= -62091; --days) {  // down to 1800-01-01
    Date date = Date::FromDays(days);
    ASSERT_EQ(date.year(), y) << days;
    ASSERT_EQ(date.month(), m) << days;
    ASSERT_EQ(date.day(), d) << days;
    ASSERT_EQ(Date::FromYmd(y, m, d).days(), days);
    if (--d < 1) {
      if (--m < 1) {
        m = 12;
        --y;
      }
      d = Date::DaysInMonth(y, m);
    }
  }
  EXPECT_EQ(y, 1799);
  EXPECT_EQ(m, 12);
  EXPECT_EQ(d, 31);
}

TEST(DateTest, ToStringParsesBack) {
  for (int32_t days = -62091; days <= 376199; days += 97) {
    Date date = Date::FromDays(days);
    auto back = Date::Parse(date.ToString());
    ASSERT_TRUE(back.ok()) << date.ToString();
    ASSERT_EQ(back.value(), date);
  }
}

TEST(DateTest, WeekdayOfKnownDates) {
  EXPECT_EQ(D("1970-01-01").weekday(), 3);  // Thursday
  EXPECT_EQ(D("1969-12-31").weekday(), 2);  // Wednesday: before the epoch
  EXPECT_EQ(D("1969-12-29").weekday(), 0);  // Monday
  EXPECT_EQ(D("1969-12-28").weekday(), 6);  // Sunday
  EXPECT_EQ(D("2000-01-01").weekday(), 5);  // Saturday
  EXPECT_EQ(D("2018-04-01").weekday(), 6);  // Sunday
  EXPECT_EQ(D("2016-02-29").weekday(), 0);  // Monday
  EXPECT_EQ(D("1900-01-01").weekday(), 0);  // Monday
  EXPECT_EQ(D("1800-01-01").weekday(), 2);  // Wednesday
  // Every seventh day shares a weekday, on both sides of the epoch.
  for (int32_t days = -3000; days < 3000; ++days) {
    ASSERT_EQ(Date::FromDays(days).weekday(), Date::FromDays(days + 7).weekday());
    ASSERT_EQ((Date::FromDays(days).weekday() + 1) % 7, Date::FromDays(days + 1).weekday());
  }
}

TEST(DateTest, ArithmeticAndOrdering) {
  Date a = D("2018-03-31");
  Date b = D("2018-04-01");
  EXPECT_EQ(b - a, 1);
  EXPECT_EQ(a - b, -1);
  EXPECT_LT(a, b);
  EXPECT_EQ(a.AddDays(1), b);
  EXPECT_EQ(b.AddDays(-1), a);
  EXPECT_EQ(D("2019-01-01") - D("2018-01-01"), 365);
  EXPECT_EQ(D("2017-01-01") - D("2016-01-01"), 366);
  EXPECT_EQ(Date::FromYmd(2018, 4, 1), b);
}

TEST(DateTest, AgeOn) {
  Date dob = D("1980-06-15");
  EXPECT_EQ(D("1980-06-15").AgeOn(dob), 0);
  EXPECT_EQ(D("1981-06-14").AgeOn(dob), 0);   // day before the first birthday
  EXPECT_EQ(D("1981-06-15").AgeOn(dob), 1);
  EXPECT_EQ(D("2018-06-14").AgeOn(dob), 37);
  EXPECT_EQ(D("2018-06-15").AgeOn(dob), 38);
  EXPECT_EQ(D("2018-05-31").AgeOn(dob), 37);  // earlier month
  EXPECT_EQ(D("2018-07-01").AgeOn(dob), 38);  // later month, earlier day
  EXPECT_EQ(D("2018-12-31").AgeOn(D("2018-01-01")), 0);
  EXPECT_EQ(D("2019-01-01").AgeOn(D("2018-12-31")), 0);
  EXPECT_EQ(D("2018-04-01").AgeOn(D("1900-04-01")), 118);
  EXPECT_EQ(D("2018-04-01").AgeOn(D("1969-12-31")), 48);  // born before the epoch
}

TEST(DateTest, AgeOnForABirthdayOn29February) {
  Date dob = D("2000-02-29");
  EXPECT_EQ(D("2001-02-28").AgeOn(dob), 0);  // non-leap year: not yet on 28 Feb
  EXPECT_EQ(D("2001-03-01").AgeOn(dob), 1);  // ... but on 1 March
  EXPECT_EQ(D("2019-02-28").AgeOn(dob), 18);
  EXPECT_EQ(D("2019-03-01").AgeOn(dob), 19);
  EXPECT_EQ(D("2020-02-28").AgeOn(dob), 19);  // leap year: not until 29 Feb
  EXPECT_EQ(D("2020-02-29").AgeOn(dob), 20);
  EXPECT_EQ(D("2100-02-28").AgeOn(dob), 99);  // 2100 is not a leap year
  EXPECT_EQ(D("2100-03-01").AgeOn(dob), 100);
}

// ---- DateTime ----

TEST(DateTimeTest, ParseAndFormat) {
  auto t = DateTime::Parse("2018-04-01T09:30");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t.value().minutes(), int64_t{17622} * 1440 + 9 * 60 + 30);
  EXPECT_EQ(t.value().ToString(), "2018-04-01T09:30");
  EXPECT_EQ(t.value().date(), D("2018-04-01"));
  EXPECT_EQ(DateTime::At(D("2018-04-01"), 9, 30), t.value());

  auto midnight = DateTime::Parse("1800-01-01T00:00");
  ASSERT_TRUE(midnight.ok());
  EXPECT_EQ(midnight.value().ToString(), "1800-01-01T00:00");
  auto last = DateTime::Parse("2999-12-31T23:59");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last.value().ToString(), "2999-12-31T23:59");
  EXPECT_EQ(last.value().date(), D("2999-12-31"));
}

TEST(DateTimeTest, ParseIsStrict) {
  for (const char* bad : {"", "2018-04-01", "2018-04-01 09:30", "2018-04-01t09:30", "2018-04-01T9:30",
                          "2018-04-01T09:3", "2018-04-01T09:30:00", "2018-04-01T09-30", "2018-04-01T24:00",
                          "2018-04-01T23:60", "2018-04-01T-1:00", "2018-04-01T0a:00", "2018-02-30T00:00",
                          "1799-12-31T23:59", "2018-04-01T09:30Z", " 2018-04-01T09:30"}) {
    EXPECT_FALSE(DateTime::Parse(bad).ok()) << bad;
  }
}

TEST(DateTimeTest, NegativeMinutesFloorToTheDayBefore) {
  EXPECT_EQ(DateTime::FromMinutes(0).date().days(), 0);
  EXPECT_EQ(DateTime::FromMinutes(0).ToString(), "1970-01-01T00:00");
  EXPECT_EQ(DateTime::FromMinutes(1439).ToString(), "1970-01-01T23:59");
  EXPECT_EQ(DateTime::FromMinutes(1440).ToString(), "1970-01-02T00:00");
  EXPECT_EQ(DateTime::FromMinutes(-1).date().days(), -1);
  EXPECT_EQ(DateTime::FromMinutes(-1).ToString(), "1969-12-31T23:59");
  EXPECT_EQ(DateTime::FromMinutes(-1439).ToString(), "1969-12-31T00:01");
  EXPECT_EQ(DateTime::FromMinutes(-1440).date().days(), -1);
  EXPECT_EQ(DateTime::FromMinutes(-1440).ToString(), "1969-12-31T00:00");
  EXPECT_EQ(DateTime::FromMinutes(-1441).date().days(), -2);
  EXPECT_EQ(DateTime::FromMinutes(-1441).ToString(), "1969-12-30T23:59");
  // Every minute of the days around the epoch lands on the right day.
  for (int64_t m = -3 * 1440; m < 3 * 1440; ++m) {
    Date d = DateTime::FromMinutes(m).date();
    ASSERT_LE(int64_t{d.days()} * 1440, m);
    ASSERT_GT(int64_t{d.days()} * 1440 + 1440, m);
  }
}

TEST(DateTimeTest, ParsesBackBeforeTheEpoch) {
  auto t = DateTime::Parse("1969-12-31T23:59");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().minutes(), -1);
  auto u = DateTime::Parse("1900-01-01T12:00");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.value().ToString(), "1900-01-01T12:00");
  EXPECT_EQ(u.value().date(), D("1900-01-01"));
}

TEST(DateTimeTest, Arithmetic) {
  DateTime a = DateTime::At(D("2018-03-31"), 23, 30);
  DateTime b = a.AddMinutes(45);
  EXPECT_EQ(b.ToString(), "2018-04-01T00:15");
  EXPECT_EQ(b - a, 45);
  EXPECT_LT(a, b);
}

// ---- FinancialYear ----

TEST(FinancialYearTest, ParseAcceptsThreeForms) {
  for (const char* text : {"2018/19", "2018-19", "201819"}) {
    auto fy = FinancialYear::Parse(text);
    ASSERT_TRUE(fy.ok()) << text;
    EXPECT_EQ(fy.value().start_year(), 2018) << text;
    EXPECT_EQ(fy.value().ToString(), "2018/19");
  }
  auto century = FinancialYear::Parse("1999/00");
  ASSERT_TRUE(century.ok());
  EXPECT_EQ(century.value().start_year(), 1999);
  EXPECT_EQ(century.value().ToString(), "1999/00");
  auto turn = FinancialYear::Parse("2099-00");
  ASSERT_TRUE(turn.ok());
  EXPECT_EQ(turn.value().start_year(), 2099);
}

TEST(FinancialYearTest, ParseRejects) {
  for (const char* bad : {"2018/20", "2018/18", "2018/17", "201820", "2018-20", "18/19", "2018/2019",
                          "2018_19", "2018 19", "2018/1", "20181", "2018/019", "abcd/ef", "2o18/19",
                          "", "2018", " 2018/19", "2018/19 ", "1999/01", "2018/+9", "-018/19"}) {
    EXPECT_FALSE(FinancialYear::Parse(bad).ok()) << bad;
  }
  auto r = FinancialYear::Parse("2018/20");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("follow"), std::string::npos) << r.error().why;
}

TEST(FinancialYearTest, OfAtTheYearBoundary) {
  EXPECT_EQ(FinancialYear::Of(D("2018-03-31")).start_year(), 2017);
  EXPECT_EQ(FinancialYear::Of(D("2018-04-01")).start_year(), 2018);
  EXPECT_EQ(FinancialYear::Of(D("2018-12-31")).start_year(), 2018);
  EXPECT_EQ(FinancialYear::Of(D("2019-01-01")).start_year(), 2018);
  EXPECT_EQ(FinancialYear::Of(D("2019-03-31")).start_year(), 2018);
  EXPECT_EQ(FinancialYear::Of(D("2019-04-01")).start_year(), 2019);
  EXPECT_EQ(FinancialYear::Of(D("1969-12-31")).start_year(), 1969);
}

TEST(FinancialYearTest, FirstLastDayAndContains) {
  FinancialYear fy(2018);
  EXPECT_EQ(fy.first_day(), D("2018-04-01"));
  EXPECT_EQ(fy.last_day(), D("2019-03-31"));
  EXPECT_EQ(fy.last_day() - fy.first_day(), 364);  // 365 days, no 29 Feb 2019
  EXPECT_EQ(FinancialYear(2019).last_day() - FinancialYear(2019).first_day(), 365);  // has 29 Feb 2020
  EXPECT_FALSE(fy.Contains(D("2018-03-31")));
  EXPECT_TRUE(fy.Contains(D("2018-04-01")));
  EXPECT_TRUE(fy.Contains(D("2019-03-31")));
  EXPECT_FALSE(fy.Contains(D("2019-04-01")));
  EXPECT_EQ(FinancialYear().start_year(), 2018);
  EXPECT_LT(FinancialYear(2017), FinancialYear(2018));
  for (Date d = fy.first_day(); d <= fy.last_day(); d = d.AddDays(1)) {
    ASSERT_EQ(FinancialYear::Of(d), fy) << d.ToString();
  }
}

TEST(FinancialYearTest, MonthsOfTheYear) {
  const char* names[] = {"Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"};
  const char* starts[] = {"2019-04-01", "2019-05-01", "2019-06-01", "2019-07-01", "2019-08-01", "2019-09-01",
                          "2019-10-01", "2019-11-01", "2019-12-01", "2020-01-01", "2020-02-01", "2020-03-01"};
  FinancialYear fy(2019);
  for (int32_t m = 1; m <= 12; ++m) {
    EXPECT_EQ(FinancialYear::MonthName(m), names[m - 1]) << m;
    Date start = fy.MonthStart(m);
    EXPECT_EQ(start, D(starts[m - 1])) << m;
    EXPECT_EQ(fy.MonthOf(start), m) << m;
    Date last = start.AddDays(Date::DaysInMonth(start.year(), start.month()) - 1);
    EXPECT_EQ(fy.MonthOf(last), m) << last.ToString();
    if (m < 12) {
      EXPECT_EQ(last.AddDays(1), fy.MonthStart(m + 1)) << m;
    }
  }
  EXPECT_EQ(fy.MonthStart(11).AddDays(28), D("2020-02-29"));  // leap February is month 11
  EXPECT_EQ(fy.MonthOf(D("2020-02-29")), 11);
  EXPECT_EQ(fy.MonthStart(1), fy.first_day());
  EXPECT_EQ(fy.MonthOf(fy.last_day()), 12);
}

}  // namespace
}  // namespace csu
