#include "synth/extract_check.h"

#include <optional>
#include <unordered_set>

#include "contracts/contract_file.h"
#include "core/csv_reader.h"
#include "core/file.h"
#include "core/nhs_number.h"
#include "core/text.h"
#include "ingest/activity_record.h"
#include "refdata/refdata.h"

namespace csu::synth {
namespace {

// Columns the format requires in every file and per dataset.
const std::vector<std::string_view>& RequiredColumns(Dataset d) {
  static const std::vector<std::string_view> kApc = {
      "date_of_birth", "sex", "gp_practice", "commissioner", "provider", "spell_id", "admission_date",
      "discharge_date", "admission_method", "patient_classification", "treatment_function", "hrg"};
  static const std::vector<std::string_view> kOp = {
      "date_of_birth", "sex", "gp_practice", "commissioner", "provider", "attendance_id", "appointment_date",
      "first_attendance", "attended", "treatment_function"};
  static const std::vector<std::string_view> kAe = {
      "date_of_birth", "sex", "gp_practice", "commissioner", "provider", "attendance_id", "arrival",
      "departure", "department_type", "disposal", "hrg"};
  return d == Dataset::kApc ? kApc : (d == Dataset::kOp ? kOp : kAe);
}

bool OneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed) {
    if (v == a) return true;
  }
  return false;
}

bool IsWholeNonNegative(std::string_view v) {
  if (v.empty()) return true;
  auto n = ParseInt(v);
  return n && *n >= 0;
}

class RowChecker {
 public:
  RowChecker(const refdata::RefData& refdata, FinancialYear year, Dataset dataset,
             const std::vector<std::string_view>& header)
      : refdata_(refdata), tariff_(refdata.Tariff(year)), year_(year), dataset_(dataset) {
    for (size_t i = 0; i < header.size(); ++i) columns_.emplace_back(Trim(header[i]));
  }

