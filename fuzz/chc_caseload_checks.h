// Invariants of the CHC caseload reader (src/chc/caseload_file.h) over
// arbitrary input, shared by the chc_caseload fuzz target and the test that
// replays its corpus (src/chc/chc_fuzz_corpus_test.cc). Header-only.
//
// CheckCaseload(text): the reader returns cases or problems, never both and
// never neither; every problem names a line and says why; no problem repeats
// an identifiable value of the file (name, NHS number, date of birth,
// address); every accepted row keeps the format's rules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chc/caseload_file.h"
#include "core/csv_reader.h"
#include "core/nhs_number.h"

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

// Whether a value could pass for the reader's own words, so finding it in a
// message proves nothing.
inline bool LooksLikeMessageText(std::string_view v) {
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || c == ' ' || c == '_' || c == ',' || c == '(' || c == ')' || c == '.')) return false;
  return true;
}

inline std::string CheckCaseload(std::string_view text) {
  chc::CaseloadFile f = chc::ReadCaseload(text, nullptr);
  if (!f.rows.empty() && !f.problems.empty()) return "both cases and problems";
  if (f.rows.empty() && f.problems.empty()) return "neither cases nor problems";
  // The identifiable values of the file, as any CSV reading sees them.
  std::vector<std::string> secrets;
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  for (int guard = 0; guard < 100000; ++guard) {
    auto next = reader.Next(fields);
    if (next.ok() && !next.value()) break;
    if (!next.ok()) continue;
    for (size_t c = 1; c <= 4 && c < fields.size(); ++c)
      if (fields[c].size() >= 6 && !LooksLikeMessageText(fields[c])) secrets.emplace_back(fields[c]);
  }
  for (const auto& p : f.problems) {
    if (p.why.empty()) return "a problem without a reason";
    if (p.line < 1) return "a problem without a line";
    const std::string msg = p.ToString("caseload.csv");
    for (const std::string& s : secrets)
      if (msg.find(s) != std::string::npos) return "a problem repeats an identifiable value: " + p.field;
  }
  for (const auto& r : f.rows)
    if (std::string e = CheckCaseloadRow(r); !e.empty()) return e;
  return "";
}

}  // namespace csu::fuzz
