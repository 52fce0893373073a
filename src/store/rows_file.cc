#include "store/rows_file.h"

#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "core/csv_reader.h"
#include "core/text.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

// Text is compressed a frame per kFlushBytes. 1 MiB frames make the demo
// year's APC rows file 0.7% larger than one frame for the whole file (zstd
// level 1 looks back only 512 KiB anyway) and cost less CPU in ingest than
// 4 MiB ones (measured: 0.67 s against 0.73 s a run).
constexpr size_t kFlushBytes = 1 << 20;
// Everything in a row but its variable-length text fields fits in this.
constexpr size_t kFixedRowBytes = 512;

std::string MagicLine(ExtractKind kind) {
  return "opencsu-rows " + std::string(RowsVersion(kind)) + " " + std::string(ingest::KindName(kind));
}

// The formatting below writes through a raw pointer into a buffer that the
// caller has sized for the row: the text is ~150 bytes a row, millions of
// rows, and per-character capacity checks were a third of the cost.

char* PutInt(char* p, int64_t v) { return std::to_chars(p, p + 24, v).ptr; }

char* Put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm), avoiding
// Date::ToString's allocation. Years are 4 digits (validation keeps them in
// 1800..2999).
char* PutDate(char* p, int32_t days) {
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
  int year = static_cast<int>(y);
  if (year < 0 || year > 9999) return PutInt(p, year);  // never for validated dates
  p = Put2(p, year / 100);
  p = Put2(p, year % 100);
  *p++ = '-';
  p = Put2(p, m);
  *p++ = '-';
  return Put2(p, d);
}

char* PutText(char* p, std::string_view v) {
  std::memcpy(p, v.data(), v.size());
  return p + v.size();
}

bool NeedsQuotes(std::string_view v) {
  // A plain loop: string_view::find_first_of searches the set per character.
  bool needs = false;
  for (char c : v) needs |= c == ',' || c == '"' || c == '\r' || c == '\n';
  return needs;
}

// RFC 4180: quote only fields that need it. Needs 2 * size + 2 bytes.
char* PutField(char* p, std::string_view v) {
  if (!NeedsQuotes(v)) return PutText(p, v);
  *p++ = '"';
  for (char c : v) {
    if (c == '"') *p++ = '"';
    *p++ = c;
  }
  *p++ = '"';
  return p;
}

char* PutChar(char* p, char c) {
  if (c != ' ') *p++ = c;
  return p;
}

char* Comma(char* p) {
  *p = ',';
  return p + 1;
}

}  // namespace

std::string_view RowsVersion(ExtractKind kind) { return kind == ExtractKind::kApc ? "v2" : "v1"; }

std::string_view RowsHeader(ExtractKind kind) {
  switch (kind) {
    case ExtractKind::kApc:
      return "patient,age,sex,gp_practice,commissioner,provider,spell_id,admission_date,discharge_date,"
             "admission_method,patient_classification,treatment_function,hrg,primary_diagnosis,primary_procedure,"
             "discharge_method,critical_care_days,rehabilitation_days,palliative_care_days,specialised_service,"
             "unbundled_hrgs,secondary_diagnoses";
    case ExtractKind::kOp:
      return "patient,age,sex,gp_practice,commissioner,provider,attendance_id,appointment_date,first_attendance,"
             "attended,treatment_function,multi_professional,hrg";
    case ExtractKind::kAe:
      return "patient,age,sex,gp_practice,commissioner,provider,attendance_id,arrival,departure,department_type,"
             "arrival_mode,disposal,hrg";
  }
  return "";
}

