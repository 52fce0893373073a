#include "pricing/table_records.h"

#include <algorithm>
#include <cstdlib>

#include "store/activity_tables.h"

namespace csu::pricing {
namespace {

// Dictionary codes were validated at ingest, so parsing them cannot fail
// unless the store is corrupt, which the load checks would have caught.
template <typename Code>
Code Must(std::string_view text) {
  auto parsed = Code::Parse(text);
  if (!parsed.ok()) std::abort();
  return parsed.value();
}

// Id 0 (no code) gives an empty code.
OdsCode Ods(std::string_view text) { return text.empty() ? OdsCode() : Must<OdsCode>(text); }

char CharOr(uint8_t c, char absent) { return c == 0 ? absent : static_cast<char>(c); }

ingest::PatientFields Common(const store::ActivityTables& t, const store::CommonColumns& c, size_t row) {
  ingest::PatientFields p;
  if (c.patient[row] != 0) {
    p.patient.present = true;
    p.patient.bytes = t.patients.pseudonyms[c.patient[row]];
  }
  p.age_years = c.age_years[row];
  p.sex = CharOr(c.sex[row], '0');
  p.practice = Ods(t.codes.practice().code(c.practice[row]));
  p.commissioner = Ods(t.codes.commissioner().code(c.commissioner[row]));
  p.provider = Ods(t.codes.provider().code(c.provider[row]));
  return p;
}

}  // namespace

ingest::ApcRecord ApcRecordAt(const store::ActivityTables& t, size_t row, std::string spell_id) {
  const store::ApcTable& a = t.apc;
  ingest::ApcRecord r;
  r.common = Common(t, a, row);
  r.spell_id = std::move(spell_id);
  r.admission_date = Date::FromDays(a.admission_date[row]);
  r.discharge_date = Date::FromDays(a.discharge_date[row]);
  r.admission_method = std::string(t.codes.admission_method().code(a.admission_method[row]));
  r.patient_classification = CharOr(a.patient_classification[row], ' ');
  r.treatment_function = Must<TreatmentFunctionCode>(t.codes.treatment_function().code(a.treatment_function[row]));
  r.hrg = Must<HrgCode>(t.codes.hrg().code(a.hrg[row]));
  r.primary_diagnosis = std::string(t.codes.diagnosis().code(a.diagnosis[row]));
  r.primary_procedure = std::string(t.codes.procedure().code(a.procedure[row]));
  r.discharge_method = CharOr(a.discharge_method[row], ' ');
  const store::StayDays days = a.StayDaysAt(row);
  r.critical_care_days = days.critical_care;
  r.rehabilitation_days = days.rehabilitation;
  r.palliative_care_days = days.palliative_care;
  r.specialised_service = std::string(t.codes.specialised_service().code(a.specialised_service[row]));
  // The sparse unbundled pairs ascend by row.
  auto first = std::lower_bound(a.unbundled_row.begin(), a.unbundled_row.end(), static_cast<uint32_t>(row));
  for (auto it = first; it != a.unbundled_row.end() && *it == row; ++it) {
    r.unbundled_hrgs.push_back(Must<HrgCode>(t.codes.hrg().code(a.unbundled_hrg[static_cast<size_t>(it - a.unbundled_row.begin())])));
  }
  // So do the secondary diagnoses, in position order within a row.
  const auto& sr = a.secondary_diagnosis_row;
  for (auto it = std::lower_bound(sr.begin(), sr.end(), static_cast<uint32_t>(row)); it != sr.end() && *it == row; ++it) {
    r.secondary_diagnoses.emplace_back(t.codes.diagnosis().code(a.secondary_diagnosis[static_cast<size_t>(it - sr.begin())]));
  }
  return r;
}

ingest::OpRecord OpRecordAt(const store::ActivityTables& t, size_t row, std::string attendance_id) {
  const store::OpTable& o = t.op;
  ingest::OpRecord r;
  r.common = Common(t, o, row);
  r.attendance_id = std::move(attendance_id);
  r.appointment_date = Date::FromDays(o.appointment_date[row]);
  r.first_attendance = CharOr(o.first_attendance[row], ' ');
  r.attended = CharOr(o.attended[row], ' ');
  r.treatment_function = Must<TreatmentFunctionCode>(t.codes.treatment_function().code(o.treatment_function[row]));
  r.multi_professional = o.multi_professional[row] != 0;
  if (o.hrg[row] != 0) r.hrg = Must<HrgCode>(t.codes.hrg().code(o.hrg[row]));
  return r;
}

ingest::AeRecord AeRecordAt(const store::ActivityTables& t, size_t row, std::string attendance_id) {
  const store::AeTable& a = t.ae;
  ingest::AeRecord r;
  r.common = Common(t, a, row);
  r.attendance_id = std::move(attendance_id);
  r.arrival = DateTime::FromMinutes(a.arrival[row]);
  r.departure = DateTime::FromMinutes(a.departure[row]);
  r.department_type = std::string(t.codes.department_type().code(a.department_type[row]));
  r.arrival_mode = CharOr(a.arrival_mode[row], ' ');
  r.disposal = std::string(t.codes.disposal().code(a.disposal[row]));
  r.hrg = Must<HrgCode>(t.codes.hrg().code(a.hrg[row]));
  return r;
}

}  // namespace csu::pricing
