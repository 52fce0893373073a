#include "synth/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace csu::synth {
namespace {

// Reference values computed independently (a Python transcription of
// splitmix64 seeding and xoshiro256**). If these change, every generated
// file changes: that must be a deliberate decision.
TEST(RngTest, KnownValues) {
  Rng one(1);
  EXPECT_EQ(one.Next(), 0xb3f2af6d0fc710c5ULL);
  EXPECT_EQ(one.Next(), 0x853b559647364ceaULL);
  EXPECT_EQ(one.Next(), 0x92f89756082a4514ULL);
  Rng zero(0);  // seed 0 is as good as any other
  EXPECT_EQ(zero.Next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(zero.Next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(HashText("A84002"), 0xfe981194b9b96e0aULL);
}

TEST(RngTest, SameSeedSameStreamDifferentSeedDifferent) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
  EXPECT_NE(DeriveSeed(1, 2), DeriveSeed(1, 3));
  EXPECT_NE(DeriveSeed(1, 2), DeriveSeed(2, 2));
}

TEST(RngTest, UniformAndBelowStayInRange) {
  Rng rng(7);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const uint32_t k = rng.Below(10);
    ASSERT_LT(k, 10u);
    ++counts[k];
    const int32_t b = rng.Between(-3, 3);
    ASSERT_GE(b, -3);
    ASSERT_LE(b, 3);
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  EXPECT_EQ(rng.Below(1), 0u);
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

TEST(RngTest, PoissonHasItsMeanAndVariance) {
  Rng rng(11);
  for (double lambda : {0.05, 0.4, 3.0, 40.0}) {
    std::vector<double> v;
    for (int i = 0; i < 200000; ++i) v.push_back(rng.Poisson(lambda));
    const double m = Mean(v);
    double var = 0;
    for (double x : v) var += (x - m) * (x - m);
    var /= static_cast<double>(v.size());
    EXPECT_NEAR(m, lambda, 0.02 * lambda + 0.003) << lambda;
    EXPECT_NEAR(var, lambda, 0.05 * lambda + 0.005) << lambda;
  }
  EXPECT_EQ(rng.Poisson(0.0), 0);
}

TEST(RngTest, ContinuousDistributions) {
  Rng rng(5);
  std::vector<double> normal, lognormal, expo, geo;
  for (int i = 0; i < 200000; ++i) {
    normal.push_back(rng.Normal());
    lognormal.push_back(rng.LogNormal(3.0, 0.5));
    expo.push_back(rng.Exponential(60.0));
    geo.push_back(rng.Geometric(0.25));
  }
  EXPECT_NEAR(Mean(normal), 0.0, 0.01);
  EXPECT_NEAR(Mean(lognormal), 3.0 * std::exp(0.125), 0.03);  // mean = median * e^(sigma^2/2)
  EXPECT_NEAR(Mean(expo), 60.0, 0.6);
  EXPECT_NEAR(Mean(geo), 3.0, 0.05);  // (1-p)/p
}

TEST(AliasTableTest, DrawsInProportionToWeights) {
  const AliasTable table({1.0, 0.0, 3.0, 6.0});
  Rng rng(3);
  std::vector<int> counts(4, 0);
  for (int i = 0; i < 100000; ++i) ++counts[table.Pick(rng)];
  EXPECT_NEAR(counts[0], 10000, 600);
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[2], 30000, 900);
  EXPECT_NEAR(counts[3], 60000, 900);
  const AliasTable single({5.0});
  EXPECT_EQ(single.Pick(rng), 0u);
}

}  // namespace
}  // namespace csu::synth
