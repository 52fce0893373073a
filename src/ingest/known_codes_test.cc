#include "ingest/known_codes.h"

#include <gtest/gtest.h>

#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"

namespace csu::ingest {
namespace {

const refdata::RefData& Ref() { return refdata::TestRefData(); }

OdsCode Ods(const char* s) { return OdsCode::Parse(s).value(); }
HrgCode Hrg(const char* s) { return HrgCode::Parse(s).value(); }

// RefData's own answer, written out as the validator used to ask it.
bool RefKnowsHrg(const HrgCode& hrg, Date day) {
  if (const auto* tariff = Ref().TariffFor(day)) {
    return tariff->FindApc(hrg) || tariff->FindAe(hrg) || tariff->FindUnbundled(hrg) ||
           tariff->HrgHasNoNationalPrice(hrg) || hrg.view() == "UZ01Z";
  }
  return Ref().FindHrg(hrg) != nullptr || hrg.view() == "UZ01Z";
}

TEST(KnownCodesTest, OrganisationsAgreeWithRefData) {
  KnownCodes known(Ref());
  for (const auto& p : Ref().practices()) EXPECT_TRUE(known.Practice(p.code)) << p.code.view();
  for (const auto& c : Ref().ccgs()) {
    EXPECT_TRUE(known.Commissioner(c.code)) << c.code.view();
    EXPECT_EQ(known.Practice(c.code), Ref().FindPractice(c.code) != nullptr) << c.code.view();
  }
  for (const auto& t : Ref().trusts()) {
    EXPECT_TRUE(known.Provider(t.code)) << t.code.view();
    EXPECT_EQ(known.Commissioner(t.code), Ref().FindCcg(t.code) != nullptr) << t.code.view();
  }
  for (const char* unknown : {"ZZZ", "X99999", "ZZZ99", "V81999"}) {
    EXPECT_EQ(known.Practice(Ods(unknown)), Ref().FindPractice(Ods(unknown)) != nullptr) << unknown;
    EXPECT_EQ(known.Commissioner(Ods(unknown)), Ref().FindCcg(Ods(unknown)) != nullptr) << unknown;
  }
  EXPECT_FALSE(known.Provider(Ods("ZZZ")));
}

TEST(KnownCodesTest, HrgsAgreeWithRefDataOnEveryDayAroundTheTariffYears) {
  KnownCodes known(Ref());
  std::vector<HrgCode> hrgs{Hrg("UZ01Z"), Hrg("ZZ99Z"), Hrg("VB99Z"), Hrg("AA00A")};
  for (const auto& h : Ref().hrgs()) hrgs.push_back(h.code);
  for (FinancialYear y : Ref().tariff_years()) {
    for (const auto& p : Ref().Tariff(y)->apc()) hrgs.push_back(p.hrg);
    for (const auto& p : Ref().Tariff(y)->unbundled()) hrgs.push_back(p.hrg);
  }
  std::vector<Date> days;
  for (FinancialYear y : Ref().tariff_years()) {
    for (Date d : {y.first_day(), y.last_day(), y.first_day().AddDays(-1), y.last_day().AddDays(1)}) days.push_back(d);
  }
  days.push_back(Date::FromYmd(1990, 6, 1));
  days.push_back(Date::FromYmd(2040, 6, 1));
  for (Date d : days) {
    for (const HrgCode& h : hrgs) {
      EXPECT_EQ(known.Hrg(h, d), RefKnowsHrg(h, d)) << h.view() << " on " << d.ToString();
    }
  }
}

}  // namespace
}  // namespace csu::ingest
