#include "payroll/staff_file.h"

#include <set>

#include "core/fixed_csv.h"
#include "core/text.h"
#include "payroll/hr_identifiers.h"
#include "payroll/tax_code.h"

namespace csu::payroll {
namespace {

enum Col {
  kStaff, kName, kAddress, kDob, kNi, kSort, kAccount, kStart, kContinuous, kPost, kHours, kFte, kBand, kPoint,
  kIncremental, kSalary, kHcas, kTaxCode, kNiCategory, kPension, kColumns
};
constexpr const char* kNames[kColumns] = {
    "staff_number", "name",     "address", "date_of_birth", "ni_number",        "sort_code",     "account_number",
    "start_date",   "continuous_service_date", "post",      "hours",            "fte",           "band",
    "spine_point",  "incremental_date", "annual_salary",    "hcas",             "tax_code",      "ni_category",
    "pension_member"};

// "37.5" / "1.00" as hundredths; nullopt unless digits with at most 2 decimals.
std::optional<int64_t> Hundredths(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  int64_t whole = 0, frac = 0;
  size_t i = 0, places = 0;
  bool any = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) whole = whole * 10 + (s[i] - '0'), any = true;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (++places > 2) return std::nullopt;
      frac = frac * 10 + (s[i] - '0');
      any = true;
    }
  }
  if (i != s.size() || !any) return std::nullopt;
  if (places == 1) frac *= 10;
  return whole * 100 + frac;
}

bool StaffNumberOk(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '/'))
      return false;
  return true;
}

}  // namespace

StaffFile ReadStaffFile(std::string_view text, const std::string& employer) {
  StaffFile out;
  auto problem = [&](int64_t line, int col, std::string why) {
    out.problems.push_back({line, col < 0 ? "" : kNames[col], std::move(why)});
  };
  std::set<std::string> seen;
  ReadFixedCsv(
      text, kStaffHeader, kColumns, "docs/formats/payroll-staff-v1.md",
      [&](int64_t line, const std::vector<std::string_view>& f) {
        const size_t before = out.problems.size();
        auto v = [&](Col c) { return std::string(Trim(f[c])); };
        PayrollStore::StaffRecord r;
        r.employee.employer = employer;
        r.employee.staff_number = v(kStaff);
        if (!StaffNumberOk(r.employee.staff_number)) problem(line, kStaff, "is not 1 to 20 letters, digits, - or /");
        else if (!seen.insert(r.employee.staff_number).second) problem(line, kStaff, "is used by an earlier row");
        r.personal.name = v(kName);
        if (r.personal.name.empty() || r.personal.name.size() > 200)
          problem(line, kName, "must be 1 to 200 characters");
        r.personal.address = v(kAddress);
        if (r.personal.address.size() > 500) problem(line, kAddress, "is longer than 500 characters");
        auto start = Date::Parse(v(kStart));
        if (!start.ok()) problem(line, kStart, "is not a date (YYYY-MM-DD)");
        else r.employee.start = start.value();
        auto dob = Date::Parse(v(kDob));
        if (!dob.ok()) problem(line, kDob, "is not a date (YYYY-MM-DD)");
        else if (start.ok() && dob.value() >= start.value()) problem(line, kDob, "is not before start_date");
        else r.personal.date_of_birth = dob.value().ToString();
        if (auto ni = ParseNiNumber(v(kNi)); !ni.ok()) problem(line, kNi, ni.error().why);
        else r.personal.ni_number = ni.value();
        if (auto s = ParseSortCode(v(kSort)); !s.ok()) problem(line, kSort, s.error().why);
        else r.personal.sort_code = s.value();
        if (auto a = ParseAccountNumber(v(kAccount)); !a.ok()) problem(line, kAccount, a.error().why);
        else r.personal.account_number = a.value();
        if (!v(kContinuous).empty()) {
          auto c = Date::Parse(v(kContinuous));
          if (!c.ok()) problem(line, kContinuous, "is not a date (YYYY-MM-DD)");
          else if (start.ok() && c.value() > start.value()) problem(line, kContinuous, "is after start_date");
          else r.employee.continuous_service = c.value();
        }
        if (v(kPost).empty()) {
          for (Col c : {kHours, kFte, kBand, kPoint, kIncremental, kSalary, kHcas, kTaxCode, kNiCategory, kPension})
            if (!v(c).empty()) problem(line, c, "must be blank when post is blank");
        } else {
          Assignment a;
          a.post_code = v(kPost);
          if (start.ok()) a.start = start.value();
          auto hours = Hundredths(v(kHours));
          if (!hours || *hours <= 0 || *hours > 4800)
            problem(line, kHours, "is not hours a week above 0 and at most 48 (2 decimals)");
          else a.hours_x100 = *hours;
          auto fte = Hundredths(v(kFte));
          if (!fte || *fte <= 0 || *fte > 100) problem(line, kFte, "is not a WTE above 0 and at most 1 (2 decimals)");
          else a.fte_x100 = *fte;
          a.band = v(kBand);
          if (a.band.empty() || a.band.size() > 10) problem(line, kBand, "is required (1 to 10 characters)");
          if (!v(kSalary).empty()) {
            auto m = Money::Parse(v(kSalary));
            if (!m.ok() || m.value().pence() <= 0) problem(line, kSalary, "is not an amount in pounds above 0");
            else a.annual_salary = m.value();
          }
          if (!v(kPoint).empty() || !a.annual_salary) {
            auto p = Hundredths(v(kPoint));
            if (!p || *p % 100 != 0 || *p < 100 || *p > 9900) problem(line, kPoint, "is not a pay step point 1 to 99");
            else a.spine_point = static_cast<int>(*p / 100);
          }
          if (!v(kIncremental).empty()) {
            auto d = Date::Parse(v(kIncremental));
            if (!d.ok()) problem(line, kIncremental, "is not a date (YYYY-MM-DD)");
            else a.incremental_date = d.value();
          }
          if (auto z = ParseHcasName(v(kHcas)); !z)
            problem(line, kHcas, "is not inner_london, outer_london, fringe or blank");
          else a.hcas = *z;
          // The parser's message quotes the code; the file's values are never repeated.
          if (auto code = ParseTaxCode(v(kTaxCode)); !code.ok())
            problem(line, kTaxCode, "is not a tax code as HMRC issues them (like 1257L, S1257L, K475, BR, 1257L M1)");
          else a.tax_code = code.value().text;
          const std::string cat = ToUpper(v(kNiCategory));
          if (cat.size() != 1 || cat[0] < 'A' || cat[0] > 'Z')
            problem(line, kNiCategory, "is not one letter such as A");
          else a.ni_category = cat;
          const std::string member = ToUpper(v(kPension));
          if (member != "Y" && member != "N") problem(line, kPension, "is not Y or N");
          else a.pension_member = member == "Y";
          r.assignment = a;
        }
        if (out.problems.size() == before) {
          out.rows.push_back(std::move(r));
          out.lines.push_back(line);
        }
      },
      out.problems);
  if (!out.problems.empty()) out.rows.clear(), out.lines.clear();
  return out;
}

}  // namespace csu::payroll
