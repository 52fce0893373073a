// Test and benchmark helpers for the store (header-only, not part of the
// library): deterministic synthetic records of every kind, and a scratch
// directory that removes itself. Records are a pure function of (index,
// seed), so a test can rebuild the expected value of any row.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ingest/activity_record.h"

namespace csu::store::testing {

inline constexpr char kFingerprint[] = "0123456789abcdef0123456789abcdef";

inline uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A scratch directory under $TEST_TMPDIR or /tmp, removed with its contents.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    const char* base = std::getenv("TEST_TMPDIR");
    path_ = std::string(base != nullptr ? base : "/tmp") + "/csu-store-" + name + "-" + std::to_string(::getpid()) +
            "-" + std::to_string(SplitMix(reinterpret_cast<uintptr_t>(this)) % 1000000);
    std::filesystem::remove_all(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string state() const { return path_ + "/state"; }

 private:
  std::string path_;
};

template <typename Code>
Code MustParse(const std::string& s) {
  auto r = Code::Parse(s);
  if (!r.ok()) std::abort();
  return r.value();
}

// Shared fields: ~40 providers, ~3,000 practices, ~60 commissioners,
// patients drawn from `patients` pseudonyms (1 in 50 without NHS number).
inline ingest::PatientFields MakePatient(uint64_t h, uint64_t patients) {
  ingest::PatientFields p;
  if (h % 50 != 7) {
    uint64_t who = SplitMix(h ^ 0x1234) % patients;
    for (int k = 0; k < 4; ++k) {
      uint64_t w = SplitMix(who * 4 + static_cast<uint64_t>(k));
      for (int b = 0; b < 8; ++b) p.patient.bytes[static_cast<size_t>(k * 8 + b)] = static_cast<uint8_t>(w >> (8 * b));
    }
    p.patient.present = true;
  }
  p.age_years = static_cast<uint8_t>(h % 101);
  p.sex = "1290"[h % 4 == 3 ? (h >> 8) % 4 : h % 2];
  char buf[16];
  std::snprintf(buf, sizeof buf, "A%05u", static_cast<unsigned>((h >> 12) % 3000));
  p.practice = MustParse<OdsCode>(buf);
  std::snprintf(buf, sizeof buf, "%02uD", static_cast<unsigned>((h >> 20) % 60));
  p.commissioner = MustParse<OdsCode>(buf);
  std::snprintf(buf, sizeof buf, "R%c%c", 'A' + static_cast<int>((h >> 28) % 8), 'A' + static_cast<int>((h >> 32) % 5));
  p.provider = MustParse<OdsCode>(buf);
  return p;
}

inline HrgCode MakeHrg(uint64_t h) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%c%02u%c", 'A' + static_cast<int>(h % 20), 'A' + static_cast<int>((h >> 5) % 6),
                static_cast<unsigned>((h >> 9) % 40), "ABCDEZ"[(h >> 15) % 6]);
  return MustParse<HrgCode>(buf);
}

inline ingest::ApcRecord MakeApc(uint64_t i, uint64_t seed = 0, uint64_t patients = 400000) {
  uint64_t h = SplitMix(i ^ (seed << 40));
  ingest::ApcRecord r;
  r.common = MakePatient(h, patients);
  r.spell_id = "S" + std::to_string(i);
  r.admission_date = Date::FromDays(17622 + static_cast<int32_t>(h % 365));  // 2018-04-01 ..
  int32_t los = static_cast<int32_t>((h >> 40) % 8 == 0 ? (h >> 44) % 40 : (h >> 44) % 3);
  r.discharge_date = r.admission_date.AddDays(los);
  static const char* kMethods[] = {"11", "12", "21", "22", "2A", "31", "81"};
  r.admission_method = kMethods[(h >> 3) % 7];
  r.patient_classification = static_cast<char>('1' + (h >> 6) % 3);
  char tfc[4];
  std::snprintf(tfc, sizeof tfc, "%03u", 100 + static_cast<unsigned>((h >> 10) % 60) * 10);
  r.treatment_function = MustParse<TreatmentFunctionCode>(tfc);
  r.hrg = MakeHrg(h >> 7);
  if ((h >> 50) % 5 != 0) r.primary_diagnosis = "I" + std::to_string(100 + (h >> 18) % 800);
  if ((h >> 52) % 3 == 0) r.primary_procedure = "W" + std::to_string(100 + (h >> 22) % 900);
  r.discharge_method = (h >> 54) % 10 == 0 ? ' ' : static_cast<char>('1' + (h >> 55) % 4);
  r.critical_care_days = los > 2 && (h >> 57) % 4 == 0 ? 1 : 0;
  r.rehabilitation_days = los > 5 && (h >> 58) % 4 == 0 ? 2 : 0;
  if ((h >> 59) % 16 == 0) r.specialised_service = (h >> 60) % 2 ? "NCBPS06Z" : "NCBPS29M1234";  // one > 8 bytes
  if ((h >> 36) % 8 == 0) {
    r.unbundled_hrgs.push_back(MakeHrg(h >> 13));
    if ((h >> 39) % 2) r.unbundled_hrgs.push_back(MakeHrg(h >> 17));
  }
  // A third of spells have 1-4 secondary diagnoses, some a transport cause.
  const uint64_t g = SplitMix(h);
  if (g % 3 == 0) {
    const int n = 1 + static_cast<int>((g >> 2) % 4);
    for (int k = 0; k < n; ++k) {
      const uint64_t c = g >> (8 + 6 * k);
      r.secondary_diagnoses.push_back(std::string(1, "EIJNVZ"[c % 6]) + std::to_string(10 + (c >> 3) % 90) +
                                      ((c >> 10) % 2 ? "X" : "9"));
    }
  }
  return r;
}

