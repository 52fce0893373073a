// The arithmetic of a claim for a previously unassessed period of care
// (docs/chc.md, "Retrospective claims"): the claimant states what was paid
// for care, as runs of days at a weekly cost (a care home's weekly fee, say);
// the amount awarded is the stated cost of the days the CCG decides were
// eligible. A run's cost over some days is weekly × days / 7, rounded once
// half away from zero to the penny (package_cost.h's rule), and the amount
// is the sum of the runs. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace csu::chc {

struct ClaimCost {
  Date from, to;  // inclusive
  Money weekly;
};

// The stated cost of the days in [from, to]: each run's overlap rounded once.
Money StatedCost(const std::vector<ClaimCost>& costs, Date from, Date to);

// Checks the stated costs against the claim's period [from, to]: each run
// inside it, from ≤ to, weekly more than 0, runs not overlapping (a day paid
// twice is a mistake in the claim, not a cost). Names the run (1-based).
Status CheckClaimCosts(const std::vector<ClaimCost>& costs, Date from, Date to);

// Parses "FROM:TO:WEEKLY", e.g. "2016-04-01:2016-09-30:850.00".
Result<ClaimCost> ParseClaimCost(const std::string& text);

}  // namespace csu::chc
