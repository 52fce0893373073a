// A pay run: the contract between whoever holds the staff records and pay
// runs (the HR store and the pay-run workflow) and the pay computations and
// outputs (payslips, bank file, RTI FPS, P60/P45, ledger journal).
//
// The caller gives one PeriodInput per employee for the period (everything
// the calculation needs and nothing more: no names, addresses or bank
// details, which the outputs that need them take separately); CalculatePayRun
// gives one Payslip per employee with every figure in pence and a line
// explaining each. It is a pure function of its inputs and the dated
// reference data: the same inputs always give the same payslips, so a run can
// be recalculated for review and compared with the figures approved.
//
// Rules, sources and roundings: docs/payroll.md. This header is stable:
// fields are only ever added.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "payroll/afc_pay.h"
#include "payroll/rates.h"

namespace csu::payroll {

// Everything a pay run reads from data/payroll.
struct PayRunRates {
  PayrollRates payroll;  // tax bands, NI, NHS Pension (rates.h)
  AfcScales afc;         // AfC pay points and HCAS (afc_pay.h)
  static Result<PayRunRates> Load(const std::string& dir);
};

// A payment or deduction other than basic pay and HCAS (overtime, arrears,
// an allowance; a union subscription; a salary sacrifice is a payment with
// a negative amount that is taxable, NI-able and pensionable as the scheme
// says).
struct PayItem {
  std::string code;         // the employer's pay element code, "OT15"
  std::string description;  // "Overtime at time and a half"
  Money amount;             // this period; may be negative (a recovery)
  bool taxable = true;
  bool niable = true;
  bool pensionable = false;
};

struct Deduction {  // taken from net pay, after tax, NI and pension
  std::string code;
  std::string description;
  Money amount;  // positive: taken from pay
};

// Year-to-date figures for this employment in this tax year. In a
// PeriodInput they are BEFORE this period; in a Payslip, including it.
struct YearToDate {
  Money gross;             // total pay (taxable and not)
  Money taxable;           // taxable pay (after pension under the net pay arrangement)
  Money tax;               // PAYE deducted (refunds negative)
  Money ni_earnings;       // gross earnings for NICs
  Money earnings_at_lel;   // RTI: earnings at the lower earnings limit
  Money earnings_lel_to_pt;
  Money earnings_pt_to_uel;
  Money employee_ni;
  Money employer_ni;
  Money employee_pension;
  Money employer_pension;
  Money pension_levy;
  Money net;
};

enum class BasicPaySource : uint8_t {
  kAfc,     // afc_band + afc_step (+ incremental_date) from the AfC scales
  kSalary,  // annual_salary as stated (very senior managers, medical staff on other scales)
};

struct PeriodInput {
  std::string employee_id;  // the employer's payroll number (RTI PayId); not personal data
  std::string employer_id;  // the employer (the CSU or a CCG) the run is for
  std::string cost_centre;  // the ledger cost centre the pay is charged to

  // The period.
  std::string tax_year;  // "2025/26"
  Frequency frequency = Frequency::kMonthly;
  int period = 1;  // 1–12 monthly (1 = April), 1–52 weekly
  Date period_start, period_end;  // first and last days paid
  Date pay_date;

  // Tax, NI and pension.
  std::string tax_code = "1257L";  // as HMRC issued it, with " M1"/" W1"/" X" for month 1/week 1
  char ni_category = 'A';
  bool pension_member = true;
  // Actual annual pensionable pay for the member tier; none = the period's
  // pensionable basic pay and HCAS annualised (annual figures × FTE).
  std::optional<Money> annual_pensionable_pay;

  // Basic pay.
  BasicPaySource basic = BasicPaySource::kAfc;
  std::string afc_band;                   // "5", "8a"
  int afc_step = 1;                       // pay step point in force at period start
  std::optional<Date> incremental_date;   // next date a step is due; none = at the top or no progression
  std::optional<Money> annual_salary;     // kSalary: full-time annual
  Fte fte;                                // contracted / full-time hours
  HcasZone hcas = HcasZone::kNone;

  YearToDate to_date;  // before this period
  std::vector<PayItem> other_pay;
  std::vector<Deduction> deductions;

