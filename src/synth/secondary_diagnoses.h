// Secondary diagnoses for generated spells: the long-term conditions an
// admitted patient carries (hypertension, type 2 diabetes, COPD, atrial
// fibrillation, chronic kidney disease, ...), the acute complications of
// emergency stays (acute kidney injury, dehydration) and status Z codes, and
// for an emergency injury its external cause in the first secondary position
// (a fall, or for a small share a transport accident, ICD-10 V01–V99).
// External causes are never the primary diagnosis, as in real coding.
//
// Drawn from their own random stream after a practice's activity is
// simulated, so adding them changed no other generated value.
#pragma once

#include <cstdint>
#include <string_view>

#include "synth/events.h"
#include "synth/population.h"
#include "synth/random.h"

namespace csu::synth {

// The code a SpellRow::secondary entry stands for ("I10X", "V435", ...).
std::string_view SecondaryDiagnosisCode(uint8_t id);

// Fills s.secondary / s.secondary_count for patient `p` (age at the start
// of the year, sex). Uses only `rng`; deterministic for a given stream.
void AssignSecondaryDiagnoses(SpellRow& s, const Patient& p, Rng& rng);

// The chance that an emergency injury spell (primary diagnosis in ICD-10
// chapter XIX, S or T) records a transport accident as its external cause.
// Around one injury admission in fourteen follows a road or other transport
// accident; falls are most of the rest.
inline constexpr double kTransportShareOfInjuries = 0.07;

}  // namespace csu::synth