inline ingest::OpRecord MakeOp(uint64_t i, uint64_t seed = 0, uint64_t patients = 400000) {
  uint64_t h = SplitMix(i ^ (seed << 40) ^ 0x0F0F);
  ingest::OpRecord r;
  r.common = MakePatient(h, patients);
  r.attendance_id = "OP" + std::to_string(i);
  r.appointment_date = Date::FromDays(17622 + static_cast<int32_t>(h % 365));
  r.first_attendance = static_cast<char>('1' + (h >> 3) % 4);
  r.attended = "5566723"[(h >> 6) % 7];
  char tfc[4];
  std::snprintf(tfc, sizeof tfc, "%03u", 100 + static_cast<unsigned>((h >> 10) % 60) * 10);
  r.treatment_function = MustParse<TreatmentFunctionCode>(tfc);
  r.multi_professional = (h >> 20) % 10 == 0;
  if ((h >> 24) % 5 == 0) r.hrg = MakeHrg(h >> 26);
  return r;
}

inline ingest::AeRecord MakeAe(uint64_t i, uint64_t seed = 0, uint64_t patients = 400000) {
  uint64_t h = SplitMix(i ^ (seed << 40) ^ 0xA5A5);
  ingest::AeRecord r;
  r.common = MakePatient(h, patients);
  r.attendance_id = (h >> 5) % 50 == 0 ? "AE,\"" + std::to_string(i) + "\"" : "AE" + std::to_string(i);  // quoting
  r.arrival = DateTime::At(Date::FromDays(17622 + static_cast<int32_t>(h % 365)), static_cast<int32_t>((h >> 9) % 24),
                           static_cast<int32_t>((h >> 14) % 60));
  r.departure = r.arrival.AddMinutes(static_cast<int64_t>(20 + (h >> 20) % 400));
  static const char* kTypes[] = {"01", "02", "03", "04"};
  r.department_type = kTypes[(h >> 30) % 4];
  r.arrival_mode = (h >> 33) % 7 == 0 ? ' ' : static_cast<char>('1' + (h >> 34) % 2);
  char disposal[4];
  std::snprintf(disposal, sizeof disposal, "%02u", 1 + static_cast<unsigned>((h >> 36) % 14));
  r.disposal = disposal;
  char hrg[8];
  std::snprintf(hrg, sizeof hrg, "VB%02uZ", 1 + static_cast<unsigned>((h >> 40) % 11));
  r.hrg = MustParse<HrgCode>(hrg);
  return r;
}

}  // namespace csu::store::testing

#include <map>
#include <vector>

#include "store/activity_tables.h"

