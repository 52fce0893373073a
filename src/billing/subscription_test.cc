#include "billing/subscription.h"

#include <gtest/gtest.h>

namespace csu::billing {
namespace {

ItemVersion Service(const std::string& code, int64_t pence = 100) {
  ItemVersion v;
  v.code = code;
  v.name = code;
  v.function = "finance";
  v.unit = Unit::kPerHeadYear;
  v.price = Money::FromPence(pence);
  v.effective_from = Date::FromYmd(2018, 4, 1);
  return v;
}

Catalogue TestCatalogue() {
  ItemVersion pkg = Service("PKG", 2676);
  pkg.kind = ItemKind::kPackage;
  pkg.function.clear();
  pkg.includes = {"A", "B"};
  return Catalogue({Service("A"), Service("B"), Service("C"), pkg});
}

Subscription Sub(const std::string& item, Date start, int32_t term = 24, int64_t id = 0) {
  Subscription s;
  s.id = id;
  s.ccg = "02E";
  s.item = item;
  s.start = start;
  s.term_months = term;
  s.notice_months = 3;
  return s;
}

bool AnyCcg(const std::string& ccg) { return ccg == "02E" || ccg == "12F"; }

std::string Why(const Subscription& s, const std::vector<Subscription>& existing = {}) {
  Status st = ValidateSubscription(s, existing, TestCatalogue(), AnyCcg);
  return st.ok() ? "ok" : st.error().why;
}

TEST(Subscription, TermEndAndNoticeDate) {
  Subscription s = Sub("A", Date::FromYmd(2018, 4, 1), 36);
  EXPECT_EQ(s.end_period(), Period(2021, 4));
  EXPECT_EQ(s.end(), Date::FromYmd(2021, 4, 1));
  EXPECT_EQ(s.notice_date(), Date::FromYmd(2020, 12, 31));  // 3 months before 1 April 2021
  EXPECT_TRUE(s.Covers(Period(2018, 4)));
  EXPECT_TRUE(s.Covers(Period(2021, 3)));
  EXPECT_FALSE(s.Covers(Period(2021, 4)));
  EXPECT_FALSE(s.Covers(Period(2018, 3)));
}

TEST(Subscription, TermsOutsideEighteenToSixtyMonthsAreRefused) {
  const Date d = Date::FromYmd(2018, 4, 1);
  EXPECT_EQ(Why(Sub("A", d, 18)), "ok");
  EXPECT_EQ(Why(Sub("A", d, 60)), "ok");
  EXPECT_NE(Why(Sub("A", d, 17)).find("outside 18–60 months"), std::string::npos);
  EXPECT_NE(Why(Sub("A", d, 61)).find("outside 18–60 months"), std::string::npos);
  EXPECT_NE(Why(Sub("A", Date::FromYmd(2018, 4, 2))).find("first day of a month"), std::string::npos);
  Subscription notice = Sub("A", d);
  notice.notice_months = 13;
  EXPECT_NE(Why(notice).find("notice"), std::string::npos);
  Subscription discount = Sub("A", d);
  discount.discount_bp = 5001;
  EXPECT_NE(Why(discount).find("50%"), std::string::npos);
  EXPECT_NE(Why(Sub("Z", d)).find("not in the catalogue"), std::string::npos);
  EXPECT_NE(Why(Sub("A", Date::FromYmd(2018, 3, 1))).find("no price in force"), std::string::npos);
  Subscription stranger = Sub("A", d);
  stranger.ccg = "99X";
  EXPECT_NE(Why(stranger).find("not a CCG"), std::string::npos);
}

TEST(Subscription, OverlapsAndDoubleChargesAreRefused) {
  const std::vector<Subscription> have = {Sub("A", Date::FromYmd(2018, 4, 1), 24, 1)};
  // Same item: overlapping refused, back to back allowed (a renewal).
  EXPECT_NE(Why(Sub("A", Date::FromYmd(2020, 3, 1)), have).find("overlaps subscription 1"), std::string::npos);
  EXPECT_EQ(Why(Sub("A", Date::FromYmd(2020, 4, 1)), have), "ok");
  // A package holding A, while A runs alone: A would be charged twice.
  std::string pkg = Why(Sub("PKG", Date::FromYmd(2019, 4, 1)), have);
  EXPECT_NE(pkg.find("A would be charged twice"), std::string::npos) << pkg;
  EXPECT_EQ(Why(Sub("PKG", Date::FromYmd(2020, 4, 1)), have), "ok");
  EXPECT_EQ(Why(Sub("C", Date::FromYmd(2018, 4, 1)), have), "ok");
  // Another CCG is not affected.
  Subscription other = Sub("A", Date::FromYmd(2018, 4, 1));
  other.ccg = "12F";
  EXPECT_EQ(Why(other, have), "ok");
}

TEST(Subscription, PercentagesAreExactBasisPoints) {
  EXPECT_EQ(ParsePercentBp("5%"), 500);
  EXPECT_EQ(ParsePercentBp("2.5"), 250);
  EXPECT_EQ(ParsePercentBp("12.25%"), 1225);
  EXPECT_EQ(ParsePercentBp("1.125"), std::nullopt);
  EXPECT_EQ(ParsePercentBp("x"), std::nullopt);
  EXPECT_EQ(PercentText(500), "5%");
  EXPECT_EQ(PercentText(250), "2.5%");
  EXPECT_EQ(PercentText(1225), "12.25%");
}

TEST(Period, ParsesAndSteps) {
  EXPECT_EQ(Period::Parse("2018-06").value(), Period(2018, 6));
  EXPECT_FALSE(Period::Parse("2018-13").ok());
  EXPECT_FALSE(Period::Parse("2018-6").ok());
  EXPECT_FALSE(Period::Parse("June").ok());
  EXPECT_EQ(Period(2018, 12).AddMonths(1), Period(2019, 1));
  EXPECT_EQ(Period(2018, 1).AddMonths(-1), Period(2017, 12));
  EXPECT_EQ(Period(2018, 3).AddMonths(-27), Period(2015, 12));
  EXPECT_EQ(Period(2019, 2).last_day(), Date::FromYmd(2019, 2, 28));
  EXPECT_EQ(Period(2018, 6).Name(), "June 2018");
  EXPECT_EQ(Period(2021, 4).MonthsSince(Period(2018, 4)), 36);
}

}  // namespace
}  // namespace csu::billing
