#include "payroll/pay_run.h"

#include <algorithm>
#include <utility>

#include "core/text.h"
#include "payroll/explain_text.h"
#include "payroll/national_insurance.h"
#include "payroll/nhs_pension.h"
#include "payroll/paye.h"
#include "payroll/tax_code.h"

namespace csu::payroll {
namespace {

// The period's first and last days when the caller gave none: monthly
// period n is the nth calendar month from April (NHS staff are paid by
// calendar month); weekly period n is the nth 7 days from 6 April (the tax
// week).
std::pair<Date, Date> DefaultPeriod(const FinancialYear& fy, Frequency f, int period) {
  if (f == Frequency::kMonthly) {
    const Date start = fy.MonthStart(period);
    return {start, start.AddDays(Date::DaysInMonth(start.year(), start.month()) - 1)};
  }
  const Date start = Date::FromYmd(fy.start_year(), 4, 6).AddDays(7 * (period - 1));
  return {start, start.AddDays(6)};
}

void Line(Payslip& s, std::string code, std::string label, Money amount, std::string why) {
  s.lines.push_back({std::move(code), std::move(label), amount, std::move(why)});
}

// What every employee of one run shares (one tax year, frequency and
// period), worked out once per run rather than once per employee: the
// year's rates, the AfC scales and the default period dates. A failure is
// kept as {field, why} and reported against the first employee, as
// CalculatePayslip would.
struct RunPeriod {
  const TaxYearRates* year = nullptr;
  const AfcYear* afc = nullptr;  // none: no AfC scales for the year
  Date start, end;               // the period's dates when an input gives none
};

Result<RunPeriod> ResolvePeriod(const PeriodInput& in, const PayRunRates& rates) {
  auto fy = FinancialYear::Parse(in.tax_year);
  RunPeriod p;
  p.year = fy.ok() ? rates.payroll.Year(fy.value().ToString()) : nullptr;
  if (p.year == nullptr) {
    std::string known;
    for (const std::string& y : rates.payroll.Years()) known += (known.empty() ? "" : ", ") + y;
    return MakeError("tax_year", "no rates for '" + in.tax_year + "' (the reference data has " + known + ")");
  }
  const int periods = PeriodsPerYear(in.frequency);
  if (in.period < 1 || in.period > periods) {
    return MakeError("period", std::to_string(in.period) + " is not a " + std::string(FrequencyName(in.frequency)) +
                                   " period (1–" + std::to_string(periods) + ")");
  }
  p.afc = rates.afc.Year(p.year->year);
  std::tie(p.start, p.end) = DefaultPeriod(fy.value(), in.frequency, in.period);
  return p;
}

// Tax codes parsed once per run: a run of thousands has a few dozen
// distinct codes. Only codes that parse are kept, and only the first
// kMax, so an odd run cannot grow it without bound.
class TaxCodes {
 public:
  const TaxCode* Find(const std::string& text) const {
    for (const auto& [t, code] : codes_) {
      if (t == text) return &code;
    }
    return nullptr;
  }
  void Add(const std::string& text, const TaxCode& code) {
    if (codes_.size() < kMax) codes_.emplace_back(text, code);
  }

