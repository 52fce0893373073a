#include "payroll/payslip_tables.h"

#include <map>
#include <string>

namespace csu::payroll {
namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

std::string PeriodText(const Payslip& s) {
  return s.tax_year + (s.frequency == Frequency::kMonthly ? " month " : " week ") + std::to_string(s.period);
}

// "1257L" and its basis as the P45 shows them: the code without the " M1"
// and a separate week 1/month 1 mark.
std::pair<std::string, bool> CodeAndBasis(const std::string& code) {
  const size_t space = code.find(' ');
  if (space == std::string::npos) return {code, false};
  return {code.substr(0, space), true};
}

Result<std::map<std::string, const EmployeePersonal*>> ByEmployee(const PayRunResult& run,
                                                                  const std::vector<EmployeePersonal>& people) {
  std::map<std::string, const EmployeePersonal*> out;
  for (const EmployeePersonal& p : people) out[p.employee_id] = &p;
  for (const Payslip& s : run.payslips) {
    if (!out.count(s.employee_id)) {
      return MakeError("employee " + s.employee_id, "no personal details (name, NI number) for the certificate");
    }
  }
  return out;
}

std::string Name(const EmployeePersonal& p) {
  return (p.title.empty() ? "" : p.title + " ") + p.forenames + " " + p.surname;
}

}  // namespace

ReportTable PayslipLines(const PayRunResult& run) {
  ReportTable t;
  t.title = "Payslips";
  t.columns = {{"employee_id", ColumnType::kText, "Payroll number"},
               {"period", ColumnType::kText, "Period"},
               {"pay_date", ColumnType::kText, "Pay date"},
               {"tax_code", ColumnType::kText, "Tax code"},
               {"ni_category", ColumnType::kText, "NI category"},
               {"line", ColumnType::kText, "Line"},
               {"description", ColumnType::kText, "Description"},
               {"amount", ColumnType::kMoney, "Amount"},
               {"year_to_date", ColumnType::kMoney, "Year to date"},
               {"working", ColumnType::kText, "How it was worked"}};
  for (const Payslip& s : run.payslips) {
    const std::string period = PeriodText(s);
    for (const PayLine& l : s.lines) {
      Cell ytd;
      if (l.code == "gross") ytd = Cell::Money(s.to_date.gross);
      else if (l.code == "taxable") ytd = Cell::Money(s.to_date.taxable);
      else if (l.code == "tax") ytd = Cell::Money(s.to_date.tax);
      else if (l.code == "employee_ni") ytd = Cell::Money(s.to_date.employee_ni);
      else if (l.code == "employee_pension") ytd = Cell::Money(s.to_date.employee_pension);
      else if (l.code == "net") ytd = Cell::Money(s.to_date.net);
      else if (l.code == "employer_ni") ytd = Cell::Money(s.to_date.employer_ni);
      else if (l.code == "employer_pension") ytd = Cell::Money(s.to_date.employer_pension);
      else if (l.code == "pension_levy") ytd = Cell::Money(s.to_date.pension_levy);
      t.AddRow({Cell::Text(s.employee_id), Cell::Text(period), Cell::Text(s.pay_date.ToString()), Cell::Text(s.tax_code),
                Cell::Text(std::string(1, s.ni_category)), Cell::Text(l.code), Cell::Text(l.label), Cell::Money(l.amount),
                ytd, Cell::Text(l.explanation)});
    }
  }
  t.notes.push_back("Every amount in pounds and pence; deductions are shown as the amount taken off. Rules, roundings "
                    "and sources: docs/payroll.md.");
  return t;
}

ReportTable PayRunSummary(const PayRunResult& run) {
  ReportTable t;
  t.title = "Pay run";
  t.columns = {{"employee_id", ColumnType::kText, "Payroll number"},
               {"cost_centre", ColumnType::kText, "Cost centre"},
               {"band", ColumnType::kText, "Band"},
               {"step", ColumnType::kInteger, "Step"},
               {"tax_code", ColumnType::kText, "Tax code"},
               {"ni_category", ColumnType::kText, "NI"},
               {"basic_pay", ColumnType::kMoney, "Basic pay"},
               {"hcas", ColumnType::kMoney, "HCAS"},
               {"other_pay", ColumnType::kMoney, "Other pay"},
               {"gross", ColumnType::kMoney, "Gross"},
               {"taxable", ColumnType::kMoney, "Taxable"},
               {"tax", ColumnType::kMoney, "Tax"},
               {"employee_ni", ColumnType::kMoney, "Employee NI"},
               {"employee_pension", ColumnType::kMoney, "Employee pension"},
               {"other_deductions", ColumnType::kMoney, "Other deductions"},
               {"net", ColumnType::kMoney, "Net pay"},
               {"employer_ni", ColumnType::kMoney, "Employer NI"},
               {"employer_pension", ColumnType::kMoney, "Employer pension"},
               {"pension_levy", ColumnType::kMoney, "Pension levy"}};
  for (const Payslip& s : run.payslips) {
    t.AddRow({Cell::Text(s.employee_id), Cell::Text(s.cost_centre), Cell::Text(s.afc_band),
              s.afc_step ? Cell::Integer(s.afc_step) : Cell{}, Cell::Text(s.tax_code),
              Cell::Text(std::string(1, s.ni_category)), Cell::Money(s.basic_pay), Cell::Money(s.hcas),
              Cell::Money(s.other_pay), Cell::Money(s.gross), Cell::Money(s.taxable), Cell::Money(s.tax),
              Cell::Money(s.employee_ni), Cell::Money(s.employee_pension), Cell::Money(s.other_deductions),
              Cell::Money(s.net), Cell::Money(s.employer_ni), Cell::Money(s.employer_pension), Cell::Money(s.pension_levy)});
  }
  t.AddTotalRow("Total");
  return t;
}

