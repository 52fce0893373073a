#include "store/rows_file.h"

#include <zstd.h>

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "core/csv_reader.h"
#include "core/text.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

constexpr size_t kFlushBytes = 1 << 20;

std::string MagicLine(ExtractKind kind) { return "opencsu-rows v1 " + std::string(ingest::KindName(kind)); }

void AppendInt(std::string& s, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, end);
}

void Append2(std::string& s, int v) {
  s.push_back(static_cast<char>('0' + v / 10));
  s.push_back(static_cast<char>('0' + v % 10));
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm): the hot
// loop formats two dates per spell, so avoid Date::ToString's allocations.
void AppendDate(std::string& s, int32_t days) {
  int64_t z = int64_t{days} + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  if (m <= 2) ++y;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(y));
  s.append(buf, 4);
  s.push_back('-');
  Append2(s, m);
  s.push_back('-');
  Append2(s, d);
}

void AppendDateTime(std::string& s, DateTime t) {
  int64_t minutes = t.minutes();
  int64_t days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
  int64_t in_day = minutes - days * 1440;
  AppendDate(s, static_cast<int32_t>(days));
  s.push_back('T');
  Append2(s, static_cast<int>(in_day / 60));
  s.push_back(':');
  Append2(s, static_cast<int>(in_day % 60));
}

// RFC 4180: quote only fields that need it.
void AppendField(std::string& s, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    s.append(v);
    return;
  }
  s.push_back('"');
  for (char c : v) {
    if (c == '"') s.push_back('"');
    s.push_back(c);
  }
  s.push_back('"');
}

void AppendChar(std::string& s, char c) {
  if (c != ' ') s.push_back(c);
}

}  // namespace

std::string_view RowsHeader(ExtractKind kind) {
  switch (kind) {
    case ExtractKind::kApc:
      return "patient,age,sex,gp_practice,commissioner,provider,spell_id,admission_date,discharge_date,"
             "admission_method,patient_classification,treatment_function,hrg,primary_diagnosis,primary_procedure,"
             "discharge_method,critical_care_days,rehabilitation_days,palliative_care_days,specialised_service,"
             "unbundled_hrgs";
    case ExtractKind::kOp:
      return "patient,age,sex,gp_practice,commissioner,provider,attendance_id,appointment_date,first_attendance,"
             "attended,treatment_function,multi_professional,hrg";
    case ExtractKind::kAe:
      return "patient,age,sex,gp_practice,commissioner,provider,attendance_id,arrival,departure,department_type,"
             "arrival_mode,disposal,hrg";
  }
  return "";
}

RowsWriter::RowsWriter(ExtractKind kind, std::unique_ptr<WritableFile> file, int zstd_level)
    : file_(std::move(file)), cctx_(ZSTD_createCCtx()) {
  if (cctx_ == nullptr) throw std::bad_alloc();
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, zstd_level);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
  // One worker compresses while this thread formats; output is the same
  // format either way. Ignored if libzstd was built without threads.
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, 1);
  text_.reserve(kFlushBytes + 4096);
  text_ += MagicLine(kind);
  text_ += '\n';
  text_ += RowsHeader(kind);
  text_ += '\n';
}

RowsWriter::~RowsWriter() { ZSTD_freeCCtx(cctx_); }

void RowsWriter::AddCommon(const ingest::PatientFields& p) {
  if (p.patient.present) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (uint8_t b : p.patient.bytes) {
      text_.push_back(kDigits[b >> 4]);
      text_.push_back(kDigits[b & 15]);
    }
  }
  text_.push_back(',');
  AppendInt(text_, p.age_years);
  text_.push_back(',');
  AppendChar(text_, p.sex);
  text_.push_back(',');
  text_.append(p.practice.view());
  text_.push_back(',');
  text_.append(p.commissioner.view());
  text_.push_back(',');
  text_.append(p.provider.view());
  text_.push_back(',');
}

void RowsWriter::EndRow() {
  text_.push_back('\n');
  if (text_.size() >= kFlushBytes) Compress(false);
}

