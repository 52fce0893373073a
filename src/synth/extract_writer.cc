#include "synth/extract_writer.h"

#include <array>
#include <cstring>

#include "synth/secondary_diagnoses.h"

namespace csu::synth {
namespace {

constexpr int32_t kFirstYear = 1880;
constexpr int32_t kLastYear = 2040;

// "YYYY-MM-DD" for every day of kFirstYear..kLastYear, built once.
class DateTable {
 public:
  DateTable() {
    first_ = Date::FromYmd(kFirstYear, 1, 1);
    const Date last = Date::FromYmd(kLastYear, 12, 31);
    text_.resize(static_cast<size_t>(last - first_ + 1) * 10);
    char* p = text_.data();
    for (int32_t y = kFirstYear; y <= kLastYear; ++y) {
      for (int32_t m = 1; m <= 12; ++m) {
        for (int32_t d = 1; d <= Date::DaysInMonth(y, m); ++d) {
          p[0] = static_cast<char>('0' + y / 1000);
          p[1] = static_cast<char>('0' + y / 100 % 10);
          p[2] = static_cast<char>('0' + y / 10 % 10);
          p[3] = static_cast<char>('0' + y % 10);
          p[4] = '-';
          p[5] = static_cast<char>('0' + m / 10);
          p[6] = static_cast<char>('0' + m % 10);
          p[7] = '-';
          p[8] = static_cast<char>('0' + d / 10);
          p[9] = static_cast<char>('0' + d % 10);
          p += 10;
        }
      }
    }
  }
  bool Covers(Date d) const { return d >= first_ && static_cast<size_t>(d - first_) * 10 < text_.size(); }
  std::string_view Get(Date d) const { return std::string_view(text_.data() + static_cast<size_t>(d - first_) * 10, 10); }

 private:
  Date first_;
  std::string text_;
};

const DateTable& Dates() {
  static const DateTable kTable;
  return kTable;
}

void AppendUint(std::string& out, uint64_t v, int min_digits = 1) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n < min_digits) buf[n++] = '0';
  while (n > 0) out.push_back(buf[--n]);
}

void AppendNhsNumber(std::string& out, uint64_t number, uint8_t flags) {
  if (flags & kIdNoNhsNumber) return;
  char d[10];
  for (int i = 9; i >= 0; --i) {
    d[i] = static_cast<char>('0' + number % 10);
    number /= 10;
  }
  if (flags & kIdSpaced) {
    out.append(d, 3);
    out.push_back(' ');
    out.append(d + 3, 3);
    out.push_back(' ');
    out.append(d + 6, 4);
  } else {
    out.append(d, 10);
  }
}

// nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,<id>,
void AppendCommon(std::string& out, const Patient& p, uint8_t flags, const RowContext& ctx, uint16_t provider,
                  int64_t seq) {
  AppendNhsNumber(out, p.nhs_number, flags);
  out.push_back(',');
  AppendDate(out, p.date_of_birth);
  out.push_back(',');
  out.push_back(p.sex_code);
  out.push_back(',');
  out.append(flags & kIdUnregistered ? std::string_view("V81999") : ctx.practice);
  out.push_back(',');
  out.append(ctx.commissioner);
  out.push_back(',');
  out.append((*ctx.provider_codes)[provider]);
  out.push_back(',');
  out.append(ctx.practice);
  out.push_back('-');
  AppendUint(out, static_cast<uint64_t>(seq), 6);
  out.push_back(',');
}

}  // namespace

std::string_view DatasetName(Dataset d) {
  switch (d) {
    case Dataset::kApc: return "apc";
    case Dataset::kOp: return "op";
    case Dataset::kAe: return "ae";
  }
  return "";
}

const std::vector<std::string_view>& ExtractColumns(Dataset d) {
  static const std::vector<std::string_view> kApc = {
      "nhs_number",        "date_of_birth",       "sex",
      "gp_practice",       "commissioner",        "provider",
      "spell_id",          "admission_date",      "discharge_date",
      "admission_method",  "patient_classification", "treatment_function",
      "hrg",               "primary_diagnosis",   "primary_procedure",
      "discharge_method",  "critical_care_days",  "rehabilitation_days",
      "palliative_care_days", "specialised_service", "unbundled_hrgs", "secondary_diagnoses"};
  static const std::vector<std::string_view> kOp = {
      "nhs_number",    "date_of_birth",    "sex",      "gp_practice",        "commissioner",
      "provider",      "attendance_id",    "appointment_date", "first_attendance", "attended",
      "treatment_function", "multi_professional", "hrg"};
  static const std::vector<std::string_view> kAe = {
      "nhs_number", "date_of_birth", "sex",     "gp_practice", "commissioner",
      "provider",   "attendance_id", "arrival", "departure",   "department_type",
      "arrival_mode", "disposal",    "hrg"};
  switch (d) {
    case Dataset::kApc: return kApc;
    case Dataset::kOp: return kOp;
    case Dataset::kAe: return kAe;
  }
  return kApc;
}

