#include "ingest/row_validator.h"

#include <algorithm>
#include <array>

#include "core/nhs_number.h"
#include "core/text.h"
#include "refdata/refdata.h"

namespace csu::ingest {
namespace {

// A fixed list of one- or two-character codes, packed into integers so that
// checking a value is a few integer compares rather than string compares.
class CodeSet {
 public:
  constexpr CodeSet(std::initializer_list<std::string_view> codes) {
    for (std::string_view c : codes) keys_[size_++] = Pack(c);
  }
  bool Contains(std::string_view v) const {
    if (v.empty() || v.size() > 2) return false;
    const uint32_t k = Pack(v);
    bool found = false;
    for (size_t i = 0; i < size_; ++i) found |= keys_[i] == k;
    return found;
  }

 private:
  // The length is part of the key, so "\0" + "1" cannot pass for "1".
  static constexpr uint32_t Pack(std::string_view v) {
    uint32_t k = static_cast<uint32_t>(v.size()) << 16;
    for (size_t i = 0; i < v.size(); ++i) k |= uint32_t{static_cast<unsigned char>(v[i])} << (8 * (1 - i));
    return k;
  }
  std::array<uint32_t, 24> keys_{};
  size_t size_ = 0;
};

constexpr CodeSet kSexes{"0", "1", "2", "9"};
constexpr CodeSet kAdmissionMethods{"11", "12", "13", "21", "22", "23", "24", "25", "2A", "2B",
                                    "2C", "2D", "28", "31", "32", "81", "82", "83", "84"};
constexpr CodeSet kPatientClassifications{"1", "2", "3", "4", "5"};
constexpr CodeSet kDischargeMethods{"1", "2", "3", "4", "5", "8", "9"};
constexpr CodeSet kFirstAttendances{"1", "2", "3", "4"};
constexpr CodeSet kAttended{"2", "3", "4", "5", "6", "7"};
constexpr CodeSet kZeroOne{"0", "1"};
constexpr CodeSet kDepartmentTypes{"01", "02", "03", "04"};
constexpr CodeSet kArrivalModes{"1", "2"};
constexpr CodeSet kDisposals{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14"};

// A value quoted in a problem's detail, cut to a readable length (a bad
// value can be megabytes long). The detail is stored with the quarantined
// row, so an NHS number anywhere in the value is masked first (one turned up
// in a malformed arrival time under the extract_row fuzz target).
std::string Quote(std::string_view v) {
  constexpr size_t kShown = 64;
  // Masked a little past the cut, so a number across it is seen whole.
  std::string head(v.substr(0, kShown + 16));
  MaskNhsNumbers(head, /*any_check_digit=*/false);
  // And after the cut, which can leave the last ten digits of a longer
  // number reading as an NHS number (found by the extract_row fuzz target).
  std::string shown = CutWithLength(head, kShown, v.size());
  MaskNhsNumbers(shown, /*any_check_digit=*/false);
  return "'" + shown + "'";
}

// GP practice codes that mean "not registered" or "not known" in the
// commissioning data sets: valid without being in the practice list.
bool IsPseudoPractice(std::string_view code) { return code == "V81997" || code == "V81998" || code == "V81999"; }

}  // namespace

std::string RowProblem::ToString() const {
  std::string s = std::string(ColumnName(column)) + ": " + reason;
  if (!detail.empty()) s += " (" + detail + ")";
  return s;
}

bool IsIcd10Shape(std::string_view code) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (code.size() < 3 || code.size() > 6) return false;
  if (!upper(code[0]) || !digit(code[1]) || !digit(code[2])) return false;
  if (code.size() >= 4 && !digit(code[3]) && code[3] != 'X') return false;
  for (size_t i = 4; i < code.size(); ++i) {
    if (!digit(code[i]) && !upper(code[i])) return false;
  }
  return true;
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

