#include "ingest/row_validator.h"

#include <algorithm>

#include "core/nhs_number.h"
#include "core/text.h"
#include "refdata/refdata.h"

namespace csu::ingest {
namespace {

bool OneOf(std::string_view value, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string Quote(std::string_view v) { return "'" + std::string(v) + "'"; }

// GP practice codes that mean "not registered" or "not known" in the
// commissioning data sets: valid without being in the practice list.
bool IsPseudoPractice(std::string_view code) { return OneOf(code, {"V81997", "V81998", "V81999"}); }

}  // namespace

std::string RowProblem::ToString() const {
  std::string s = std::string(ColumnName(column)) + ": " + reason;
  if (!detail.empty()) s += " (" + detail + ")";
  return s;
}

std::string AgeBand(int32_t age) {
  if (age >= 90) return "90+";
  int32_t lo = age / 5 * 5;
  return std::to_string(lo) + "-" + std::to_string(lo + 4);
}

// One row's fields with the map, collecting problems as fields are read.
class RowValidator::Row {
 public:
  Row(const HeaderMap& map, const std::vector<std::string_view>& fields, std::vector<RowProblem>& problems)
      : map_(map), fields_(fields), problems_(problems), start_(problems.size()) {}

  bool ok() const { return problems_.size() == start_; }

  void Problem(Column c, std::string reason, std::string detail = "") {
    problems_.push_back(RowProblem{c, std::move(reason), std::move(detail)});
  }

  // The trimmed value, or "" when absent; checks the column's width.
  std::string_view Get(Column c) {
    auto i = map_.IndexOf(c);
    if (!i) return {};
    std::string_view v = Trim(fields_[*i]);
    if (v.size() > map_.MaxWidth(c)) {
      Problem(c, "longer than " + std::to_string(map_.MaxWidth(c)) + " characters");
      return {};
    }
    return v;
  }

  // A required value: absent -> problem, returns "".
  std::string_view Required(Column c) {
    size_t before = problems_.size();
    std::string_view v = Get(c);
    if (v.empty() && problems_.size() == before) Problem(c, "missing");
    return v;
  }

  std::optional<Date> DateField(Column c, bool identifying = false) {
    std::string_view v = Required(c);
    if (v.empty()) return std::nullopt;
    auto d = Date::Parse(v);
    if (!d.ok()) {
      Problem(c, "not a valid date YYYY-MM-DD", identifying ? "" : Quote(v));
      return std::nullopt;
    }
    return d.value();
  }

  std::optional<DateTime> DateTimeField(Column c) {
    std::string_view v = Required(c);
    if (v.empty()) return std::nullopt;
    auto d = DateTime::Parse(v);
    if (!d.ok()) {
      Problem(c, "not a valid date-time YYYY-MM-DDTHH:MM", Quote(v));
      return std::nullopt;
    }
    return d.value();
  }

  // A code from a fixed list; `required` decides whether absence is a problem.
  std::string_view Code(Column c, std::initializer_list<std::string_view> allowed, bool required = true) {
    std::string_view v = required ? Required(c) : Get(c);
    if (v.empty()) return v;
    if (!OneOf(v, allowed)) {
      Problem(c, "not a valid code", Quote(v));
      return {};
    }
    return v;
  }

  int32_t Days(Column c) {
    std::string_view v = Get(c);
    if (v.empty()) return 0;
    auto n = ParseInt(v);
    if (!n || *n < 0 || *n > 9999) {
      Problem(c, "not a whole number of days 0-9999", Quote(v));
      return 0;
    }
    return static_cast<int32_t>(*n);
  }

