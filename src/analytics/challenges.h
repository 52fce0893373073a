// Activity challenges: records (or provider × specialty aggregates) a
// commissioner should query with the provider, each with a rule, a reason
// and the money at stake. Rules, ids and amounts: docs/monitoring.md,
// "Challenges".
//
//   Challenges ch = FindChallenges(priced, readmissions, ref, options);
//   for (const Challenge& c : ch.items) ...  // ordered by commissioner, provider, rule
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/result.h"
#include "ingest/extract_schema.h"

namespace csu::pricing {
struct PricedActivity;
}
namespace csu::contracts {
class ContractStore;
}
namespace csu::refdata {
class RefData;
}

namespace csu::analytics {

struct Readmissions;

enum class ChallengeRule : uint8_t {
  kDuplicate,
  kReadmission,
  kOtherCcg,
  kFollowUpRatio,
  kZeroLosElective,
  kUnbundledNoSpell,
};
std::string_view RuleName(ChallengeRule r);  // "duplicate", "readmission", ...

struct Challenge {
  std::string id;  // stable: see docs/monitoring.md
  ChallengeRule rule = ChallengeRule::kDuplicate;
  OdsCode commissioner;
  OdsCode provider;
  // The record, for record-level rules (none for fu-ratio).
  std::optional<ingest::ExtractKind> kind;
  int64_t batch_id = 0;
  uint32_t batch_row = 0;
  uint32_t table_row = 0;
  Date date;           // activity date (fu-ratio: the year's first day)
  std::string hrg;     // the record's HRG; fu-ratio: the treatment function
  int32_t month = 0;   // financial month of the activity, 1..12 (0 for fu-ratio)
  std::string reason;  // one plain sentence
  int64_t at_stake_pence = 0;
};

struct ChallengeOptions {
  FinancialYear year;
  std::optional<uint16_t> commissioner;  // dictionary id; none = every commissioner
  int month = 12;                        // up to and including this financial month
  // Follow-up : first attendance ratio above which follow-ups are challenged,
  // in thousandths (3000 = 3.0), per treatment function code; default for others.
  int64_t fu_ratio_limit_milli = 3000;
  std::vector<std::pair<std::string, int64_t>> fu_ratio_limit_by_tfc;
};

struct Challenges {
  std::vector<Challenge> items;
  int64_t total_at_stake_pence = 0;
};

Challenges FindChallenges(const pricing::PricedActivity& priced, const Readmissions& readmissions,
                          const refdata::RefData& ref, const ChallengeOptions& options);

// The commissioner a challenge id belongs to, read from the id and the
// activity: a record's id (rule:kind:batch:row) names the record, whose
// commissioner is the one it was counted under; a follow-up ratio's id
// names its commissioner (whether or not its activity is loaded). Nullopt
// when the id is not one of these shapes or its record is not in `priced`
// (a typo, a withdrawn batch, or another node's share). Does not check that
// the rule still raises the challenge.
std::optional<OdsCode> ChallengeCommissioner(const pricing::PricedActivity& priced, std::string_view id);

// Server mode: names the commissioner of the challenge log's entries that
// have none (written before its schema version 2, or moved from a state
// folder; docs/store-format.md §10a) from the records in `priced`, on the
// owner's connection. The entries whose record is not here are left for the
// node that holds it. Returns how many entries were named.
Result<int64_t> NameChallengeCommissioners(contracts::ContractStore& log, const pricing::PricedActivity& priced);

}  // namespace csu::analytics
