#include "payroll/calculator.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/text.h"
#include "payroll/national_insurance.h"
#include "payroll/nhs_pension.h"
#include "payroll/paye.h"
#include "refdata/table.h"

namespace csu::payroll {
namespace {

using refdata::TableRow;

constexpr std::array<const char*, 11> kInputs = {
    "tax_year",  "frequency",      "period",          "tax_code",
    "ni_category", "pension_member", "gross_pay",     "pensionable_pay",
    "annual_pensionable_pay", "taxable_pay_to_date", "tax_to_date"};

// An amount in pounds ("2497.50", "£2,497.50"); blank gives `blank`, or an
// error when the column must have a value.
Result<Money> Amount(const TableRow& row, const char* column, std::optional<Money> blank, bool allow_negative = false) {
  std::string_view s = row.Text(column);
  if (s.empty()) {
    if (blank) return *blank;
    return row.Fail(std::string(column) + ": value missing");
  }
  auto m = Money::Parse(s);
  if (!m.ok()) return row.Fail(std::string(column) + ": " + m.error().why);
  if (!allow_negative && m.value() < Money()) return row.Fail(std::string(column) + ": must not be negative");
  return m.value();
}

}  // namespace

Result<report::ReportTable> CalculateFile(const PayrollRates& rates, const std::string& path) {
  std::vector<std::string> required(kInputs.begin(), kInputs.end());
  CSU_ASSIGN_OR_RETURN(table, refdata::Table::Load(path, required));
  using report::Cell;
  using report::ColumnType;
  std::vector<std::string> carried;
  for (const std::string& c : table.columns()) {
    if (std::find(required.begin(), required.end(), c) == required.end()) carried.push_back(c);
  }
  report::ReportTable out;
  out.title = "Payroll calculation";
  for (const std::string& c : carried) out.columns.push_back({c, ColumnType::kText});
  for (const char* c : {"taxable_pay", "tax", "employee_ni", "employer_ni", "employee_pension", "employer_pension",
                        "employer_pension_levy", "net_pay"}) {
    out.columns.push_back({c, ColumnType::kMoney});
  }
  out.columns.push_back({"explanation", ColumnType::kText});

  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(year_text, row.Required("tax_year"));
    auto parsed_year = FinancialYear::Parse(year_text);
    const TaxYearRates* year = parsed_year.ok() ? rates.Year(parsed_year.value().ToString()) : nullptr;
    if (year == nullptr) {
      std::string known;
      for (const std::string& y : rates.Years()) known += (known.empty() ? "" : ", ") + y;
      return row.Fail("tax_year: no rates for '" + std::string(year_text) + "' (the reference data has " + known + ")");
    }
    CSU_ASSIGN_OR_RETURN(freq_text, row.Required("frequency"));
    const std::string freq_lower = [&] {
      std::string s(freq_text);
      for (char& ch : s) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
      return s;
    }();
    if (freq_lower != "weekly" && freq_lower != "monthly") {
      return row.Fail("frequency: '" + std::string(freq_text) + "' is not weekly or monthly");
    }
    PayeInput paye;
    paye.frequency = freq_lower == "weekly" ? Frequency::kWeekly : Frequency::kMonthly;
    CSU_ASSIGN_OR_RETURN(period, row.Int("period"));
    if (period < 1 || period > PeriodsPerYear(paye.frequency)) {
      return row.Fail("period: " + std::to_string(period) + " is not a " + freq_lower + " period (1–" +
                      std::to_string(PeriodsPerYear(paye.frequency)) + ")");
    }
    paye.period = static_cast<int>(period);
    CSU_ASSIGN_OR_RETURN(code_text, row.Required("tax_code"));
    auto code = ParseTaxCode(code_text);
    if (!code.ok()) return row.Fail("tax_code: " + code.error().why);
    paye.code = code.value();
    CSU_ASSIGN_OR_RETURN(category, row.Required("ni_category"));
    if (category.size() != 1) return row.Fail("ni_category: '" + std::string(category) + "' is not one letter such as A");
    CSU_ASSIGN_OR_RETURN(member_text, row.Required("pension_member"));
    const std::string member = ToUpper(member_text);
    if (member != "Y" && member != "N") return row.Fail("pension_member: '" + std::string(member_text) + "' is not Y or N");
    CSU_ASSIGN_OR_RETURN(gross, Amount(row, "gross_pay", std::nullopt));

    Money employee_pension;
    std::optional<PensionResult> pension;
    if (member == "Y") {
      CSU_ASSIGN_OR_RETURN(pensionable, Amount(row, "pensionable_pay", std::nullopt));
      CSU_ASSIGN_OR_RETURN(annual, Amount(row, "annual_pensionable_pay", std::nullopt));
      if (pensionable > gross) return row.Fail("pensionable_pay: more than gross_pay");
      pension = CalculateNhsPension(*year, pensionable, annual);
      employee_pension = pension->member;
    }
    // The net pay arrangement: the member's contribution comes off pay
    // before tax (not before NI).
    paye.taxable_pay = gross - employee_pension;
    // Earlier figures may be left blank only where they cannot matter: in
    // period 1, or on the week 1/month 1 basis.
    const bool first = paye.period == 1 || !paye.code.cumulative;
    CSU_ASSIGN_OR_RETURN(to_date, Amount(row, "taxable_pay_to_date", first ? std::optional(paye.taxable_pay) : std::nullopt));
    CSU_ASSIGN_OR_RETURN(tax_before, Amount(row, "tax_to_date", first ? std::optional(Money()) : std::nullopt, true));
    if (paye.code.cumulative && to_date < paye.taxable_pay) {
      return row.Fail("taxable_pay_to_date: " + to_date.ToString() + " is less than this period's taxable pay " +
                      paye.taxable_pay.ToString() + "; it includes this period (tax_to_date does not)");
    }
    paye.taxable_pay_to_date = to_date;
    paye.tax_to_date = tax_before;
    auto tax = CalculatePaye(*year, paye);
    if (!tax.ok()) return row.Fail(tax.error().where + ": " + tax.error().why);
    auto ni = CalculateNi(*year, paye.frequency, category[0], gross);
    if (!ni.ok()) return row.Fail(ni.error().where + ": " + ni.error().why);

    const Money net = gross - tax.value().tax - ni.value().employee - employee_pension;
    std::vector<Cell> cells;
    for (const std::string& c : carried) cells.push_back(Cell::Text(std::string(row.Text(c))));
    for (Money m : {paye.taxable_pay, tax.value().tax, ni.value().employee, ni.value().employer, employee_pension,
                    pension ? pension->employer : Money(), pension ? pension->levy : Money(), net}) {
      cells.push_back(Cell::Money(m));
    }
    std::string why = tax.value().explanation + ". " + ni.value().explanation + ". " +
                      (pension ? pension->explanation : std::string("not a pension scheme member")) + ". Net " +
                      gross.ToString() + " − tax − employee NI − pension = " + net.ToString();
    cells.push_back(Cell::Text(std::move(why)));
    out.AddRow(std::move(cells));
  }
  out.notes.push_back("Rules, roundings and sources: docs/payroll.md. taxable_pay_to_date includes this period; "
                      "tax_to_date is the tax deducted before it.");
  return out;
}

}  // namespace csu::payroll
