#include "store/column_encoder.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>

#include "store/memory.h"

namespace csu::store {
namespace {

// ~45 bytes a row over all columns: about 180 MB.
constexpr size_t kPrefaultRecords = size_t{4} << 20;

}  // namespace

CommonColumns& BatchColumns::common() {
  switch (kind) {
    case ingest::ExtractKind::kApc: return apc;
    case ingest::ExtractKind::kOp: return op;
    case ingest::ExtractKind::kAe: return ae;
  }
  return apc;
}

const CommonColumns& BatchColumns::common() const { return const_cast<BatchColumns*>(this)->common(); }

ColumnEncoder::ColumnEncoder(ingest::ExtractKind kind, CodeDictionaries dictionaries, size_t expected_records)
    // Patients sized as if every record were a new one: growing the table
    // midway rehashed it and zeroed a second, larger one.
    : dicts_(std::move(dictionaries)), patients_(expected_records) {
  columns_.kind = kind;
  for (size_t d = 0; d < kDimensionCount; ++d) base_size_[d] = dicts_[static_cast<Dimension>(d)].size();
  if (expected_records > 0) {
    // Faulting pages in commits memory, so only the first kPrefaultRecords
    // rows' worth: an overstated size hint cannot make a batch commit memory
    // it never fills.
    const size_t prefault = std::min(expected_records, kPrefaultRecords);
    auto reserve = [&](const char*, auto& column) {
      ReserveHuge(column, expected_records);
      PrefaultPages(column.data(), prefault * sizeof(column[0]));
    };
    switch (kind) {
      case ingest::ExtractKind::kApc: ForEachRowColumn(columns_.apc, reserve); break;
      case ingest::ExtractKind::kOp: ForEachRowColumn(columns_.op, reserve); break;
      case ingest::ExtractKind::kAe: ForEachRowColumn(columns_.ae, reserve); break;
    }
    ReserveHuge(columns_.record_id_offsets, expected_records + 1);
    // Address space, not memory: pages are touched only as they fill. Ids
    // are guessed at 16 bytes; every row could be a new patient.
    ReserveHuge(columns_.record_id_bytes, expected_records * 16);
    ReserveHuge(columns_.patient_keys, expected_records * 32);
  }
}

void ColumnEncoder::Fail(std::string why) {
  if (status_.ok()) status_ = MakeError("record " + std::to_string(columns_.rows() + 1), std::move(why));
}

uint32_t ColumnEncoder::AddCode(Dimension d, std::string_view code) {
  CodeList& list = dicts_[d];
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
  auto key_at = [this](uint32_t n) { return columns_.patient_keys.data() + size_t{n - 1} * 32; };
  size_t slot = 0;
  if (uint32_t n = patients_.Find(p.bytes.data(), key_at, slot)) return n;
  Append(columns_.patient_keys, p.bytes.begin(), p.bytes.end());
  uint32_t n = static_cast<uint32_t>(columns_.patients());
  patients_.Insert(slot, p.bytes.data(), n, key_at);
  return n;
}

void ColumnEncoder::AddCommon(const ingest::PatientFields& p, std::string_view record_id, CommonColumns& t) {
  Push(t.patient, PatientNumber(p.patient));
  Push(t.age_years, p.age_years);
  Push(t.sex, CodeChar(p.sex));
  Push(t.practice, Id16(Dimension::kPractice, p.practice));
  Push(t.commissioner, Id16(Dimension::kCommissioner, p.commissioner));
  Push(t.provider, Id16(Dimension::kProvider, p.provider));
  Append(columns_.record_id_bytes, record_id.begin(), record_id.end());
  if (columns_.record_id_bytes.size() > std::numeric_limits<uint32_t>::max()) {
    Fail("record ids exceed 4 GiB in one batch");
  }
  Push(columns_.record_id_offsets, static_cast<uint32_t>(columns_.record_id_bytes.size()));
}

void ColumnEncoder::Add(const ingest::ApcRecord& r) {
  assert(kind() == ingest::ExtractKind::kApc);
  ApcTable& t = columns_.apc;
  uint32_t row = static_cast<uint32_t>(t.size());
  for (const HrgCode& h : r.unbundled_hrgs) {
    Push(t.unbundled_row, row);
    Push(t.unbundled_hrg, Id16(Dimension::kHrg, h));
  }
  for (const std::string& d : r.secondary_diagnoses) {
    Push(t.secondary_diagnosis_row, row);
    Push(t.secondary_diagnosis, Id16(Dimension::kDiagnosis, std::string_view(d)));
  }
  Push(t.admission_date, r.admission_date.days());
  Push(t.discharge_date, r.discharge_date.days());
  Push(t.admission_method, Id8(Dimension::kAdmissionMethod, std::string_view(r.admission_method)));
  Push(t.patient_classification, CodeChar(r.patient_classification));
  Push(t.treatment_function, Id16(Dimension::kTreatmentFunction, r.treatment_function));
  Push(t.hrg, Id16(Dimension::kHrg, r.hrg));
  Push(t.diagnosis, Id16(Dimension::kDiagnosis, std::string_view(r.primary_diagnosis)));
  Push(t.procedure, Id16(Dimension::kProcedure, std::string_view(r.primary_procedure)));
  Push(t.discharge_method, CodeChar(r.discharge_method));
  Push(t.critical_care_days, Days16(r.critical_care_days, "critical_care_days"));
  Push(t.rehabilitation_days, Days16(r.rehabilitation_days, "rehabilitation_days"));
  Push(t.palliative_care_days, Days16(r.palliative_care_days, "palliative_care_days"));
  Push(t.specialised_service, Id16(Dimension::kSpecialisedService, std::string_view(r.specialised_service)));
  // Last, so that Fail() above names this record (rows() is still the old count).
  AddCommon(r.common, r.spell_id, t);
}

void ColumnEncoder::Add(const ingest::OpRecord& r) {
  assert(kind() == ingest::ExtractKind::kOp);
  OpTable& t = columns_.op;
  Push(t.appointment_date, r.appointment_date.days());
  Push(t.first_attendance, CodeChar(r.first_attendance));
  Push(t.attended, CodeChar(r.attended));
  Push(t.treatment_function, Id16(Dimension::kTreatmentFunction, r.treatment_function));
  Push(t.multi_professional, r.multi_professional ? 1 : 0);
  Push(t.hrg, r.hrg ? Id16(Dimension::kHrg, *r.hrg) : 0);
  AddCommon(r.common, r.attendance_id, t);
}

void ColumnEncoder::Add(const ingest::AeRecord& r) {
  assert(kind() == ingest::ExtractKind::kAe);
  AeTable& t = columns_.ae;
  Push(t.arrival, Minutes32(r.arrival.minutes(), "arrival"));
  Push(t.departure, Minutes32(r.departure.minutes(), "departure"));
  Push(t.department_type, Id8(Dimension::kDepartmentType, std::string_view(r.department_type)));
  Push(t.arrival_mode, CodeChar(r.arrival_mode));
  Push(t.disposal, Id8(Dimension::kDisposal, std::string_view(r.disposal)));
  Push(t.hrg, Id16(Dimension::kHrg, r.hrg));
  AddCommon(r.common, r.attendance_id, t);
}

}  // namespace csu::store
