// CommissioningViews: the headline a CCG home page opens with, the weekly
// A&E measure behind its SPC chart, and the requests it refuses. Figures are
// worked by hand from the records below.
#include "analytics/commissioning_views.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "analytics/analytics_testing.h"
#include "contracts/contract_store.h"
#include "report/render.h"
#include "refdata/refdata_for_tests.h"
#include "store/store_testing.h"

namespace csu::analytics {
namespace {

using pricing::Pod;

contracts::Contract Plan() {
  contracts::Contract c;
  c.commissioner = OdsCode::Parse("02E").value();
  c.provider = OdsCode::Parse("RBT").value();
  c.year = FinancialYear(2018);
  // £1,200 a year of NEL (£100 a month), 12 spells; £240 of EL, 2 spells.
  c.lines.push_back({Pod::kNonElective, 12, Money::FromPence(1'200'00), contracts::kFlatProfile});
  c.lines.push_back({Pod::kElective, 2, Money::FromPence(240'00), contracts::kFlatProfile});
  return c;
}

class CommissioningViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    auto db = contracts::ContractStore::Open(dir_.path());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db.value());
    ASSERT_TRUE(db_->Replace({Plan()}, {"2018-10-01T00:00:00Z", "test", ""}).ok());
    // April and May: NEL at RBT £150 and £250 (plan £100 a month each), one
    // spell at a provider without a contract (NCA £70).
    testing::SpellSpec s;
    s.patient = 1;
    s.admitted = s.discharged = "2018-04-10";
    s.pence = 150'00;
    t_.Spell(s);
    s.patient = 2;
    s.admitted = s.discharged = "2018-05-10";
    s.pence = 250'00;
    t_.Spell(s);
    s.patient = 3;
    s.provider = "RWW";
    s.pence = 70'00;
    t_.Spell(s);
    // A&E at RWW (no contract: NCA, £140 each): the week of Monday 2 April
    // 2018: 2 attendances, 1 within 4 hours; the next week: 1, within.
    testing::AeSpec ae;
    ae.provider = "RWW";
    ae.arrival = "2018-04-02T10:00";
    ae.minutes = 241;
    t_.Ae(ae);
    ae.arrival = "2018-04-08T23:00";
    ae.minutes = 240;
    t_.Ae(ae);
    ae.arrival = "2018-04-09T08:00";
    ae.minutes = 30;
    t_.Ae(ae);
  }

  store::testing::ScratchDir dir_{"views"};
  std::unique_ptr<contracts::ContractStore> db_;
  testing::TestActivity t_;
};

TEST_F(CommissioningViewsTest, HeadlineAddsTheContractsAndRanksVariances) {
  CommissioningViews views(t_.activity(), refdata::TestRefData(), *db_);
  ViewRequest r;
  r.commissioner = "02E";
  r.month = 2;
  auto h = views.HeadlineFor(r);
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  EXPECT_EQ(h.value().scope.month, 2);
  EXPECT_EQ(h.value().contracts, 1);
  // Plan to May: NEL £200 + EL £40 = £240; actual £150 + £250 = £400.
  EXPECT_EQ(h.value().plan_ytd_pence, 240'00);
  EXPECT_EQ(h.value().actual_ytd_pence, 400'00);
  EXPECT_EQ(h.value().annual_plan_pence, 1'440'00);
  // Run rate: £400 × 12 / 2.
  EXPECT_EQ(h.value().forecast_run_rate_pence, 2'400'00);
  EXPECT_EQ(h.value().non_contract_ytd_pence, 70'00 + 3 * 140'00);
  ASSERT_GE(h.value().top_variances.size(), 2u);
  EXPECT_EQ(h.value().top_variances[0].pod, Pod::kNonElective);  // +£200
  EXPECT_EQ(h.value().top_variances[0].variance_pence(), 200'00);
  EXPECT_EQ(h.value().top_variances[1].pod, Pod::kElective);  // −£40
  EXPECT_EQ(h.value().top_variances[1].variance_pence(), -40'00);
}

// RBT's NEL line by month to June: April 1 spell £150, May 1 £250, June none.
TEST_F(CommissioningViewsTest, ALinesMonthsForItsChart) {
  CommissioningViews views(t_.activity(), refdata::TestRefData(), *db_);
  ViewRequest r;
  r.commissioner = "02E";
  r.month = 3;
  r.provider = "RBT";
  r.pod = Pod::kNonElective;
  auto months = views.LineMonthly(r);
  ASSERT_TRUE(months.ok()) << months.error().ToString();
  ASSERT_EQ(months.value().size(), 3u);
  EXPECT_EQ(months.value()[0].period, "2018-04");
  EXPECT_EQ(months.value()[0].activity, 1);
  EXPECT_EQ(months.value()[0].pence, 150'00);
  EXPECT_EQ(months.value()[1].pence, 250'00);
  EXPECT_EQ(months.value()[2].period, "2018-06");
  EXPECT_EQ(months.value()[2].activity, 0);
  r.provider = "R0A";  // no activity for 02E: zeros, not an error
  EXPECT_EQ(views.LineMonthly(r).value()[0].pence, 0);
}

TEST_F(CommissioningViewsTest, AeFourHourPerformanceByWeekFromMonday) {
  CommissioningViews views(t_.activity(), refdata::TestRefData(), *db_);
  ViewScope scope;
  scope.year = FinancialYear(2018);
  const std::vector<MeasurePoint> weeks = views.AeFourHourWeekly(scope);
  ASSERT_EQ(weeks.size(), 2u);
  EXPECT_EQ(weeks[0].period, "2018-04-02");
  EXPECT_EQ(weeks[0].denominator, 2);
  EXPECT_EQ(weeks[0].numerator, 1);  // 241 minutes is over 4 hours; 240 is within
  EXPECT_DOUBLE_EQ(weeks[0].value(), 50.0);
  EXPECT_EQ(weeks[1].period, "2018-04-09");
  EXPECT_DOUBLE_EQ(weeks[1].value(), 100.0);
}

// Which providers other CCGs use must not be learnt from the drill-down: a
// provider with only 27D's activity and one never seen answer alike (an
// empty list naming the provider asked for), not 200 and an error.
TEST_F(CommissioningViewsTest, RecordsOfAProviderWithOnlyAnotherCcgsActivityAnswerLikeAnUnknownOne) {
  testing::SpellSpec other;
  other.commissioner = "27D";
  other.provider = "RJ8";
  other.patient = 9;
  t_.Spell(other);
  CommissioningViews views(t_.activity(), refdata::TestRefData(), *db_);
  auto answer = [&](const char* provider) {
    ViewRequest r;
    r.view = "records";
    r.commissioner = "02E";
    r.month = 2;
    r.provider = provider;
    auto built = views.Build(r);
    EXPECT_TRUE(built.ok()) << provider << ": " << (built.ok() ? "" : built.error().ToString());
    if (!built.ok()) return std::string("error");
    std::string text = report::RenderCsv(built.value().tables.at(0));
    for (const auto& note : built.value().tables.at(0).notes) text += "\n" + note;
    EXPECT_EQ(built.value().records_matching, 0u) << provider;
    // The only difference allowed is the code that was asked for.
    const size_t at = text.find(provider);
    if (at != std::string::npos) text.replace(at, 3, "XXX");
    return text;
  };
  EXPECT_EQ(answer("RJ8"), answer("ZZZ"));
}

TEST_F(CommissioningViewsTest, RefusesUnknownViewsCommissionersAndMonths) {
  CommissioningViews views(t_.activity(), refdata::TestRefData(), *db_);
  ViewRequest r;
  r.view = "secrets";
  r.commissioner = "02E";
  EXPECT_NE(views.Build(r).error().why.find("not a view"), std::string::npos);
  r.view = "spend";
  r.commissioner = "X'; DROP TABLE contracts;--";
  EXPECT_NE(views.Build(r).error().why.find("not a CCG code"), std::string::npos);
  r.commissioner = "00Q";  // a real CCG with nothing loaded
  EXPECT_NE(views.Build(r).error().why.find("no activity is loaded"), std::string::npos);
  r.commissioner = "02E";
  r.month = 13;
  EXPECT_FALSE(views.Build(r).ok());
  r.month = 0;  // the latest month with activity: May
  auto ok = views.Build(r);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().scope.month, 2);
}

}  // namespace
}  // namespace csu::analytics