  // A leaver paid for the last time in this run (P45, FPS leaving date).
  std::optional<Date> leaving_date;
  // Starter: first pay in this employment (FPS starter declaration is the
  // caller's; this flags the payslip).
  bool starter = false;
};

// One figure of a payslip with how it was worked.
struct PayLine {
  std::string code;         // "basic", "hcas", "OT15", "tax", "employee_ni", ...
  std::string label;        // "Basic pay", "Income tax"
  Money amount;             // positive; deductions are positive amounts taken off
  std::string explanation;  // one sentence: the arithmetic and its source
};

struct Payslip {
  // Identity of the line: no personal data.
  std::string employee_id, employer_id, cost_centre;
  std::string tax_year;
  Frequency frequency = Frequency::kMonthly;
  int period = 1;
  Date pay_date;
  std::string tax_code;  // normalised ("S1257L M1")
  char ni_category = 'A';
  std::string afc_band;
  int afc_step = 0;  // step at period end; 0 for a stated salary

  // Pay (this period, pence).
  Money basic_pay;
  Money hcas;
  Money other_pay;     // the sum of PeriodInput::other_pay
  Money gross;         // basic + HCAS + other pay
  Money pensionable;   // pay the NHS Pension is on
  Money taxable;       // gross taxable pay less the member's pension (net pay arrangement)
  Money ni_earnings;   // gross NI-able pay
  // Deductions (this period).
  Money tax;           // negative = a refund
  Money employee_ni;
  Money employee_pension;
  Money other_deductions;
  Money net;           // gross − tax − employee NI − employee pension − other deductions
  // Employer costs (this period), the employer's pension and levy shown apart.
  Money employer_ni;
  Money employer_pension;
  Money pension_levy;
  int64_t pension_member_bp = 0;  // the member tier rate, basis points
  bool regulatory_limit_applied = false;
  // RTI NI band earnings this period.
  Money earnings_at_lel, earnings_lel_to_pt, earnings_pt_to_uel;

  YearToDate to_date;  // including this period
  std::vector<PayLine> lines;  // one per figure, in payslip order
  std::optional<Date> leaving_date;
  bool starter = false;
  int64_t contracted_centihours = 0;  // hours a week × 100 (FPS HoursWorked)

  Money EmployerCost() const { return gross + employer_ni + employer_pension + pension_levy; }
};

struct PayRunTotals {
  int64_t payslips = 0;
  Money gross, taxable, tax, employee_ni, employer_ni, employee_pension, employer_pension, pension_levy,
      other_deductions, net;
};

struct PayRunResult {
  std::vector<Payslip> payslips;  // in input order
  PayRunTotals totals;
};

// The personal details the outputs need beyond the calculation (RTI FPS,
// bank file, P45, P60). Personal data: never logged, never in an error
// message, masked in lists (hr_identifiers.h: MaskedNiNumber, MaskedAccountNumber).
struct EmployeePersonal {
  std::string employee_id;  // joins to PeriodInput::employee_id
  std::string title;        // "Mrs" (optional)
  std::string forenames;    // "Blodwin" (more than one separated by spaces)
  std::string surname;
  std::string ni_number;    // "RN000003C"; empty when not known (FPS then needs the address)
  std::optional<Date> birth_date;
  char gender = 'F';        // 'F' or 'M' as HMRC records it
  std::vector<std::string> address;  // up to 4 lines
  std::string postcode;
  std::optional<Date> start_date;  // of this employment (FPS starter, P45)
  std::string starter_declaration;  // "A", "B" or "C" for a new starter; "" otherwise
  // Where net pay is paid (bank file).
  std::string sort_code;       // 6 digits
  std::string account_number;  // 8 digits
  std::string account_name;    // as the bank holds it
};

// The employer a run is for: its PAYE scheme and the account it pays from.
struct EmployerDetails {
  std::string employer_id;
  std::string name;
  std::string tax_office_number;     // the first part of the PAYE reference: "635"
  std::string tax_office_reference;  // the second part: "A635"
  std::string accounts_office_reference;  // "123PA00012345"
  // The account net pay is paid from (the bank file's originator and contra).
  std::string sort_code, account_number, account_name;
  std::string bacs_user_number;  // the Bacs service user number (SUN), 6 characters
};

// Calculates every employee of a run. All inputs must be of one tax year,
// frequency and period (one run). The first bad input refuses the run with
// an Error whose `where` is "employee <id>" and `why` names the field; no
// partial result.
Result<PayRunResult> CalculatePayRun(const std::vector<PeriodInput>& inputs, const PayRunRates& rates);

// One employee (what CalculatePayRun does per input).
Result<Payslip> CalculatePayslip(const PeriodInput& input, const PayRunRates& rates);

}  // namespace csu::payroll
