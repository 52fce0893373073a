// Typed, validated activity records: one per row of an accepted extract.
//
// A record as produced by RowValidator still carries the patient's raw
// identifiers in `Identity`; ingest replaces them with a keyed pseudonym and
// an age (Pseudonymiser) before anything is stored, and Identity never leaves
// the ingest module. Everything else here is what the platform keeps.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes.h"
#include "core/date.h"

namespace csu::ingest {

// Raw patient identifiers as read from the row. Transient: never stored,
// logged or copied into an error message.
struct Identity {
  std::optional<uint64_t> nhs_number;  // absent = unknown patient
  Date date_of_birth;
};

// HMAC-SHA-256 of the NHS number under the installation's key; all zero
// with present = false when the row had no NHS number.
struct Pseudonym {
  std::array<uint8_t, 32> bytes{};
  bool present = false;
};

// Fields every extract shares, after validation.
struct PatientFields {
  Pseudonym patient;
  uint8_t age_years = 0;  // at the activity date
  char sex = '0';         // '1' male, '2' female, '9' not specified, '0' not known
  OdsCode practice;
  OdsCode commissioner;
  OdsCode provider;       // always the 3-character trust code
};

// The most secondary diagnosis positions an APC row may carry
// (docs/formats/activity-extract-v1.md).
inline constexpr size_t kMaxSecondaryDiagnoses = 20;

// True when `code` has the shape of an ICD-10 code as SUS writes it: a
// capital letter, two digits, then optionally a digit or 'X' and up to two
// more capital letters or digits ("I10X", "E119", "S7200"). Shape only:
// there is no open ICD-10 code list to check membership against.
bool IsIcd10Shape(std::string_view code);

struct ApcRecord {
  PatientFields common;
  std::string spell_id;
  Date admission_date;
  Date discharge_date;
  std::string admission_method;  // "11", "21", "2A", ...
  char patient_classification = '1';
  TreatmentFunctionCode treatment_function;
  HrgCode hrg;
  std::string primary_diagnosis;  // may be empty
  std::string primary_procedure;  // may be empty
  char discharge_method = ' ';    // ' ' when absent
  int32_t critical_care_days = 0;
  int32_t rehabilitation_days = 0;
  int32_t palliative_care_days = 0;
  std::string specialised_service;  // may be empty
  std::vector<HrgCode> unbundled_hrgs;
  // ICD-10 codes of the secondary diagnosis positions, in position order,
  // at most kMaxSecondaryDiagnoses; empty when none were recorded (and for
  // every spell of an extract without the column).
  std::vector<std::string> secondary_diagnoses;

  int32_t los_days() const { return discharge_date - admission_date; }
  Date activity_date() const { return admission_date; }
};

struct OpRecord {
  PatientFields common;
  std::string attendance_id;
  Date appointment_date;
  char first_attendance = '1';  // '1'..'4'
  char attended = '5';          // '2'..'7'
  TreatmentFunctionCode treatment_function;
  bool multi_professional = false;
  std::optional<HrgCode> hrg;  // outpatient procedure HRG

  Date activity_date() const { return appointment_date; }
};

struct AeRecord {
  PatientFields common;
  std::string attendance_id;
  DateTime arrival;
  DateTime departure;
  std::string department_type;  // "01".."04"
  char arrival_mode = ' ';      // '1', '2' or ' ' when absent
  std::string disposal;         // "01".."14"
  HrgCode hrg;

  int64_t minutes_in_department() const { return departure - arrival; }
  Date activity_date() const { return arrival.date(); }
};

// Age band for reporting: "0-4", "5-9", ..., "85-89", "90+".
std::string AgeBand(int32_t age_years);

}  // namespace csu::ingest