Result<ReportTable> P60Table(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                             const EmployerDetails& employer) {
  CSU_ASSIGN_OR_RETURN(who, ByEmployee(run, people));
  ReportTable t;
  t.title = "P60 End of Year Certificate";
  t.columns = {{"tax_year_to_5_april", ColumnType::kText, "Tax year to 5 April"},
               {"employee_id", ColumnType::kText, "Payroll number"},
               {"name", ColumnType::kText, "Employee"},
               {"ni_number", ColumnType::kText, "National Insurance number"},
               {"pay_in_this_employment", ColumnType::kMoney, "Pay in this employment"},
               {"tax_in_this_employment", ColumnType::kMoney, "Tax deducted in this employment"},
               {"final_tax_code", ColumnType::kText, "Final tax code"},
               {"ni_category", ColumnType::kText, "NI category letter"},
               {"earnings_at_lel", ColumnType::kMoney, "Earnings at the LEL"},
               {"earnings_lel_to_pt", ColumnType::kMoney, "Earnings above the LEL up to the PT"},
               {"earnings_pt_to_uel", ColumnType::kMoney, "Earnings above the PT up to the UEL"},
               {"employee_ni", ColumnType::kMoney, "Employee's contributions due on all earnings above the PT"},
               {"employer_paye_reference", ColumnType::kText, "Employer PAYE reference"},
               {"employer", ColumnType::kText, "Employer"}};
  for (const Payslip& s : run.payslips) {
    const EmployeePersonal& p = *who.at(s.employee_id);
    const int end_year = std::stoi(s.tax_year.substr(0, 4)) + 1;
    t.AddRow({Cell::Text(std::to_string(end_year)), Cell::Text(s.employee_id), Cell::Text(Name(p)), Cell::Text(p.ni_number),
              Cell::Money(s.to_date.taxable), Cell::Money(s.to_date.tax), Cell::Text(s.tax_code),
              Cell::Text(std::string(1, s.ni_category)), Cell::Money(s.to_date.earnings_at_lel),
              Cell::Money(s.to_date.earnings_lel_to_pt), Cell::Money(s.to_date.earnings_pt_to_uel),
              Cell::Money(s.to_date.employee_ni),
              Cell::Text(employer.tax_office_number + "/" + employer.tax_office_reference), Cell::Text(employer.name)});
  }
  t.notes.push_back("Pay is taxable pay (after NHS Pension contributions under the net pay arrangement), as HMRC's "
                    "P60 shows pay for income tax purposes. From the figures to date of each employee's last payslip of "
                    "the tax year; previous employments are not included.");
  return t;
}

Result<ReportTable> P45Table(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                             const EmployerDetails& employer) {
  CSU_ASSIGN_OR_RETURN(who, ByEmployee(run, people));
  ReportTable t;
  t.title = "P45 Details of employee leaving work";
  t.columns = {{"employer_paye_reference", ColumnType::kText, "1 Employer PAYE reference"},
               {"ni_number", ColumnType::kText, "2 Employee's National Insurance number"},
               {"name", ColumnType::kText, "3 Surname and first names"},
               {"leaving_date", ColumnType::kText, "4 Leaving date"},
               {"employee_id", ColumnType::kText, "5 Payroll number"},
               {"tax_code", ColumnType::kText, "6 Tax code at leaving date"},
               {"week1_month1", ColumnType::kText, "Week 1/Month 1 basis"},
               {"last_entry", ColumnType::kText, "7 Last entries: week or month number"},
               {"pay_to_date", ColumnType::kMoney, "Total pay to date"},
               {"tax_to_date", ColumnType::kMoney, "Total tax to date"},
               {"birth_date", ColumnType::kText, "Date of birth"},
               {"employer", ColumnType::kText, "Employer"}};
  for (const Payslip& s : run.payslips) {
    if (!s.leaving_date) continue;
    const EmployeePersonal& p = *who.at(s.employee_id);
    auto [code, week1] = CodeAndBasis(s.tax_code);
    t.AddRow({Cell::Text(employer.tax_office_number + "/" + employer.tax_office_reference), Cell::Text(p.ni_number),
              Cell::Text(p.surname + ", " + p.forenames + (p.title.empty() ? "" : " (" + p.title + ")")),
              Cell::Text(s.leaving_date->ToString()), Cell::Text(s.employee_id), Cell::Text(code),
              Cell::Text(week1 ? "yes" : ""),
              Cell::Text((s.frequency == Frequency::kMonthly ? "month " : "week ") + std::to_string(s.period)),
              Cell::Money(s.to_date.taxable), Cell::Money(s.to_date.tax),
              Cell::Text(p.birth_date ? p.birth_date->ToString() : ""), Cell::Text(employer.name)});
  }
  if (t.rows.empty()) return MakeError("p45", "no employee in this run has a leaving date");
  t.notes.push_back("Pay and tax to date are this employment's in this tax year, including the final payment (taxable "
                    "pay, after NHS Pension contributions under the net pay arrangement).");
  return t;
}

}  // namespace csu::payroll
