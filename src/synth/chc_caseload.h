// A synthetic NHS Continuing Healthcare caseload for the demo, written in
// the migration format (docs/formats/chc-caseload-v1.md) so the demo loads
// it through `csu chc import` as a real CSU would. Per CCG: about one person
// eligible per 1,000 registered population at any time (a caseload carried
// in from earlier years plus the year's new eligibility), Fast Track about a
// third of new cases, standard referrals with a Checklist, a decision for
// most (60% within 28 days), and packages at realistic weekly costs: care
// home with nursing £900-£1,200 a week, care home £650-£850, home care
// £18-£24 an hour for 10-40 hours, personal health budgets £500-£1,500 a
// week (docs/chc.md, "Demo caseload"). Names and addresses are invented and
// NHS numbers are in the 999 range, which is never issued to a person.
// The same arguments give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "refdata/refdata.h"

namespace csu::synth {

struct ChcCaseloadStats {
  int64_t rows = 0, eligible = 0, fast_track = 0, undecided = 0, packages = 0;
};

// The file's text for `ccgs` (codes known to `ref`), with nothing dated
// after `as_of` (undecided cases stay undecided).
std::string GenerateChcCaseload(const refdata::RefData& ref, const std::vector<std::string>& ccgs, FinancialYear year,
                                Date as_of, uint64_t seed, ChcCaseloadStats* stats = nullptr);

}  // namespace csu::synth
