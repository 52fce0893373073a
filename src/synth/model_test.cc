// Tests of the generator's building blocks against the real reference data:
// HRG choice, provider choice, the calendar.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "synth/calendar.h"
#include "synth/hrg_mix.h"
#include "synth/provider_choice.h"

namespace csu::synth {
namespace {

const refdata::RefData& Ref() { return refdata::TestRefData(); }

const refdata::ApcPrice& Price(FinancialYear year, HrgCode hrg) { return *Ref().Tariff(year)->FindApc(hrg); }

TEST(HrgMixTest, ChoicesFitTheSettingAgeAndSex) {
  for (int start : {2016, 2017, 2018}) {
    const FinancialYear year(start);
    auto built = HrgMix::Build(Ref(), year);
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    const HrgMix& mix = built.value();
    Rng rng(1);
    for (int i = 0; i < 4000; ++i) {
      const int32_t age = static_cast<int32_t>(rng.Below(100));
      const int sex = static_cast<int>(rng.Below(2));
      const auto& dc = Price(year, mix.Pick(Setting::kDayCase, age, sex, rng).code);
      EXPECT_TRUE(dc.DayCasePrice().has_value()) << dc.hrg.ToString();
      const auto& el = Price(year, mix.Pick(Setting::kOrdinaryElective, age, sex, rng).code);
      EXPECT_TRUE(el.OrdinaryElectivePrice().has_value()) << el.hrg.ToString();
      const auto& nel = Price(year, mix.Pick(Setting::kNonElective, age, sex, rng).code);
      EXPECT_TRUE(nel.non_elective.has_value()) << nel.hrg.ToString();
      for (const auto* p : {&dc, &el, &nel}) {
        const std::string& name = p->name;
        if (age <= 18) {
          EXPECT_EQ(name.find("19 years and over"), std::string::npos) << name << " age " << age;
        }
        if (age >= 19) {
          EXPECT_EQ(name.find("18 years and under"), std::string::npos) << name << " age " << age;
          EXPECT_NE(p->hrg.view()[0], 'P') << name << " age " << age;
        }
        if (sex == 0) {
          EXPECT_NE(p->hrg.subchapter(), "MA") << name;
        } else {
          EXPECT_EQ(name.find("Prostate Resection"), std::string::npos) << name;
        }
      }
    }
    for (int g = 0; g < 3; ++g) {
      EXPECT_NE(Ref().Tariff(year)->FindAe(mix.PickAe(g, g == 0, rng)), nullptr);
    }
  }
}

TEST(HrgMixTest, ActivityConcentratesOnCommonHrgs) {
  auto mix = HrgMix::Build(Ref(), FinancialYear(2018)).value();
  Rng rng(2);
  std::map<std::string, int> counts;
  const int n = 50000;
  for (int i = 0; i < n; ++i) ++counts[mix.Pick(Setting::kDayCase, 60, 0, rng).code.ToString()];
  std::vector<int> sorted;
  for (const auto& [code, c] : counts) sorted.push_back(c);
  std::sort(sorted.rbegin(), sorted.rend());
  int top20 = 0;
  for (size_t i = 0; i < 20 && i < sorted.size(); ++i) top20 += sorted[i];
  // Real day-case activity: a few dozen HRGs (endoscopy, cataracts, ...)
  // make a large share; a flat spread over ~1,500 HRGs would give ~1%.
  EXPECT_GT(static_cast<double>(top20) / n, 0.25);
  EXPECT_GT(counts["BZ34C"] + counts["BZ34B"] + counts["BZ34A"], n / 200);  // cataracts
}

TEST(HrgMixTest, ChemotherapyAndOutpatientProcedures) {
  auto mix = HrgMix::Build(Ref(), FinancialYear(2018)).value();
  ASSERT_NE(mix.chemotherapy(), nullptr);
  EXPECT_EQ(mix.chemotherapy()->code.view(), "SB97Z");
  ASSERT_FALSE(mix.chemo_unbundled().empty());
  for (HrgCode u : mix.chemo_unbundled()) EXPECT_NE(Ref().Tariff(FinancialYear(2018))->FindUnbundled(u), nullptr);
  Rng rng(3);
  const auto dermatology = TreatmentFunctionCode::Parse("330").value();
  const HrgEntry* e = mix.PickOutpatientProcedure(dermatology, 50, 1, rng);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(Price(FinancialYear(2018), e->code).outpatient_procedure.has_value());
  EXPECT_NE(mix.PickMaternity(false, rng), nullptr);
}

const refdata::Practice& FirstPracticeIn(const char* ccg, const char* postcode_area) {
  for (const auto& p : Ref().practices()) {
    if (p.ccg.view() == ccg && PostcodeAreaDistrict(p.postcode).first == postcode_area) return p;
  }
  ADD_FAILURE() << "no practice of " << ccg << " in " << postcode_area;
  return Ref().practices()[0];
}

TEST(ProviderChoiceTest, EveryProviderHasAnMffAndPracticesUseTheirLocalTrust) {
  const FinancialYear year(2018);
  auto built = ProviderCatalog::Build(Ref(), year);
  ASSERT_TRUE(built.ok());
  const ProviderCatalog& cat = built.value();
  for (const auto& p : cat.providers()) EXPECT_NE(Ref().FindMff(year, p.code), nullptr) << p.code.ToString();
  // Crewe (CW, Cheshire CCG) -> Mid Cheshire; Wirral (CH4x) -> Wirral;
  // Warrington -> Warrington and Halton; Chester -> Countess of Chester.
  const struct {
    const char* ccg;
    const char* area;
    const char* trust;
  } kCases[] = {{"27D", "CW", "RBT"}, {"12F", "CH", "RBL"}, {"02E", "WA", "RWW"}};
  for (const auto& c : kCases) {
    const auto& practice = FirstPracticeIn(c.ccg, c.area);
    const auto pp = cat.ForPractice(practice, Ref().FindCcg(practice.ccg)->health_geography);
    EXPECT_EQ(cat.providers()[pp.nearest].code.view(), c.trust) << practice.code.ToString();
    Rng rng(4);
    int nearest = 0;
    for (int i = 0; i < 10000; ++i) {
      const uint16_t p = pp.general[1].Pick(rng);
      nearest += p == pp.nearest;
      EXPECT_FALSE(cat.providers()[p].children_only);
      EXPECT_FALSE(cat.providers()[p].women_only);  // adult men
    }
    EXPECT_NEAR(nearest, 7200, 400);
  }
  EXPECT_EQ(PostcodeAreaDistrict("CH41 5AA"), (std::pair<std::string, int32_t>{"CH", 41}));
  EXPECT_EQ(PostcodeAreaDistrict("W1G 6BW"), (std::pair<std::string, int32_t>{"W", 1}));
}

TEST(ProviderChoiceTest, EveryPracticeInEnglandGetsProviders) {
  const FinancialYear year(2018);
  const ProviderCatalog cat = ProviderCatalog::Build(Ref(), year).value();
  std::map<std::string, std::string> geography;
  for (const auto& c : Ref().ccgs()) geography[c.code.ToString()] = c.health_geography;
  size_t i = 0;
  for (const auto& p : Ref().practices()) {
    if (i++ % 25 != 0) continue;  // a sample keeps the test fast
    const auto pp = cat.ForPractice(p, geography[p.ccg.ToString()]);
    for (const auto& g : pp.general) ASSERT_FALSE(g.empty()) << p.code.ToString();
    ASSERT_FALSE(pp.ae[kType1][1].empty()) << p.code.ToString();
  }
}

TEST(CalendarTest, BankHolidaysAndWeights) {
  const Calendar cal(Ref(), FinancialYear(2018));
  const std::set<std::string> holidays = {"2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25",
                                          "2018-12-26", "2019-01-01", "2018-03-30", "2018-04-02"};
  int found = 0;
  for (Date d = Date::FromYmd(2018, 3, 1); d <= Date::FromYmd(2019, 3, 31); d = d.AddDays(1)) {
    if (Calendar::IsBankHoliday(d)) {
      ++found;
      EXPECT_TRUE(holidays.count(d.ToString())) << d.ToString();
    }
  }
  EXPECT_EQ(found, 8);
  EXPECT_TRUE(Calendar::IsBankHoliday(Date::FromYmd(2021, 12, 27)));  // Christmas on a Saturday
  EXPECT_TRUE(Calendar::IsBankHoliday(Date::FromYmd(2021, 12, 28)));
  EXPECT_TRUE(Calendar::IsBankHoliday(Date::FromYmd(2022, 1, 3)));    // New Year on a Saturday

  Rng rng(5);
  int weekend = 0, before_april = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const Date d = cal.Draw(Flow::kElective, rng);
    weekend += d.weekday() >= 5;
    before_april += d < FinancialYear(2018).first_day();
  }
  EXPECT_LT(weekend, n / 50);
  EXPECT_NEAR(static_cast<double>(before_april) / n, 120.0 / 485.0, 0.03);
  EXPECT_NEAR(cal.WindowFactor(Flow::kElective), 485.0 / 365.0, 0.05);
}

}  // namespace
}  // namespace csu::synth