void RowsWriter::Add(const ingest::ApcRecord& r) {
  AddCommon(r.common);
  AppendField(text_, r.spell_id);
  text_.push_back(',');
  AppendDate(text_, r.admission_date.days());
  text_.push_back(',');
  AppendDate(text_, r.discharge_date.days());
  text_.push_back(',');
  AppendField(text_, r.admission_method);
  text_.push_back(',');
  AppendChar(text_, r.patient_classification);
  text_.push_back(',');
  text_.append(r.treatment_function.view());
  text_.push_back(',');
  text_.append(r.hrg.view());
  text_.push_back(',');
  AppendField(text_, r.primary_diagnosis);
  text_.push_back(',');
  AppendField(text_, r.primary_procedure);
  text_.push_back(',');
  AppendChar(text_, r.discharge_method);
  text_.push_back(',');
  AppendInt(text_, r.critical_care_days);
  text_.push_back(',');
  AppendInt(text_, r.rehabilitation_days);
  text_.push_back(',');
  AppendInt(text_, r.palliative_care_days);
  text_.push_back(',');
  AppendField(text_, r.specialised_service);
  text_.push_back(',');
  for (size_t i = 0; i < r.unbundled_hrgs.size(); ++i) {
    if (i > 0) text_.push_back(';');
    text_.append(r.unbundled_hrgs[i].view());
  }
  EndRow();
}

void RowsWriter::Add(const ingest::OpRecord& r) {
  AddCommon(r.common);
  AppendField(text_, r.attendance_id);
  text_.push_back(',');
  AppendDate(text_, r.appointment_date.days());
  text_.push_back(',');
  AppendChar(text_, r.first_attendance);
  text_.push_back(',');
  AppendChar(text_, r.attended);
  text_.push_back(',');
  text_.append(r.treatment_function.view());
  text_.push_back(',');
  text_.push_back(r.multi_professional ? '1' : '0');
  text_.push_back(',');
  if (r.hrg) text_.append(r.hrg->view());
  EndRow();
}

void RowsWriter::Add(const ingest::AeRecord& r) {
  AddCommon(r.common);
  AppendField(text_, r.attendance_id);
  text_.push_back(',');
  AppendDateTime(text_, r.arrival);
  text_.push_back(',');
  AppendDateTime(text_, r.departure);
  text_.push_back(',');
  AppendField(text_, r.department_type);
  text_.push_back(',');
  AppendChar(text_, r.arrival_mode);
  text_.push_back(',');
  AppendField(text_, r.disposal);
  text_.push_back(',');
  text_.append(r.hrg.view());
  EndRow();
}

void RowsWriter::Compress(bool last) {
  ZSTD_inBuffer in{text_.data(), text_.size(), 0};
  ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
  out_.resize(ZSTD_CStreamOutSize());
  while (true) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
    if (ZSTD_isError(remaining)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(remaining));
    if (out.pos > 0) {
      std::string_view chunk(out_.data(), out.pos);
      sha_.Update(chunk);
      bytes_ += chunk.size();
      // After a write error keep compressing (the stream must stay valid)
      // but stop writing; Finish() reports the first error.
      if (status_.ok()) status_ = file_->Append(chunk);
    }
    bool done = last ? remaining == 0 : in.pos == in.size;
    if (done) break;
  }
  text_.clear();
}

Result<RowsFileInfo> RowsWriter::Finish() {
  Compress(true);
  if (status_.ok()) status_ = file_->Sync();
  Status closed = file_->Close();
  if (status_.ok()) status_ = closed;
  if (!status_.ok()) return status_.error();
  return RowsFileInfo{bytes_, sha_.Finish()};
}

Result<std::string> DecompressRows(std::string_view file_bytes, const std::string& path,
                                   const std::optional<std::string>& expected_sha256_hex) {
  if (expected_sha256_hex) {
    std::string actual = Sha256Hex(file_bytes);
    if (actual != *expected_sha256_hex) {
      return MakeError(path, "rows file damaged: checksum mismatch (SHA-256 " + actual.substr(0, 12) +
                                 "... is not the catalog's " + expected_sha256_hex->substr(0, 12) + "...)");
    }
  }
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  std::string text;
  std::vector<char> buf(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{file_bytes.data(), file_bytes.size(), 0};
  size_t last = 0;
  while (true) {
    ZSTD_outBuffer out{buf.data(), buf.size(), 0};
    last = ZSTD_decompressStream(dctx.get(), &out, &in);
    if (ZSTD_isError(last)) return MakeError(path, std::string("rows file damaged: ") + ZSTD_getErrorName(last));
    text.append(buf.data(), out.pos);
    // Done when the input is used up and zstd did not fill the buffer
    // (a full buffer may mean more output is pending).
    if (in.pos == in.size && out.pos < out.size) break;
  }
  if (last != 0) return MakeError(path, "rows file damaged: truncated zstd stream");
  return text;
}

}  // namespace csu::store
