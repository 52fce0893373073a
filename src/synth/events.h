// The synthetic activity of one GP practice before it is written: one struct
// per output row of apc.csv, op.csv and ae.csv. Codes are held as small
// values (char codes, HrgCode) and clinical codes as views of static tables,
// so a practice's year (a few thousand rows) costs little memory and no
// per-row allocation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "synth/population.h"

namespace csu::synth {

// How the patient identifiers of a row are written (realistic gaps).
enum IdFlags : uint8_t {
  kIdNormal = 0,
  kIdNoNhsNumber = 1,   // nhs_number left empty (untraced)
  kIdSpaced = 2,        // written "943 476 5919"
  kIdUnregistered = 4,  // gp_practice written as V81999
};

struct SpellRow {
  uint32_t patient = 0;  // index into PracticeEvents::patients
  uint16_t provider = 0;
  Date admission, discharge;
  char method[3] = "11";   // admission method
  char classification = '1';
  char discharge_method = '1';
  uint8_t id_flags = kIdNormal;
  bool dropped = false;
  bool over_trim = false;  // length of stay beyond the HRG's trim point
  TreatmentFunctionCode tfc;
  HrgCode hrg;
  HrgCode unbundled;       // empty when none
  std::string_view diagnosis, procedure;  // static storage; may be empty
  std::string_view pss_flag;               // may be empty
  // Secondary diagnoses in position order: ids for SecondaryDiagnosisCode
  // (secondary_diagnoses.h), so a row holds no strings of its own.
  std::array<uint8_t, 8> secondary{};
  uint8_t secondary_count = 0;
  int16_t critical_care_days = 0, rehabilitation_days = 0, palliative_care_days = 0;
  int32_t ae_link = -1;    // the A&E attendance that led to it, or -1

  bool emergency() const { return method[0] == '2'; }
  bool elective() const { return method[0] == '1'; }
  int32_t los_days() const { return discharge - admission; }
};

struct OpRow {
  uint32_t patient = 0;
  uint16_t provider = 0;
  Date date;
  char first_attendance = '1';
  char attended = '5';
  bool multi_professional = false;
  uint8_t id_flags = kIdNormal;
  bool dropped = false;
  TreatmentFunctionCode tfc;
  HrgCode hrg;  // empty when no procedure

  bool is_first() const { return first_attendance == '1' || first_attendance == '3'; }
  bool was_seen() const { return attended == '5' || attended == '6'; }
};

struct AeRow {
  uint32_t patient = 0;
  uint16_t provider = 0;
  DateTime arrival, departure;
  char department_type[3] = "01";
  char arrival_mode = '2';
  char disposal[3] = "03";
  uint8_t id_flags = kIdNormal;
  bool dropped = false;
  HrgCode hrg;
  int32_t spell_link = -1;  // the spell it led to, or -1

  bool admitted() const { return disposal[0] == '0' && disposal[1] == '1'; }
  int64_t minutes() const { return departure - arrival; }
};

// Counters only the simulation can know (which discharges could be followed
// by a readmission inside the year).
struct ReadmissionCounts {
  int64_t eligible_discharges = 0;  // emergency, alive, discharged >= 30 days before year end
  int64_t readmitted_30d = 0;       // ... followed by an emergency admission within 30 days
};

struct PracticeEvents {
  std::vector<Patient> patients;
  std::vector<SpellRow> spells;
  std::vector<OpRow> ops;
  std::vector<AeRow> aes;
  ReadmissionCounts readmissions;

  void Clear() {
    patients.clear();
    spells.clear();
    ops.clear();
    aes.clear();
    readmissions = {};
  }
};

}  // namespace csu::synth
