#include "ingest/extract_schema.h"

#include "core/text.h"

namespace csu::ingest {
namespace {

// Widths: generous enough for every valid value, tight enough that a shifted
// column or a pasted paragraph is caught rather than stored.
const std::vector<ColumnSpec> kCommon = {
    {Column::kNhsNumber, "nhs_number", false, 12},     {Column::kDateOfBirth, "date_of_birth", true, 10},
    {Column::kSex, "sex", true, 1},                    {Column::kGpPractice, "gp_practice", true, 8},
    {Column::kCommissioner, "commissioner", true, 8},  {Column::kProvider, "provider", true, 8},
};

std::vector<ColumnSpec> With(std::vector<ColumnSpec> own) {
  std::vector<ColumnSpec> all = kCommon;
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

const std::vector<ColumnSpec> kApc = With({
    {Column::kSpellId, "spell_id", true, 40},
    {Column::kAdmissionDate, "admission_date", true, 10},
    {Column::kDischargeDate, "discharge_date", true, 10},
    {Column::kAdmissionMethod, "admission_method", true, 2},
    {Column::kPatientClassification, "patient_classification", true, 1},
    {Column::kTreatmentFunction, "treatment_function", true, 3},
    {Column::kHrg, "hrg", true, 5},
    {Column::kPrimaryDiagnosis, "primary_diagnosis", false, 6},
    {Column::kPrimaryProcedure, "primary_procedure", false, 5},
    {Column::kDischargeMethod, "discharge_method", false, 1},
    {Column::kCriticalCareDays, "critical_care_days", false, 5},
    {Column::kRehabilitationDays, "rehabilitation_days", false, 5},
    {Column::kPalliativeCareDays, "palliative_care_days", false, 5},
    {Column::kSpecialisedService, "specialised_service", false, 12},
    {Column::kUnbundledHrgs, "unbundled_hrgs", false, 120},
    // 20 codes of up to 6 characters and their 19 separators.
    {Column::kSecondaryDiagnoses, "secondary_diagnoses", false, 139},
});

const std::vector<ColumnSpec> kOp = With({
    {Column::kAttendanceId, "attendance_id", true, 40},
    {Column::kAppointmentDate, "appointment_date", true, 10},
    {Column::kFirstAttendance, "first_attendance", true, 1},
    {Column::kAttended, "attended", true, 1},
    {Column::kTreatmentFunction, "treatment_function", true, 3},
    {Column::kMultiProfessional, "multi_professional", false, 1},
    {Column::kHrg, "hrg", false, 5},
});

const std::vector<ColumnSpec> kAe = With({
    {Column::kAttendanceId, "attendance_id", true, 40},
    {Column::kArrival, "arrival", true, 16},
    {Column::kDeparture, "departure", true, 16},
    {Column::kDepartmentType, "department_type", true, 2},
    {Column::kArrivalMode, "arrival_mode", false, 1},
    {Column::kDisposal, "disposal", true, 2},
    {Column::kHrg, "hrg", true, 5},
});

}  // namespace

std::string_view KindName(ExtractKind kind) {
  switch (kind) {
    case ExtractKind::kApc: return "apc";
    case ExtractKind::kOp: return "op";
    case ExtractKind::kAe: return "ae";
  }
  return "?";
}

Result<ExtractKind> ParseKind(std::string_view text) {
  std::string upper = ToUpper(text);
  if (upper == "APC") return ExtractKind::kApc;
  if (upper == "OP") return ExtractKind::kOp;
  if (upper == "AE") return ExtractKind::kAe;
  return MakeError("", "unknown extract kind '" + std::string(text) + "': expected apc, op or ae");
}

const std::vector<ColumnSpec>& Columns(ExtractKind kind) {
  switch (kind) {
    case ExtractKind::kApc: return kApc;
    case ExtractKind::kOp: return kOp;
    case ExtractKind::kAe: return kAe;
  }
  return kApc;
}

std::string_view ColumnName(Column column) {
  for (ExtractKind kind : {ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe}) {
    for (const ColumnSpec& spec : Columns(kind)) {
      if (spec.column == column) return spec.name;
    }
  }
  return "?";
}

Result<HeaderMap> HeaderMap::Build(ExtractKind kind, const std::vector<std::string_view>& header) {
  HeaderMap map;
  map.kind_ = kind;
  map.field_count_ = header.size();
  map.index_.fill(-1);
  const auto& specs = Columns(kind);
  for (const ColumnSpec& spec : specs) map.max_width_[static_cast<size_t>(spec.column)] = spec.max_width;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string_view name = Trim(header[i]);
    const ColumnSpec* found = nullptr;
    for (const ColumnSpec& spec : specs) {
      if (spec.name == name) found = &spec;
    }
    if (found == nullptr) {
      map.unknown_.emplace_back(name);
      continue;
    }
    auto& slot = map.index_[static_cast<size_t>(found->column)];
    if (slot >= 0) return MakeError("line 1", "column '" + std::string(name) + "' appears twice in the header");
    slot = static_cast<int16_t>(i);
  }
  std::string missing;
  for (const ColumnSpec& spec : specs) {
    if (spec.required && map.index_[static_cast<size_t>(spec.column)] < 0) {
      missing += (missing.empty() ? "" : ", ") + std::string(spec.name);
    }
  }
  if (!missing.empty()) {
    return MakeError("line 1", "missing required column" + std::string(missing.find(',') == std::string::npos ? "" : "s") +
                                   " for an " + std::string(KindName(kind)) + " extract: " + missing);
  }
  return map;
}


}  // namespace csu::ingest
