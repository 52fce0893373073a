// The year of one registered patient: A&E attendances (some admitted, each
// admission an emergency spell at the same trust from the day of departure),
// direct emergency admissions, 30-day readmissions, elective day cases and
// ordinary admissions, antenatal admissions, courses of same-day
// chemotherapy, and outpatient first appointments with their follow-ups
// (missed and cancelled appointments are re-booked). Events are simulated
// over a window that starts before 1 April; afterwards the patient's
// timeline is made consistent (nothing after death, no attendance or second
// admission during a stay, nothing before birth) and only rows belonging to
// the financial year are kept: spells discharged in the year, appointments
// and attendances in the year.
//
// A simulator belongs to one practice and one thread; the shared context is
// immutable.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/date.h"
#include "synth/calendar.h"
#include "synth/events.h"
#include "synth/hrg_mix.h"
#include "synth/provider_choice.h"
#include "synth/random.h"
#include "synth/rates.h"

namespace csu::refdata {
class RefData;
}

namespace csu::synth {

// Outpatient treatment function choice by age and sex (kOpSpecialties
// restricted to codes refdata knows).
class OpMix {
 public:
  explicit OpMix(const refdata::RefData& refdata);
  struct Choice {
    TreatmentFunctionCode tfc;
    double follow_up_factor;
  };
  const Choice& Pick(int32_t age, int sex_index, Rng& rng) const;

 private:
  static constexpr int kMaxAge = 105;
  std::vector<Choice> choices_;
  std::array<std::array<AliasTable, 2>, kMaxAge + 1> tables_;
  std::array<std::array<std::vector<uint32_t>, 2>, kMaxAge + 1> ids_;
};

// Everything shared by all practices of a run. Immutable; thread-safe.
struct SimContext {
  FinancialYear year;
  RateModel rates;
  const Calendar* calendar = nullptr;
  const HrgMix* hrgs = nullptr;
  const ProviderCatalog* catalog = nullptr;
  const OpMix* op_mix = nullptr;
};

class PatientSimulator {
 public:
  PatientSimulator(const SimContext& ctx, const PracticeProviders& providers, double need);

  // Appends the patient's rows to `out` (the patient must already be
  // out.patients[index]) and adds to out.readmissions.
  void Simulate(uint32_t index, Rng& rng, PracticeEvents& out);

 private:
  void AddAe(Date date, bool force_admit, int32_t preferred_provider, Rng& rng);
  int32_t AddEmergencySpell(Date admission, const char* method, int32_t provider, Rng& rng);
  void AddElective(Date date, Rng& rng);
  void AddMaternity(Date date, Rng& rng);
  void AddChemoCourse(Date start, Rng& rng);
  void AddOutpatientPathway(Date first_date, Rng& rng);
  void AddFollowUps(Date after, TreatmentFunctionCode tfc, uint16_t provider, int32_t count, Rng& rng);
  // Books an appointment, re-booking missed or cancelled ones; returns true
  // and sets `seen_on` when the patient was finally seen.
  bool Book(Date date, bool first, TreatmentFunctionCode tfc, uint16_t provider, Rng& rng, Date& seen_on);
  uint16_t ChooseProvider(char hrg_chapter, double route_scale, Rng& rng) const;
  void FillClinical(SpellRow& s, const HrgEntry& e, bool emergency, Rng& rng) const;
  void MakeConsistent();
  void CountReadmissions(ReadmissionCounts& counts) const;
  int32_t FinancialMonth(Date d) const;

  const SimContext& ctx_;
  const PracticeProviders& providers_;
  const double need_;
  // The patient being simulated and scratch rows, reused between patients.
  const Patient* patient_ = nullptr;
  int band_ = 0;
  int group_ = 0;  // 0 child, 1 man, 2 woman
  std::vector<SpellRow> spells_;
  std::vector<OpRow> ops_;
  std::vector<AeRow> aes_;
};

}  // namespace csu::synth
