#include "synth/population.h"

#include <gtest/gtest.h>

#include <set>

#include "core/nhs_number.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "synth/rates.h"

namespace csu::synth {
namespace {

const refdata::RefData& Ref() { return refdata::TestRefData(); }

TEST(NhsNumbersTest, CheckDigitAgreesWithCore) {
  Rng rng(1);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t prefix = 100'000'000 + rng.Below(900'000'000);
    int digits[9];
    uint64_t p = prefix;
    for (int d = 8; d >= 0; --d) {
      digits[d] = static_cast<int>(p % 10);
      p /= 10;
    }
    const auto core = NhsCheckDigit(digits);
    EXPECT_EQ(NhsCheckDigitOf(prefix), core ? *core : -1) << prefix;
  }
}

TEST(NhsNumbersTest, SequencesAreValidIncreasingAndInTheNineRange) {
  NhsNumberSequence seq(900'000'000);
  uint64_t previous = 0;
  for (int i = 0; i < 50000; ++i) {
    const uint64_t n = seq.Next();
    EXPECT_GT(n, previous);
    previous = n;
    EXPECT_EQ(n / 1'000'000'000, 9u);  // first digit 9: never issued to patients
    const std::string text = std::to_string(n);
    ASSERT_TRUE(ParseNhsNumber(text).has_value()) << text;
  }
  // The first number of the range is the published test number 900 000 0009.
  EXPECT_EQ(NhsNumberSequence(900'000'000).Next(), 9000000009ULL);
}

TEST(NhsNumbersTest, PracticeBlocksAreDisjointAndLargeEnough) {
  const auto& practices = Ref().practices();
  const NhsNumberBlocks blocks(practices);
  EXPECT_LE(blocks.end_prefix(), 1'000'000'000u);
  size_t biggest = 0;
  for (size_t i = 0; i < practices.size(); ++i) {
    if (i > 0) {
      EXPECT_EQ(blocks.first_prefix(i), blocks.first_prefix(i - 1) + blocks.block_length(i - 1));
    }
    if (practices[i].registered_patients > practices[biggest].registered_patients) biggest = i;
  }
  // Walking the biggest practice's list stays inside its block.
  NhsNumberSequence seq(blocks.first_prefix(biggest));
  uint64_t last = 0;
  for (int64_t k = 0; k < practices[biggest].registered_patients; ++k) last = seq.Next();
  EXPECT_LT(last / 10, blocks.first_prefix(biggest) + blocks.block_length(biggest));
}

TEST(PopulationTest, AgeSexStructureIsEnglandLike) {
  PracticeProfile flat;  // no tilt
  const FinancialYear year(2018);
  PopulationSampler sampler(flat, year);
  Rng rng(9);
  NhsNumberSequence numbers(900'000'000);
  const int64_t n = 200000;
  int64_t old = 0, children = 0, women = 0;
  std::set<uint64_t> seen;
  for (int64_t i = 0; i < n; ++i) {
    const Patient p = sampler.Draw(rng, numbers);
    ASSERT_GE(p.age, 0);
    ASSERT_LE(p.age, 105);
    ASSERT_EQ(year.first_day().AgeOn(p.date_of_birth), p.age);
    ASSERT_TRUE(p.sex_code == '1' || p.sex_code == '2' || p.sex_code == '9' || p.sex_code == '0');
    ASSERT_TRUE(seen.insert(p.nhs_number).second);
    old += p.age >= 65;
    children += p.age < 15;
    women += p.sex_index;
  }
  // England mid-2018: ~18% aged 65+, ~18% under 15, ~51% female.
  EXPECT_NEAR(static_cast<double>(old) / static_cast<double>(n), 0.18, 0.01);
  EXPECT_NEAR(static_cast<double>(children) / static_cast<double>(n), 0.18, 0.01);
  EXPECT_NEAR(static_cast<double>(women) / static_cast<double>(n), 0.505, 0.01);
}

TEST(PopulationTest, ProfilesDependOnThePracticeOnly) {
  const auto& practices = Ref().practices();
  const PracticeProfile a = ProfileOf(practices[0]);
  const PracticeProfile b = ProfileOf(practices[0]);
  EXPECT_EQ(a.age_tilt, b.age_tilt);
  EXPECT_EQ(a.need, b.need);
  double min_need = 10, max_need = 0;
  for (const auto& p : practices) {
    const double need = ProfileOf(p).need;
    min_need = std::min(min_need, need);
    max_need = std::max(max_need, need);
  }
  EXPECT_GE(min_need, 0.7);
  EXPECT_LE(max_need, 1.5);
  EXPECT_GT(max_need - min_need, 0.4);  // practices do differ
}

TEST(RatesTest, ShapesScaleToTheNationalTotals) {
  const RateModel m = BuildRateModel();
  double people = 0, elective = 0, ae = 0;
  for (int b = 0; b < kAgeBands; ++b) {
    people += kEnglandMale[b] + kEnglandFemale[b];
    elective += m.elective[0][b] * kEnglandMale[b] + m.elective[1][b] * kEnglandFemale[b];
    ae += m.ae[0][b] * kEnglandMale[b] + m.ae[1][b] * kEnglandFemale[b];
  }
  EXPECT_NEAR(1000 * elective / people, kElectivePer1000, 3.0);  // sex tweaks move it a little
  EXPECT_NEAR(1000 * ae / people, kAePer1000, 0.01);
  EXPECT_GT(m.elective[0][16], 5 * m.elective[0][2]);  // 80-84 vs 10-14
  EXPECT_EQ(m.maternity[0], 0.0);
  EXPECT_GT(m.maternity[6], 0.0);
}

}  // namespace
}  // namespace csu::synth
