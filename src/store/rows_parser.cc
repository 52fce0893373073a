// ParseRows (declared in rows_file.h): the inverse of RowsWriter. The rows
// file was written by the store, so anything unexpected is damage, reported
// with the line and field rather than skipped.
#include <string>
#include <vector>

#include "core/csv_reader.h"
#include "core/text.h"
#include "store/rows_file.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads the fields of one record in order, keeping the first problem.
class FieldCursor {
 public:
  FieldCursor(const std::vector<std::string_view>& fields, const std::vector<std::string_view>& names)
      : fields_(fields), names_(names) {}

  const std::string& problem() const { return problem_; }

  std::string_view Text() { return i_ < fields_.size() ? fields_[i_++] : (i_++, std::string_view()); }

  void Fail(const std::string& why) {
    if (problem_.empty()) problem_ = std::string(names_[i_ - 1]) + ": " + why;
  }

  ingest::Pseudonym Patient() {
    ingest::Pseudonym p;
    std::string_view v = Text();
    if (v.empty()) return p;
    if (v.size() != 64) {
      Fail("not a 64-digit pseudonym");
      return p;
    }
    for (size_t k = 0; k < 32; ++k) {
      int hi = HexValue(v[2 * k]), lo = HexValue(v[2 * k + 1]);
      if (hi < 0 || lo < 0) {
        Fail("not a 64-digit pseudonym");
        return p;
      }
      p.bytes[k] = static_cast<uint8_t>(hi * 16 + lo);
    }
    p.present = true;
    return p;
  }

  int64_t Int(int64_t lo, int64_t hi) {
    std::optional<int64_t> v = ParseInt(Text());
    if (!v || *v < lo || *v > hi) {
      Fail("not a whole number in " + std::to_string(lo) + ".." + std::to_string(hi));
      return 0;
    }
    return *v;
  }

  // A one-character code, an ASCII letter or digit as validation leaves
  // them; empty reads as ' ' (absent) when allowed. Anything else (a space,
  // a comma, a quote) is damage, and could not be written back as it came.
  char Char(bool optional) {
    std::string_view v = Text();
    if (v.empty() && optional) return ' ';
    const bool code = v.size() == 1 && ((v[0] >= '0' && v[0] <= '9') || (v[0] >= 'A' && v[0] <= 'Z') ||
                                        (v[0] >= 'a' && v[0] <= 'z'));
    if (!code) Fail("not a one-character code (a letter or digit)");
    return code ? v[0] : ' ';
  }

  template <typename Code>
  Code Parsed() {
    auto r = Code::Parse(Text());
    if (!r.ok()) {
      Fail(r.error().why);
      return Code();
    }
    return r.value();
  }

  Date DateValue() {
    auto r = Date::Parse(Text());
    if (!r.ok()) Fail(r.error().why);
    return r.ok() ? r.value() : Date();
  }

  DateTime DateTimeValue() {
    auto r = DateTime::Parse(Text());
    if (!r.ok()) Fail(r.error().why);
    return r.ok() ? r.value() : DateTime();
  }

  void Common(ingest::PatientFields& p) {
    p.patient = Patient();
    p.age_years = static_cast<uint8_t>(Int(0, 255));
    p.sex = Char(false);
    p.practice = Parsed<OdsCode>();
    p.commissioner = Parsed<OdsCode>();
    p.provider = Parsed<OdsCode>();
  }

 private:
  const std::vector<std::string_view>& fields_;
  const std::vector<std::string_view>& names_;
  size_t i_ = 0;
  std::string problem_;
};

}  // namespace