 private:
  static constexpr size_t kMax = 64;
  std::vector<std::pair<std::string, TaxCode>> codes_;
};

Result<Payslip> Calculate(const PeriodInput& in, const Result<RunPeriod>& run, TaxCodes& codes);

}  // namespace

Result<PayRunRates> PayRunRates::Load(const std::string& dir) {
  PayRunRates r;
  CSU_ASSIGN_OR_RETURN(payroll, PayrollRates::Load(dir));
  r.payroll = std::move(payroll);
  CSU_ASSIGN_OR_RETURN(afc, AfcScales::Load(dir));
  r.afc = std::move(afc);
  return r;
}

Result<Payslip> CalculatePayslip(const PeriodInput& in, const PayRunRates& rates) {
  TaxCodes codes;
  return Calculate(in, ResolvePeriod(in, rates), codes);
}

namespace {

Result<Payslip> Calculate(const PeriodInput& in, const Result<RunPeriod>& run, TaxCodes& codes) {
  using explain::Cat;
  // The place is built only on failure: a run of 50,000 pays for no string here.
  auto fail = [&](const std::string& field, const std::string& why) -> Error {
    return MakeError("employee " + in.employee_id, field + ": " + why);
  };
  if (in.employee_id.empty()) return MakeError("employee", "employee_id: value missing");
  if (!run.ok()) return fail(run.error().where, run.error().why);
  const TaxYearRates* year = run.value().year;
  Date start = in.period_start, end = in.period_end;
  if (start == Date() && end == Date()) {
    start = run.value().start;
    end = run.value().end;
  }
  const TaxCode* code = codes.Find(in.tax_code);
  std::optional<TaxCode> parsed;
  if (code == nullptr) {
    auto c = ParseTaxCode(in.tax_code);
    if (!c.ok()) return fail("tax_code", c.error().why);
    codes.Add(in.tax_code, c.value());
    parsed = std::move(c).value();
    code = &*parsed;
  }

  Payslip s;
  s.employee_id = in.employee_id;
  s.employer_id = in.employer_id;
  s.cost_centre = in.cost_centre;
  s.tax_year = year->year;
  s.frequency = in.frequency;
  s.period = in.period;
  s.pay_date = in.pay_date;
  s.tax_code = code->text;
  s.ni_category = in.ni_category;
  s.leaving_date = in.leaving_date;
  s.starter = in.starter;
  s.contracted_centihours = in.fte.contracted_centihours;
  // Exactly the lines written below: eight always, HCAS, four for a member.
  s.lines.reserve(8 + (in.hcas != HcasZone::kNone ? 1 : 0) + (in.pension_member ? 4 : 0) + in.other_pay.size() +
                  in.deductions.size());

  // Basic pay and HCAS.
  Money annual_pensionable_basic;  // basic + HCAS a year at this FTE, for the pension tier
  if (in.basic == BasicPaySource::kAfc) {
    const AfcYear* afc = run.value().afc;
    if (afc == nullptr) return fail("afc_band", "no Agenda for Change pay scales for " + year->year + " in the reference data");
    auto pay = AfcPayForPeriod(*afc, in.afc_band, in.afc_step, in.incremental_date, in.fte, in.hcas, in.frequency, start, end);
    if (!pay.ok()) return fail(pay.error().where, pay.error().why);
    s.afc_band = in.afc_band;
    s.afc_step = pay.value().step_at_end;
    s.basic_pay = pay.value().basic;
    s.hcas = pay.value().hcas;
    const Money hcas_annual = in.hcas == HcasZone::kNone ? Money() : HcasAnnual(*afc->Hcas(in.hcas), pay.value().annual_basic_fte);
    annual_pensionable_basic = (pay.value().annual_basic_fte + hcas_annual)
                                   .MulRatio(in.fte.contracted_centihours, in.fte.full_time_centihours);
    std::string& why = pay.value().explanation;
    if (in.hcas == HcasZone::kNone) {
      Line(s, "basic", "Basic pay", s.basic_pay, std::move(why));
    } else {
      const size_t split = why.find("; HCAS ");
      Line(s, "basic", "Basic pay", s.basic_pay, why.substr(0, split));
      Line(s, "hcas", "High cost area supplement", s.hcas, why.substr(split + 2));
    }
  } else {
    if (!in.annual_salary || *in.annual_salary <= Money()) return fail("annual_salary", "a stated salary must be above 0");
    // A stated salary is paid as AfC pay is: annual × FTE ÷ 12 (or by days).
    AfcYear scale;
    scale.year = year->year;
    if (in.annual_salary->pence() % 100 != 0) return fail("annual_salary", "must be whole pounds a year");
    scale.points.push_back({"salary", 1, 0, in.annual_salary->pence() / 100});
    if (in.hcas != HcasZone::kNone) {
      const AfcYear* afc = run.value().afc;
      if (afc == nullptr || afc->Hcas(in.hcas) == nullptr) {
        return fail("hcas_zone", "no high cost area supplement rates for " + year->year + " in the reference data");
      }
      scale.hcas = afc->hcas;
    }
    auto pay = AfcPayForPeriod(scale, "salary", 1, std::nullopt, in.fte, in.hcas, in.frequency, start, end);
    if (!pay.ok()) return fail(pay.error().where, pay.error().why);
    s.basic_pay = pay.value().basic;
    s.hcas = pay.value().hcas;
    const Money hcas_annual = in.hcas == HcasZone::kNone ? Money() : HcasAnnual(*scale.Hcas(in.hcas), *in.annual_salary);
    annual_pensionable_basic = (*in.annual_salary + hcas_annual).MulRatio(in.fte.contracted_centihours, in.fte.full_time_centihours);
    std::string why = pay.value().explanation;
    why.replace(0, why.find(" step 1 ") + 8, "stated salary ");
    const size_t split = why.find("; HCAS ");
    Line(s, "basic", "Basic pay", s.basic_pay, why.substr(0, split));
    if (in.hcas != HcasZone::kNone) Line(s, "hcas", "High cost area supplement", s.hcas, why.substr(split + 2));
  }

  // Other pay: sums by treatment.
  Money taxable_gross = s.basic_pay + s.hcas, niable = s.basic_pay + s.hcas, pensionable = s.basic_pay + s.hcas;
  for (const PayItem& p : in.other_pay) {
    if (p.code.empty()) return fail("other_pay", "a payment has no code");
    s.other_pay += p.amount;
    if (p.taxable) taxable_gross += p.amount;
    if (p.niable) niable += p.amount;
    if (p.pensionable) pensionable += p.amount;
    Line(s, p.code, p.description.empty() ? p.code : p.description, p.amount,
         Cat(p.taxable ? "taxable" : "not taxable", ", ", p.niable ? "NI-able" : "not NI-able", ", ",
             p.pensionable ? "pensionable" : "not pensionable"));
  }
  s.gross = s.basic_pay + s.hcas + s.other_pay;
  Line(s, "gross", "Gross pay", s.gross, "basic pay + HCAS + other pay");
  if (niable < Money()) return fail("other_pay", "NI-able pay is below zero this period");

  // NHS Pension (net pay arrangement: off taxable pay, not NI-able pay).
  std::optional<PensionResult> pension;
  if (in.pension_member) {
    s.pensionable = std::max(pensionable, Money());
    const Money annual = in.annual_pensionable_pay.value_or(annual_pensionable_basic);
    pension = CalculateNhsPension(*year, s.pensionable, annual);
    s.employee_pension = pension->member;
    s.employer_pension = pension->employer;
    s.pension_levy = pension->levy;
    s.pension_member_bp = pension->member_bp;
    Line(s, "pensionable", "Pensionable pay", s.pensionable,
         Cat(in.annual_pensionable_pay ? "annual pensionable pay as given" : "annual pensionable pay = (basic + HCAS a year) at this FTE",
             " ", annual));
  }
  s.taxable = taxable_gross - s.employee_pension;
  s.ni_earnings = niable;
  Line(s, "taxable", "Taxable pay", s.taxable,
       Cat("taxable pay ", taxable_gross, " − employee pension ", s.employee_pension, " (the net pay arrangement)"));

  // PAYE.
  PayeInput paye;
  paye.frequency = in.frequency;
  paye.period = in.period;
  paye.code = *code;
  paye.taxable_pay = s.taxable;
  paye.taxable_pay_to_date = in.to_date.taxable + s.taxable;
  paye.tax_to_date = in.to_date.tax;
  auto tax = CalculatePaye(*year, paye);
  if (!tax.ok()) return fail(tax.error().where, tax.error().why);
  s.tax = tax.value().tax;
  s.regulatory_limit_applied = tax.value().regulatory_limit_applied;
  Line(s, "tax", "Income tax", s.tax, std::move(tax.value().explanation));

  // Class 1 NI.
  if (in.ni_category < 'A' || in.ni_category > 'Z') return fail("ni_category", "is not one letter such as A");
  auto ni = CalculateNi(*year, in.frequency, in.ni_category, niable);
  if (!ni.ok()) return fail(ni.error().where, ni.error().why);
  s.employee_ni = ni.value().employee;
  s.employer_ni = ni.value().employer;
  Line(s, "employee_ni", "National Insurance", s.employee_ni, std::move(ni.value().explanation));
  // RTI's earnings bands (whole-pound thresholds of the period).
  const NiThresholds& t = year->Thresholds(in.frequency);
  const int64_t e = niable.pence(), lel = t.lel * 100, pt = t.pt * 100, uel = t.uel * 100;
  s.earnings_at_lel = Money::FromPence(e >= lel ? lel : 0);
  s.earnings_lel_to_pt = Money::FromPence(e > lel ? std::min(e, pt) - lel : 0);
  s.earnings_pt_to_uel = Money::FromPence(e > pt ? std::min(e, uel) - pt : 0);

  if (pension) {
    Line(s, "employee_pension", "NHS Pension", s.employee_pension, std::move(pension->explanation));
  }
  for (const Deduction& d : in.deductions) {
    if (d.code.empty()) return fail("deductions", "a deduction has no code");
    if (d.amount < Money()) return fail("deductions", d.code + " is negative; a repayment is other pay");
    s.other_deductions += d.amount;
    Line(s, d.code, d.description.empty() ? d.code : d.description, d.amount, "deducted from net pay");
  }
  s.net = s.gross - s.tax - s.employee_ni - s.employee_pension - s.other_deductions;
  Line(s, "net", "Net pay", s.net,
       Cat(s.gross, " − tax ", s.tax, " − NI ", s.employee_ni, " − pension ", s.employee_pension, " − other deductions ",
           s.other_deductions));
  Line(s, "employer_ni", "Employer National Insurance", s.employer_ni, "employer's Class 1 (see the NI line)");
  if (pension) {
    Line(s, "employer_pension", "Employer pension contribution", s.employer_pension,
         Cat(explain::Percent{year->employer_pension_bp}, " × ", s.pensionable));
    Line(s, "pension_levy", "NHS Pension administration levy", s.pension_levy,
         Cat(explain::Percent{year->pension_levy_bp}, " × ", s.pensionable));
  }

  // Year to date, including this period.
  YearToDate& y = s.to_date;
  y = in.to_date;
  y.gross += s.gross;
  y.taxable += s.taxable;
  y.tax += s.tax;
  y.ni_earnings += s.ni_earnings;
  y.earnings_at_lel += s.earnings_at_lel;
  y.earnings_lel_to_pt += s.earnings_lel_to_pt;
  y.earnings_pt_to_uel += s.earnings_pt_to_uel;
  y.employee_ni += s.employee_ni;
  y.employer_ni += s.employer_ni;
  y.employee_pension += s.employee_pension;
  y.employer_pension += s.employer_pension;
  y.pension_levy += s.pension_levy;
  y.net += s.net;
  return s;
}

}  // namespace

Result<PayRunResult> CalculatePayRun(const std::vector<PeriodInput>& inputs, const PayRunRates& rates) {
  PayRunResult out;
  if (inputs.empty()) return out;
  out.payslips.reserve(inputs.size());
  const Result<RunPeriod> run = ResolvePeriod(inputs.front(), rates);
  TaxCodes codes;
  for (const PeriodInput& in : inputs) {
    const PeriodInput& first = inputs.front();
    if (in.tax_year != first.tax_year || in.frequency != first.frequency || in.period != first.period) {
      return MakeError("employee " + in.employee_id, "period: a run is one tax year, frequency and period (" + first.tax_year +
                                                         " " + std::string(FrequencyName(first.frequency)) + " " +
                                                         std::to_string(first.period) + ")");
    }
    CSU_ASSIGN_OR_RETURN(slip, Calculate(in, run, codes));
    PayRunTotals& t = out.totals;
    ++t.payslips;
    t.gross += slip.gross;
    t.taxable += slip.taxable;
    t.tax += slip.tax;
    t.employee_ni += slip.employee_ni;
    t.employer_ni += slip.employer_ni;
    t.employee_pension += slip.employee_pension;
    t.employer_pension += slip.employer_pension;
    t.pension_levy += slip.pension_levy;
    t.other_deductions += slip.other_deductions;
    t.net += slip.net;
    out.payslips.push_back(std::move(slip));
  }
  return out;
}

}  // namespace csu::payroll
