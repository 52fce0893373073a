// The explanation appenders must write exactly what the string forms they
// replace write (Money::ToString, WithThousands, PercentText,
// Money::ToDecimal, std::to_string): payslip lines are compared with the
// figures approved, so a changed character is a changed payslip.
#include "payroll/explain_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/text.h"
#include "payroll/rates.h"

namespace csu::payroll::explain {
namespace {

TEST(ExplainText, WritesWhatTheStringFormsWrite) {
  const int64_t values[] = {0, 1, -1, 5, 9, 10, 99, 100, 101, 999, 1000, -1000, 12345, 123456, 1234567, -1234567,
                            100000000, 999999999999, std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min() + 1};
  for (int64_t v : values) {
    EXPECT_EQ(Cat(Money::FromPence(v)), Money::FromPence(v).ToString()) << v;
    EXPECT_EQ(Cat(Pounds{v}), "£" + WithThousands(v)) << v;
    EXPECT_EQ(Cat(Decimal{v}), Money::FromPence(v).ToDecimal()) << v;
    EXPECT_EQ(Cat(v), std::to_string(v)) << v;
  }
  for (int64_t bp : {0, 1, 8, 10, 50, 99, 100, 185, 200, 1380, 2000, 2370, 4500, 10000, -5, -50}) {
    EXPECT_EQ(Cat(Percent{bp}), PercentText(bp)) << bp;
  }
  EXPECT_EQ(Cat("NI category ", 'A', " on ", Money::FromPence(242500), ", week ", 7), "NI category A on £2,425.00, week 7");
}

TEST(ExplainText, EachLineIsItsOwnString) {
  // The buffer is reused: a second line must not keep the first's text.
  const std::string a = Cat("first ", 1);
  const std::string b = Cat("second");
  EXPECT_EQ(a, "first 1");
  EXPECT_EQ(b, "second");
  std::string& buf = Scratch();
  Append(buf, "x", Pounds{31049});
  EXPECT_EQ(buf, "x£31,049");
  EXPECT_EQ(Scratch(), "");
}

}  // namespace
}  // namespace csu::payroll::explain
