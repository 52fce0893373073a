// Payroll calculations worked by hand (docs/payroll.md) and checked against
// every row of HMRC's 2025-26 tax and NICs test data that the calculator
// supports (tests/golden/payroll/README.md says where the data comes from).
#include <gtest/gtest.h>

#include "payroll/calculator.h"
#include "payroll/national_insurance.h"
#include "payroll/nhs_pension.h"
#include "payroll/paye.h"
#include "payroll/rates.h"
#include "payroll/tax_code.h"

namespace csu::payroll {
namespace {

const std::string kSource = CSU_SOURCE_DIR;

const PayrollRates& Rates() {
  static const PayrollRates rates = [] {
    auto r = PayrollRates::Load(kSource + "/data/payroll");
    if (!r.ok()) throw std::runtime_error(r.error().ToString());
    return r.value();
  }();
  return rates;
}

TEST(TaxCodes, ParseEveryKind) {
  auto code = ParseTaxCode(" s1257l m1 ");
  ASSERT_TRUE(code.ok()) << code.error().why;
  EXPECT_EQ(code.value().region, TaxRegion::kScotland);
  EXPECT_EQ(code.value().kind, TaxCode::Kind::kAllowance);
  EXPECT_EQ(code.value().number, 1257);
  EXPECT_FALSE(code.value().cumulative);
  EXPECT_EQ(ParseTaxCode("K475").value().kind, TaxCode::Kind::kK);
  EXPECT_EQ(ParseTaxCode("C1257L X").value().region, TaxRegion::kWales);
  EXPECT_EQ(ParseTaxCode("0T").value().number, 0);
  EXPECT_EQ(ParseTaxCode("BR").value().flat_band, 0u);   // UK basic rate: the first band
  EXPECT_EQ(ParseTaxCode("SBR").value().flat_band, 1u);  // Scottish basic rate: after the starter rate
  EXPECT_EQ(ParseTaxCode("D1").value().flat_band, 2u);
  EXPECT_EQ(ParseTaxCode("SD3").value().flat_band, 5u);
  EXPECT_EQ(ParseTaxCode("NT").value().kind, TaxCode::Kind::kNoTax);
  for (const char* bad : {"", "1257", "L", "K", "K-5", "12 57L", "1257Q", "DX", "1257L M2"}) {
    EXPECT_FALSE(ParseTaxCode(bad).ok()) << bad;
  }
}

TEST(Paye, FreePayOf1257LMonthlyIsTheSpecExample) {
  // Spec "Tables A": 1257 → q = 2, r = 257: (2,570 + 9) ÷ 12 = 214.9166...
  // rounded up to £214.92, + 2 × £416.67 = £1,048.26.
  PayeInput in;
  in.code = ParseTaxCode("1257L").value();
  in.taxable_pay = Money::FromPence(115625);
  in.taxable_pay_to_date = in.taxable_pay;
  auto r = CalculatePaye(*Rates().Year("2025/26"), in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().free_pay_to_date.pence(), 104826);
  EXPECT_EQ(r.value().taxable_whole_pounds, 107);  // £1,156.25 − £1,048.26 = £107.99 → £107
  EXPECT_EQ(r.value().tax.pence(), 2140);          // 20% of £107
}

TEST(Paye, KCodeIsHeldToHalfThePeriodsPay) {
  // K475 monthly, month 1, pay £300: additional pay (4,759 ÷ 12 = 396.583 →
  // £396.59) makes £696.59 taxable, £696 at 20% = £139.20; but no more than
  // half of £300 may be deducted: £150.00 is not reached, so £139.20. With
  // pay of £200 the limit (£100.00) bites: £596 at 20% = £119.20 → £100.00.
  PayeInput in;
  in.code = ParseTaxCode("K475").value();
  in.taxable_pay = Money::FromPence(30000);
  in.taxable_pay_to_date = in.taxable_pay;
  auto r = CalculatePaye(*Rates().Year("2025/26"), in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().free_pay_to_date.pence(), -39659);
  EXPECT_EQ(r.value().tax.pence(), 13920);
  EXPECT_FALSE(r.value().regulatory_limit_applied);
  in.taxable_pay = in.taxable_pay_to_date = Money::FromPence(20000);
  r = CalculatePaye(*Rates().Year("2025/26"), in);
  EXPECT_EQ(r.value().tax_due_to_date.pence(), 11920);
  EXPECT_EQ(r.value().tax.pence(), 10000);
  EXPECT_TRUE(r.value().regulatory_limit_applied);
}

TEST(NationalInsurance, RoundingIgnoresTheFourthDecimal) {
  EXPECT_EQ(NiRound(56), 0);    // £0.0056: third decimal 5 → down (HMRC: £242.07 weekly gives 0.00)
  EXPECT_EQ(NiRound(60), 1);    // £0.0060 → up
  EXPECT_EQ(NiRound(159), 1);   // £0.0159: 4th ignored, third 5 → down to 1p
  EXPECT_EQ(NiRound(169), 2);   // £0.0169 → 2p
}

// A band 5 nurse in 2024/25 (£29,970 a year, £2,497.50 a month), 1257L,
// month 1, category A, in the NHS Pension Scheme. Worked by hand:
//   pension tier £26,832–£32,691: 8.3% × £2,497.50 = £207.2925 → £207.29;
//   employer 23.7% = £591.9075 → £591.91; levy 0.08% = £1.998 → £2.00;
//   taxable pay £2,497.50 − £207.29 = £2,290.21 (net pay arrangement);
//   − free pay £1,048.26 = £1,241.95 → £1,241 at 20% = £248.20;
//   employee NI 8% × (£2,497.50 − £1,048) = £115.96 (NI on gross: pension is
//   not deducted first); employer 13.8% × (£2,497.50 − £758) = £240.051 →
//   £240.05; net £2,497.50 − £248.20 − £115.96 − £207.29 = £1,926.05.
TEST(PayrollCalculator, Band5NurseWorkedByHand) {
  const TaxYearRates& y = *Rates().Year("2024/25");
  const PensionResult p = CalculateNhsPension(y, Money::FromPence(249750), Money::FromPence(2997000));
  EXPECT_EQ(p.member_bp, 830);
  EXPECT_EQ(p.member.pence(), 20729);
  EXPECT_EQ(p.employer.pence(), 59191);
  EXPECT_EQ(p.levy.pence(), 200);
  PayeInput in;
  in.code = ParseTaxCode("1257L").value();
  in.taxable_pay = Money::FromPence(249750) - p.member;
  in.taxable_pay_to_date = in.taxable_pay;
  auto tax = CalculatePaye(y, in);
  ASSERT_TRUE(tax.ok());
  EXPECT_EQ(tax.value().tax.pence(), 24820);
  auto ni = CalculateNi(y, Frequency::kMonthly, 'A', Money::FromPence(249750));
  ASSERT_TRUE(ni.ok());
  EXPECT_EQ(ni.value().employee.pence(), 11596);
  EXPECT_EQ(ni.value().employer.pence(), 24005);
}

TEST(NhsPension, TierLimitsAreWholePounds) {
  const TaxYearRates& y = *Rates().Year("2025/26");
  // £27,797.99 is still in the £13,260–£27,797 tier (6.5%); £27,798 is not.
  EXPECT_EQ(CalculateNhsPension(y, Money::FromPence(100000), Money::FromPence(2779799)).member_bp, 650);
  EXPECT_EQ(CalculateNhsPension(y, Money::FromPence(100000), Money::FromPence(2779800)).member_bp, 830);
  EXPECT_EQ(CalculateNhsPension(y, Money::FromPence(100000), Money::FromPence(10000000)).member_bp, 1250);
}

// Every row of HMRC's test data the calculator supports, through the same
// path as `csu payroll calc`.
void ExpectHmrcRows(const std::string& file, const std::vector<std::pair<std::string, std::string>>& checks) {
  auto table = CalculateFile(Rates(), kSource + "/tests/golden/payroll/" + file);
  ASSERT_TRUE(table.ok()) << table.error().ToString();
  const auto& t = table.value();
  auto column = [&](const std::string& name) {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].name == name) return i;
    ADD_FAILURE() << "no column " << name;
    return size_t{0};
  };
  const size_t id = column("case");
  size_t checked = 0;
  for (const auto& row : t.rows) {
    for (const auto& [got, want] : checks) {
      const int64_t pence = row[column(got)].number;
      const std::string& expected = row[column(want)].text;
      EXPECT_EQ(Money::FromPence(pence).ToDecimal(), expected) << row[id].text << " " << got;
      ++checked;
    }
  }
  EXPECT_GT(checked, 150u);
}

TEST(PayrollHmrcTestData, Tax2025To26EveryRow) { ExpectHmrcRows("hmrc-2025-26-tax.csv", {{"tax", "expected_tax"}}); }

TEST(PayrollHmrcTestData, Nics2025To26EveryWeeklyAndMonthlyRow) {
  ExpectHmrcRows("hmrc-2025-26-ni.csv",
                 {{"employee_ni", "expected_employee_ni"}, {"employer_ni", "expected_employer_ni"}});
}

}  // namespace
}  // namespace csu::payroll