void AppendDate(std::string& out, Date d) {
  const DateTable& t = Dates();
  if (t.Covers(d)) {
    out.append(t.Get(d));
  } else {
    out.append(d.ToString());
  }
}

void AppendDateTime(std::string& out, DateTime t) {
  const int64_t minutes = t.minutes();
  const int64_t day = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
  const auto in_day = static_cast<int32_t>(minutes - day * 1440);
  AppendDate(out, Date::FromDays(static_cast<int32_t>(day)));
  out.push_back('T');
  AppendUint(out, static_cast<uint64_t>(in_day / 60), 2);
  out.push_back(':');
  AppendUint(out, static_cast<uint64_t>(in_day % 60), 2);
}

void AppendSpellRow(std::string& out, const SpellRow& s, const Patient& p, const RowContext& ctx, int64_t seq) {
  AppendCommon(out, p, s.id_flags, ctx, s.provider, seq);
  AppendDate(out, s.admission);
  out.push_back(',');
  AppendDate(out, s.discharge);
  out.push_back(',');
  out.append(s.method, 2);
  out.push_back(',');
  out.push_back(s.classification);
  out.push_back(',');
  out.append(s.tfc.view());
  out.push_back(',');
  out.append(s.hrg.view());
  out.push_back(',');
  out.append(s.diagnosis);
  out.push_back(',');
  out.append(s.procedure);
  out.push_back(',');
  out.push_back(s.discharge_method);
  out.push_back(',');
  AppendUint(out, static_cast<uint64_t>(s.critical_care_days));
  out.push_back(',');
  AppendUint(out, static_cast<uint64_t>(s.rehabilitation_days));
  out.push_back(',');
  AppendUint(out, static_cast<uint64_t>(s.palliative_care_days));
  out.push_back(',');
  out.append(s.pss_flag);
  out.push_back(',');
  out.append(s.unbundled.view());
  out.push_back(',');
  for (uint8_t i = 0; i < s.secondary_count; ++i) {
    if (i > 0) out.push_back(';');
    out.append(SecondaryDiagnosisCode(s.secondary[i]));
  }
}

void AppendOpRow(std::string& out, const OpRow& o, const Patient& p, const RowContext& ctx, int64_t seq) {
  AppendCommon(out, p, o.id_flags, ctx, o.provider, seq);
  AppendDate(out, o.date);
  out.push_back(',');
  out.push_back(o.first_attendance);
  out.push_back(',');
  out.push_back(o.attended);
  out.push_back(',');
  out.append(o.tfc.view());
  out.push_back(',');
  out.push_back(o.multi_professional ? '1' : '0');
  out.push_back(',');
  out.append(o.hrg.view());
}

void AppendAeRow(std::string& out, const AeRow& a, const Patient& p, const RowContext& ctx, int64_t seq) {
  AppendCommon(out, p, a.id_flags, ctx, a.provider, seq);
  AppendDateTime(out, a.arrival);
  out.push_back(',');
  AppendDateTime(out, a.departure);
  out.push_back(',');
  out.append(a.department_type, 2);
  out.push_back(',');
  out.push_back(a.arrival_mode);
  out.push_back(',');
  out.append(a.disposal, 2);
  out.push_back(',');
  out.append(a.hrg.view());
}

ExtractFile::ExtractFile(const std::string& dir, Dataset dataset)
    : dataset_(dataset),
      path_(dir + "/" + std::string(DatasetName(dataset)) + ".csv"),
      writer_(path_) {}

Status ExtractFile::Open() {
  Status st = writer_.Open();
  if (!st.ok()) return st;
  std::string header;
  for (auto c : ExtractColumns(dataset_)) {
    if (!header.empty()) header.push_back(',');
    header.append(c);
  }
  header.push_back('\n');
  writer_.Append(header);
  return Status::Ok();
}

void ExtractFile::AppendRow(std::string_view row) {
  writer_.Append(row);
  writer_.Append("\n");
  ++rows_;
  last_row_.assign(row);
}

Status ExtractFile::Commit() { return writer_.Commit(); }

}  // namespace csu::synth