  std::optional<size_t> Index(std::string_view name) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] == name) return i;
    }
    return std::nullopt;
  }

  // The first problem of the row, if any.
  std::optional<ExtractProblem> Check(const std::vector<std::string_view>& f, int64_t line) {
    problem_.reset();
    line_ = line;
    fields_ = &f;
    if (f.size() != columns_.size()) {
      Fail("", "has " + std::to_string(f.size()) + " fields, the header has " + std::to_string(columns_.size()));
      return problem_;
    }
    Common();
    if (dataset_ == Dataset::kApc) Apc();
    if (dataset_ == Dataset::kOp) Op();
    if (dataset_ == Dataset::kAe) Ae();
    return problem_;
  }

 private:
  std::string_view Get(std::string_view name) const {
    auto i = Index(name);
    return i ? Trim((*fields_)[*i]) : std::string_view();
  }
  void Fail(std::string column, std::string why) {
    if (!problem_) problem_ = ExtractProblem{line_, std::move(column), std::move(why)};
  }
  std::optional<Date> DateField(std::string_view name) {
    auto d = Date::Parse(Get(name));
    if (!d.ok()) {
      Fail(std::string(name), d.error().why);
      return std::nullopt;
    }
    return d.value();
  }
  std::optional<DateTime> DateTimeField(std::string_view name) {
    auto d = DateTime::Parse(Get(name));
    if (!d.ok()) {
      Fail(std::string(name), d.error().why);
      return std::nullopt;
    }
    return d.value();
  }
  void InYear(std::string_view name, std::optional<Date> d) {
    if (d && !year_.Contains(*d)) Fail(std::string(name), "not in " + year_.ToString());
  }
  void Common() {
    const std::string_view nhs = Get("nhs_number");
    if (!nhs.empty()) {
      const std::string why = NhsNumberProblem(nhs);
      if (!why.empty()) Fail("nhs_number", why);
    }
    dob_ = DateField("date_of_birth");
    if (!OneOf(Get("sex"), {"0", "1", "2", "9"})) Fail("sex", "not 0, 1, 2 or 9");
    const std::string_view practice = Get("gp_practice");
    auto pc = OdsCode::Parse(practice);
    if (!pc.ok() || (practice != "V81999" && refdata_.FindPractice(pc.value()) == nullptr)) {
      Fail("gp_practice", "unknown practice '" + std::string(practice) + "'");
    }
    auto cc = OdsCode::Parse(Get("commissioner"));
    if (!cc.ok() || refdata_.FindCcg(cc.value()) == nullptr) Fail("commissioner", "unknown CCG");
    const std::string_view provider = Get("provider");
    auto pr = OdsCode::Parse(provider.size() == 5 ? provider.substr(0, 3) : provider);
    if (!pr.ok() || provider.size() != 3 || refdata_.FindMff(year_, pr.value()) == nullptr) {
      Fail("provider", "'" + std::string(provider) + "' has no MFF in " + year_.ToString());
    } else {
      provider_ = pr.value();
    }
  }

  void AfterBirth(std::optional<Date> activity) {
    if (!dob_ || !activity) return;
    if (*dob_ > *activity) Fail("date_of_birth", "after the activity date");
    if (activity->AgeOn(*dob_) > 120) Fail("date_of_birth", "age over 120");
  }

  void Id(std::string_view column) {
    const std::string_view id = Get(column);
    if (id.empty()) {
      Fail(std::string(column), "empty");
      return;
    }
    if (problem_) return;  // a bad row does not claim its id
    std::string key = provider_.ToString() + "|" + std::string(id);
    if (!ids_.insert(std::move(key)).second) Fail(std::string(column), "repeated within provider");
  }

  void Tfc() {
    auto t = TreatmentFunctionCode::Parse(Get("treatment_function"));
    if (!t.ok() || refdata_.FindTreatmentFunction(t.value()) == nullptr) {
      Fail("treatment_function", "unknown treatment function");
    }
  }

  void Apc() {
    const auto admission = DateField("admission_date");
    const auto discharge = DateField("discharge_date");
    if (admission && discharge && *discharge < *admission) Fail("discharge_date", "before admission");
    InYear("discharge_date", discharge);
    AfterBirth(admission);
    if (!OneOf(Get("admission_method"), {"11", "12", "13", "21", "22", "23", "24", "25", "2A", "2B", "2C", "2D",
                                         "28", "31", "32", "81", "82", "83", "84"})) {
      Fail("admission_method", "not in the admission method list");
    }
    if (!OneOf(Get("patient_classification"), {"1", "2", "3", "4", "5"})) {
      Fail("patient_classification", "not 1-5");
    }
    Tfc();
    auto hrg = HrgCode::Parse(Get("hrg"));
    if (!hrg.ok() || (tariff_->FindApc(hrg.value()) == nullptr && refdata_.FindHrg(hrg.value()) == nullptr)) {
      Fail("hrg", "not an HRG of the " + year_.ToString() + " tariff");
    }
    const std::string_view dm = Get("discharge_method");
    if (!dm.empty() && !OneOf(dm, {"1", "2", "3", "4", "5", "8", "9"})) Fail("discharge_method", "not in list");
    for (auto c : {"critical_care_days", "rehabilitation_days", "palliative_care_days"}) {
      if (!IsWholeNonNegative(Get(c))) Fail(c, "not a whole number of days");
    }
    const std::string_view pss = Get("specialised_service");
    if (!pss.empty() && tariff_->FindTopUp(pss) == nullptr) Fail("specialised_service", "unknown flag");
    const std::string_view unbundled = Get("unbundled_hrgs");
    if (!unbundled.empty()) {
      for (auto part : Split(unbundled, ';')) {
        auto u = HrgCode::Parse(Trim(part));
        if (!u.ok() || tariff_->FindUnbundled(u.value()) == nullptr) Fail("unbundled_hrgs", "unknown HRG");
      }
    }
    // External causes (ICD-10 V01-Y98) are never a primary diagnosis.
    const std::string_view primary = Get("primary_diagnosis");
    if (!primary.empty() && (primary[0] == 'V' || primary[0] == 'W' || primary[0] == 'X' || primary[0] == 'Y')) {
      Fail("primary_diagnosis", "an external cause code in the primary position");
    }
    const std::string_view secondary = Get("secondary_diagnoses");
    if (!secondary.empty()) {
      const auto parts = Split(secondary, ';');
      if (parts.size() > ingest::kMaxSecondaryDiagnoses) Fail("secondary_diagnoses", "more than 20 codes");
      for (auto part : parts) {
        if (!ingest::IsIcd10Shape(part)) Fail("secondary_diagnoses", "not an ICD-10 code");
      }
    }
    Id("spell_id");
  }

  void Op() {
    const auto date = DateField("appointment_date");
    InYear("appointment_date", date);
    AfterBirth(date);
    if (!OneOf(Get("first_attendance"), {"1", "2", "3", "4"})) Fail("first_attendance", "not 1-4");
    if (!OneOf(Get("attended"), {"2", "3", "4", "5", "6", "7"})) Fail("attended", "not in list");
    Tfc();
    const std::string_view multi = Get("multi_professional");
    if (!multi.empty() && !OneOf(multi, {"0", "1"})) Fail("multi_professional", "not 0 or 1");
    const std::string_view h = Get("hrg");
    if (!h.empty()) {
      auto hrg = HrgCode::Parse(h);
      const refdata::ApcPrice* price = hrg.ok() ? tariff_->FindApc(hrg.value()) : nullptr;
      if (price == nullptr || !price->outpatient_procedure) Fail("hrg", "not an outpatient procedure HRG");
    }
    Id("attendance_id");
  }

  void Ae() {
    const auto arrival = DateTimeField("arrival");
    const auto departure = DateTimeField("departure");
    if (arrival && departure && *departure < *arrival) Fail("departure", "before arrival");
    if (arrival) {
      InYear("arrival", arrival->date());
      AfterBirth(arrival->date());
    }
    if (!OneOf(Get("department_type"), {"01", "02", "03", "04"})) Fail("department_type", "not 01-04");
    const std::string_view mode = Get("arrival_mode");
    if (!mode.empty() && !OneOf(mode, {"1", "2"})) Fail("arrival_mode", "not 1 or 2");
    const std::string_view disposal = Get("disposal");
    auto d = ParseInt(disposal);
    if (disposal.size() != 2 || !d || *d < 1 || *d > 14) Fail("disposal", "not 01-14");
    auto hrg = HrgCode::Parse(Get("hrg"));
    if (!hrg.ok() || tariff_->FindAe(hrg.value()) == nullptr) Fail("hrg", "not an A&E HRG");
    Id("attendance_id");
  }

  const refdata::RefData& refdata_;
  const refdata::TariffYear* tariff_;
  FinancialYear year_;
  Dataset dataset_;
  std::vector<std::string> columns_;
  const std::vector<std::string_view>* fields_ = nullptr;
  int64_t line_ = 0;
  std::optional<ExtractProblem> problem_;
  std::optional<Date> dob_;
  OdsCode provider_;
  std::unordered_set<std::string> ids_;
};

}  // namespace

