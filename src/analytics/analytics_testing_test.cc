// Test-only: named *_test.cc so that it builds into csu_tests, not the library.
#include "analytics/analytics_testing.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <limits>

namespace csu::analytics::testing {
namespace {

Date MustDate(const std::string& s) {
  auto d = Date::Parse(s);
  if (!d.ok()) std::abort();
  return d.value();
}

template <typename T>
void GrowAll(T& table) {
  store::ForEachRowColumn(table, [](const char*, auto& column) { column.emplace_back(); });
  table.source_row.push_back(static_cast<uint32_t>(table.source_row.size()));
}

}  // namespace

uint16_t TestActivity::Id(store::Dimension d, std::string_view code) {
  store::CodeList& list = a_.tables.codes[d];
  uint32_t id = list.Find(code);
  if (id == 0 && !code.empty()) id = list.Append(code);
  return static_cast<uint16_t>(id);
}

void TestActivity::Patient(uint32_t p) {
  auto& ps = a_.tables.patients.pseudonyms;
  while (ps.size() <= p) {
    std::array<uint8_t, 32> k{};
    const uint32_t n = static_cast<uint32_t>(ps.size());
    std::memcpy(k.data(), &n, sizeof n);
    ps.push_back(k);
  }
}

template <typename Table>
void TestActivity::Common(Table& t, const std::string& commissioner, const std::string& provider, uint32_t patient,
                          const std::string& practice) {
  GrowAll(t);
  Patient(patient);
  t.patient.back() = patient;
  t.commissioner.back() = Id(store::Dimension::kCommissioner, commissioner);
  t.provider.back() = Id(store::Dimension::kProvider, provider);
  t.practice.back() = Id(store::Dimension::kPractice, practice);
  t.sex.back() = '1';
}

void TestActivity::Price(pricing::PricedColumns& c, pricing::Pod pod, int64_t pence, bool priced) {
  c.pod.push_back(static_cast<uint8_t>(priced ? pod : pricing::Pod::kNone));
  c.final_pence.push_back(priced ? pence : 0);
  c.base_pence.push_back(priced ? pence : 0);
  c.not_priced.push_back(priced ? 0 : static_cast<uint8_t>(pricing::NotPriced::kHrgNoNationalPrice));
  c.tariff_year.push_back(2018);
}

TestActivity& TestActivity::Spell(const SpellSpec& s) {
  store::ApcTable& t = a_.tables.apc;
  Common(t, s.commissioner, s.provider, s.patient, s.practice);
  t.age_years.back() = s.age;
  t.admission_date.back() = MustDate(s.admitted).days();
  t.discharge_date.back() = MustDate(s.discharged).days();
  t.admission_method.back() = static_cast<uint8_t>(Id(store::Dimension::kAdmissionMethod, s.method));
  t.patient_classification.back() = static_cast<uint8_t>(s.classification);
  t.treatment_function.back() = Id(store::Dimension::kTreatmentFunction, s.tfc);
  t.hrg.back() = Id(store::Dimension::kHrg, s.hrg);
  t.diagnosis.back() = Id(store::Dimension::kDiagnosis, s.diagnosis);
  for (const std::string& d : s.secondary) {
    t.secondary_diagnosis_row.push_back(static_cast<uint32_t>(t.size() - 1));
    t.secondary_diagnosis.push_back(Id(store::Dimension::kDiagnosis, d));
  }
  t.discharge_method.back() = static_cast<uint8_t>(s.discharge_method);
  Price(a_.apc, s.pod, s.pence, s.priced);
  a_.apc.adjustment_pence.push_back(0);
  a_.apc.excess_bed_day_pence.push_back(0);
  a_.apc.excess_bed_days.push_back(0);
  // Rows are appended in order, so the sparse pairs stay ascending by row.
  for (const std::string& hrg : s.unbundled) {
    t.unbundled_row.push_back(static_cast<uint32_t>(t.size() - 1));
    t.unbundled_hrg.push_back(Id(store::Dimension::kHrg, hrg));
  }
  return *this;
}

TestActivity& TestActivity::Op(const OpSpec& s) {
  store::OpTable& t = a_.tables.op;
  Common(t, s.commissioner, s.provider, s.patient, s.practice);
  t.appointment_date.back() = MustDate(s.date).days();
  t.first_attendance.back() = static_cast<uint8_t>(s.first_attendance);
  t.attended.back() = static_cast<uint8_t>(s.attended);
  t.treatment_function.back() = Id(store::Dimension::kTreatmentFunction, s.tfc);
  t.hrg.back() = Id(store::Dimension::kHrg, s.hrg);
  Price(a_.op, s.pod, s.pence, s.priced);
  return *this;
}

TestActivity& TestActivity::Ae(const AeSpec& s) {
  store::AeTable& t = a_.tables.ae;
  Common(t, s.commissioner, s.provider, s.patient, s.practice);
  auto at = DateTime::Parse(s.arrival);
  if (!at.ok()) std::abort();
  t.arrival.back() = static_cast<int32_t>(at.value().minutes());
  t.departure.back() = t.arrival.back() + s.minutes;
  t.department_type.back() = static_cast<uint8_t>(Id(store::Dimension::kDepartmentType, s.department));
  t.disposal.back() = static_cast<uint8_t>(Id(store::Dimension::kDisposal, s.disposal));
  t.hrg.back() = Id(store::Dimension::kHrg, s.hrg);
  Price(a_.ae, pricing::Pod::kAe, s.pence, s.priced);
  return *this;
}

size_t RowWhere(const report::ReportTable& t,
                std::initializer_list<std::pair<std::string_view, std::string_view>> match) {
  for (size_t r = 0; r < t.rows.size(); ++r) {
    bool all = true;
    for (const auto& [column, want] : match) {
      const report::Cell* c = t.Find(r, column);
      if (c == nullptr) {
        ADD_FAILURE() << t.title << " has no column " << column;
        return t.rows.size();
      }
      const std::string shown = c->kind == report::Cell::Kind::kText     ? c->text
                                : c->kind == report::Cell::Kind::kNumber ? std::to_string(c->number)
                                                                         : std::string();
      all = all && shown == want;
    }
    if (all) return r;
  }
  return t.rows.size();
}

int64_t NumberAt(const report::ReportTable& t, size_t row, std::string_view column) {
  const report::Cell* c = t.Find(row, column);
  if (c == nullptr) {
    ADD_FAILURE() << t.title << ": no row " << row << " or no column " << column;
    return std::numeric_limits<int64_t>::min();
  }
  return c->number;
}

double RealAt(const report::ReportTable& t, size_t row, std::string_view column) {
  const report::Cell* c = t.Find(row, column);
  if (c == nullptr) {
    ADD_FAILURE() << t.title << ": no row " << row << " or no column " << column;
    return -1.0;
  }
  return c->real;
}

}  // namespace csu::analytics::testing
