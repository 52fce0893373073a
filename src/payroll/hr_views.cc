#include "payroll/hr_views.h"

#include <cstdio>

namespace csu::payroll {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

namespace {
// Hundredths (WTE, FTE, hours, days) as the decimal the table shows.
Cell Decimal(int64_t x100) { return Cell::Real(static_cast<double>(x100) / 100); }
}  // namespace

ReportTable EmployersTable(const std::vector<Employer>& employers) {
  ReportTable t("Payroll employers",
                {{"employer", ColumnType::kText}, {"kind", ColumnType::kText}, {"name", ColumnType::kText},
                 {"paye_reference", ColumnType::kText}, {"accounts_office_reference", ColumnType::kText}});
  for (const auto& e : employers)
    t.rows.push_back({Cell::Text(e.code), Cell::Text(std::string(EmployerKindName(e.kind))), Cell::Text(e.name),
                      Cell::Text(e.paye_reference), Cell::Text(e.accounts_office_reference)});
  return t;
}

ReportTable StaffTable(const std::vector<EmployeeRow>& staff) {
  ReportTable t("Staff", {{"employee", ColumnType::kInteger, "Employee"},
                          {"staff_number", ColumnType::kText, "Staff number"},
                          {"start_date", ColumnType::kText, "Started"},
                          {"continuous_service_date", ColumnType::kText, "Continuous service from"},
                          {"leaving_date", ColumnType::kText, "Left"},
                          {"ni_number", ColumnType::kText, "NI number"},
                          {"bank_account", ColumnType::kText, "Bank account"}});
  for (const auto& e : staff)
    t.rows.push_back({Cell::Integer(e.id), Cell::Text(e.staff_number), Cell::Text(e.start.ToString()),
                      Cell::Text(e.continuous_service.ToString()), Cell::Text(e.leaving ? e.leaving->ToString() : ""),
                      Cell::Text(e.ni_masked), Cell::Text(e.account_masked)});
  return t;
}

ReportTable EstablishmentTable(const std::vector<EstablishmentRow>& rows, Date on) {
  ReportTable t("Establishment on " + on.ToString(),
                {{"post", ColumnType::kText, "Post"},
                 {"cost_centre", ColumnType::kText, "Cost centre"},
                 {"title", ColumnType::kText, "Title"},
                 {"band", ColumnType::kText, "Band"},
                 {"budgeted_wte", ColumnType::kDecimal, "Budgeted WTE", 2},
                 {"in_post_wte", ColumnType::kDecimal, "In post WTE", 2},
                 {"staff", ColumnType::kInteger, "Staff"},
                 {"vacancy_wte", ColumnType::kDecimal, "Vacancy WTE", 2}});
  for (const auto& r : rows)
    t.rows.push_back({Cell::Text(r.post_code), Cell::Text(r.cost_centre), Cell::Text(r.title), Cell::Text(r.band),
                      Decimal(r.budgeted_wte_x100), Decimal(r.in_post_wte_x100), Cell::Integer(r.staff),
                      Decimal(r.vacancy_wte_x100)});
  return t;
}

ReportTable AssignmentsTable(const std::vector<Assignment>& rows) {
  ReportTable t("Assignments", {{"assignment", ColumnType::kInteger, "Assignment"},
                                {"employee", ColumnType::kInteger, "Employee"},
                                {"post", ColumnType::kText, "Post"},
                                {"start_date", ColumnType::kText, "From"},
                                {"end_date", ColumnType::kText, "To"},
                                {"hours", ColumnType::kDecimal, "Hours", 2},
                                {"fte", ColumnType::kDecimal, "FTE", 2},
                                {"band", ColumnType::kText, "Band"},
                                {"spine_point", ColumnType::kInteger, "Point"},
                                {"incremental_date", ColumnType::kText, "Incremental date"},
                                {"annual_salary", ColumnType::kMoney, "Stated salary"},
                                {"hcas", ColumnType::kText, "HCAS zone"},
                                {"tax_code", ColumnType::kText, "Tax code"},
                                {"ni_category", ColumnType::kText, "NI category"},
                                {"pension_member", ColumnType::kText, "Pension"}});
  for (const auto& x : rows)
    t.rows.push_back({Cell::Integer(x.id), Cell::Integer(x.employee_id), Cell::Text(x.post_code),
                      Cell::Text(x.start.ToString()), Cell::Text(x.end ? x.end->ToString() : ""),
                      Decimal(x.hours_x100), Decimal(x.fte_x100), Cell::Text(x.band), Cell::Integer(x.spine_point),
                      Cell::Text(x.incremental_date ? x.incremental_date->ToString() : ""),
                      x.annual_salary ? Cell::Money(*x.annual_salary) : Cell{}, Cell::Text(x.hcas),
                      Cell::Text(x.tax_code), Cell::Text(x.ni_category), Cell::Text(x.pension_member ? "Y" : "N")});
  return t;
}

ReportTable SicknessTable(const std::vector<SicknessMonth>& months) {
  ReportTable t("Sickness absence", {{"month", ColumnType::kText, "Month"},
                                     {"fte_days_lost", ColumnType::kDecimal, "FTE days lost", 2},
                                     {"fte_days_available", ColumnType::kDecimal, "FTE days available", 2},
                                     {"rate", ColumnType::kPercent, "Sickness absence rate", 2}});
  for (const auto& m : months) {
    char month[16];
    std::snprintf(month, sizeof month, "%04d-%02d", m.year, m.month);
    t.rows.push_back({Cell::Text(month), Decimal(m.fte_days_lost_x100), Decimal(m.fte_days_available_x100),
                      Cell::Real(static_cast<double>(m.rate_bp) / 10000)});
  }
  return t;
}

ReportTable RunsTable(const std::vector<PayRunRecord>& runs) {
  ReportTable t("Pay runs", {{"run", ColumnType::kInteger, "Run"},
                             {"employer", ColumnType::kText, "Employer"},
                             {"tax_year", ColumnType::kText, "Tax year"},
                             {"period", ColumnType::kInteger, "Period"},
                             {"state", ColumnType::kText, "State"},
                             {"payslips", ColumnType::kInteger, "Payslips"},
                             {"flagged", ColumnType::kInteger, "Flagged"},
                             {"gross", ColumnType::kMoney, "Gross"},
                             {"net", ColumnType::kMoney, "Net"},
                             {"calculated_by", ColumnType::kText, "Calculated by"},
                             {"approved_by", ColumnType::kText, "Approved by"}});
  for (const auto& r : runs)
    t.rows.push_back({Cell::Integer(r.id), Cell::Text(r.employer), Cell::Text(r.tax_year), Cell::Integer(r.period),
                      Cell::Text(std::string(RunStateName(r.state))), Cell::Integer(r.payslips),
                      Cell::Integer(r.flagged), Cell::Money(r.gross), Cell::Money(r.net), Cell::Text(r.calculated_by),
                      Cell::Text(r.approved_by)});
  return t;
}

ReportTable ReviewTable(int64_t run_id, const std::vector<StoredPayslip>& slips) {
  ReportTable t("Pay run " + std::to_string(run_id) + " review",
                {{"employee", ColumnType::kInteger, "Employee"},
                 {"staff_number", ColumnType::kText, "Staff number"},
                 {"cost_centre", ColumnType::kText, "Cost centre"},
                 {"tax_code", ColumnType::kText, "Tax code"},
                 {"gross", ColumnType::kMoney, "Gross"},
                 {"tax", ColumnType::kMoney, "Tax"},
                 {"employee_ni", ColumnType::kMoney, "Employee NI"},
                 {"employee_pension", ColumnType::kMoney, "Employee pension"},
                 {"net", ColumnType::kMoney, "Net"},
                 {"employer_ni", ColumnType::kMoney, "Employer NI"},
                 {"employer_pension", ColumnType::kMoney, "Employer pension"},
                 {"flags", ColumnType::kText, "Flags"}});
  for (const auto& s : slips) {
    std::string flags;
    for (const auto& f : s.flags) flags += (flags.empty() ? "" : " ") + f;
    t.rows.push_back({Cell::Integer(s.employee_id), Cell::Text(s.staff_number), Cell::Text(s.cost_centre),
                      Cell::Text(s.tax_code), Cell::Money(s.gross), Cell::Money(s.tax), Cell::Money(s.employee_ni),
                      Cell::Money(s.employee_pension), Cell::Money(s.net), Cell::Money(s.employer_ni),
                      Cell::Money(s.employer_pension), Cell::Text(flags)});
  }
  return t;
}

}  // namespace csu::payroll
