// The Decision Support Tool (DST) of NHS Continuing Healthcare: its twelve
// care domains, the levels of need each domain has, and the indication the
// tool's guidance gives from a set of levels (rules and sources: docs/chc.md,
// "The Decision Support Tool"). The indication is shown beside the
// multidisciplinary team's recommendation; it never decides: eligibility is
// the CCG's decision, recorded with reasons (chc_store.h). Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::chc {

enum class Domain : uint8_t {
  kBreathing,
  kNutrition,
  kContinence,
  kSkinIntegrity,
  kMobility,
  kCommunication,
  kPsychological,
  kCognition,
  kBehaviour,
  kDrugTherapies,
  kAlteredStates,
  kOther,
};
inline constexpr int kDomainCount = 12;
inline constexpr Domain kAllDomains[kDomainCount] = {
    Domain::kBreathing,    Domain::kNutrition,     Domain::kContinence, Domain::kSkinIntegrity,
    Domain::kMobility,     Domain::kCommunication, Domain::kPsychological, Domain::kCognition,
    Domain::kBehaviour,    Domain::kDrugTherapies, Domain::kAlteredStates, Domain::kOther};

// Levels in rising order of need.
enum class Level : uint8_t { kNone, kLow, kModerate, kHigh, kSevere, kPriority };

// Short codes for files and options ("breathing", "skin", "drugs", ...) and
// the DST's own titles ("Skin integrity").
std::string_view DomainCode(Domain d);
std::string_view DomainTitle(Domain d);
std::optional<Domain> ParseDomain(std::string_view code);
// "none", "low", "moderate", "high", "severe", "priority".
std::string_view LevelName(Level l);
std::optional<Level> ParseLevel(std::string_view name);

// Whether the DST offers `level` in `domain` (its summary grid): only four
// domains have priority, and altered states of consciousness has no severe.
bool DomainHasLevel(Domain d, Level l);

// One completed DST: a level for every domain.
struct DstLevels {
  std::array<Level, kDomainCount> level{};  // indexed by Domain
  Level& operator[](Domain d) { return level[static_cast<size_t>(d)]; }
  Level operator[](Domain d) const { return level[static_cast<size_t>(d)]; }
};

// Error (naming the domain) when a level is one the domain does not have.
Status CheckLevels(const DstLevels& levels);

enum class Indication : uint8_t {
  kClear,     // the DST guidance expects a recommendation of eligibility
  kPossible,  // the guidance says it may indicate a primary health need: weigh nature, intensity, complexity, unpredictability
  kNone,      // neither pattern: the team still weighs the whole picture
};
std::string_view IndicationName(Indication i);  // "clear", "possible", "none"

struct IndicationResult {
  Indication indication = Indication::kNone;
  int priority = 0, severe = 0, high = 0, moderate = 0, low = 0;
  std::string why;  // one line: which pattern matched, with the counts
};

// The DST guidance's patterns, in this reading (docs/chc.md):
//   clear:    any domain at priority, or severe in two or more domains;
//   possible: severe in exactly one domain with needs (low or above) in two
//             or more other domains, or high/moderate needs in two or more domains;
//   none:     otherwise.
IndicationResult Indicate(const DstLevels& levels);

}  // namespace csu::chc
