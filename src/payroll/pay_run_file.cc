#include "payroll/pay_run_file.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/text.h"
#include "payroll/hr_identifiers.h"
#include "refdata/table.h"

namespace csu::payroll {
namespace {

using refdata::Table;

// A row whose optional columns may be missing from the header (a missing
// column reads as blank).
class TableRow {
 public:
  TableRow(const Table& t, const refdata::TableRow& r) : t_(t), r_(r) {}
  std::string_view Text(std::string_view c) const { return t_.HasColumn(c) ? r_.Text(c) : std::string_view(); }
  Result<std::string_view> Required(std::string_view c) const {
    if (!t_.HasColumn(c)) return Fail(std::string(c) + ": value missing");
    return r_.Required(c);
  }
  Result<int64_t> Int(std::string_view c) const {
    if (!t_.HasColumn(c)) return Fail(std::string(c) + ": value missing");
    return r_.Int(c);
  }
  Result<int64_t> Scaled(std::string_view c, int digits) const {
    if (!t_.HasColumn(c)) return Fail(std::string(c) + ": value missing");
    return r_.Scaled(c, digits);
  }
  Error Fail(std::string why) const { return r_.Fail(std::move(why)); }

 private:
  const Table& t_;
  const refdata::TableRow& r_;
};

const std::vector<std::string> kRequired = {
    "employee_id", "cost_centre", "tax_year", "frequency", "period", "pay_date", "tax_code", "ni_category",
    "pension_member", "forenames", "surname", "birth_date", "gender", "address_1", "address_2", "postcode",
    "sort_code", "account_number", "account_name"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Text that must not hold control characters (a personal value is never
// quoted back).
Result<std::string> Personal(const TableRow& row, const char* column, bool required, size_t max) {
  std::string_view s = row.Text(column);
  if (s.empty()) {
    if (required) return row.Fail(std::string(column) + ": value missing");
    return std::string();
  }
  if (s.size() > max) return row.Fail(std::string(column) + ": longer than " + std::to_string(max) + " characters");
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return row.Fail(std::string(column) + ": holds a control character");
  }
  return std::string(s);
}

Result<Money> Pounds(const TableRow& row, const char* column, bool allow_negative) {
  std::string_view s = row.Text(column);
  if (s.empty()) return Money();
  auto m = Money::Parse(s);
  if (!m.ok()) return row.Fail(std::string(column) + ": " + m.error().why);
  if (!allow_negative && m.value() < Money()) return row.Fail(std::string(column) + ": must not be negative");
  if (m.value() > Money::FromPounds(1'000'000'000) || m.value() < Money::FromPounds(-1'000'000'000)) {
    return row.Fail(std::string(column) + ": more than £1,000,000,000");
  }
  return m.value();
}

Result<std::optional<Date>> OptionalDate(const TableRow& row, const char* column) {
  std::string_view s = row.Text(column);
  if (s.empty()) return std::optional<Date>();
  auto d = Date::Parse(s);
  if (!d.ok()) return row.Fail(std::string(column) + ": '" + std::string(s) + "' is not a date YYYY-MM-DD");
  return std::optional<Date>(d.value());
}

Result<Date> RequiredDate(const TableRow& row, const char* column) {
  CSU_ASSIGN_OR_RETURN(d, OptionalDate(row, column));
  if (!d) return row.Fail(std::string(column) + ": value missing");
  return *d;
}

// Hours a week in hundredths ("37.5" -> 3750); blank gives 37.5.
Result<int64_t> Hours(const TableRow& row, const char* column) {
  if (row.Text(column).empty()) return int64_t{3750};
  CSU_ASSIGN_OR_RETURN(h, row.Scaled(column, 2));
  if (h <= 0 || h > 16800) return row.Fail(std::string(column) + ": must be above 0 and at most 168 hours a week");
  return h;
}

// Digits only after removing '-' and spaces; exactly `n` of them. The value is
// never quoted (bank details are personal data).
Result<std::string> Digits(const TableRow& row, const char* column, size_t n, bool required) {
  std::string out;
  for (char c : row.Text(column)) {
    if (c == '-' || c == ' ') continue;
    if (!IsDigit(c)) return row.Fail(std::string(column) + ": must be " + std::to_string(n) + " digits");
    out += c;
  }
  if (out.empty() && !required) return out;
  if (out.size() != n) return row.Fail(std::string(column) + ": must be " + std::to_string(n) + " digits");
  return out;
}

bool ValidCode(std::string_view code) {
  if (code.empty() || code.size() > 12) return false;
  return std::all_of(code.begin(), code.end(), [](char c) { return IsUpper(c) || IsDigit(c) || c == '_' || (c >= 'a' && c <= 'z'); });
}

// "OT15=125.40/TNP;EXP=30.00/" (docs/formats/payroll-period-v1.md).
Result<std::vector<PayItem>> OtherPay(const TableRow& row) {
  std::vector<PayItem> out;
  std::string_view s = row.Text("other_pay");
  while (!s.empty()) {
    const size_t semi = s.find(';');
    std::string_view item = s.substr(0, semi);
    s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return row.Fail("other_pay: an item is not CODE=AMOUNT");
    PayItem p;
    p.code = std::string(item.substr(0, eq));
    if (!ValidCode(p.code)) return row.Fail("other_pay: a code must be 1–12 letters, digits or _");
    std::string_view rest = item.substr(eq + 1);
    std::string_view flags = "TN";
    if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
      flags = rest.substr(slash + 1);
      rest = rest.substr(0, slash);
    }
    auto amount = Money::Parse(rest);
    if (!amount.ok()) return row.Fail("other_pay: " + p.code + ": " + amount.error().why);
    if (amount.value() > Money::FromPounds(10'000'000) || amount.value() < Money::FromPounds(-10'000'000)) {
      return row.Fail("other_pay: " + p.code + ": more than £10,000,000");
    }
    p.amount = amount.value();
    p.taxable = p.niable = p.pensionable = false;
    for (char f : flags) {
      if (f == 'T') p.taxable = true;
      else if (f == 'N') p.niable = true;
      else if (f == 'P') p.pensionable = true;
      else return row.Fail("other_pay: " + p.code + ": flags are T, N and P");
    }
    p.description = p.code;
    out.push_back(std::move(p));
    if (out.size() > 50) return row.Fail("other_pay: more than 50 items");
  }
  return out;
}

Result<std::vector<Deduction>> Deductions(const TableRow& row) {
  std::vector<Deduction> out;
  std::string_view s = row.Text("deductions");
  while (!s.empty()) {
    const size_t semi = s.find(';');
    std::string_view item = s.substr(0, semi);
    s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return row.Fail("deductions: an item is not CODE=AMOUNT");
    Deduction d;
    d.code = std::string(item.substr(0, eq));
    if (!ValidCode(d.code)) return row.Fail("deductions: a code must be 1–12 letters, digits or _");
    auto amount = Money::Parse(item.substr(eq + 1));
    if (!amount.ok()) return row.Fail("deductions: " + d.code + ": " + amount.error().why);
    if (amount.value() < Money() || amount.value() > Money::FromPounds(10'000'000)) {
      return row.Fail("deductions: " + d.code + ": must be from £0 to £10,000,000");
    }
    d.amount = amount.value();
    d.description = d.code;
    out.push_back(std::move(d));
    if (out.size() > 50) return row.Fail("deductions: more than 50 items");
  }
  return out;
}

Result<YearToDate> ToDate(const TableRow& row) {
  YearToDate y;
  struct Field {
    const char* column;
    Money YearToDate::*member;
    bool negative;
  };
  static constexpr Field kFields[] = {
      {"ytd_gross", &YearToDate::gross, true},
      {"ytd_taxable", &YearToDate::taxable, true},
      {"ytd_tax", &YearToDate::tax, true},
      {"ytd_ni_earnings", &YearToDate::ni_earnings, false},
      {"ytd_earnings_at_lel", &YearToDate::earnings_at_lel, false},
      {"ytd_earnings_lel_to_pt", &YearToDate::earnings_lel_to_pt, false},
      {"ytd_earnings_pt_to_uel", &YearToDate::earnings_pt_to_uel, false},
      {"ytd_employee_ni", &YearToDate::employee_ni, false},
      {"ytd_employer_ni", &YearToDate::employer_ni, false},
      {"ytd_employee_pension", &YearToDate::employee_pension, false},
      {"ytd_employer_pension", &YearToDate::employer_pension, false},
      {"ytd_pension_levy", &YearToDate::pension_levy, false},
      {"ytd_net", &YearToDate::net, true},
  };
  for (const Field& f : kFields) {
    CSU_ASSIGN_OR_RETURN(m, Pounds(row, f.column, f.negative));
    y.*f.member = m;
  }
  return y;
}

Result<std::pair<PeriodInput, EmployeePersonal>> Row(const TableRow& row) {
  PeriodInput in;
  EmployeePersonal who;
  CSU_ASSIGN_OR_RETURN(id, row.Required("employee_id"));
  if (id.size() > 35 || !std::all_of(id.begin(), id.end(), [](char c) {
        return IsUpper(c) || IsDigit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '/' || c == '.';
      })) {
    return row.Fail("employee_id: 1–35 letters, digits, '-', '/' or '.'");
  }
  in.employee_id = who.employee_id = std::string(id);
  CSU_ASSIGN_OR_RETURN(cc, row.Required("cost_centre"));
  if (cc.size() > 20 || !std::all_of(cc.begin(), cc.end(), [](char c) {
        return IsUpper(c) || IsDigit(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
      })) {
    return row.Fail("cost_centre: 1–20 letters, digits, '_' or '-'");
  }
  in.cost_centre = std::string(cc);
  CSU_ASSIGN_OR_RETURN(year_text, row.Required("tax_year"));
  auto fy = FinancialYear::Parse(year_text);
  if (!fy.ok()) return row.Fail("tax_year: '" + std::string(year_text) + "' is not a tax year such as 2025/26");
  in.tax_year = fy.value().ToString();
  CSU_ASSIGN_OR_RETURN(freq, row.Required("frequency"));
  const std::string f = Lower(freq);
  if (f != "monthly" && f != "weekly") return row.Fail("frequency: '" + std::string(freq) + "' is not monthly or weekly");
  in.frequency = f == "weekly" ? Frequency::kWeekly : Frequency::kMonthly;
  CSU_ASSIGN_OR_RETURN(period, row.Int("period"));
  if (period < 1 || period > PeriodsPerYear(in.frequency)) {
    return row.Fail("period: " + std::to_string(period) + " is not a " + f + " period (1–" +
                    std::to_string(PeriodsPerYear(in.frequency)) + ")");
  }
  in.period = static_cast<int>(period);
  CSU_ASSIGN_OR_RETURN(start, OptionalDate(row, "period_start"));
  CSU_ASSIGN_OR_RETURN(end, OptionalDate(row, "period_end"));
  if (start.has_value() != end.has_value()) return row.Fail("period_end: give both period_start and period_end, or neither");
  if (start) {
    if (*end < *start) return row.Fail("period_end: before period_start");
    in.period_start = *start;
    in.period_end = *end;
  }
  CSU_ASSIGN_OR_RETURN(pay_date, RequiredDate(row, "pay_date"));
  in.pay_date = pay_date;
  CSU_ASSIGN_OR_RETURN(code, row.Required("tax_code"));
  if (code.size() > 20) return row.Fail("tax_code: longer than 20 characters");
  in.tax_code = std::string(code);
  CSU_ASSIGN_OR_RETURN(cat, row.Required("ni_category"));
  if (cat.size() != 1 || !IsUpper(static_cast<char>(cat[0] & ~0x20))) return row.Fail("ni_category: is not one letter such as A");
  in.ni_category = static_cast<char>(cat[0] & ~0x20);
  CSU_ASSIGN_OR_RETURN(member, row.Required("pension_member"));
  const std::string m = ToUpper(member);
  if (m != "Y" && m != "N") return row.Fail("pension_member: '" + std::string(member) + "' is not Y or N");
  in.pension_member = m == "Y";
  if (!row.Text("annual_pensionable_pay").empty()) {
    CSU_ASSIGN_OR_RETURN(app, Pounds(row, "annual_pensionable_pay", false));
    in.annual_pensionable_pay = app;
  }

  const bool afc = !row.Text("afc_band").empty();
  const bool salary = !row.Text("annual_salary").empty();
  if (afc == salary) return row.Fail("afc_band: give an AfC band (with afc_step) or an annual_salary, not both or neither");
  if (afc) {
    in.basic = BasicPaySource::kAfc;
    in.afc_band = Lower(row.Text("afc_band"));
    if (in.afc_band.size() > 3) return row.Fail("afc_band: not a band such as 5 or 8a");
    CSU_ASSIGN_OR_RETURN(step, row.Int("afc_step"));
    if (step < 1 || step > 20) return row.Fail("afc_step: " + std::to_string(step) + " is not a step point");
    in.afc_step = static_cast<int>(step);
    CSU_ASSIGN_OR_RETURN(inc, OptionalDate(row, "incremental_date"));
    in.incremental_date = inc;
  } else {
    in.basic = BasicPaySource::kSalary;
    CSU_ASSIGN_OR_RETURN(s, Pounds(row, "annual_salary", false));
    if (s <= Money() || s.pence() % 100 != 0) return row.Fail("annual_salary: must be whole pounds above 0");
    in.annual_salary = s;
  }
  CSU_ASSIGN_OR_RETURN(contracted, Hours(row, "contracted_hours"));
  CSU_ASSIGN_OR_RETURN(full, Hours(row, "full_time_hours"));
  if (contracted > full) return row.Fail("contracted_hours: more than full_time_hours");
  in.fte = {contracted, full};
  auto zone = ParseHcasZone(row.Text("hcas_zone"));
  if (!zone) return row.Fail("hcas_zone: '" + std::string(row.Text("hcas_zone")) + "' is not inner_london, outer_london or fringe");
  in.hcas = *zone;
  CSU_ASSIGN_OR_RETURN(ytd, ToDate(row));
  in.to_date = ytd;
  CSU_ASSIGN_OR_RETURN(other, OtherPay(row));
  in.other_pay = std::move(other);
  CSU_ASSIGN_OR_RETURN(deds, Deductions(row));
  in.deductions = std::move(deds);
  CSU_ASSIGN_OR_RETURN(leaving, OptionalDate(row, "leaving_date"));
  in.leaving_date = leaving;

  // Personal details: checked, never quoted.
  CSU_ASSIGN_OR_RETURN(title, Personal(row, "title", false, 35));
  who.title = title;
  CSU_ASSIGN_OR_RETURN(fore, Personal(row, "forenames", true, 70));
  who.forenames = fore;
  CSU_ASSIGN_OR_RETURN(sur, Personal(row, "surname", true, 35));
  who.surname = sur;
  std::string ni;
  for (char c : row.Text("ni_number")) {
    if (c != ' ') ni += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  if (!ni.empty() && !ValidNiNumber(ni)) return row.Fail("ni_number: does not follow HMRC's format rules (two letters, six digits, A–D)");
  who.ni_number = ni;
  CSU_ASSIGN_OR_RETURN(birth, RequiredDate(row, "birth_date"));
  who.birth_date = birth;
  CSU_ASSIGN_OR_RETURN(gender, row.Required("gender"));
  const std::string g = ToUpper(gender);
  if (g != "F" && g != "M") return row.Fail("gender: is not F or M");
  who.gender = g[0];
  for (const char* c : {"address_1", "address_2", "address_3", "address_4"}) {
    const bool req = std::string_view(c) == "address_1" || std::string_view(c) == "address_2";
    CSU_ASSIGN_OR_RETURN(line, Personal(row, c, req, 35));
    if (!line.empty()) who.address.push_back(line);
  }
  CSU_ASSIGN_OR_RETURN(postcode, Personal(row, "postcode", true, 8));
  who.postcode = ToUpper(postcode);
  CSU_ASSIGN_OR_RETURN(sd, OptionalDate(row, "start_date"));
  who.start_date = sd;
  const std::string dec = ToUpper(row.Text("starter_declaration"));
  if (!dec.empty() && dec != "A" && dec != "B" && dec != "C") return row.Fail("starter_declaration: is not A, B or C");
  who.starter_declaration = dec;
  in.starter = !dec.empty();
  CSU_ASSIGN_OR_RETURN(sort, Digits(row, "sort_code", 6, true));
  who.sort_code = sort;
  CSU_ASSIGN_OR_RETURN(account, Digits(row, "account_number", 8, true));
  who.account_number = account;
  CSU_ASSIGN_OR_RETURN(account_name, Personal(row, "account_name", true, 70));
  who.account_name = account_name;
  return std::make_pair(std::move(in), std::move(who));
}

Result<PayRunFile> FromTable(const Table& table) {
  PayRunFile out;
  std::set<std::string, std::less<>> ids;
  for (const refdata::TableRow& r : table.rows()) {
    const TableRow row(table, r);
    CSU_ASSIGN_OR_RETURN(pair, Row(row));
    if (!ids.insert(pair.first.employee_id).second) return row.Fail("employee_id: appears twice in the file");
    if (!out.inputs.empty()) {
      const PeriodInput& first = out.inputs.front();
      if (pair.first.tax_year != first.tax_year || pair.first.frequency != first.frequency || pair.first.period != first.period) {
        return row.Fail("period: every row of a run is the same tax year, frequency and period as the first");
      }
    }
    out.inputs.push_back(std::move(pair.first));
    out.people.push_back(std::move(pair.second));
  }
  if (out.inputs.empty()) return MakeError(table.name(), "no employees in the file");
  return out;
}

Result<EmployerDetails> EmployerFromTable(const Table& table) {
  if (table.rows().size() != 1) return MakeError(table.name(), "the employer file has one data row");
  const TableRow row(table, table.rows().front());
  EmployerDetails e;
  CSU_ASSIGN_OR_RETURN(id, row.Required("employer_id"));
  e.employer_id = std::string(id);
  CSU_ASSIGN_OR_RETURN(name, Personal(row, "name", true, 70));
  e.name = name;
  CSU_ASSIGN_OR_RETURN(paye, row.Required("paye_reference"));
  const size_t slash = paye.find('/');
  if (slash != 3 || !std::all_of(paye.begin(), paye.begin() + 3, IsDigit) || paye.size() < 5 || paye.size() > 14 ||
      !std::all_of(paye.begin() + 4, paye.end(), [](char c) { return IsUpper(c) || IsDigit(c); })) {
    return row.Fail("paye_reference: '" + std::string(paye) + "' is not a PAYE reference such as 635/A635");
  }
  e.tax_office_number = std::string(paye.substr(0, 3));
  e.tax_office_reference = std::string(paye.substr(4));
  CSU_ASSIGN_OR_RETURN(ao, row.Required("accounts_office_reference"));
  if (ao.size() != 13 || !std::all_of(ao.begin(), ao.end(), [](char c) { return IsUpper(c) || IsDigit(c); })) {
    return row.Fail("accounts_office_reference: '" + std::string(ao) + "' is not 13 letters and digits such as 123PA00012345");
  }
  e.accounts_office_reference = std::string(ao);
  CSU_ASSIGN_OR_RETURN(sort, Digits(row, "sort_code", 6, true));
  e.sort_code = sort;
  CSU_ASSIGN_OR_RETURN(account, Digits(row, "account_number", 8, true));
  e.account_number = account;
  CSU_ASSIGN_OR_RETURN(account_name, Personal(row, "account_name", true, 70));
  e.account_name = account_name;
  CSU_ASSIGN_OR_RETURN(sun, row.Required("bacs_user_number"));
  if (sun.size() != 6 || !std::all_of(sun.begin(), sun.end(), [](char c) { return IsUpper(c) || IsDigit(c); })) {
    return row.Fail("bacs_user_number: '" + std::string(sun) + "' is not a 6-character Bacs service user number");
  }
  e.bacs_user_number = std::string(sun);
  return e;
}

const std::vector<std::string> kEmployerColumns = {"employer_id", "name", "paye_reference", "accounts_office_reference",
                                                   "sort_code", "account_number", "account_name", "bacs_user_number"};

}  // namespace

bool ValidNiNumber(std::string_view ni) {
  // NIM39110's rules are hr_identifiers' (ParseNiNumber); here the number
  // must already be in its written form, nine characters, upper case.
  if (ni.size() != 9) return false;
  auto parsed = ParseNiNumber(ni);
  return parsed.ok() && parsed.value() == ni;
}

Result<PayRunFile> ReadPayRunFile(const std::string& path) {
  CSU_ASSIGN_OR_RETURN(table, Table::Load(path, kRequired));
  return FromTable(table);
}

Result<PayRunFile> ParsePayRunFile(std::string name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(std::move(name), text, kRequired));
  return FromTable(table);
}

Result<EmployerDetails> ReadEmployerFile(const std::string& path) {
  CSU_ASSIGN_OR_RETURN(table, Table::Load(path, kEmployerColumns));
  return EmployerFromTable(table);
}

Result<EmployerDetails> ParseEmployerFile(std::string name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(std::move(name), text, kEmployerColumns));
  return EmployerFromTable(table);
}

}  // namespace csu::payroll