// Compresses buffers on its own thread, one at a time: Swap() waits for the
// previous buffer to be done, collects its output, and hands over the next.
// Compressing on a thread of our own, rather than with zstd's worker threads,
// spares the caller zstd's copy of every input byte into its job buffers.
class RowsWriter::Compressor {
 public:
  Compressor(int level, size_t buffer_bytes) : cctx_(ZSTD_createCCtx()), job_buf_(buffer_bytes) {
    if (cctx_ == nullptr) throw std::bad_alloc();
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    try {
      thread_ = std::thread([this] { Run(); });
    } catch (const std::system_error&) {
      // No thread to be had: Swap() compresses on the caller's thread.
    }
  }
  ~Compressor() {
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
      }
      job_cv_.notify_one();
      thread_.join();
    }
    ZSTD_freeCCtx(cctx_);
  }

  // Takes [0, size) of `buf` to compress as a frame and gives `buf` back as
  // the buffer the previous call handed over, now free. Returns the
  // compressed output of everything before this buffer; it stays valid until
  // the next Swap() or Drain().
  std::string_view Swap(std::vector<char>& buf, size_t size) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return !busy_; });
    if (!error_.empty()) throw std::runtime_error(error_);
    TakeOutput();
    std::swap(buf, job_buf_);
    job_size_ = size;
    if (!thread_.joinable()) {
      Compress();
      if (!error_.empty()) throw std::runtime_error(error_);
    } else {
      busy_ = true;
      lock.unlock();
      job_cv_.notify_one();
    }
    return {ready_.data(), ready_size_};
  }

  // Waits for the last buffer handed over; returns its output (valid as for Swap).
  std::string_view Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return !busy_; });
    if (!error_.empty()) throw std::runtime_error(error_);
    TakeOutput();
    return {ready_.data(), ready_size_};
  }

 private:
  void Run() {
    for (;;) {
      std::unique_lock<std::mutex> lock(mu_);
      job_cv_.wait(lock, [this] { return busy_ || stop_; });
      if (stop_) return;
      lock.unlock();
      Compress();  // touches only job_buf_, out_, cctx_ and error_, which Swap leaves alone while busy_
      lock.lock();
      busy_ = false;
      lock.unlock();
      done_cv_.notify_one();
    }
  }

  // The output so far becomes ready_; out_ is reused (keeping its memory:
  // a fresh buffer per job cost a page fault per 4 KiB of output).
  void TakeOutput() {
    std::swap(ready_, out_);
    ready_size_ = out_size_;
    out_size_ = 0;
  }

  // Compresses job_buf_[0, job_size_) as one zstd frame onto out_; a zstd
  // failure is kept in error_. Frames are independent, so the compressor
  // reads the buffer in place (streaming into one frame copied every byte
  // into zstd's window first), and each frame header has the content size.
  void Compress() {
    if (job_size_ == 0) return;  // nothing since the last frame
    const size_t bound = ZSTD_compressBound(job_size_);
    if (out_.size() - out_size_ < bound) out_.resize(std::max(2 * out_.size(), out_size_ + bound));
    size_t n = ZSTD_compress2(cctx_, out_.data() + out_size_, bound, job_buf_.data(), job_size_);
    if (ZSTD_isError(n)) {
      error_ = std::string("zstd: ") + ZSTD_getErrorName(n);
      return;
    }
    out_size_ += n;
  }

  ZSTD_CCtx* cctx_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable job_cv_, done_cv_;
  // Guarded by mu_; job_buf_, job_size_, out_ and out_size_ belong to the
  // thread while busy_.
  std::vector<char> job_buf_;
  size_t job_size_ = 0;
  bool busy_ = false;
  bool stop_ = false;
  std::vector<char> out_, ready_;  // output being made; output handed out
  size_t out_size_ = 0, ready_size_ = 0;
  std::string error_;
};

RowsWriter::RowsWriter(ExtractKind kind, std::unique_ptr<WritableFile> file, int zstd_level)
    : file_(std::move(file)),
      compressor_(std::make_unique<Compressor>(zstd_level, kFlushBytes + kFixedRowBytes * 8)),
      text_(kFlushBytes + kFixedRowBytes * 8) {
  std::string head = MagicLine(kind) + "\n" + std::string(RowsHeader(kind)) + "\n";
  std::memcpy(text_.data(), head.data(), head.size());
  used_ = head.size();
}

RowsWriter::~RowsWriter() = default;

char* RowsWriter::Begin(size_t variable_bytes) {
  size_t need = kFixedRowBytes + 2 * variable_bytes;
  if (used_ + need > text_.size()) {
    Compress(false);
    if (need > text_.size()) text_.resize(need);
  }
  return text_.data() + used_;
}

void RowsWriter::End(char* p) {
  *p++ = '\n';
  used_ = static_cast<size_t>(p - text_.data());
  if (used_ >= kFlushBytes) Compress(false);
}

char* RowsWriter::PutDay(char* p, int32_t days) {
  DayText& slot = day_texts_[static_cast<uint32_t>(days) % day_texts_.size()];
  if (slot.days != days) {
    char text[24];
    if (PutDate(text, days) != text + sizeof slot.text) return PutDate(p, days);  // not YYYY-MM-DD: never cached
    std::memcpy(slot.text, text, sizeof slot.text);
    slot.days = days;
  }
  std::memcpy(p, slot.text, sizeof slot.text);
  return p + sizeof slot.text;
}

char* RowsWriter::PutDayTime(char* p, DateTime t) {
  int64_t minutes = t.minutes();
  int64_t days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
  int64_t in_day = minutes - days * 1440;
  p = PutDay(p, static_cast<int32_t>(days));
  *p++ = 'T';
  p = Put2(p, static_cast<int>(in_day / 60));
  *p++ = ':';
  return Put2(p, static_cast<int>(in_day % 60));
}

