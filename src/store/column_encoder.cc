#include "store/column_encoder.h"

#include <cassert>
#include <cstring>
#include <limits>

namespace csu::store {

CommonColumns& BatchColumns::common() {
  switch (kind) {
    case ingest::ExtractKind::kApc: return apc;
    case ingest::ExtractKind::kOp: return op;
    case ingest::ExtractKind::kAe: return ae;
  }
  return apc;
}

const CommonColumns& BatchColumns::common() const { return const_cast<BatchColumns*>(this)->common(); }

ColumnEncoder::ColumnEncoder(ingest::ExtractKind kind, CodeDictionaries dictionaries)
    : dicts_(std::move(dictionaries)), patient_slots_(1024, 0), patient_mask_(1023) {
  columns_.kind = kind;
  for (size_t d = 0; d < kDimensionCount; ++d) base_size_[d] = dicts_[static_cast<Dimension>(d)].size();
}

void ColumnEncoder::Fail(std::string why) {
  if (status_.ok()) status_ = MakeError("record " + std::to_string(columns_.rows() + 1), std::move(why));
}

uint32_t ColumnEncoder::Id(Dimension d, std::string_view code) {
  CodeList& list = dicts_[d];
  uint32_t id = list.Find(code);
  if (id != 0 || code.empty()) return id;
  if (list.size() > DimensionCapacity(d)) {
    Fail("the " + std::string(DimensionName(d)) + " dictionary is full (" + std::to_string(DimensionCapacity(d)) +
         " codes); cannot add " + std::string(code));
    return 0;
  }
  return list.Append(code);
}

uint16_t ColumnEncoder::Days16(int32_t days, const char* what) {
  if (days < 0 || days > std::numeric_limits<uint16_t>::max()) {
    Fail(std::string(what) + " " + std::to_string(days) + " is outside 0..65535");
    return 0;
  }
  return static_cast<uint16_t>(days);
}

int32_t ColumnEncoder::Minutes32(int64_t minutes, const char* what) {
  if (minutes < std::numeric_limits<int32_t>::min() || minutes > std::numeric_limits<int32_t>::max()) {
    Fail(std::string(what) + " is outside the years the store can hold");
    return 0;
  }
  return static_cast<int32_t>(minutes);
}

uint32_t ColumnEncoder::PatientNumber(const ingest::Pseudonym& p) {
  if (!p.present) return 0;
  uint64_t h;
  std::memcpy(&h, p.bytes.data(), sizeof h);  // an HMAC output: already uniform
  const uint8_t* keys = columns_.patient_keys.data();
  size_t i = static_cast<size_t>(h) & patient_mask_;
  for (;; i = (i + 1) & patient_mask_) {
    uint32_t n = patient_slots_[i];
    if (n == 0) break;
    if (std::memcmp(keys + size_t{n - 1} * 32, p.bytes.data(), 32) == 0) return n;
  }
  uint32_t n = static_cast<uint32_t>(columns_.patients() + 1);
  columns_.patient_keys.insert(columns_.patient_keys.end(), p.bytes.begin(), p.bytes.end());
  patient_slots_[i] = n;
  if (size_t{n} * 2 > patient_slots_.size()) {
    // Rehash at half full to keep probes short.
    patient_slots_.assign(patient_slots_.size() * 2, 0);
    patient_mask_ = patient_slots_.size() - 1;
    for (uint32_t m = 1; m <= n; ++m) {
      uint64_t hm;
      std::memcpy(&hm, columns_.patient_keys.data() + size_t{m - 1} * 32, sizeof hm);
      size_t j = static_cast<size_t>(hm) & patient_mask_;
      while (patient_slots_[j] != 0) j = (j + 1) & patient_mask_;
      patient_slots_[j] = m;
    }
  }
  return n;
}

void ColumnEncoder::AddCommon(const ingest::PatientFields& p, std::string_view record_id, CommonColumns& t) {
  t.patient.push_back(PatientNumber(p.patient));
  t.age_years.push_back(p.age_years);
  t.sex.push_back(CodeChar(p.sex));
  t.practice.push_back(Id16(Dimension::kPractice, p.practice.view()));
  t.commissioner.push_back(Id16(Dimension::kCommissioner, p.commissioner.view()));
  t.provider.push_back(Id16(Dimension::kProvider, p.provider.view()));
  columns_.record_id_bytes.insert(columns_.record_id_bytes.end(), record_id.begin(), record_id.end());
  if (columns_.record_id_bytes.size() > std::numeric_limits<uint32_t>::max()) {
    Fail("record ids exceed 4 GiB in one batch");
  }
  columns_.record_id_offsets.push_back(static_cast<uint32_t>(columns_.record_id_bytes.size()));
}

void ColumnEncoder::Add(const ingest::ApcRecord& r) {
  assert(kind() == ingest::ExtractKind::kApc);
  ApcTable& t = columns_.apc;
  uint32_t row = static_cast<uint32_t>(t.size());
  for (const HrgCode& h : r.unbundled_hrgs) {
    t.unbundled_row.push_back(row);
    t.unbundled_hrg.push_back(Id16(Dimension::kHrg, h.view()));
  }
  t.admission_date.push_back(r.admission_date.days());
  t.discharge_date.push_back(r.discharge_date.days());
  t.admission_method.push_back(Id8(Dimension::kAdmissionMethod, r.admission_method));
  t.patient_classification.push_back(CodeChar(r.patient_classification));
  t.treatment_function.push_back(Id16(Dimension::kTreatmentFunction, r.treatment_function.view()));
  t.hrg.push_back(Id16(Dimension::kHrg, r.hrg.view()));
  t.diagnosis.push_back(Id16(Dimension::kDiagnosis, r.primary_diagnosis));
  t.procedure.push_back(Id16(Dimension::kProcedure, r.primary_procedure));
  t.discharge_method.push_back(CodeChar(r.discharge_method));
  t.critical_care_days.push_back(Days16(r.critical_care_days, "critical_care_days"));
  t.rehabilitation_days.push_back(Days16(r.rehabilitation_days, "rehabilitation_days"));
  t.palliative_care_days.push_back(Days16(r.palliative_care_days, "palliative_care_days"));
  t.specialised_service.push_back(Id16(Dimension::kSpecialisedService, r.specialised_service));
  // Last, so that Fail() above names this record (rows() is still the old count).
  AddCommon(r.common, r.spell_id, t);
}

void ColumnEncoder::Add(const ingest::OpRecord& r) {
  assert(kind() == ingest::ExtractKind::kOp);
  OpTable& t = columns_.op;
  t.appointment_date.push_back(r.appointment_date.days());
  t.first_attendance.push_back(CodeChar(r.first_attendance));
  t.attended.push_back(CodeChar(r.attended));
  t.treatment_function.push_back(Id16(Dimension::kTreatmentFunction, r.treatment_function.view()));
  t.multi_professional.push_back(r.multi_professional ? 1 : 0);
  t.hrg.push_back(r.hrg ? Id16(Dimension::kHrg, r.hrg->view()) : 0);
  AddCommon(r.common, r.attendance_id, t);
}

void ColumnEncoder::Add(const ingest::AeRecord& r) {
  assert(kind() == ingest::ExtractKind::kAe);
  AeTable& t = columns_.ae;
  t.arrival.push_back(Minutes32(r.arrival.minutes(), "arrival"));
  t.departure.push_back(Minutes32(r.departure.minutes(), "departure"));
  t.department_type.push_back(Id8(Dimension::kDepartmentType, r.department_type));
  t.arrival_mode.push_back(CodeChar(r.arrival_mode));
  t.disposal.push_back(Id8(Dimension::kDisposal, r.disposal));
  t.hrg.push_back(Id16(Dimension::kHrg, r.hrg.view()));
  AddCommon(r.common, r.attendance_id, t);
}

}  // namespace csu::store
