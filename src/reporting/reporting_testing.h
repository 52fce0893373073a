// Builders for the reporting tests' hand-stated activity: a spell, an
// appointment and an attendance with the fields those tests vary (CCG,
// provider, patient, dates, price), over analytics_testing.h's specs.
#pragma once

#include <cstdint>

#include "analytics/analytics_testing.h"

namespace csu::reporting::testing {

inline analytics::testing::SpellSpec Spell(const char* ccg, const char* provider, uint32_t patient,
                                           const char* admitted, const char* discharged, int64_t pence,
                                           const char* hrg = "EB03E") {
  analytics::testing::SpellSpec s;
  s.commissioner = ccg;
  s.provider = provider;
  s.patient = patient;
  s.admitted = admitted;
  s.discharged = discharged;
  s.pence = pence;
  s.hrg = hrg;
  return s;
}

inline analytics::testing::OpSpec Op(const char* ccg, const char* provider, uint32_t patient, const char* date,
                                     int64_t pence) {
  analytics::testing::OpSpec o;
  o.commissioner = ccg;
  o.provider = provider;
  o.patient = patient;
  o.date = date;
  o.pence = pence;
  return o;
}

inline analytics::testing::AeSpec Ae(const char* ccg, const char* provider, uint32_t patient, const char* arrival,
                                     int64_t pence) {
  analytics::testing::AeSpec e;
  e.commissioner = ccg;
  e.provider = provider;
  e.patient = patient;
  e.arrival = arrival;
  e.pence = pence;
  return e;
}

}  // namespace csu::reporting::testing
