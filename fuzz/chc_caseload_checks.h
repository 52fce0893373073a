// Invariants of the CHC caseload reader (src/chc/caseload_file.h) over
// arbitrary input, shared by the chc_caseload fuzz target and the test that
// replays its corpus (src/chc/chc_fuzz_corpus_test.cc). Header-only.
//
// CheckCaseload(text): the reader returns cases or problems, never both and
// never neither; every problem names a line and a field of the format and
// says why in one of the reader's own sentences, so no problem can repeat a
// value of the file (the file is identifiable); every accepted row keeps the
// format's rules.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chc/caseload_file.h"
#include "core/nhs_number.h"
#include "file_problem_checks.h"

namespace csu::fuzz {

inline std::string CheckCaseloadRow(const chc::CaseloadRow& r) {
  if (!ParseNhsNumber(r.identity.nhs_number) || r.identity.nhs_number.size() != 10) return "an invalid NHS number accepted";
  if (r.identity.name.empty()) return "a row without a name accepted";
  auto dob = Date::Parse(r.identity.date_of_birth);
  if (!dob.ok() || dob.value() > r.referred_on) return "a date of birth after the referral accepted";
  if (r.checklist_received && *r.checklist_received < r.referred_on) return "a Checklist before the referral accepted";
  if (r.fast_track && r.checklist_received) return "a Fast Track case with a Checklist accepted";
  if (r.decided_on && *r.decided_on < r.referred_on) return "a decision before the referral accepted";
  if (r.decided_on && !r.fast_track && !r.checklist_positive) return "a standard decision without a positive Checklist";
  if (r.decided_on && r.decision_reason.empty()) return "a decision without reasons accepted";
  if (r.package && !(r.decided_on && r.eligible)) return "a package for a case not eligible accepted";
  if (r.package && (r.package->unit_cost.pence() <= 0 || r.package->units_x100 <= 0)) return "a package without a cost accepted";
  return "";
}

// Every sentence the reader may say (digits as N). A problem saying
// anything else could be carrying a value of the file; the check is exact,
// so it has no false alarms and misses no value, whatever the value is.
inline const std::set<std::string>& CaseloadSentences() {
  static const std::set<std::string> s = {
      "a Fast Track case has no Checklist", "a package is only for an eligible case",
      "a standard case is decided only after a positive Checklist", "decision and decision_reason need decided_on",
      "has N fields, not N", "has no cases", "is after referred_on", "is before checklist_received",
      "is before referred_on", "is given without checklist_received", "is longer than N,N characters",
      "is longer than N characters", "is not a CCG in the reference data", "is not a date (YYYY-MM-DD)",
      "is not a valid NHS number (N digits, valid check digit)", "is not an ODS code",
      "is not an amount of pounds more than N", "is not care_home_nursing, care_home, domiciliary or phb",
      "is not eligible or not_eligible", "is not more than N with at most two decimals", "is not positive or negative",
      "is not standard or fast_track", "is required for a package", "is required with decided_on", "is required",
      "no header row (docs/formats/chc-caseload-vN.md)",
      "not a well-formed CSV record (unterminated quoted field)",
      "not a well-formed CSV record (text after a closing quote)",
      "not a well-formed CSV record (quote inside an unquoted field)",
      "the header is not the N columns of docs/formats/chc-caseload-vN.md in order"};
  return s;
}

inline std::string CheckCaseload(std::string_view text) {
  chc::CaseloadFile f = chc::ReadCaseload(text, nullptr);
  if (!f.rows.empty() && !f.problems.empty()) return "both cases and problems";
  if (f.rows.empty() && f.problems.empty()) return "neither cases nor problems";
  static const std::set<std::string> kFields = {
      "",         "ccg",         "nhs_number", "name",       "date_of_birth",      "address",
      "route",    "referred_on", "checklist_received",       "checklist_outcome",  "decided_on",
      "decision", "decision_reason", "provider", "setting", "unit_cost", "units_per_week", "package_start"};
  if (std::string e = CheckFileProblems(f.problems, kFields, CaseloadSentences()); !e.empty()) return e;
  for (const auto& r : f.rows)
    if (std::string e = CheckCaseloadRow(r); !e.empty()) return e;
  return "";
}

}  // namespace csu::fuzz
