// Replays fuzz/corpus/payroll_staff through the payroll_staff fuzz target's
// checks (fuzz/payroll_staff_checks.h), and pins what the reader says about
// bad rows: every one named with its line and column, nothing accepted, no
// value of the file repeated.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_replay.h"
#include "../../fuzz/payroll_staff_checks.h"

namespace csu::payroll {
namespace {

TEST(PayrollStaffFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("payroll_staff");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs)
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckStaffFile(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
}

TEST(PayrollStaffFuzzCorpus, ChecksRefuseAProblemCarryingAValue) {
  EXPECT_EQ(fuzz::DigitsAsN("has 8 fields, not 20"), "has N fields, not N");
  EXPECT_EQ(fuzz::StaffSentences().count(fuzz::DigitsAsN("'QQ123456C' is not an NI number")), 0u);
  EXPECT_EQ(fuzz::StaffSentences().count(fuzz::DigitsAsN("Jane Example is not a date")), 0u);
}

TEST(PayrollStaffFile, GoodFileReadsEveryRow) {
  for (const auto& [path, data] : fuzz::CorpusFiles("payroll_staff")) {
    if (path.find("good.csv") == std::string::npos) continue;
    StaffFile f = ReadStaffFile(data, "02E");
    ASSERT_TRUE(f.problems.empty()) << f.problems[0].ToString("good.csv");
    ASSERT_EQ(f.rows.size(), 2u);
    EXPECT_EQ(f.lines, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(f.rows[0].personal.ni_number, "AB123456C");
    EXPECT_EQ(f.rows[0].personal.sort_code, "401276");
    EXPECT_EQ(f.rows[0].employee.continuous_service, Date::Parse("2015-09-01").value());
    ASSERT_TRUE(f.rows[0].assignment);
    EXPECT_EQ(f.rows[0].assignment->hours_x100, 3750);
    EXPECT_EQ(f.rows[0].assignment->spine_point, 2);
    ASSERT_TRUE(f.rows[1].assignment);
    EXPECT_EQ(f.rows[1].assignment->fte_x100, 60);
    EXPECT_EQ(f.rows[1].assignment->annual_salary, Money::FromPounds(65'000));
    EXPECT_EQ(f.rows[1].assignment->hcas, "outer_london");
    EXPECT_EQ(f.rows[1].assignment->tax_code, "S1257L M1");
    EXPECT_EQ(f.rows[1].assignment->ni_category, "C");
    EXPECT_FALSE(f.rows[1].assignment->pension_member);
  }
}

TEST(PayrollStaffFile, BadRowsAreEachNamedWithoutTheirValues) {
  for (const auto& [path, data] : fuzz::CorpusFiles("payroll_staff")) {
    if (path.find("bad_rows.csv") == std::string::npos) continue;
    StaffFile f = ReadStaffFile(data, "02E");
    EXPECT_TRUE(f.rows.empty());
    std::string all;
    for (const auto& p : f.problems) all += p.ToString("bad.csv") + "\n";
    for (const char* expected :
         {"bad.csv:2: date_of_birth: is not before start_date", "bad.csv:2: ni_number: has D, F, I, Q, U or V",
          "bad.csv:2: sort_code: is not 6 digits", "bad.csv:2: account_number: is not 8 digits",
          "bad.csv:2: continuous_service_date: is after start_date", "bad.csv:2: hours: is not hours",
          "bad.csv:2: fte: is not a WTE", "bad.csv:2: spine_point: is not a pay step point",
          "bad.csv:2: hcas: is not inner_london", "bad.csv:2: tax_code: is not a tax code",
          "bad.csv:2: ni_category: is not one letter", "bad.csv:2: pension_member: is not Y or N",
          "bad.csv:3: staff_number: is not 1 to 20", "bad.csv:3: name: must be 1 to 200 characters",
          "bad.csv:3: ni_number: does not end in A, B, C or D", "bad.csv:3: start_date: is not a date",
          "bad.csv:3: hours: must be blank when post is blank",
          "bad.csv:4: staff_number: is used by an earlier row", "bad.csv:4: ni_number: has a prefix HMRC does not allocate"})
      EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n" << all;
    for (const char* secret : {"QQ123456C", "Jane", "2030-05-17", "4123567", "9999Q", "GB123456A", "AB123456E"})
      EXPECT_EQ(all.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace csu::payroll
