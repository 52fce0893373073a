// The CHC caseload file (docs/formats/chc-caseload-v1.md): an existing
// caseload moved from another system. ReadCaseload checks every row and
// returns either all cases or every problem (line and field); it never
// repeats a field's value in a problem, because the file is identifiable.
// Pure: the caller stores the cases (ChcStore::Import), all or nothing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chc/chc_store.h"
#include "core/date.h"
#include "core/fixed_csv.h"
#include "core/money.h"

namespace csu::chc {

struct CaseloadRow {
  int64_t line = 0;
  std::string ccg;
  uint64_t nhs_number = 0;
  Identity identity;  // name, NHS number (10 digits), date of birth, address
  bool fast_track = false;
  Date referred_on;
  std::optional<Date> checklist_received;
  bool checklist_positive = false;
  std::optional<Date> decided_on;
  bool eligible = false;
  std::string decision_reason;
  std::optional<PackageVersion> package;  // version 1, from package_start
};

struct CaseloadFile {
  std::vector<CaseloadRow> rows;         // empty when there are problems
  std::vector<FileProblem> problems;
};

// `is_ccg` answers whether a (capitalised) code is a CCG; null accepts any
// well-formed code (for the fuzz target).
CaseloadFile ReadCaseload(std::string_view text, const std::function<bool(const std::string&)>& is_ccg);

inline constexpr std::string_view kCaseloadHeader =
    "ccg,nhs_number,name,date_of_birth,address,route,referred_on,checklist_received,checklist_outcome,decided_on,"
    "decision,decision_reason,provider,setting,unit_cost,units_per_week,package_start";

}  // namespace csu::chc
