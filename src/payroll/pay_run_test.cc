// The pay run worked by hand: every figure of these payslips is derived in
// tests/golden/payroll/README.md ("Pay run cases"), from the 2025/26 rates
// in data/payroll. A change to any rule or rate shows here as a changed
// penny.
#include <gtest/gtest.h>

#include "payroll/pay_run.h"

namespace csu::payroll {
namespace {

const std::string kSource = CSU_SOURCE_DIR;

const PayRunRates& Rates() {
  static const PayRunRates rates = [] {
    auto r = PayRunRates::Load(kSource + "/data/payroll");
    if (!r.ok()) throw std::runtime_error(r.error().ToString());
    return r.value();
  }();
  return rates;
}

Money P(int64_t pence) { return Money::FromPence(pence); }

PeriodInput Base(std::string id, std::string band, int step) {
  PeriodInput in;
  in.employee_id = std::move(id);
  in.employer_id = "CSU";
  in.cost_centre = "CC100";
  in.tax_year = "2025/26";
  in.period = 1;
  in.pay_date = Date::FromYmd(2025, 4, 25);
  in.afc_band = std::move(band);
  in.afc_step = step;
  return in;
}

Payslip Calc(const PeriodInput& in) {
  auto r = CalculatePayslip(in, Rates());
  if (!r.ok()) throw std::runtime_error(r.error().ToString());
  return r.value();
}

struct Expect {
  int64_t basic, hcas, gross, taxable, tax, ee_ni, er_ni, ee_pension, er_pension, levy, net;
};

void Check(const Payslip& s, const Expect& e) {
  EXPECT_EQ(s.basic_pay, P(e.basic)) << s.employee_id;
  EXPECT_EQ(s.hcas, P(e.hcas)) << s.employee_id;
  EXPECT_EQ(s.gross, P(e.gross)) << s.employee_id;
  EXPECT_EQ(s.taxable, P(e.taxable)) << s.employee_id;
  EXPECT_EQ(s.tax, P(e.tax)) << s.employee_id;
  EXPECT_EQ(s.employee_ni, P(e.ee_ni)) << s.employee_id;
  EXPECT_EQ(s.employer_ni, P(e.er_ni)) << s.employee_id;
  EXPECT_EQ(s.employee_pension, P(e.ee_pension)) << s.employee_id;
  EXPECT_EQ(s.employer_pension, P(e.er_pension)) << s.employee_id;
  EXPECT_EQ(s.pension_levy, P(e.levy)) << s.employee_id;
  EXPECT_EQ(s.net, P(e.net)) << s.employee_id;
  EXPECT_EQ(s.net, s.gross - s.tax - s.employee_ni - s.employee_pension - s.other_deductions);
}

TEST(PayRun, FullTimeBand5) {
  const Payslip s = Calc(Base("A-FULL", "5", 1));
  Check(s, {258742, 0, 258742, 237266, 26480, 12315, 32556, 21476, 61322, 207, 198471});
  EXPECT_EQ(s.pension_member_bp, 830);
  EXPECT_EQ(s.earnings_at_lel, P(54200));
  EXPECT_EQ(s.earnings_lel_to_pt, P(50600));
  EXPECT_EQ(s.earnings_pt_to_uel, P(153942));
  EXPECT_EQ(s.to_date.taxable, P(237266));
  for (const PayLine& l : s.lines) EXPECT_FALSE(l.explanation.empty()) << l.code;
}

TEST(PayRun, CumulativeSecondMonth) {
  PeriodInput in = Base("A-FULL", "5", 1);
  in.period = 2;
  in.to_date.taxable = P(237266);
  in.to_date.tax = P(26480);
  const Payslip s = Calc(in);
  EXPECT_EQ(s.tax, P(26480));  // £2,648 to date at 20% = £529.60 − £264.80
  EXPECT_EQ(s.to_date.tax, P(52960));
}

TEST(PayRun, PartTimeIsProRataAndTieredOnActualPay) {
  PeriodInput in = Base("B-PART", "5", 1);
  in.fte = {2250, 3750};
  Check(Calc(in), {155245, 0, 155245, 145154, 8060, 4036, 17032, 10091, 36793, 124, 133058});
}

TEST(PayRun, InnerLondonHcas) {
  PeriodInput in = Base("C-HCAS", "6", 2);
  in.hcas = HcasZone::kInnerLondon;
  Check(Calc(in), {340192, 68038, 408230, 368223, 52660, 24274, 54979, 40007, 96751, 327, 291289});
}

TEST(PayRun, HcasHeldAtTheMinimum) {
  // Band 2: 20% of £24,465 = £4,893 is below the inner London minimum £5,415.
  const AfcYear& y = *Rates().afc.Year("2025/26");
  EXPECT_EQ(HcasAnnual(*y.Hcas(HcasZone::kInnerLondon), Money::FromPounds(24465)), Money::FromPounds(5415));
  // Band 9 top: 20% of £125,637 = £25,127.40, above the maximum £8,465.
  EXPECT_EQ(HcasAnnual(*y.Hcas(HcasZone::kInnerLondon), Money::FromPounds(125637)), Money::FromPounds(8465));
}

TEST(PayRun, PensionTierBoundary) {
  PeriodInput in = Base("D1-TIER", "", 0);
  in.basic = BasicPaySource::kSalary;
  in.annual_salary = Money::FromPounds(27797);
  const Payslip low = Calc(in);
  Check(low, {231642, 0, 231642, 216585, 22340, 10147, 28491, 15057, 54899, 185, 184098});
  EXPECT_EQ(low.pension_member_bp, 650);
  in.employee_id = "D2-TIER";
  in.annual_salary = Money::FromPounds(27798);
  const Payslip high = Calc(in);
  Check(high, {231650, 0, 231650, 212423, 21500, 10148, 28492, 19227, 54901, 185, 180775});
  EXPECT_EQ(high.pension_member_bp, 830);
}

TEST(PayRun, KCode) {
  PeriodInput in = Base("E-KCODE", "8a", 1);
  in.tax_code = "K475";
  Check(Calc(in), {464083, 0, 464083, 414426, 118766, 26032, 63357, 49657, 109988, 371, 269628});
}

TEST(PayRun, ScottishCode) {
  PeriodInput in = Base("F-SCOT", "7", 1);
  in.tax_code = "S1257L";
  Check(Calc(in), {398417, 0, 398417, 359372, 51965, 23489, 53507, 39045, 94425, 319, 283918});
}

TEST(PayRun, IncrementInsideTheMonthIsPaidByDay) {
  // 15 days of April at £31,049 and 15 at £33,487: (31,049 + 33,487) × 15 ÷ 360.
  PeriodInput in = Base("G-STEP", "5", 1);
  in.incremental_date = Date::FromYmd(2025, 4, 16);
  const Payslip april = Calc(in);
  EXPECT_EQ(april.basic_pay, P(268900));
  EXPECT_EQ(april.afc_step, 2);
  in.period = 2;
  in.to_date = april.to_date;
  const Payslip may = Calc(in);
  EXPECT_EQ(may.basic_pay, P(279058));  // £33,487 ÷ 12
}

TEST(PayRun, RefusesBadInputNamingTheEmployeeAndField) {
  PeriodInput in = Base("X1", "5", 4);
  auto r = CalculatePayslip(in, Rates());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "employee X1");
  EXPECT_NE(r.error().why.find("afc_step"), std::string::npos) << r.error().why;
  in = Base("X2", "5", 1);
  in.tax_year = "2024/25";
  in.hcas = HcasZone::kFringe;  // 2024/25 HCAS figures were not found: refused, not guessed
  r = CalculatePayslip(in, Rates());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("hcas_zone"), std::string::npos) << r.error().why;
  std::vector<PeriodInput> run = {Base("Y1", "5", 1), Base("Y2", "5", 1)};
  run[1].period = 2;
  EXPECT_FALSE(CalculatePayRun(run, Rates()).ok());
}

