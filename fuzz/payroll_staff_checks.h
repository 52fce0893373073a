// Invariants of the payroll staff file reader (src/payroll/staff_file.h)
// over arbitrary input, shared by the payroll_staff fuzz target and the test
// that replays its corpus (src/payroll/payroll_staff_fuzz_corpus_test.cc).
// Header-only.
//
// CheckStaffFile(text): the reader returns records or problems, never both
// and never neither; every problem names a line and a column of the format
// and says why in one of the reader's own sentences, so no problem can
// repeat a value of the file (it holds personal data); every accepted row
// keeps the format's rules.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "file_problem_checks.h"
#include "payroll/hr_identifiers.h"
#include "payroll/staff_file.h"
#include "payroll/tax_code.h"

namespace csu::fuzz {

inline std::string CheckStaffRecord(const payroll::PayrollStore::StaffRecord& r) {
  if (!payroll::ParseNiNumber(r.personal.ni_number).ok() || r.personal.ni_number.size() != 9)
    return "an invalid NI number accepted";
  if (!payroll::ParseSortCode(r.personal.sort_code).ok() || r.personal.sort_code.size() != 6)
    return "an invalid sort code accepted";
  if (!payroll::ParseAccountNumber(r.personal.account_number).ok()) return "an invalid account number accepted";
  if (r.personal.name.empty()) return "a row without a name accepted";
  auto dob = Date::Parse(r.personal.date_of_birth);
  if (!dob.ok() || dob.value() >= r.employee.start) return "a date of birth not before the start accepted";
  if (r.employee.continuous_service && *r.employee.continuous_service > r.employee.start)
    return "continuous service after the start accepted";
  if (r.employee.staff_number.empty()) return "a row without a staff number accepted";
  if (r.assignment) {
    const auto& a = *r.assignment;
    if (a.fte_x100 <= 0 || a.fte_x100 > 100) return "an FTE outside (0, 1] accepted";
    if (a.hours_x100 <= 0 || a.hours_x100 > 4800) return "hours outside (0, 48] accepted";
    if (!a.annual_salary && a.spine_point < 1) return "an AfC assignment without a pay step point accepted";
    if (!payroll::ParseTaxCode(a.tax_code).ok()) return "an invalid tax code accepted";
    if (a.ni_category.size() != 1) return "an NI category that is not one letter accepted";
    if (a.post_code.empty()) return "an assignment without a post accepted";
  }
  return "";
}

// Every sentence the reader may say (digits as N).
inline const std::set<std::string>& StaffSentences() {
  static const std::set<std::string> s = {
      "is after start_date", "is longer than N characters", "is not N to N letters, digits, - or /",
      "is not Y or N", "is not a WTE above N and at most N (N decimals)", "is not a date (YYYY-MM-DD)",
      "is not a pay step point N to N",
      "is not a tax code as HMRC issues them (like NL, SNL, KN, BR, NL MN)",
      "is not an amount in pounds above N", "is not before start_date",
      "is not hours a week above N and at most N (N decimals)", "is not inner_london, outer_london, fringe or blank",
      "is not one letter such as A", "is required (N to N characters)", "is used by an earlier row",
      "must be N to N characters", "must be blank when post is blank",
      "is not two letters, six digits and a letter (NIMN)",
      "has D, F, I, Q, U or V in its prefix, which HMRC never uses (NIMN)",
      "has O as its second letter, which HMRC never uses (NIMN)", "has a prefix HMRC does not allocate (NIMN)",
      "does not end in A, B, C or D (NIMN)", "is not N digits (like N-N-N)", "is not N digits",
      "has N fields, not N", "no header row (docs/formats/payroll-staff-vN.md)",
      "the header is not the N columns of docs/formats/payroll-staff-vN.md in order",
      "not a well-formed CSV record (unterminated quoted field)",
      "not a well-formed CSV record (text after a closing quote)",
      "not a well-formed CSV record (quote inside an unquoted field)"};
  return s;
}

inline std::string CheckStaffFile(std::string_view text) {
  payroll::StaffFile f = payroll::ReadStaffFile(text, "02E");
  if (!f.rows.empty() && !f.problems.empty()) return "both records and problems";
  if (f.rows.size() != f.lines.size()) return "a record without its line";
  static const std::set<std::string> kColumns = {
      "",           "staff_number", "name",        "address",       "date_of_birth", "ni_number",
      "sort_code",  "account_number", "start_date", "continuous_service_date", "post", "hours",
      "fte",        "band",          "spine_point", "incremental_date", "annual_salary", "hcas",
      "tax_code",   "ni_category",   "pension_member"};
  if (std::string e = CheckFileProblems(f.problems, kColumns, StaffSentences()); !e.empty()) return e;
  for (const auto& r : f.rows)
    if (std::string e = CheckStaffRecord(r); !e.empty()) return e;
  return "";
}

}  // namespace csu::fuzz
