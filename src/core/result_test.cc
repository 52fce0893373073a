#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace csu {
namespace {

TEST(ErrorTest, ToStringNamesThePlaceWhenThereIsOne) {
  EXPECT_EQ(MakeError("data/refdata/mff.csv:12", "MFF must be positive").ToString(),
            "data/refdata/mff.csv:12: MFF must be positive");
  EXPECT_EQ(MakeError("", "no tariff for EB03E").ToString(), "no tariff for EB03E");
}

TEST(StatusTest, OkAndError) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(Status::Ok().ok());
  Status bad = MakeError("line 3", "bad date");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "line 3");
  EXPECT_EQ(bad.error().why, "bad date");
}

TEST(ResultTest, HoldsAValueOrAnError) {
  Result<int> v = 42;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), 42);
  EXPECT_TRUE(v.status().ok());
  v.value() = 7;
  EXPECT_EQ(v.value(), 7);

  Result<int> e = MakeError("f.csv:2", "not a number");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().ToString(), "f.csv:2: not a number");
  EXPECT_FALSE(e.status().ok());
  EXPECT_EQ(e.status().error().why, "not a number");
}

TEST(ResultTest, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("x");
  ASSERT_TRUE(r.ok());
  std::unique_ptr<std::string> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, "x");
}

// A Result<std::string> whose value is itself text stays unambiguous.
TEST(ResultTest, StringValueIsNotAnError) {
  Result<std::string> r = std::string("hello");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "hello");
}

Result<int> Half(int n) {
  if (n % 2 != 0) return MakeError("", std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  CSU_ASSIGN_OR_RETURN(half, Half(n));
  CSU_ASSIGN_OR_RETURN(quarter, Half(half));
  return quarter;
}

TEST(ResultTest, AssignOrReturnPropagatesTheFirstError) {
  ASSERT_TRUE(Quarter(12).ok());
  EXPECT_EQ(Quarter(12).value(), 3);
  ASSERT_FALSE(Quarter(6).ok());
  EXPECT_EQ(Quarter(6).error().why, "3 is odd");
  ASSERT_FALSE(Quarter(5).ok());
  EXPECT_EQ(Quarter(5).error().why, "5 is odd");
}

}  // namespace
}  // namespace csu