TEST(PayRun, Bands7And8aTo8dOf2024To25ArePaidFromTheirScales) {
  // RCNi restating NHS Employers (data/payroll/afc_pay_points.csv): 8b
  // intermediate £66,246 ÷ 12 = £5,520.50; 8a entry £53,755 ÷ 12 =
  // £4,479.583… → £4,479.58; 8d top £101,677 ÷ 12 = £8,473.083… → £8,473.08.
  auto in_2024 = [](std::string id, std::string band, int step) {
    PeriodInput in = Base(std::move(id), std::move(band), step);
    in.tax_year = "2024/25";
    in.pay_date = Date::FromYmd(2024, 4, 25);
    return in;
  };
  const Payslip b8b = Calc(in_2024("H-8B", "8b", 2));
  EXPECT_EQ(b8b.basic_pay, P(552050));
  EXPECT_EQ(b8b.lines.front().explanation, "AfC 2024/25 band 8b step 2 £66,246 a year ÷ 12 = £5,520.50");
  EXPECT_EQ(Calc(in_2024("H-8A", "8a", 1)).basic_pay, P(447958));
  EXPECT_EQ(Calc(in_2024("H-8D", "8d", 3)).basic_pay, P(847308));
  // The intermediate point two years on: 8c entry with the step due 1 May
  // 2024 is paid £78,814 ÷ 12 = £6,567.833… → £6,567.83 in May.
  PeriodInput c = in_2024("H-8C", "8c", 1);
  c.incremental_date = Date::FromYmd(2024, 5, 1);
  c.period = 2;
  const Payslip may = Calc(c);
  EXPECT_EQ(may.afc_step, 2);
  EXPECT_EQ(may.basic_pay, P(656783));
  // Band 7's intermediate point (docs/payroll.md, the reading chosen):
  // £48,526 ÷ 12 = £4,043.833… → £4,043.83.
  const Payslip b7 = Calc(in_2024("H-7", "7", 2));
  EXPECT_EQ(b7.basic_pay, P(404383));
  EXPECT_EQ(b7.lines.front().explanation, "AfC 2024/25 band 7 step 2 £48,526 a year ÷ 12 = £4,043.83");
  // Band 9 of 2024/25 has no readable source: refused.
  auto r = CalculatePayslip(in_2024("H-R", "9", 1), Rates());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().why,
            "afc_band: '9' has no pay points for 2024/25 (the reference data has 2, 3, 4, 5, 6, 7, 8a, 8b, 8c, 8d)");
}

