#include "spc/axis_scale.h"

#include <gtest/gtest.h>

#include <vector>

namespace csu::spc {
namespace {

TEST(SpcAxisScaleTest, TicksAreNiceNumbersCoveringTheRange) {
  AxisScale s = NiceScale(7.61, 15.59, 6);
  EXPECT_DOUBLE_EQ(s.step, 2);
  EXPECT_EQ(s.ticks, (std::vector<double>{6, 8, 10, 12, 14, 16}));
  EXPECT_EQ(s.decimals, 0);

  AxisScale small = NiceScale(0.912, 0.987, 5);  // a proportion near 95%
  EXPECT_DOUBLE_EQ(small.step, 0.02);
  EXPECT_LE(small.min, 0.912);
  EXPECT_GE(small.max, 0.987);
  EXPECT_EQ(small.decimals, 2);
  EXPECT_NEAR(small.ticks.front(), 0.9, 1e-12);
  EXPECT_NEAR(small.ticks.back(), 1.0, 1e-12);

  AxisScale big = NiceScale(1230, 48800, 5);
  EXPECT_DOUBLE_EQ(big.step, 10000);
  EXPECT_EQ(big.ticks.front(), 0);
  EXPECT_EQ(big.ticks.back(), 50000);
}

TEST(SpcAxisScaleTest, NegativeAndEmptyRanges) {
  AxisScale neg = NiceScale(-3.2, 2.7, 6);
  EXPECT_EQ(neg.ticks, (std::vector<double>{-4, -2, 0, 2, 4}));
  AxisScale flat = NiceScale(5, 5, 5);  // widened to 4.5-5.5
  EXPECT_LT(flat.min, 5);
  EXPECT_GT(flat.max, 5);
  EXPECT_GE(flat.ticks.size(), 2u);
  AxisScale zero = NiceScale(0, 0, 5);
  EXPECT_LE(zero.min, -1);
  EXPECT_GE(zero.max, 1);
}

TEST(SpcAxisScaleTest, FormatsWithThousandsSeparators) {
  EXPECT_EQ(FormatNumber(12345.678, 1), "12,345.7");
  EXPECT_EQ(FormatNumber(-1234567, 0), "-1,234,567");
  EXPECT_EQ(FormatNumber(999, 0), "999");
  EXPECT_EQ(FormatNumber(-0.001, 2), "0.00");
  EXPECT_EQ(FormatNumber(0.5, 2), "0.50");
}

TEST(SpcAxisScaleTest, FormatsSignificantFigures) {
  EXPECT_EQ(FormatSignificant(95.2345, 4), "95.23");
  EXPECT_EQ(FormatSignificant(12.4, 4), "12.4");
  EXPECT_EQ(FormatSignificant(1234.56, 4), "1,235");
  EXPECT_EQ(FormatSignificant(0.012346, 4), "0.01235");
  EXPECT_EQ(FormatSignificant(0, 4), "0");
  EXPECT_EQ(FormatSignificant(-7.609999999999999, 4), "-7.61");
  EXPECT_EQ(FormatSignificant(20, 4), "20");
}

}  // namespace
}  // namespace csu::spc