char* RowsWriter::PutCommon(char* p, const ingest::PatientFields& c) {
  if (c.patient.present) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (uint8_t b : c.patient.bytes) {
      *p++ = kDigits[b >> 4];
      *p++ = kDigits[b & 15];
    }
  }
  p = Comma(p);
  p = PutInt(p, c.age_years);
  p = Comma(p);
  p = PutChar(p, c.sex);
  p = Comma(p);
  p = PutText(p, c.practice.view());
  p = Comma(p);
  p = PutText(p, c.commissioner.view());
  p = Comma(p);
  p = PutText(p, c.provider.view());
  return Comma(p);
}

void RowsWriter::Add(const ingest::ApcRecord& r) {
  size_t secondary_bytes = 0;
  for (const std::string& d : r.secondary_diagnoses) secondary_bytes += d.size() + 1;
  char* p = Begin(r.spell_id.size() + r.admission_method.size() + r.primary_diagnosis.size() +
                  r.primary_procedure.size() + r.specialised_service.size() + 6 * r.unbundled_hrgs.size() +
                  2 * secondary_bytes + 2);
  p = PutCommon(p, r.common);
  p = Comma(PutField(p, r.spell_id));
  p = Comma(PutDay(p, r.admission_date.days()));
  p = Comma(PutDay(p, r.discharge_date.days()));
  p = Comma(PutField(p, r.admission_method));
  p = Comma(PutChar(p, r.patient_classification));
  p = Comma(PutText(p, r.treatment_function.view()));
  p = Comma(PutText(p, r.hrg.view()));
  p = Comma(PutField(p, r.primary_diagnosis));
  p = Comma(PutField(p, r.primary_procedure));
  p = Comma(PutChar(p, r.discharge_method));
  p = Comma(PutInt(p, r.critical_care_days));
  p = Comma(PutInt(p, r.rehabilitation_days));
  p = Comma(PutInt(p, r.palliative_care_days));
  p = Comma(PutField(p, r.specialised_service));
  for (size_t i = 0; i < r.unbundled_hrgs.size(); ++i) {
    if (i > 0) *p++ = ';';
    p = PutText(p, r.unbundled_hrgs[i].view());
  }
  p = Comma(p);
  // Validated codes never need quotes, so they are written straight into the
  // buffer; a record from elsewhere whose codes would need quotes is still
  // written as one correctly quoted field.
  bool quote = false;
  for (const std::string& d : r.secondary_diagnoses) quote |= NeedsQuotes(d);
  if (!quote) {
    for (size_t i = 0; i < r.secondary_diagnoses.size(); ++i) {
      if (i > 0) *p++ = ';';
      p = PutText(p, r.secondary_diagnoses[i]);
    }
  } else {
    std::string joined;
    for (size_t i = 0; i < r.secondary_diagnoses.size(); ++i) {
      if (i > 0) joined += ';';
      joined += r.secondary_diagnoses[i];
    }
    p = PutField(p, joined);
  }
  End(p);
}

void RowsWriter::Add(const ingest::OpRecord& r) {
  char* p = Begin(r.attendance_id.size());
  p = PutCommon(p, r.common);
  p = Comma(PutField(p, r.attendance_id));
  p = Comma(PutDay(p, r.appointment_date.days()));
  p = Comma(PutChar(p, r.first_attendance));
  p = Comma(PutChar(p, r.attended));
  p = Comma(PutText(p, r.treatment_function.view()));
  *p++ = r.multi_professional ? '1' : '0';
  p = Comma(p);
  if (r.hrg) p = PutText(p, r.hrg->view());
  End(p);
}

void RowsWriter::Add(const ingest::AeRecord& r) {
  char* p = Begin(r.attendance_id.size() + r.department_type.size() + r.disposal.size());
  p = PutCommon(p, r.common);
  p = Comma(PutField(p, r.attendance_id));
  p = Comma(PutDayTime(p, r.arrival));
  p = Comma(PutDayTime(p, r.departure));
  p = Comma(PutField(p, r.department_type));
  p = Comma(PutChar(p, r.arrival_mode));
  p = Comma(PutField(p, r.disposal));
  p = PutText(p, r.hrg.view());
  End(p);
}

void RowsWriter::Compress(bool last) {
  Write(compressor_->Swap(text_, used_));
  if (last) Write(compressor_->Drain());
  used_ = 0;
}

void RowsWriter::Write(std::string_view compressed) {
  if (compressed.empty()) return;
  sha_.Update(compressed);
  bytes_ += compressed.size();
  // After a write error keep compressing (the stream must stay valid) but
  // stop writing; Finish() reports the first error.
  if (status_.ok()) status_ = file_->Append(compressed);
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