 private:
  const HeaderMap& map_;
  const std::vector<std::string_view>& fields_;
  std::vector<RowProblem>& problems_;
  size_t start_;
};

RowValidator::RowValidator(const HeaderMap& map, const refdata::RefData& ref) : map_(map), ref_(ref) {
  for (const auto& trust : ref_.trusts()) known_providers_.insert(trust.code.key());
  for (FinancialYear y : ref_.tariff_years()) {
    for (const auto& mff : ref_.Mffs(y)) known_providers_.insert(mff.provider.key());
  }
}

bool RowValidator::KnownHrg(HrgCode hrg, Date activity_date) const {
  if (const auto* tariff = ref_.TariffFor(activity_date)) {
    return tariff->FindApc(hrg) || tariff->FindAe(hrg) || tariff->FindUnbundled(hrg) ||
           tariff->HrgHasNoNationalPrice(hrg) || hrg.view() == "UZ01Z";
  }
  // Outside the loaded tariff years: any HRG the national code list names.
  return ref_.FindHrg(hrg) != nullptr || hrg.view() == "UZ01Z";
}

void RowValidator::CheckCommon(Row& row, Date activity_date, bool activity_ok, PatientFields& out,
                               Identity& identity) const {
  std::string_view nhs = row.Get(Column::kNhsNumber);
  identity.nhs_number.reset();
  if (!nhs.empty()) {
    std::string problem = NhsNumberProblem(nhs);
    if (problem.empty()) identity.nhs_number = ParseNhsNumber(nhs);
    else row.Problem(Column::kNhsNumber, problem);  // never echo the number
  }
  if (auto dob = row.DateField(Column::kDateOfBirth, /*identifying=*/true)) {
    identity.date_of_birth = *dob;
    if (activity_ok) {
      if (*dob > activity_date) {
        row.Problem(Column::kDateOfBirth, "after the activity date");
      } else {
        int32_t age = activity_date.AgeOn(*dob);
        if (age > 120) row.Problem(Column::kDateOfBirth, "age at activity over 120");
        else out.age_years = static_cast<uint8_t>(age);
      }
    }
  }
  std::string_view sex = row.Code(Column::kSex, {"0", "1", "2", "9"});
  if (!sex.empty()) out.sex = sex[0];

  std::string_view practice = row.Required(Column::kGpPractice);
  if (!practice.empty()) {
    auto code = OdsCode::Parse(practice);
    if (!code.ok()) row.Problem(Column::kGpPractice, "not an ODS code", Quote(practice));
    else if (!IsPseudoPractice(code.value().view()) && !ref_.FindPractice(code.value())) {
      row.Problem(Column::kGpPractice, "unknown GP practice", Quote(practice));
    } else {
      out.practice = code.value();
    }
  }
  std::string_view commissioner = row.Required(Column::kCommissioner);
  if (!commissioner.empty()) {
    auto code = OdsCode::Parse(commissioner);
    if (!code.ok()) row.Problem(Column::kCommissioner, "not an ODS code", Quote(commissioner));
    else if (!ref_.FindCcg(code.value())) row.Problem(Column::kCommissioner, "unknown commissioner", Quote(commissioner));
    else out.commissioner = code.value();
  }
  std::string_view provider = row.Required(Column::kProvider);
  if (!provider.empty()) {
    // A 5-character site code (RBT01) is reduced to its trust (RBT).
    std::string_view trust = provider.size() == 5 ? provider.substr(0, 3) : provider;
    auto code = OdsCode::Parse(trust);
    bool known = code.ok() && known_providers_.count(code.value().key()) > 0;
    if (!code.ok() || (provider.size() != 3 && provider.size() != 5)) {
      row.Problem(Column::kProvider, "not a 3-character trust or 5-character site code", Quote(provider));
    } else if (!known) {
      row.Problem(Column::kProvider, "unknown provider", Quote(provider));
    } else {
      out.provider = code.value();
    }
  }
}

bool RowValidator::ValidateApc(const std::vector<std::string_view>& fields, ApcRecord& r, Identity& identity,
                               std::vector<RowProblem>& problems) const {
  Row row(map_, fields, problems);
  r.spell_id = std::string(row.Required(Column::kSpellId));
  auto admitted = row.DateField(Column::kAdmissionDate);
  auto discharged = row.DateField(Column::kDischargeDate);
  if (admitted && discharged && *discharged < *admitted) {
    row.Problem(Column::kDischargeDate, "before the admission date");
  }
  if (admitted) r.admission_date = *admitted;
  if (discharged) r.discharge_date = *discharged;
  CheckCommon(row, r.admission_date, admitted.has_value(), r.common, identity);

  r.admission_method = std::string(row.Code(
      Column::kAdmissionMethod,
      {"11", "12", "13", "21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28", "31", "32", "81", "82", "83", "84"}));
  std::string_view classification = row.Code(Column::kPatientClassification, {"1", "2", "3", "4", "5"});
  if (!classification.empty()) r.patient_classification = classification[0];
  std::string_view tfc = row.Required(Column::kTreatmentFunction);
  if (!tfc.empty()) {
    auto code = TreatmentFunctionCode::Parse(tfc);
    if (!code.ok()) row.Problem(Column::kTreatmentFunction, "not a 3-digit treatment function code", Quote(tfc));
    else r.treatment_function = code.value();
  }
  std::string_view hrg = row.Required(Column::kHrg);
  if (!hrg.empty()) {
    auto code = HrgCode::Parse(hrg);
    if (!code.ok()) row.Problem(Column::kHrg, "not an HRG code", Quote(hrg));
    else if (admitted && !KnownHrg(code.value(), *admitted)) row.Problem(Column::kHrg, "not in the tariff", Quote(hrg));
    else r.hrg = code.value();
  }
  r.primary_diagnosis = std::string(row.Get(Column::kPrimaryDiagnosis));
  r.primary_procedure = std::string(row.Get(Column::kPrimaryProcedure));
  std::string_view dm = row.Code(Column::kDischargeMethod, {"1", "2", "3", "4", "5", "8", "9"}, false);
  r.discharge_method = dm.empty() ? ' ' : dm[0];
  r.critical_care_days = row.Days(Column::kCriticalCareDays);
  r.rehabilitation_days = row.Days(Column::kRehabilitationDays);
  r.palliative_care_days = row.Days(Column::kPalliativeCareDays);
  if (admitted && discharged && row.ok() &&
      r.critical_care_days + r.rehabilitation_days + r.palliative_care_days > r.los_days()) {
    row.Problem(Column::kCriticalCareDays, "critical care, rehabilitation and palliative days exceed the length of stay");
  }
  r.specialised_service = std::string(row.Get(Column::kSpecialisedService));
  r.unbundled_hrgs.clear();
  std::string_view unbundled = row.Get(Column::kUnbundledHrgs);
  if (!unbundled.empty()) {
    for (std::string_view part : Split(unbundled, ';')) {
      auto code = HrgCode::Parse(part);
      if (!code.ok()) {
        row.Problem(Column::kUnbundledHrgs, "not a list of HRG codes separated by ';'", Quote(part));
        break;
      }
      r.unbundled_hrgs.push_back(code.value());
    }
  }
  return row.ok();
}

bool RowValidator::ValidateOp(const std::vector<std::string_view>& fields, OpRecord& r, Identity& identity,
                              std::vector<RowProblem>& problems) const {
  Row row(map_, fields, problems);
  r.attendance_id = std::string(row.Required(Column::kAttendanceId));
  auto date = row.DateField(Column::kAppointmentDate);
  if (date) r.appointment_date = *date;
  CheckCommon(row, r.appointment_date, date.has_value(), r.common, identity);
  std::string_view first = row.Code(Column::kFirstAttendance, {"1", "2", "3", "4"});
  if (!first.empty()) r.first_attendance = first[0];
  std::string_view attended = row.Code(Column::kAttended, {"2", "3", "4", "5", "6", "7"});
  if (!attended.empty()) r.attended = attended[0];
  std::string_view tfc = row.Required(Column::kTreatmentFunction);
  if (!tfc.empty()) {
    auto code = TreatmentFunctionCode::Parse(tfc);
    if (!code.ok()) row.Problem(Column::kTreatmentFunction, "not a 3-digit treatment function code", Quote(tfc));
    else r.treatment_function = code.value();
  }
  std::string_view multi = row.Code(Column::kMultiProfessional, {"0", "1"}, false);
  r.multi_professional = multi == "1";
  r.hrg.reset();
  std::string_view hrg = row.Get(Column::kHrg);
  if (!hrg.empty()) {
    auto code = HrgCode::Parse(hrg);
    if (!code.ok()) row.Problem(Column::kHrg, "not an HRG code", Quote(hrg));
    else if (date && !KnownHrg(code.value(), *date)) row.Problem(Column::kHrg, "not in the tariff", Quote(hrg));
    else r.hrg = code.value();
  }
  return row.ok();
}

bool RowValidator::ValidateAe(const std::vector<std::string_view>& fields, AeRecord& r, Identity& identity,
                              std::vector<RowProblem>& problems) const {
  Row row(map_, fields, problems);
  r.attendance_id = std::string(row.Required(Column::kAttendanceId));
  auto arrival = row.DateTimeField(Column::kArrival);
  auto departure = row.DateTimeField(Column::kDeparture);
  if (arrival && departure && *departure < *arrival) row.Problem(Column::kDeparture, "before the arrival");
  if (arrival) r.arrival = *arrival;
  if (departure) r.departure = *departure;
  CheckCommon(row, r.arrival.date(), arrival.has_value(), r.common, identity);
  r.department_type = std::string(row.Code(Column::kDepartmentType, {"01", "02", "03", "04"}));
  std::string_view mode = row.Code(Column::kArrivalMode, {"1", "2"}, false);
  r.arrival_mode = mode.empty() ? ' ' : mode[0];
  r.disposal = std::string(row.Code(Column::kDisposal, {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
                                                        "11", "12", "13", "14"}));
  std::string_view hrg = row.Required(Column::kHrg);
  if (!hrg.empty()) {
    auto code = HrgCode::Parse(hrg);
    bool ae_hrg = code.ok() && code.value().subchapter() == "VB" &&
                  (code.value().view() == "VB99Z" || (code.value().view() >= "VB01Z" && code.value().view() <= "VB11Z"));
    if (!ae_hrg) row.Problem(Column::kHrg, "not an A&E HRG (VB01Z-VB11Z, VB99Z)", Quote(hrg));
    else r.hrg = code.value();
  }
  return row.ok();
}

}  // namespace csu::ingest