Result<int64_t> ParseRows(std::string_view text, ExtractKind kind, const std::string& path, ingest::RecordSink& sink) {
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto at = [&] { return path + ":" + std::to_string(reader.record_line()); };

  auto magic = reader.Next(fields);
  const std::string kind_name(ingest::KindName(kind));
  const std::string expected_magic = "opencsu-rows " + std::string(RowsVersion(kind)) + " " + kind_name;
  // APC rows files written before secondary diagnoses were kept are v1: the
  // same columns without the last one (docs/store-format.md §3).
  const bool apc_v1 = kind == ExtractKind::kApc && magic.ok() && magic.value() && fields.size() == 1 &&
                      fields[0] == "opencsu-rows v1 apc";
  if (!magic.ok() || !magic.value() || fields.size() != 1 || (fields[0] != expected_magic && !apc_v1)) {
    return MakeError(path + ":1", "rows file damaged: first line is not \"" + expected_magic + "\"" +
                                      (kind == ExtractKind::kApc ? " or \"opencsu-rows v1 apc\"" : ""));
  }
  const std::string version = apc_v1 ? "v1" : std::string(RowsVersion(kind));
  auto header = reader.Next(fields);
  std::vector<std::string_view> names = Split(RowsHeader(kind), ',');
  if (apc_v1) names.pop_back();  // secondary_diagnoses
  if (!header.ok() || !header.value() || fields != names) {
    return MakeError(path + ":2", "rows file damaged: the header row is not the rows " + version + " " + kind_name +
                                      " header");
  }

  ingest::ApcRecord apc;
  ingest::OpRecord op;
  ingest::AeRecord ae;
  int64_t records = 0;
  while (true) {
    auto got = reader.Next(fields);
    if (!got.ok()) return MakeError(at(), "rows file damaged: " + got.error().why);
    if (!got.value()) break;
    if (fields.size() != names.size()) {
      return MakeError(at(), "rows file damaged: " + std::to_string(fields.size()) + " fields, expected " +
                                 std::to_string(names.size()));
    }
    FieldCursor f(fields, names);
    switch (kind) {
      case ExtractKind::kApc: {
        f.Common(apc.common);
        apc.spell_id = f.Text();
        apc.admission_date = f.DateValue();
        apc.discharge_date = f.DateValue();
        apc.admission_method = f.Text();
        apc.patient_classification = f.Char(false);
        apc.treatment_function = f.Parsed<TreatmentFunctionCode>();
        apc.hrg = f.Parsed<HrgCode>();
        apc.primary_diagnosis = f.Text();
        apc.primary_procedure = f.Text();
        apc.discharge_method = f.Char(true);
        apc.critical_care_days = static_cast<int32_t>(f.Int(0, INT32_MAX));
        apc.rehabilitation_days = static_cast<int32_t>(f.Int(0, INT32_MAX));
        apc.palliative_care_days = static_cast<int32_t>(f.Int(0, INT32_MAX));
        apc.specialised_service = f.Text();
        apc.unbundled_hrgs.clear();
        std::string_view unbundled = f.Text();
        if (!unbundled.empty()) {
          for (std::string_view code : Split(unbundled, ';')) {
            auto h = HrgCode::Parse(code);
            if (!h.ok()) f.Fail(h.error().why);
            else apc.unbundled_hrgs.push_back(h.value());
          }
        }
        apc.secondary_diagnoses.clear();
        if (!apc_v1) {
          std::string_view secondary = f.Text();
          if (!secondary.empty()) {
            for (std::string_view code : Split(secondary, ';')) {
              if (!ingest::IsIcd10Shape(code)) f.Fail("not a list of ICD-10 codes separated by ';'");
              else apc.secondary_diagnoses.emplace_back(code);
            }
            if (apc.secondary_diagnoses.size() > ingest::kMaxSecondaryDiagnoses) {
              f.Fail("more than " + std::to_string(ingest::kMaxSecondaryDiagnoses) + " codes");
            }
          }
        }
        if (f.problem().empty()) sink.AddApc(apc);
        break;
      }
      case ExtractKind::kOp: {
        f.Common(op.common);
        op.attendance_id = f.Text();
        op.appointment_date = f.DateValue();
        op.first_attendance = f.Char(false);
        op.attended = f.Char(false);
        op.treatment_function = f.Parsed<TreatmentFunctionCode>();
        op.multi_professional = f.Int(0, 1) == 1;
        std::string_view hrg = f.Text();
        op.hrg.reset();
        if (!hrg.empty()) {
          auto h = HrgCode::Parse(hrg);
          if (!h.ok()) f.Fail(h.error().why);
          else op.hrg = h.value();
        }
        if (f.problem().empty()) sink.AddOp(op);
        break;
      }
      case ExtractKind::kAe: {
        f.Common(ae.common);
        ae.attendance_id = f.Text();
        ae.arrival = f.DateTimeValue();
        ae.departure = f.DateTimeValue();
        ae.department_type = f.Text();
        ae.arrival_mode = f.Char(true);
        ae.disposal = f.Text();
        ae.hrg = f.Parsed<HrgCode>();
        if (f.problem().empty()) sink.AddAe(ae);
        break;
      }
    }
    if (!f.problem().empty()) return MakeError(at(), "rows file damaged: " + f.problem());
    ++records;
  }
  return records;
}

}  // namespace csu::store