  // A record identifier (spell_id, attendance_id) is kept in the retained
  // rows and the column files: one that holds an NHS number would store the
  // patient's identifier raw. Refused wherever the number sits in it, with a
  // reason that never echoes it.
  std::string_view Identifier(Column c) {
    std::string_view v = Required(c);
    if (HoldsNhsNumber(v)) {
      Problem(c, "holds an NHS number (ten digits with a valid check digit): record identifiers must not carry patient identifiers");
      return {};
    }
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
  std::string_view Code(Column c, const CodeSet& allowed, bool required = true) {
    std::string_view v = required ? Required(c) : Get(c);
    if (v.empty()) return v;
    if (!allowed.Contains(v)) {
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

RowValidator::RowValidator(const HeaderMap& map, const refdata::RefData& ref) : map_(map), known_(ref) {}

void RowValidator::CheckCommon(Row& row, Date activity_date, bool activity_ok, PatientFields& out,
                               Identity& identity) const {
  std::string_view nhs = row.Get(Column::kNhsNumber);
  identity.nhs_number.reset();
  if (!nhs.empty()) {
    identity.nhs_number = ParseNhsNumber(nhs);
    if (!identity.nhs_number) row.Problem(Column::kNhsNumber, NhsNumberProblem(nhs));  // never echo the number
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
  std::string_view sex = row.Code(Column::kSex, kSexes);
  if (!sex.empty()) out.sex = sex[0];

  std::string_view practice = row.Required(Column::kGpPractice);
  if (!practice.empty()) {
    auto code = OdsCode::Parse(practice);
    if (!code.ok()) row.Problem(Column::kGpPractice, "not an ODS code", Quote(practice));
    else if (!known_.Practice(code.value()) && !IsPseudoPractice(code.value().view())) {
      row.Problem(Column::kGpPractice, "unknown GP practice", Quote(practice));
    } else {
      out.practice = code.value();
    }
  }
  std::string_view commissioner = row.Required(Column::kCommissioner);
  if (!commissioner.empty()) {
    auto code = OdsCode::Parse(commissioner);
    if (!code.ok()) row.Problem(Column::kCommissioner, "not an ODS code", Quote(commissioner));
    else if (!known_.Commissioner(code.value())) row.Problem(Column::kCommissioner, "unknown commissioner", Quote(commissioner));
    else out.commissioner = code.value();
  }
  std::string_view provider = row.Required(Column::kProvider);
  if (!provider.empty()) {
    // A 5-character site code (RBT01) is reduced to its trust (RBT).
    std::string_view trust = provider.size() == 5 ? provider.substr(0, 3) : provider;
    auto code = OdsCode::Parse(trust);
    bool known = code.ok() && known_.Provider(code.value());
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
  r.spell_id.assign(row.Identifier(Column::kSpellId));
  auto admitted = row.DateField(Column::kAdmissionDate);
  auto discharged = row.DateField(Column::kDischargeDate);
  if (admitted && discharged && *discharged < *admitted) {
    row.Problem(Column::kDischargeDate, "before the admission date");
  }
  if (admitted) r.admission_date = *admitted;
  if (discharged) r.discharge_date = *discharged;
  CheckCommon(row, r.admission_date, admitted.has_value(), r.common, identity);

  r.admission_method.assign(row.Code(Column::kAdmissionMethod, kAdmissionMethods));
  std::string_view classification = row.Code(Column::kPatientClassification, kPatientClassifications);
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
    else if (admitted && !known_.Hrg(code.value(), *admitted)) row.Problem(Column::kHrg, "not in the tariff", Quote(hrg));
    else r.hrg = code.value();
  }
  // The primary diagnosis decides contract rules (the readmission rule's
  // cancer exclusion reads it), so a code that is not ICD-10 shaped is a
  // problem, as in the secondary positions; empty means not recorded.
  std::string_view primary = row.Get(Column::kPrimaryDiagnosis);
  if (!primary.empty() && !IsIcd10Shape(primary)) {
    row.Problem(Column::kPrimaryDiagnosis, "not an ICD-10 code (e.g. I10X, E119)", Quote(primary));
  }
  r.primary_diagnosis.assign(primary);
  r.primary_procedure.assign(row.Get(Column::kPrimaryProcedure));
  std::string_view dm = row.Code(Column::kDischargeMethod, kDischargeMethods, false);
  r.discharge_method = dm.empty() ? ' ' : dm[0];
  r.critical_care_days = row.Days(Column::kCriticalCareDays);
  r.rehabilitation_days = row.Days(Column::kRehabilitationDays);
  r.palliative_care_days = row.Days(Column::kPalliativeCareDays);
  if (admitted && discharged && row.ok() &&
      r.critical_care_days + r.rehabilitation_days + r.palliative_care_days > r.los_days()) {
    row.Problem(Column::kCriticalCareDays, "critical care, rehabilitation and palliative days exceed the length of stay");
  }
  r.specialised_service.assign(row.Get(Column::kSpecialisedService));
  r.unbundled_hrgs.clear();
  std::string_view unbundled = row.Get(Column::kUnbundledHrgs);
  // Split on ';' keeping empty parts (which are not HRG codes), without
  // building a vector per row.
  for (size_t start = 0; !unbundled.empty() && start <= unbundled.size();) {
    size_t end = std::min(unbundled.find(';', start), unbundled.size());
    std::string_view part = unbundled.substr(start, end - start);
    auto code = HrgCode::Parse(part);
    if (!code.ok()) {
      row.Problem(Column::kUnbundledHrgs, "not a list of HRG codes separated by ';'", Quote(part));
      break;
    }
    r.unbundled_hrgs.push_back(code.value());
    start = end + 1;
  }
  r.secondary_diagnoses.clear();
  std::string_view secondary = row.Get(Column::kSecondaryDiagnoses);
  // The same split; a problem names the 1-based position so that a coder
  // can find the code in the provider's record.
  size_t position = 0;
  for (size_t start = 0; !secondary.empty() && start <= secondary.size();) {
    size_t end = std::min(secondary.find(';', start), secondary.size());
    std::string_view part = secondary.substr(start, end - start);
    start = end + 1;
    if (++position > kMaxSecondaryDiagnoses) {
      row.Problem(Column::kSecondaryDiagnoses,
                  "more than " + std::to_string(kMaxSecondaryDiagnoses) + " diagnosis positions");
      break;
    }
    if (part.empty()) {
      row.Problem(Column::kSecondaryDiagnoses, "position " + std::to_string(position) + " is empty");
      break;
    }
    if (!IsIcd10Shape(part)) {
      row.Problem(Column::kSecondaryDiagnoses,
                  "position " + std::to_string(position) + ": not an ICD-10 code (e.g. I10X, E119)", Quote(part));
      break;
    }
    r.secondary_diagnoses.emplace_back(part);
  }
  return row.ok();
}

bool RowValidator::ValidateOp(const std::vector<std::string_view>& fields, OpRecord& r, Identity& identity,
                              std::vector<RowProblem>& problems) const {
  Row row(map_, fields, problems);
  r.attendance_id.assign(row.Identifier(Column::kAttendanceId));
  auto date = row.DateField(Column::kAppointmentDate);
  if (date) r.appointment_date = *date;
  CheckCommon(row, r.appointment_date, date.has_value(), r.common, identity);
  std::string_view first = row.Code(Column::kFirstAttendance, kFirstAttendances);
  if (!first.empty()) r.first_attendance = first[0];
  std::string_view attended = row.Code(Column::kAttended, kAttended);
  if (!attended.empty()) r.attended = attended[0];
  std::string_view tfc = row.Required(Column::kTreatmentFunction);
  if (!tfc.empty()) {
    auto code = TreatmentFunctionCode::Parse(tfc);
    if (!code.ok()) row.Problem(Column::kTreatmentFunction, "not a 3-digit treatment function code", Quote(tfc));
    else r.treatment_function = code.value();
  }
  std::string_view multi = row.Code(Column::kMultiProfessional, kZeroOne, false);
  r.multi_professional = multi == "1";
  r.hrg.reset();
  std::string_view hrg = row.Get(Column::kHrg);
  if (!hrg.empty()) {
    auto code = HrgCode::Parse(hrg);
    if (!code.ok()) row.Problem(Column::kHrg, "not an HRG code", Quote(hrg));
    else if (date && !known_.Hrg(code.value(), *date)) row.Problem(Column::kHrg, "not in the tariff", Quote(hrg));
    else r.hrg = code.value();
  }
  return row.ok();
}

bool RowValidator::ValidateAe(const std::vector<std::string_view>& fields, AeRecord& r, Identity& identity,
                              std::vector<RowProblem>& problems) const {
  Row row(map_, fields, problems);
  r.attendance_id.assign(row.Identifier(Column::kAttendanceId));
  auto arrival = row.DateTimeField(Column::kArrival);
  auto departure = row.DateTimeField(Column::kDeparture);
  if (arrival && departure && *departure < *arrival) row.Problem(Column::kDeparture, "before the arrival");
  if (arrival) r.arrival = *arrival;
  if (departure) r.departure = *departure;
  CheckCommon(row, r.arrival.date(), arrival.has_value(), r.common, identity);
  r.department_type.assign(row.Code(Column::kDepartmentType, kDepartmentTypes));
  std::string_view mode = row.Code(Column::kArrivalMode, kArrivalModes, false);
  r.arrival_mode = mode.empty() ? ' ' : mode[0];
  r.disposal.assign(row.Code(Column::kDisposal, kDisposals));
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