TEST(PayRun, ARunGivesWhatEachPayslipAloneGives) {
  // A run finds the year's rates once and parses each tax code once; every
  // payslip must still be exactly what CalculatePayslip gives it alone.
  std::vector<PeriodInput> run;
  const char* codes[] = {"1257L", "S1257L", "1257l", " 1257L ", "K475", "BR", "1257L M1", "NT", "1257L"};
  const char* bands[] = {"5", "8c", "3", "9", "6", "2", "7", "8a", "4"};
  for (int i = 0; i < 9; ++i) {
    PeriodInput in = Base("R" + std::to_string(i), bands[i], 1);
    in.tax_code = codes[i];
    in.period = 3;
    in.to_date.taxable = P(500000 + 10000 * i);
    in.to_date.tax = P(60000);
    if (i % 3 == 0) in.hcas = HcasZone::kOuterLondon;
    if (i == 4) in.period_start = Date::FromYmd(2025, 6, 10), in.period_end = Date::FromYmd(2025, 6, 30);
    run.push_back(in);
  }
  auto r = CalculatePayRun(run, Rates());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  for (size_t i = 0; i < run.size(); ++i) {
    const Payslip alone = Calc(run[i]);
    const Payslip& in_run = r.value().payslips[i];
    EXPECT_EQ(in_run.tax_code, alone.tax_code) << i;
    EXPECT_EQ(in_run.net, alone.net) << i;
    ASSERT_EQ(in_run.lines.size(), alone.lines.size()) << i;
    for (size_t k = 0; k < alone.lines.size(); ++k) {
      EXPECT_EQ(in_run.lines[k].code, alone.lines[k].code) << i;
      EXPECT_EQ(in_run.lines[k].amount, alone.lines[k].amount) << i;
      EXPECT_EQ(in_run.lines[k].explanation, alone.lines[k].explanation) << i;
    }
  }
  // A bad code later in the run is still refused with its employee named,
  // though the codes before it were kept.
  run[7].tax_code = "1257Q";
  auto bad = CalculatePayRun(run, Rates());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "employee R7");
  // A year with no rates is refused at the first employee, as alone.
  for (PeriodInput& in : run) in.tax_year = "2023/24";
  bad = CalculatePayRun(run, Rates());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "employee R0");
  EXPECT_EQ(bad.error().why, CalculatePayslip(run[0], Rates()).error().why);
}

TEST(PayRun, TotalsAddThePayslips) {
  std::vector<PeriodInput> run = {Base("A", "5", 1), Base("B", "6", 3), Base("C", "8c", 2)};
  run[2].hcas = HcasZone::kOuterLondon;
  auto r = CalculatePayRun(run, Rates());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  Money gross, net;
  for (const Payslip& s : r.value().payslips) {
    gross += s.gross;
    net += s.net;
  }
  EXPECT_EQ(r.value().totals.payslips, 3);
  EXPECT_EQ(r.value().totals.gross, gross);
  EXPECT_EQ(r.value().totals.net, net);
}

}  // namespace
}  // namespace csu::payroll