Result<ExtractCheckReport> CheckExtractFile(const refdata::RefData& refdata, FinancialYear year, Dataset dataset,
                                            const std::string& path) {
  if (refdata.Tariff(year) == nullptr) return MakeError(path, "no tariff for " + year.ToString());
  CSU_ASSIGN_OR_RETURN(text, ReadFile(path));
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto header = reader.Next(fields);
  if (!header.ok()) return MakeError(path, "header: " + header.error().ToString());
  if (!header.value()) return MakeError(path, "empty file");
  RowChecker checker(refdata, year, dataset, fields);
  for (auto column : RequiredColumns(dataset)) {
    if (!checker.Index(column)) return MakeError(path, "missing required column " + std::string(column));
  }
  ExtractCheckReport report;
  auto note = [&](ExtractProblem p) {
    ++report.bad_rows;
    if (report.problems.size() < 1000) report.problems.push_back(std::move(p));
  };
  while (true) {
    auto next = reader.Next(fields);
    if (!next.ok()) {
      ++report.rows;
      note(ExtractProblem{reader.record_line(), "", next.error().why});
      continue;
    }
    if (!next.value()) break;
    ++report.rows;
    if (auto problem = checker.Check(fields, reader.record_line())) note(std::move(*problem));
  }
  return report;
}

Result<ContractsCheckReport> CheckContractsFile(const refdata::RefData& refdata, FinancialYear year,
                                                const std::string& path) {
  CSU_ASSIGN_OR_RETURN(read, contracts::ReadContractsFile(path, refdata));
  ContractsCheckReport report;
  for (const contracts::Contract& c : read) {
    const std::string name = c.commissioner.ToString() + " x " + c.provider.ToString();
    if (c.year != year) return MakeError(path, name + " is for " + c.year.ToString() + ", not " + year.ToString());
    if (c.lines.empty()) return MakeError(path, name + " has no plan line");
    ++report.contracts;
    report.lines += static_cast<int64_t>(c.lines.size());
  }
  return report;
}

}  // namespace csu::synth
