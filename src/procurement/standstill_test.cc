// Standstill end dates worked by hand across Christmas and Easter
// (tests/golden/procurement/README.md, "Standstill"), with the project's copy
// of the England and Wales bank holidays.
#include "procurement/standstill.h"

#include <gtest/gtest.h>

namespace csu::procurement {
namespace {

const BankHolidays& Holidays() {
  static const BankHolidays h = [] {
    auto r = BankHolidays::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata/bank_holidays_england_wales.csv");
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.value();
  }();
  return h;
}

Date D(int y, int m, int d) { return Date::FromYmd(y, m, d); }

TEST(ProcurementStandstill, GoldenPsrAcrossChristmas) {
  // Notice Friday 19 Dec 2025; count from Sat 20 Dec: 22, 23, 24, (25, 26
  // holidays), 29, 30, 31, (1 Jan holiday), 2, 5 Jan.
  auto s = StandstillPeriod(Regime::kPsr, D(2025, 12, 19), Holidays());
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  const std::vector<Date> want = {D(2025, 12, 22), D(2025, 12, 23), D(2025, 12, 24), D(2025, 12, 29),
                                  D(2025, 12, 30), D(2025, 12, 31), D(2026, 1, 2),   D(2026, 1, 5)};
  EXPECT_EQ(s.value().counted, want);
  EXPECT_EQ(s.value().last_day, D(2026, 1, 5));
  EXPECT_EQ(s.value().contract_from, D(2026, 1, 6));
}

TEST(ProcurementStandstill, GoldenProcurementActAcrossChristmas) {
  // The publication day counts: 19, 22, 23, 24, 29, 30, 31 Dec, 2 Jan.
  auto s = StandstillPeriod(Regime::kProcurementAct2023, D(2025, 12, 19), Holidays());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value().counted.front(), D(2025, 12, 19));
  EXPECT_EQ(s.value().last_day, D(2026, 1, 2));
  EXPECT_EQ(s.value().contract_from, D(2026, 1, 3));
}

TEST(ProcurementStandstill, GoldenAcrossEaster2026) {
  // Good Friday 3 Apr, Easter Monday 6 Apr 2026. Notice Wednesday 1 April.
  auto psr = StandstillPeriod(Regime::kPsr, D(2026, 4, 1), Holidays());
  ASSERT_TRUE(psr.ok());
  // 2, 7, 8, 9, 10, 13, 14, 15 April.
  EXPECT_EQ(psr.value().counted.front(), D(2026, 4, 2));
  EXPECT_EQ(psr.value().counted[1], D(2026, 4, 7));
  EXPECT_EQ(psr.value().last_day, D(2026, 4, 15));
  auto pa = StandstillPeriod(Regime::kProcurementAct2023, D(2026, 4, 1), Holidays());
  ASSERT_TRUE(pa.ok());
  // 1, 2, 7, 8, 9, 10, 13, 14 April.
  EXPECT_EQ(pa.value().last_day, D(2026, 4, 14));
}

TEST(ProcurementStandstill, NoticeOnASaturdayStartsOnTheNextWorkingDay) {
  // Procurement Act: Saturday 20 Dec 2025 is not a working day, so day 1 is
  // Monday 22: 22, 23, 24, 29, 30, 31, 2, 5 -> 5 Jan, the same as PSR from 19 Dec.
  auto pa = StandstillPeriod(Regime::kProcurementAct2023, D(2025, 12, 20), Holidays());
  ASSERT_TRUE(pa.ok());
  EXPECT_EQ(pa.value().last_day, D(2026, 1, 5));
}

TEST(ProcurementStandstill, OutsideTheHolidayYearsIsRefused) {
  auto s = StandstillPeriod(Regime::kPsr, D(2030, 12, 24), Holidays());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("does not cover 2031"), std::string::npos);
  EXPECT_FALSE(StandstillPeriod(Regime::kPcr2015, D(2020, 1, 6), Holidays()).ok());
}

TEST(ProcurementStandstill, BadHolidayFileNamesTheLine) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/bh_bad.csv";
  FILE* f = fopen(path.c_str(), "w");
  fputs("date,name\n2025-12-25,Christmas\n2025-13-01,Nonsense\n", f);
  fclose(f);
  auto r = BankHolidays::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "bh_bad.csv:3");
}

}  // namespace
}  // namespace csu::procurement
