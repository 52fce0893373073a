#include "core/money.h"

#include <gtest/gtest.h>

namespace csu {
namespace {

TEST(MoneyTest, FormatsWithPoundSignAndThousands) {
  EXPECT_EQ(Money::FromPence(123456).ToString(), "\xC2\xA3" "1,234.56");
  EXPECT_EQ(Money::FromPence(-5).ToString(), "-\xC2\xA3" "0.05");
}

}  // namespace
}  // namespace csu
