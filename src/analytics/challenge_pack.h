// A challenge pack: one provider's challenges for the monthly contract
// meeting, as the CCG's commissioner and the provider go through them
// (docs/monitoring.md, "Challenge packs"). Built from the challenges view's
// table (ChallengesTable), so the pack, the page and the export agree:
//
//   [0] by rule: challenges, £ at stake, and how many are raised, agreed and
//       rejected, with the £ agreed (what the provider is to credit);
//   [1] the challenges, largest £ at stake first, each with the explanation
//       of its record's price when `explain` gives one.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "report/report_table.h"

namespace csu::analytics {

// The price explanation of a challenged record by challenge id ("" for an
// aggregate challenge such as a follow-up ratio, or none known).
using ExplainChallenge = std::function<std::string(const std::string& id)>;

// `challenges` is a ChallengesTable; `provider` an ODS code as it holds them
// (upper case), `provider_label` how the pack names it ("Warrington and
// Halton Hospitals (RWW)") and `scope` the CCG and period it covers. A
// provider with no challenges gives two tables with no rows, which say so
// in their notes.
std::vector<report::ReportTable> ChallengePack(const report::ReportTable& challenges, std::string_view provider,
                                               const std::string& provider_label, const std::string& scope,
                                               const ExplainChallenge& explain = {});

}  // namespace csu::analytics
