// Properties that must hold for every record, checked over many generated
// spells across every HRG of the 2018/19 tariff (fixed seed, so repeatable).
#include <gtest/gtest.h>

#include <random>

#include "pricing/pricer.h"
#include "pricing/pricing_math.h"
#include "refdata/refdata.h"

namespace csu::pricing {
namespace {

const refdata::RefData& Ref() {
  static const refdata::RefData* r =
      new refdata::RefData(refdata::RefData::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata").value());
  return *r;
}

struct Generated {
  std::vector<ingest::ApcRecord> spells;
};

// Spells over every priced HRG, all admission types, stays of 0-60 days.
const Generated& Spells() {
  static const Generated* g = [] {
    auto* out = new Generated;
    std::mt19937_64 rng(20181);  // mt19937_64's sequence is fixed by the standard
    const char* methods[] = {"11", "12", "21", "22", "28", "31", "81"};
    const char* providers[] = {"RBT", "R1H", "RRV", "RJ8", "RWW"};
    for (const auto& row : Ref().Tariff(FinancialYear(2018))->apc()) {
      for (int k = 0; k < 3; ++k) {
        ingest::ApcRecord s;
        s.common.provider = OdsCode::Parse(providers[rng() % 5]).value();
        s.common.age_years = static_cast<uint8_t>(rng() % 100);
        s.hrg = row.hrg;
        s.admission_method = methods[rng() % 7];
        s.patient_classification = (rng() % 3 == 0) ? '2' : '1';
        s.admission_date = Date::FromYmd(2018, 4, 1).AddDays(static_cast<int32_t>(rng() % 365));
        s.discharge_date = s.admission_date.AddDays(static_cast<int32_t>(rng() % 61));
        s.treatment_function = TreatmentFunctionCode::Parse("300").value();
        if (rng() % 10 == 0) s.specialised_service = "NCBPS06Z";
        if (rng() % 10 == 0) s.unbundled_hrgs.push_back(HrgCode::Parse("RD01A").value());
        out->spells.push_back(s);
      }
    }
    return out;
  }();
  return *g;
}

TEST(PricingPropertyTest, RepricingIsDeterministic) {
  for (const auto& s : Spells().spells) {
    Price a = PriceApc(s, Ref());
    std::string explanation;
    Price b = PriceApc(s, Ref(), {}, &explanation);
    ASSERT_EQ(a.final_price, b.final_price) << explanation;
    ASSERT_EQ(a.pod, b.pod);
    ASSERT_EQ(a.excess_bed_days, b.excess_bed_days);
  }
}

TEST(PricingPropertyTest, FinalPriceIsItsPartsTimesMffRoundedOnce) {
  int priced = 0;
  for (const auto& s : Spells().spells) {
    Price p = PriceApc(s, Ref());
    if (!p.priced()) continue;
    ++priced;
    // Never negative; zero only where the tariff publishes a zero price (same
    // day dialysis, chemotherapy and radiotherapy admissions, healthy babies:
    // paid through unbundled HRGs or other currencies).
    ASSERT_GE(p.final_price, Money()) << s.hrg.ToString();
    if (p.final_price == Money()) {
      ASSERT_EQ(p.base, Money()) << s.hrg.ToString();
    }
    // Parts before MFF, as shown (each rounded to the penny): the final price
    // is their sum times MFF to within a penny per displayed rounding.
    Money parts = p.base + p.excess_bed_day_payment + p.adjustments;
    Money from_parts = parts.MulRatio(p.mff_ppm, detail::kPpm);
    ASSERT_LE(std::llabs(from_parts.pence() - p.final_price.pence()), 2) << s.hrg.ToString();
    if (p.top_up_ppm == 0 && p.unbundled == Money()) {
      ASSERT_EQ(from_parts, p.final_price) << s.hrg.ToString();  // no display rounding involved
    }
  }
  EXPECT_GT(priced, 5000);
}

TEST(PricingPropertyTest, ALongerStayNeverCostsLess) {
  for (const auto& s : Spells().spells) {
    ingest::ApcRecord longer = s;
    longer.discharge_date = s.discharge_date.AddDays(1);
    Price a = PriceApc(s, Ref());
    Price b = PriceApc(longer, Ref());
    if (!a.priced() || !b.priced()) continue;
    ASSERT_LE(a.final_price, b.final_price) << s.hrg.ToString() << " los " << s.los_days();
  }
}

TEST(PricingPropertyTest, TheTotalOfASetIsTheSumOfItsRecords) {
  Money total;
  Money by_pod[16];
  for (const auto& s : Spells().spells) {
    Price p = PriceApc(s, Ref());
    total += p.final_price;
    by_pod[static_cast<int>(p.pod)] += p.final_price;
  }
  Money sum_of_pods;
  for (const Money& m : by_pod) sum_of_pods += m;
  EXPECT_EQ(total, sum_of_pods);
  EXPECT_EQ(by_pod[static_cast<int>(Pod::kNone)], Money());  // unpriced records add nothing
}

}  // namespace
}  // namespace csu::pricing
