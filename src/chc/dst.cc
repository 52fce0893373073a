#include "chc/dst.h"

namespace csu::chc {
namespace {

struct DomainInfo {
  Domain domain;
  std::string_view code;
  std::string_view title;
  bool has_moderate, has_severe, has_priority;  // none, low and high every domain has
};

// The DST's summary grid (docs/chc.md, "The Decision Support Tool").
constexpr DomainInfo kDomains[kDomainCount] = {
    {Domain::kBreathing, "breathing", "Breathing", true, true, true},
    {Domain::kNutrition, "nutrition", "Nutrition", true, true, false},
    {Domain::kContinence, "continence", "Continence", true, false, false},
    {Domain::kSkinIntegrity, "skin", "Skin integrity", true, true, false},
    {Domain::kMobility, "mobility", "Mobility", true, true, false},
    {Domain::kCommunication, "communication", "Communication", true, false, false},
    {Domain::kPsychological, "psychological", "Psychological and emotional needs", true, false, false},
    {Domain::kCognition, "cognition", "Cognition", true, true, false},
    {Domain::kBehaviour, "behaviour", "Behaviour", true, true, true},
    {Domain::kDrugTherapies, "drugs", "Drug therapies and medication", true, true, true},
    {Domain::kAlteredStates, "consciousness", "Altered states of consciousness", false, false, true},
    {Domain::kOther, "other", "Other significant care needs", true, true, false},
};

const DomainInfo& Info(Domain d) { return kDomains[static_cast<size_t>(d)]; }

}  // namespace

std::string_view DomainCode(Domain d) { return Info(d).code; }
std::string_view DomainTitle(Domain d) { return Info(d).title; }

std::optional<Domain> ParseDomain(std::string_view code) {
  for (const DomainInfo& i : kDomains)
    if (i.code == code) return i.domain;
  return std::nullopt;
}

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kNone: return "none";
    case Level::kLow: return "low";
    case Level::kModerate: return "moderate";
    case Level::kHigh: return "high";
    case Level::kSevere: return "severe";
    case Level::kPriority: return "priority";
  }
  return "?";
}

std::optional<Level> ParseLevel(std::string_view name) {
  for (Level l : {Level::kNone, Level::kLow, Level::kModerate, Level::kHigh, Level::kSevere, Level::kPriority})
    if (LevelName(l) == name) return l;
  return std::nullopt;
}

bool DomainHasLevel(Domain d, Level l) {
  const DomainInfo& i = Info(d);
  switch (l) {
    case Level::kNone:
    case Level::kLow:
    case Level::kHigh: return true;
    case Level::kModerate: return i.has_moderate;
    case Level::kSevere: return i.has_severe;
    case Level::kPriority: return i.has_priority;
  }
  return false;
}

Status CheckLevels(const DstLevels& levels) {
  for (Domain d : kAllDomains) {
    if (!DomainHasLevel(d, levels[d]))
      return MakeError(std::string(DomainCode(d)), "the DST has no " + std::string(LevelName(levels[d])) +
                                                       " level in " + std::string(DomainTitle(d)));
  }
  return Status::Ok();
}

std::string_view IndicationName(Indication i) {
  switch (i) {
    case Indication::kClear: return "clear";
    case Indication::kPossible: return "possible";
    case Indication::kNone: return "none";
  }
  return "?";
}

IndicationResult Indicate(const DstLevels& levels) {
  IndicationResult r;
  for (Domain d : kAllDomains) {
    switch (levels[d]) {
      case Level::kPriority: ++r.priority; break;
      case Level::kSevere: ++r.severe; break;
      case Level::kHigh: ++r.high; break;
      case Level::kModerate: ++r.moderate; break;
      case Level::kLow: ++r.low; break;
      case Level::kNone: break;
    }
  }
  const std::string counts = "priority " + std::to_string(r.priority) + ", severe " + std::to_string(r.severe) +
                             ", high " + std::to_string(r.high) + ", moderate " + std::to_string(r.moderate) +
                             ", low " + std::to_string(r.low);
  const int others_with_needs = r.high + r.moderate + r.low;  // with exactly one severe and no priority
  if (r.priority >= 1) {
    r.indication = Indication::kClear;
    r.why = "a priority need in a domain (" + counts + ")";
  } else if (r.severe >= 2) {
    r.indication = Indication::kClear;
    r.why = "severe needs in two or more domains (" + counts + ")";
  } else if (r.severe == 1 && others_with_needs >= 2) {
    r.indication = Indication::kPossible;
    r.why = "one severe need with needs in other domains (" + counts + ")";
  } else if (r.high + r.moderate >= 2) {
    r.indication = Indication::kPossible;
    r.why = "high or moderate needs in a number of domains (" + counts + ")";
  } else {
    r.indication = Indication::kNone;
    r.why = "neither DST pattern (" + counts + ")";
  }
  return r;
}

}  // namespace csu::chc
