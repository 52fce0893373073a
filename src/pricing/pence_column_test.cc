#include "pricing/pence_column.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace csu::pricing {
namespace {

constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int64_t kMax32 = std::numeric_limits<int32_t>::max();

// Every row reads back as given, by operator[] and by the scan form
// (narrow array, Wide for the marked rows), and the sum is the plain sum.
void ExpectHolds(const PenceColumn& c, const std::vector<int64_t>& want) {
  ASSERT_EQ(c.size(), want.size());
  int64_t sum = 0;
  size_t wide = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(c[i], want[i]) << "row " << i;
    const int32_t v = c.narrow()[i];
    ASSERT_EQ(v != PenceColumn::kWide ? int64_t{v} : c.Wide(i), want[i]) << "row " << i;
    ASSERT_EQ(v == PenceColumn::kWide, !PenceColumn::Fits(want[i])) << "row " << i;
    wide += static_cast<size_t>(!PenceColumn::Fits(want[i]));
    sum += want[i];
  }
  EXPECT_EQ(c.wide_rows(), wide);
  EXPECT_EQ(c.Sum(), sum);
  EXPECT_EQ(c.Bytes(), want.size() * 4 + wide * 16);
}

TEST(PenceColumn, EdgeValuesRoundTrip) {
  const std::vector<int64_t> values = {0,
                                       1,
                                       -1,
                                       kMax32,
                                       kMax32 + 1,
                                       kMin32,  // the marker itself: held wide
                                       kMin32 + 1,
                                       kMin32 - 1,
                                       std::numeric_limits<int64_t>::max() / 4,
                                       std::numeric_limits<int64_t>::min() / 4,
                                       123'456};
  PenceColumn c;
  for (int64_t v : values) c.push_back(v);
  ExpectHolds(c, values);
  EXPECT_EQ(c.wide_rows(), 5u);
  EXPECT_TRUE(PenceColumn::Fits(kMin32 + 1));
  EXPECT_FALSE(PenceColumn::Fits(kMin32));
}

TEST(PenceColumn, SetMovesRowsBetweenNarrowAndWideInAnyOrder) {
  PenceColumn c;
  std::vector<int64_t> want(10, 0);
  c.resize(10);
  ExpectHolds(c, want);
  // Wide rows set out of order, a wide row overwritten wide, then narrowed.
  for (size_t row : {7u, 2u, 9u, 0u}) {
    want[row] = kMax32 + static_cast<int64_t>(row);
    c.Set(row, want[row]);
  }
  ExpectHolds(c, want);
  want[2] = kMin32;
  c.Set(2, want[2]);
  ExpectHolds(c, want);
  want[7] = -5;
  c.Set(7, want[7]);
  ExpectHolds(c, want);
  // Shrinking drops the wide rows past the end; growing adds zeros.
  c.resize(8);
  want.resize(8);
  ExpectHolds(c, want);
  c.resize(12);
  want.resize(12, 0);
  ExpectHolds(c, want);
  c.clear();
  ExpectHolds(c, {});
}

TEST(PenceColumn, CanonicalSoEqualValuesAreEqualColumns) {
  PenceColumn a, b;
  a.push_back(kMax32 + 9);
  a.push_back(4);
  b.resize(2);
  b.Set(1, 4);
  b.Set(0, 17);
  b.Set(0, kMax32 + 9);
  EXPECT_EQ(a, b);
  b.Set(0, 17);
  EXPECT_NE(a, b);
}

TEST(PenceColumn, RandomColumnsRoundTrip) {
  std::mt19937_64 rng(18);
  for (int round = 0; round < 50; ++round) {
    const size_t n = rng() % 5000;
    std::vector<int64_t> want;
    PenceColumn c;
    for (size_t i = 0; i < n; ++i) {
      int64_t v;
      switch (rng() % 8) {
        case 0: v = static_cast<int64_t>(rng());  break;                      // anything, mostly wide
        case 1: v = kMin32 + static_cast<int64_t>(rng() % 3) - 1; break;    // around the marker
        case 2: v = kMax32 + static_cast<int64_t>(rng() % 3) - 1; break;
        default: v = static_cast<int64_t>(rng() % 2'000'000) - 1'000; break;  // ordinary prices
      }
      want.push_back(v);
      c.push_back(v);
    }
    // Then overwrite a few rows at random, as the pricer's second pass does.
    for (int k = 0; k < 40 && n > 0; ++k) {
      const size_t row = rng() % n;
      want[row] = rng() % 2 ? static_cast<int64_t>(rng()) : static_cast<int64_t>(rng() % 1000);
      c.Set(row, want[row]);
    }
    ExpectHolds(c, want);
    PenceColumn again;
    for (int64_t v : want) again.push_back(v);
    EXPECT_EQ(c, again);
  }
}

}  // namespace
}  // namespace csu::pricing