namespace csu::store::testing {

inline std::string Hex(const ingest::Pseudonym& p) {
  if (!p.present) return "-";
  std::string s;
  char buf[4];
  for (uint8_t b : p.bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

inline std::string Char(char c) { return c == ' ' || c == 0 ? "-" : std::string(1, c); }

inline std::string DescribeCommon(const ingest::PatientFields& p) {
  return Hex(p.patient) + "|" + std::to_string(p.age_years) + "|" + Char(p.sex) + "|" + p.practice.ToString() + "|" +
         p.commissioner.ToString() + "|" + p.provider.ToString();
}

// Every field of a record, canonically, for equality checks.
inline std::string Describe(const ingest::ApcRecord& r) {
  std::string s = DescribeCommon(r.common) + "|" + r.spell_id + "|" + r.admission_date.ToString() + "|" +
                  r.discharge_date.ToString() + "|" + r.admission_method + "|" + Char(r.patient_classification) + "|" +
                  r.treatment_function.ToString() + "|" + r.hrg.ToString() + "|" + r.primary_diagnosis + "|" +
                  r.primary_procedure + "|" + Char(r.discharge_method) + "|" + std::to_string(r.critical_care_days) +
                  "|" + std::to_string(r.rehabilitation_days) + "|" + std::to_string(r.palliative_care_days) + "|" +
                  r.specialised_service + "|";
  for (const HrgCode& h : r.unbundled_hrgs) s += h.ToString() + ";";
  s += "|";
  for (const std::string& d : r.secondary_diagnoses) s += d + ";";
  return s;
}

inline std::string Describe(const ingest::OpRecord& r) {
  return DescribeCommon(r.common) + "|" + r.attendance_id + "|" + r.appointment_date.ToString() + "|" +
         Char(r.first_attendance) + "|" + Char(r.attended) + "|" + r.treatment_function.ToString() + "|" +
         (r.multi_professional ? "1" : "0") + "|" + (r.hrg ? r.hrg->ToString() : "");
}

inline std::string Describe(const ingest::AeRecord& r) {
  return DescribeCommon(r.common) + "|" + r.attendance_id + "|" + r.arrival.ToString() + "|" + r.departure.ToString() +
         "|" + r.department_type + "|" + Char(r.arrival_mode) + "|" + r.disposal + "|" + r.hrg.ToString();
}

// The same rendering read back from loaded tables (record ids are not in the
// tables, so `record_id` is passed in).
inline std::string DescribeCommonRow(const ActivityTables& t, const CommonColumns& c, size_t i) {
  ingest::Pseudonym p;
  if (c.patient[i] != 0) {
    p.present = true;
    p.bytes = t.patients.pseudonyms[c.patient[i]];
  }
  return Hex(p) + "|" + std::to_string(c.age_years[i]) + "|" + Char(static_cast<char>(c.sex[i])) + "|" +
         std::string(t.codes.practice().code(c.practice[i])) + "|" +
         std::string(t.codes.commissioner().code(c.commissioner[i])) + "|" +
         std::string(t.codes.provider().code(c.provider[i]));
}

inline std::string DescribeApcRow(const ActivityTables& t, size_t i, const std::string& record_id) {
  const ApcTable& a = t.apc;
  std::string s = DescribeCommonRow(t, a, i) + "|" + record_id + "|" + Date::FromDays(a.admission_date[i]).ToString() +
                  "|" + Date::FromDays(a.discharge_date[i]).ToString() + "|" +
                  std::string(t.codes.admission_method().code(a.admission_method[i])) + "|" +
                  Char(static_cast<char>(a.patient_classification[i])) + "|" +
                  std::string(t.codes.treatment_function().code(a.treatment_function[i])) + "|" +
                  std::string(t.codes.hrg().code(a.hrg[i])) + "|" + std::string(t.codes.diagnosis().code(a.diagnosis[i])) +
                  "|" + std::string(t.codes.procedure().code(a.procedure[i])) + "|" +
                  Char(static_cast<char>(a.discharge_method[i])) + "|" + std::to_string(a.StayDaysAt(i).critical_care) + "|" +
                  std::to_string(a.StayDaysAt(i).rehabilitation) + "|" + std::to_string(a.StayDaysAt(i).palliative_care) + "|" +
                  std::string(t.codes.specialised_service().code(a.specialised_service[i])) + "|";
  for (size_t k = 0; k < a.unbundled_row.size(); ++k) {
    if (a.unbundled_row[k] == i) s += std::string(t.codes.hrg().code(a.unbundled_hrg[k])) + ";";
  }
  s += "|";
  for (size_t k = 0; k < a.secondary_diagnosis_row.size(); ++k) {
    if (a.secondary_diagnosis_row[k] == i) s += std::string(t.codes.diagnosis().code(a.secondary_diagnosis[k])) + ";";
  }
  return s;
}

inline std::string DescribeOpRow(const ActivityTables& t, size_t i, const std::string& record_id) {
  const OpTable& o = t.op;
  return DescribeCommonRow(t, o, i) + "|" + record_id + "|" + Date::FromDays(o.appointment_date[i]).ToString() + "|" +
         Char(static_cast<char>(o.first_attendance[i])) + "|" + Char(static_cast<char>(o.attended[i])) + "|" +
         std::string(t.codes.treatment_function().code(o.treatment_function[i])) + "|" +
         (o.multi_professional[i] ? "1" : "0") + "|" + std::string(t.codes.hrg().code(o.hrg[i]));
}

inline std::string DescribeAeRow(const ActivityTables& t, size_t i, const std::string& record_id) {
  const AeTable& a = t.ae;
  return DescribeCommonRow(t, a, i) + "|" + record_id + "|" + DateTime::FromMinutes(a.arrival[i]).ToString() + "|" +
         DateTime::FromMinutes(a.departure[i]).ToString() + "|" +
         std::string(t.codes.department_type().code(a.department_type[i])) + "|" +
         Char(static_cast<char>(a.arrival_mode[i])) + "|" + std::string(t.codes.disposal().code(a.disposal[i])) + "|" +
         std::string(t.codes.hrg().code(a.hrg[i]));
}

}  // namespace csu::store::testing
