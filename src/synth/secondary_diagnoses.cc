#include "synth/secondary_diagnoses.h"

#include <array>

namespace csu::synth {
namespace {

// Age bands of the prevalence table: 0-15, 16-39, 40-64, 65-79, 80+.
int Band(int32_t age) { return age < 16 ? 0 : age < 40 ? 1 : age < 65 ? 2 : age < 80 ? 3 : 4; }

struct Condition {
  std::string_view code;           // ICD-10 as SUS writes it (four characters, 'X' filler)
  std::array<double, 5> chance;    // per age band, among admitted patients
  bool emergency_only = false;     // an acute complication of an emergency stay
};

// Chances among people admitted to hospital, who carry more long-term
// conditions than the population they come from: rough figures shaped like
// the QOF registers by age (hypertension about 14% of all ages, half of the
// over-80s; type 2 diabetes about 7%; COPD about 2%; atrial fibrillation
// about 2%, a fifth of the over-80s). They make spells look right; nothing
// is priced or grouped from them.
const std::array<Condition, 22>& Conditions() {
  static const std::array<Condition, 22> kConditions = {{
      {"I10X", {0.0, 0.02, 0.18, 0.40, 0.50}},        // essential hypertension
      {"E119", {0.0, 0.01, 0.08, 0.16, 0.15}},        // type 2 diabetes without complications
      {"I48X", {0.0, 0.0, 0.02, 0.10, 0.20}},         // atrial fibrillation and flutter
      {"I259", {0.0, 0.0, 0.04, 0.10, 0.12}},         // chronic ischaemic heart disease
      {"J449", {0.0, 0.0, 0.03, 0.09, 0.10}},         // COPD, unspecified
      {"J459", {0.05, 0.07, 0.06, 0.05, 0.04}},       // asthma, unspecified
      {"N183", {0.0, 0.0, 0.01, 0.06, 0.14}},         // chronic kidney disease, stage 3
      {"E785", {0.0, 0.005, 0.06, 0.10, 0.06}},       // hyperlipidaemia, unspecified
      {"F03X", {0.0, 0.0, 0.0, 0.03, 0.15}},          // unspecified dementia
      {"F329", {0.0, 0.05, 0.06, 0.04, 0.03}},        // depressive episode, unspecified
      {"E039", {0.0, 0.01, 0.03, 0.05, 0.06}},        // hypothyroidism, unspecified
      {"D649", {0.005, 0.01, 0.02, 0.04, 0.08}},      // anaemia, unspecified
      {"K219", {0.0, 0.02, 0.05, 0.06, 0.05}},        // gastro-oesophageal reflux
      {"N179", {0.0, 0.005, 0.02, 0.06, 0.10}, true}, // acute kidney failure, unspecified
      {"E86X", {0.01, 0.01, 0.02, 0.04, 0.08}, true}, // volume depletion
      {"Z867", {0.0, 0.0, 0.02, 0.05, 0.06}},         // personal history of circulatory disease
      {"Z880", {0.02, 0.05, 0.05, 0.05, 0.05}},       // allergy to penicillin
      {"Z720", {0.0, 0.12, 0.12, 0.06, 0.02}},        // tobacco use
      {"Z966", {0.0, 0.0, 0.01, 0.04, 0.06}},         // orthopaedic joint implants
      {"Z951", {0.0, 0.0, 0.005, 0.02, 0.02}},        // coronary artery bypass graft
      {"Z992", {0.0, 0.0, 0.002, 0.003, 0.002}},      // dependence on renal dialysis
      {"Z921", {0.0, 0.0, 0.0, 0.0, 0.0}},            // long-term anticoagulants: drawn with I48X below
  }};
  return kConditions;
}

// External causes of an injury: transport accidents (V01–V99) and the
// commonest others (falls, striking against an object, unspecified).
constexpr std::array<std::string_view, 7> kTransport = {
    "V031",  // pedestrian injured in collision with car, traffic
    "V134",  // pedal cyclist injured in collision with car, traffic
    "V234",  // motorcycle rider injured in collision with car, traffic
    "V435",  // car driver injured in collision with car, traffic
    "V475",  // car driver injured in collision with fixed object, traffic
    "V892",  // person injured in unspecified motor-vehicle accident, traffic
    "V189",  // pedal cyclist injured in non-collision transport accident
};
constexpr std::array<std::string_view, 6> kOtherCauses = {
    "W010",  // fall on same level from slipping or tripping, home
    "W190",  // unspecified fall, home
    "W199",  // unspecified fall, unspecified place
    "W060",  // fall involving bed, home
    "W229",  // striking against other objects, unspecified place
    "X599",  // exposure to unspecified factor, unspecified place
};

// Ids: conditions first, then transport causes, then other causes.
constexpr uint8_t kTransportBase = 22;
constexpr uint8_t kOtherBase = kTransportBase + kTransport.size();
constexpr uint8_t kAnticoagulantId = 21;
constexpr uint8_t kAfId = 2;

}  // namespace

std::string_view SecondaryDiagnosisCode(uint8_t id) {
  if (id < kTransportBase) return Conditions()[id].code;
  if (id < kOtherBase) return kTransport[id - kTransportBase];
  if (id < kOtherBase + kOtherCauses.size()) return kOtherCauses[id - kOtherBase];
  return {};
}

void AssignSecondaryDiagnoses(SpellRow& s, const Patient& p, Rng& rng) {
  s.secondary_count = 0;
  auto add = [&](uint8_t id) {
    if (s.secondary_count < s.secondary.size() && SecondaryDiagnosisCode(id) != s.diagnosis) {
      s.secondary[s.secondary_count++] = id;
    }
  };
  const bool injury = !s.diagnosis.empty() && (s.diagnosis[0] == 'S' || s.diagnosis[0] == 'T');
  if (s.emergency() && injury) {
    // The external cause follows the injury it explains.
    if (rng.Bernoulli(kTransportShareOfInjuries)) {
      add(static_cast<uint8_t>(kTransportBase + rng.Below(static_cast<uint32_t>(kTransport.size()))));
    } else {
      add(static_cast<uint8_t>(kOtherBase + rng.Below(static_cast<uint32_t>(kOtherCauses.size()))));
    }
  }
  // Day cases and regular attenders are coded more sparingly than
  // emergency stays, which record every condition that affected care.
  const double scale = s.emergency() ? 1.3 : (s.classification == '1' ? 1.0 : 0.6);
  const int band = Band(p.age);
  const auto& conditions = Conditions();
  for (uint8_t id = 0; id < conditions.size(); ++id) {
    const Condition& c = conditions[id];
    if (id == kAnticoagulantId || (c.emergency_only && !s.emergency())) continue;
    double chance = c.chance[band] * scale;
    if (c.code == "E039" && p.sex_index == 1) chance *= 2;  // hypothyroidism: mostly women
    if (!rng.Bernoulli(chance)) continue;
    add(id);
    if (id == kAfId && rng.Bernoulli(0.6)) add(kAnticoagulantId);
  }
}

}  // namespace csu::synth
